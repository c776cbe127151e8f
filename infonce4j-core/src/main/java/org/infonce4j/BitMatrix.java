package org.infonce4j;

import java.util.Arrays;

/**
 * A dense {@code rows x cols} boolean matrix packed 64 entries to a {@code long}, row by row
 * (each row starts on a fresh word). Used for positive masks and excluded-candidate masks.
 * Immutable once built; build with {@link #builder(int, int)} or {@link #of(boolean[][])}.
 */
public final class BitMatrix {
  private final int rows;
  private final int cols;
  private final int wordsPerRow;
  private final long[] words; // rows x wordsPerRow

  private BitMatrix(int rows, int cols, long[] words) {
    this.rows = rows;
    this.cols = cols;
    this.wordsPerRow = wordsPerRow(cols);
    this.words = words;
  }

  private static int wordsPerRow(int cols) {
    return (cols + 63) >>> 6;
  }

  /**
   * A builder of an all-false {@code rows x cols} matrix.
   *
   * @param rows the number of rows, at least 0
   * @param cols the number of columns, at least 0
   * @return the builder
   */
  public static Builder builder(int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("mask shape must be non-negative, got " + rows + " x " + cols);
    }
    return new Builder(rows, cols);
  }

  /**
   * Copies a jagged boolean array; every row must have the same length.
   *
   * @param values the entries, row by row
   * @return the packed matrix
   */
  public static BitMatrix of(boolean[][] values) {
    int rows = values.length;
    int cols = rows == 0 ? 0 : values[0].length;
    Builder b = builder(rows, cols);
    for (int i = 0; i < rows; i++) {
      if (values[i].length != cols) {
        throw new IllegalArgumentException("mask row " + i + " has " + values[i].length + " entries, expected " + cols);
      }
      for (int j = 0; j < cols; j++) {
        if (values[i][j]) {
          b.set(i, j);
        }
      }
    }
    return b.build();
  }

  /**
   * The identity pattern: true exactly on the diagonal of a {@code n x n} mask.
   *
   * @param n the number of rows and columns
   * @return the identity mask
   */
  public static BitMatrix identity(int n) {
    Builder b = builder(n, n);
    for (int i = 0; i < n; i++) {
      b.set(i, i);
    }
    return b.build();
  }

  /**
   * The number of rows.
   *
   * @return the number of rows
   */
  public int rows() {
    return rows;
  }

  /**
   * The number of columns.
   *
   * @return the number of columns
   */
  public int cols() {
    return cols;
  }

  /**
   * The entry at {@code (row, col)}.
   *
   * @param row the row index
   * @param col the column index
   * @return whether the entry is true
   * @throws IndexOutOfBoundsException when the position is outside the matrix
   */
  public boolean get(int row, int col) {
    if (row < 0 || row >= rows || col < 0 || col >= cols) {
      throw new IndexOutOfBoundsException("(" + row + ", " + col + ") is outside a " + rows + " x " + cols + " mask");
    }
    return (words[row * wordsPerRow + (col >>> 6)] & (1L << col)) != 0;
  }

  /**
   * Number of true entries in {@code row}.
   *
   * @param row the row index
   * @return how many of its entries are true
   */
  public int rowCount(int row) {
    int n = 0;
    int base = row * wordsPerRow;
    for (int w = 0; w < wordsPerRow; w++) {
      n += Long.bitCount(words[base + w]);
    }
    return n;
  }

  /**
   * The first true column of {@code row} at or after {@code from}, or -1. Iterate a row with
   * {@code for (int j = m.nextSet(i, 0); j >= 0; j = m.nextSet(i, j + 1))}.
   *
   * @param row the row index
   * @param from the first column to look at, at least 0
   * @return the column, or -1 when no true entry is left in the row
   */
  public int nextSet(int row, int from) {
    if (row < 0 || row >= rows || from < 0) {
      throw new IndexOutOfBoundsException("row " + row + ", column " + from + " of a " + rows + " x " + cols + " mask");
    }
    if (from >= cols) {
      return -1;
    }
    int base = row * wordsPerRow;
    int w = from >>> 6;
    long word = words[base + w] & (-1L << from);
    while (true) {
      if (word != 0) {
        int j = (w << 6) + Long.numberOfTrailingZeros(word);
        return j < cols ? j : -1;
      }
      if (++w == wordsPerRow) {
        return -1;
      }
      word = words[base + w];
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BitMatrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.words, words);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    return "BitMatrix[" + rows + " x " + cols + "]";
  }

  /** Collects true entries; {@link #build()} hands the bits over and the builder must not be reused. */
  public static final class Builder {
    private final int rows;
    private final int cols;
    private long[] words;

    private Builder(int rows, int cols) {
      this.rows = rows;
      this.cols = cols;
      this.words = new long[Math.multiplyExact(rows, wordsPerRow(cols))];
    }

    /**
     * Sets the entry at {@code (row, col)} to true.
     *
     * @param row the row index
     * @param col the column index
     * @return this builder
     */
    public Builder set(int row, int col) {
      if (row < 0 || row >= rows || col < 0 || col >= cols) {
        throw new IllegalArgumentException("(" + row + ", " + col + ") is outside a " + rows + " x " + cols + " mask");
      }
      words[row * wordsPerRow(cols) + (col >>> 6)] |= 1L << col;
      return this;
    }

    /**
     * The matrix of the entries set so far; the builder is spent.
     *
     * @return the matrix
     */
    public BitMatrix build() {
      long[] w = words;
      words = null;
      if (w == null) {
        throw new IllegalStateException("builder already used");
      }
      return new BitMatrix(rows, cols, w);
    }
  }
}
