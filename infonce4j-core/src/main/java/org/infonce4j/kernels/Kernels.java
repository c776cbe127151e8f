package org.infonce4j.kernels;

/**
 * The numeric kernels of the tiled InfoNCE engine: the three matrix products of the forward and
 * backward passes and the row/column soft-max passes. Two implementations exist,
 * {@link ScalarKernels} (plain Java) and a Panama one (jdk.incubator.vector) that
 * {@link KernelProvider} loads by name only when the vector module is readable.
 *
 * <p>Kernels assume valid input (house rule 1): the engine has checked shapes and values.
 * Layouts are row-major. {@code depth} is the padded feature width, a multiple of {@link #PAD}, so
 * vector bodies never need a tail along the feature axis; {@code ld} is a row stride, at least
 * {@code depth} (see {@link #rowStride(int)}). Logit tiles always have row stride {@link #TILE}: a
 * constant stride lets the JIT prove the tile's indices in range once per loop instead of once per
 * load.
 *
 * <p>Excluded logits are {@code -Infinity}: every kernel treats them as absent (their
 * exponential is exactly 0 and they add nothing to any sum).
 */
public interface Kernels {

  /** Feature widths are padded with zeros to a multiple of this (covers 4, 8 and 16 float lanes). */
  int PAD = 16;

  /** Columns of a logit tile, and the row stride of every tile the kernels read or write. */
  int TILE = 256;

  /**
   * The row stride for rows of {@code depth} floats: {@code depth}, plus one {@link #PAD} when that
   * makes the stride an odd number of 64-byte lines. A stride of a power-of-two size (256 floats =
   * 1 KiB) maps the rows a kernel walks down onto a few cache sets and thrashes L1; an odd number of
   * lines spreads them over all sets.
   *
   * @param depth the padded feature width, a multiple of {@link #PAD}
   * @return the row stride to allocate, {@code depth} or {@code depth + PAD}
   */
  static int rowStride(int depth) {
    return (depth / PAD) % 2 == 0 ? depth + PAD : depth;
  }

  /**
   * A short name for logs and provenance: "scalar" or "panama".
   *
   * @return "scalar" or "panama"
   */
  String name();

  /**
   * A one-line description: implementation, vector width.
   *
   * @return the implementation and its vector width, for logs
   */
  String description();

  /**
   * Columns per packed panel. {@link #pack} lays candidates out in panels of this many columns so
   * that {@link #dotTile} reads them contiguously, and {@link #chunk} cuts the feature axis into
   * chunks of this width for {@link #addProduct}. Divides {@link #TILE}.
   *
   * @return the panel width NR, a divisor of {@link #TILE}
   */
  int panelWidth();

  /**
   * Packs rows of a row-major matrix {@code src} ({@code rows x depth}, row stride {@code ld}) into
   * panels: panel p holds rows {@code [p*NR, (p+1)*NR)} as {@code depth x NR} (k-major), rows past
   * {@code rows} padded with zeros. Writes panels {@code [p0, p1)} of {@code dst}, which holds
   * {@code ceil(rows/NR) * NR * depth} values.
   *
   * @param src the row-major matrix to pack
   * @param rows its number of rows
   * @param depth the padded feature width
   * @param ld the row stride of {@code src}
   * @param dst the packed panels, {@code ceil(rows/NR) * NR * depth} values
   * @param p0 the first panel to write
   * @param p1 one past the last panel to write
   */
  default void pack(float[] src, int rows, int depth, int ld, float[] dst, int p0, int p1) {
    int nr = panelWidth();
    for (int p = p0; p < p1; p++) {
      int base = p * nr * depth; // panel p: depth x nr
      for (int jj = 0; jj < nr; jj++) {
        int row = p * nr + jj;
        for (int k = 0; k < depth; k++) {
          dst[base + k * nr + jj] = row < rows ? src[row * ld + k] : 0f;
        }
      }
    }
  }

