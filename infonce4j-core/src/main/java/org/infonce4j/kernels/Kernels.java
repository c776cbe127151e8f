package org.infonce4j.kernels;

/**
 * The numeric kernels of the tiled InfoNCE engine: three small matrix products and the
 * row/column soft-max passes. Two implementations exist, {@link ScalarKernels} (plain Java) and a
 * Panama one (jdk.incubator.vector) that {@link KernelProvider} loads by name only when the vector
 * module is readable.
 *
 * <p>Kernels assume valid input (house rule 1): the engine has checked shapes and values.
 * Layouts are row-major; {@code depth} is the padded feature width, a multiple of
 * {@link #PAD}, so vector bodies never need a tail along the feature axis.
 *
 * <p>Excluded logits are {@code -Infinity}: every kernel treats them as absent (their
 * exponential is exactly 0 and they add nothing to any sum).
 */
public interface Kernels {

  /** Feature widths are padded with zeros to a multiple of this (covers 4, 8 and 16 float lanes). */
  int PAD = 16;

  /** A short name for logs and provenance: "scalar" or "panama". */
  String name();

  /** A one-line description: implementation, vector width. */
  String description();

  /**
   * Columns per packed panel of the candidate matrix. {@link #pack} lays candidates out in
   * panels of this many columns so that {@link #dotTile} reads them contiguously.
   */
  int panelWidth();

  /**
   * Packs {@code rows} rows of a row-major matrix {@code src} ({@code rows x depth}) into panels:
   * panel p holds rows {@code [p*NR, (p+1)*NR)} as {@code depth x NR} (k-major), rows past
   * {@code rows} padded with zeros. {@code dst} must hold {@code ceil(rows/NR) * NR * depth}
   * values.
   */
  default void pack(float[] src, int rows, int depth, float[] dst) {
    int nr = panelWidth();
    int panels = (rows + nr - 1) / nr;
    for (int p = 0; p < panels; p++) {
      int base = p * nr * depth; // panel p: depth x nr
      for (int jj = 0; jj < nr; jj++) {
        int row = p * nr + jj;
        if (row >= rows) {
          for (int k = 0; k < depth; k++) {
            dst[base + k * nr + jj] = 0f;
          }
        } else {
          int s = row * depth;
          for (int k = 0; k < depth; k++) {
            dst[base + k * nr + jj] = src[s + k];
          }
        }
      }
    }
  }

  /**
   * {@code out[r][c] = sum_k a[r][k] * b[c][k]} for a block of {@code rows} rows of {@code a}
   * (row stride {@code depth}, starting at {@code aOff}) against {@code panels} packed panels of
   * {@code b} starting at {@code bOff}; {@code out} is {@code rows x (panels * NR)} with row
   * stride {@code ldo}.
   */
  void dotTile(float[] a, int aOff, int rows, float[] b, int bOff, int panels, int depth, float[] out, int ldo);

  /**
   * {@code out[r][k] += sum_{j < cols} g[r][j] * b[j][k]}: {@code g} is {@code rows x cols}
   * (stride {@code ldg}), {@code b} row-major {@code cols x depth} from {@code bOff},
   * {@code out} row-major {@code rows x depth} from {@code outOff}.
   */
  void addProduct(float[] g, int ldg, int rows, int cols, float[] b, int bOff, int depth, float[] out, int outOff);

  /**
   * {@code out[j][k] += sum_{r < rows} g[r][j] * a[r][k]}: {@code g} is {@code rows x cols}
   * (stride {@code ldg}), {@code a} row-major {@code rows x depth} from {@code aOff},
   * {@code out} row-major {@code cols x depth} from {@code outOff}.
   */
  void addTransposedProduct(float[] g, int ldg, int rows, int cols, float[] a, int aOff, int depth, float[] out, int outOff);

  /** The largest of {@code x[off .. off+n)}; {@code -Infinity} when all are excluded. */
  float max(float[] x, int off, int n);

  /** {@code sum exp(x[j] - shift)} over {@code x[off .. off+n)}; {@code shift} is finite and at least every x. */
  float sumExp(float[] x, int off, int n, float shift);

  /**
   * Row soft-max weights in place: {@code x[j] <- w * exp(x[j] - lse)}. Adds
   * {@code sum exp(x[j] - lse)} to {@code sums[0]} and {@code sum exp(x[j] - lse) * x[j]} to
   * {@code sums[1]} (excluded entries add 0).
   */
  void softmaxRow(float[] x, int off, int n, float lse, float w, double[] sums);

  /**
   * Row and column soft-max weights in place (the symmetric loss):
   * {@code x[j] <- w * exp(x[j] - lse) + wc * exp(x[j] - colLse[colOff + j])}. Adds the row
   * sums as {@link #softmaxRow} to {@code sums[0..1]} and {@code sum exp(x[j] - colLse[j]) * x[j]}
   * to {@code sums[2]}.
   */
  void softmaxRowSymmetric(float[] x, int off, int n, float lse, float w, float[] colLse, int colOff, float wc, double[] sums);

  /** {@code colMax[j] = max(colMax[j], max_r x[r][j])} over a {@code rows x cols} block (stride {@code ldx}). */
  void columnMax(float[] x, int ldx, int rows, int cols, float[] colMax);

  /**
   * {@code colSum[j] += sum_r exp(x[r][j] - shift[j])} over a {@code rows x cols} block; each
   * {@code shift[j]} is finite and at least every {@code x[r][j]}.
   */
  void columnSumExp(float[] x, int ldx, int rows, int cols, float[] shift, float[] colSum);

  /** The sum of the entries of {@code x[off .. off+n)} that are not {@code -Infinity}. */
  float sumFinite(float[] x, int off, int n);

  /** The first index {@code j} in {@code [from, n)} with {@code x[off + j] > t}, or -1. */
  int nextAbove(float[] x, int off, int from, int n, float t);
}
