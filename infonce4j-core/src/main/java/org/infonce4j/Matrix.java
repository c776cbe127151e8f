package org.infonce4j;

import java.util.Arrays;

/**
 * A dense row-major float32 matrix: {@code rows x cols} values in {@code data}, row {@code i}
 * at {@code data[i * cols .. (i + 1) * cols)}.
 *
 * <p>The record does not copy {@code data}; callers that hand a matrix to another owner and keep
 * writing into the array should pass {@link #copy()}.
 *
 * @param rows number of rows, at least 0
 * @param cols number of columns, at least 0
 * @param data the values, exactly {@code rows * cols} of them
 */
public record Matrix(int rows, int cols, float[] data) {

  /**
   * Checks the shape: non-negative, with exactly {@code rows * cols} values.
   *
   * @param rows number of rows, at least 0
   * @param cols number of columns, at least 0
   * @param data the values, exactly {@code rows * cols} of them (not copied)
   */
  public Matrix {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("matrix shape must be non-negative, got " + rows + " x " + cols);
    }
    if (data == null) {
      throw new IllegalArgumentException("matrix data is null");
    }
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException(
          "matrix " + rows + " x " + cols + " needs " + ((long) rows * cols) + " values, got " + data.length);
    }
  }

  /**
   * A zero matrix.
   *
   * @param rows number of rows
   * @param cols number of columns
   * @return a new matrix of zeros
   */
  public static Matrix zeros(int rows, int cols) {
    return new Matrix(rows, cols, new float[Math.multiplyExact(rows, cols)]);
  }

  /**
   * Copies a jagged {@code float[rows][cols]} array; every row must have the same length.
   *
   * @param values the values, row by row
   * @return a new matrix holding a copy of them
   */
  public static Matrix of(float[][] values) {
    int rows = values.length;
    int cols = rows == 0 ? 0 : values[0].length;
    float[] data = new float[Math.multiplyExact(rows, cols)];
    for (int i = 0; i < rows; i++) {
      if (values[i].length != cols) {
        throw new IllegalArgumentException("row " + i + " has " + values[i].length + " values, expected " + cols);
      }
      System.arraycopy(values[i], 0, data, i * cols, cols);
    }
    return new Matrix(rows, cols, data);
  }

  /**
   * The value at {@code (row, col)}.
   *
   * @param row the row index
   * @param col the column index
   * @return the value
   */
  public float get(int row, int col) {
    return data[row * cols + col];
  }

  /**
   * A copy of row {@code i}.
   *
   * @param i the row index
   * @return a new array of {@code cols} values
   */
  public float[] row(int i) {
    return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
  }

  /**
   * A matrix of the same shape with its own copy of the values.
   *
   * @return the copy
   */
  public Matrix copy() {
    return new Matrix(rows, cols, data.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Matrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Matrix[" + rows + " x " + cols + "]";
  }
}