  /**
   * Copies rows of a row-major matrix {@code src} ({@code rows x depth}, row stride {@code ld}) into
   * chunk-major order: the feature axis is cut into chunks of {@link #panelWidth()} columns (the
   * last may be narrower, a multiple of {@link #PAD}); the chunk starting at column {@code c0}
   * starts at {@code c0 * rows} and holds row t's slice at {@code t * width}. Writes rows
   * {@code [t0, t1)} of {@code dst}, which holds {@code rows * depth} values.
   *
   * @param src the row-major matrix to copy
   * @param rows its number of rows
   * @param depth the padded feature width
   * @param ld the row stride of {@code src}
   * @param dst the chunk-major copy, {@code rows * depth} values
   * @param t0 the first row to copy
   * @param t1 one past the last row to copy
   */
  default void chunk(float[] src, int rows, int depth, int ld, float[] dst, int t0, int t1) {
    int nr = panelWidth();
    for (int c0 = 0; c0 < depth; c0 += nr) {
      int width = Math.min(nr, depth - c0);
      int base = c0 * rows; // chunk: rows x width
      for (int t = t0; t < t1; t++) {
        System.arraycopy(src, t * ld + c0, dst, base + t * width, width);
      }
    }
  }

  /**
   * The logit tile {@code out[r][c] = sum_k a[r][k] * b[c][k]}: {@code rows} rows of {@code a}
   * (row stride {@code lda}, from {@code aOff}) against {@code panels} packed panels of {@code b}
   * (from {@code bOff}); {@code out} is {@code rows x (panels * NR)}, row stride {@link #TILE}.
   *
   * @param a the row-major left operand
   * @param aOff the offset of its first row
   * @param lda the row stride of {@code a}
   * @param rows the rows of {@code a} in the tile
   * @param b the {@link #pack}ed right operand
   * @param bOff the offset of its first panel
   * @param panels how many panels of {@code b} the tile spans
   * @param depth the padded feature width
   * @param out the tile, row stride {@link #TILE}, overwritten
   */
  void dotTile(float[] a, int aOff, int lda, int rows, float[] b, int bOff, int panels, int depth, float[] out);

  /**
   * {@code out[r][k] += sum_{t < n} g[r][t] * b[b0 + t][k]} for {@code r < rows}, the backward
   * product {@code dA += G C}: {@code g} is a tile ({@code rows x n}); {@code b} a {@link #chunk}ed
   * matrix of {@code bRows} rows; {@code out} row-major from {@code outOff}, row stride {@code ldo}.
   *
   * @param g the gradient tile, {@code rows x n}, row stride {@link #TILE}
   * @param rows the rows of the tile
   * @param n the columns of the tile
   * @param b the {@link #chunk}ed matrix
   * @param bRows the number of rows of {@code b}
   * @param b0 the row of {@code b} that the tile's first column stands for
   * @param depth the padded feature width
   * @param out the accumulator, added to
   * @param outOff the offset of its first row
   * @param ldo its row stride
   */
  void addProduct(float[] g, int rows, int n, float[] b, int bRows, int b0, int depth, float[] out, int outOff, int ldo);

  /**
   * {@code out[j][k] += sum_{t < rows} g[t][j] * a[a0 + t][k]} for {@code j < cols}, the backward
   * product {@code dC += G^T A}: {@code g} is a tile ({@code rows x cols}); {@code a} a
   * {@link #chunk}ed matrix of {@code aRows} rows; {@code out} row-major from {@code outOff}, row
   * stride {@code ldo}.
   *
   * @param g the gradient tile, {@code rows x cols}, row stride {@link #TILE}
   * @param rows the rows of the tile
   * @param cols the columns of the tile
   * @param a the {@link #chunk}ed matrix
   * @param aRows the number of rows of {@code a}
   * @param a0 the row of {@code a} that the tile's first row stands for
   * @param depth the padded feature width
   * @param out the accumulator, added to
   * @param outOff the offset of its first row
   * @param ldo its row stride
   */
  void addTransposedProduct(float[] g, int rows, int cols, float[] a, int aRows, int a0, int depth, float[] out, int outOff, int ldo);

  /**
   * The largest of {@code x[off .. off+n)}; {@code -Infinity} when all are excluded.
   *
   * @param x the values
   * @param off the first index
   * @param n how many values
   * @return their maximum
   */
  float max(float[] x, int off, int n);

  /**
   * {@code sum exp(x[j] - shift)} over {@code x[off .. off+n)}; {@code shift} is finite and at least every x.
   *
   * @param x the values
   * @param off the first index
   * @param n how many values
   * @param shift subtracted from each value before the exponential
   * @return the sum of the shifted exponentials
   */
  float sumExp(float[] x, int off, int n, float shift);

  /**
   * Row soft-max weights in place: {@code x[j] <- w * exp(x[j] - lse)}. Adds
   * {@code sum exp(x[j] - lse)} to {@code sums[0]} and {@code sum exp(x[j] - lse) * x[j]} to
   * {@code sums[1]} (excluded entries add 0).
   *
   * @param x the row's logits, replaced by their weights
   * @param off the row's first index
   * @param n its length
   * @param lse the row's log-sum-exp
   * @param w the weight of the row
   * @param sums two accumulators, added to
   */
  void softmaxRow(float[] x, int off, int n, float lse, float w, double[] sums);

  /**
   * Row and column soft-max weights in place (the symmetric loss):
   * {@code x[j] <- w * exp(x[j] - lse) + wc * exp(x[j] - colLse[colOff + j])}. Adds the row
   * sums as {@link #softmaxRow} to {@code sums[0..1]} and {@code sum exp(x[j] - colLse[j]) * x[j]}
   * to {@code sums[2]}.
   *
   * @param x the row's logits, replaced by their weights
   * @param off the row's first index
   * @param n its length
   * @param lse the row's log-sum-exp
   * @param w the weight of the row term
   * @param colLse the columns' log-sum-exps
   * @param colOff the index in {@code colLse} of the row's first column
   * @param wc the weight of the column term
   * @param sums three accumulators, added to
   */
  void softmaxRowSymmetric(float[] x, int off, int n, float lse, float w, float[] colLse, int colOff, float wc, double[] sums);

  /**
   * {@code colMax[j] = max(colMax[j], max_r x[r][j])} over a {@code rows x cols} tile.
   *
   * @param x the tile, row stride {@link #TILE}
   * @param rows its rows
   * @param cols its columns
   * @param colMax the running column maxima, updated
   */
  void columnMax(float[] x, int rows, int cols, float[] colMax);

  /**
   * {@code colSum[j] += sum_r exp(x[r][j] - shift[j])} over a {@code rows x cols} tile; each
   * {@code shift[j]} is finite and at least every {@code x[r][j]}.
   *
   * @param x the tile, row stride {@link #TILE}
   * @param rows its rows
   * @param cols its columns
   * @param shift the per-column shift
   * @param colSum the running column sums, added to
   */
  void columnSumExp(float[] x, int rows, int cols, float[] shift, float[] colSum);

  /**
   * The sum of the entries of {@code x[off .. off+n)} that are not {@code -Infinity}.
   *
   * @param x the values
   * @param off the first index
   * @param n how many values
   * @return the sum of the finite ones
   */
  float sumFinite(float[] x, int off, int n);

  /**
   * The first index {@code j} in {@code [from, n)} with {@code x[off + j] > t}, or -1.
   *
   * @param x the values
   * @param off the offset of index 0
   * @param from the first index to look at
   * @param n one past the last index to look at
   * @param t the threshold
   * @return that index, or -1 when there is none
   */
  int nextAbove(float[] x, int off, int from, int n, float t);
}
