package org.infonce4j.kernels;

/**
 * Plain-Java kernels: the portable fallback and the cross-check for the Panama kernels. Loops are
 * written so that HotSpot's auto-vectoriser may help, but nothing depends on it.
 */
public final class ScalarKernels implements Kernels {

  /**
   * Columns per packed panel: a whole tile. The feature chunks are as wide (one chunk for
   * {@code depth <= 256}).
   */
  private static final int NR = TILE;

  /**
   * Per-thread scratch: {@code TILE} accumulator rows and one operand row, all starting at index 0.
   * HotSpot auto-vectorises {@code acc[j] += a * row[j]} only when both arrays are indexed by the
   * same expression; rows inside larger arrays (different offsets) stay scalar, 5x slower.
   */
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[TILE + 1][TILE]);

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public String description() {
    return "scalar (plain Java loops)";
  }

  @Override
  public int panelWidth() {
    return NR;
  }

  /** {@code acc[j] += a * row[j]} for {@code j < n}: the one loop the scalar products are made of. */
  private static void axpy(float[] acc, float a, float[] row, int n) {
    for (int j = 0; j < n; j++) {
      acc[j] += a * row[j];
    }
  }

  @Override
  public void dotTile(float[] a, int aOff, int lda, int rows, float[] b, int bOff, int panels, int depth, float[] out) {
    float[][] scratch = SCRATCH.get();
    float[] brow = scratch[TILE];
    for (int p = 0; p < panels; p++) {
      int pb = bOff + p * depth * NR; // panel p: depth x NR
      for (int r = 0; r < rows; r++) {
        java.util.Arrays.fill(scratch[r], 0f);
      }
      for (int k = 0; k < depth; k++) {
        System.arraycopy(b, pb + k * NR, brow, 0, NR);
        for (int r = 0; r < rows; r++) {
          axpy(scratch[r], a[aOff + r * lda + k], brow, NR);
        }
      }
      for (int r = 0; r < rows; r++) {
        System.arraycopy(scratch[r], 0, out, r * TILE + p * NR, NR);
      }
    }
  }

  @Override
  public void addProduct(float[] g, int rows, int n, float[] b, int bRows, int b0, int depth, float[] out, int outOff, int ldo) {
    accumulate(g, TILE, 1, rows, n, b, bRows, b0, depth, out, outOff, ldo);
  }

  @Override
  public void addTransposedProduct(float[] g, int rows, int cols, float[] a, int aRows, int a0, int depth, float[] out, int outOff, int ldo) {
    accumulate(g, 1, TILE, cols, rows, a, aRows, a0, depth, out, outOff, ldo);
  }

  /**
   * {@code out[i][k] += sum_{t < n} g[i*gi + t*gt] * b[b0 + t][k]} for {@code i < outRows}: one
   * operand row at a time is copied to scratch and added, scaled, into every output row's
   * accumulator.
   */
  private static void accumulate(float[] g, int gi, int gt, int outRows, int n, float[] b, int bRows, int b0, int depth,
      float[] out, int outOff, int ldo) {
    float[][] scratch = SCRATCH.get();
    float[] brow = scratch[TILE];
    for (int c0 = 0; c0 < depth; c0 += NR) {
      int width = Math.min(NR, depth - c0);
      int base = c0 * bRows + b0 * width; // chunk: bRows x width
      for (int i = 0; i < outRows; i++) {
        java.util.Arrays.fill(scratch[i], 0, width, 0f);
      }
      for (int t = 0; t < n; t++) {
        System.arraycopy(b, base + t * width, brow, 0, width);
        for (int i = 0; i < outRows; i++) {
          float coef = g[i * gi + t * gt];
          if (coef != 0f) {
            axpy(scratch[i], coef, brow, width);
          }
        }
      }
      for (int i = 0; i < outRows; i++) {
        float[] acc = scratch[i];
        int o = outOff + i * ldo + c0;
        for (int k = 0; k < width; k++) {
          out[o + k] += acc[k];
        }
      }
    }
  }

  @Override
  public float max(float[] x, int off, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      m = Math.max(m, x[off + j]);
    }
    return m;
  }

  @Override
  public float sumExp(float[] x, int off, int n, float shift) {
    float s = 0f;
    for (int j = 0; j < n; j++) {
      s += (float) Math.exp(x[off + j] - shift);
    }
    return s;
  }

  @Override
  public void softmaxRow(float[] x, int off, int n, float lse, float w, double[] sums) {
    float sp = 0f;
    float spz = 0f;
    for (int j = 0; j < n; j++) {
      float z = x[off + j];
      if (z == Float.NEGATIVE_INFINITY) {
        x[off + j] = 0f;
        continue;
      }
      float p = (float) Math.exp(z - lse);
      sp += p;
      spz += p * z;
      x[off + j] = w * p;
    }
    sums[0] += sp;
    sums[1] += spz;
  }

  @Override
  public void softmaxRowSymmetric(float[] x, int off, int n, float lse, float w, float[] colLse, int colOff, float wc, double[] sums) {
    float sp = 0f;
    float spz = 0f;
    float sqz = 0f;
    for (int j = 0; j < n; j++) {
      float z = x[off + j];
      if (z == Float.NEGATIVE_INFINITY) {
        x[off + j] = 0f;
        continue;
      }
      float p = (float) Math.exp(z - lse);
      float q = (float) Math.exp(z - colLse[colOff + j]);
      sp += p;
      spz += p * z;
      sqz += q * z;
      x[off + j] = w * p + wc * q;
    }
    sums[0] += sp;
    sums[1] += spz;
    sums[2] += sqz;
  }

  @Override
  public void columnMax(float[] x, int rows, int cols, float[] colMax) {
    for (int r = 0; r < rows; r++) {
      int o = r * TILE;
      for (int j = 0; j < cols; j++) {
        colMax[j] = Math.max(colMax[j], x[o + j]);
      }
    }
  }

  @Override
  public void columnSumExp(float[] x, int rows, int cols, float[] shift, float[] colSum) {
    for (int r = 0; r < rows; r++) {
      int o = r * TILE;
      for (int j = 0; j < cols; j++) {
        colSum[j] += (float) Math.exp(x[o + j] - shift[j]);
      }
    }
  }

  @Override
  public float sumFinite(float[] x, int off, int n) {
    float s = 0f;
    for (int j = 0; j < n; j++) {
      float v = x[off + j];
      if (v != Float.NEGATIVE_INFINITY) {
        s += v;
      }
    }
    return s;
  }

  @Override
  public int nextAbove(float[] x, int off, int from, int n, float t) {
    for (int j = from; j < n; j++) {
      if (x[off + j] > t) {
        return j;
      }
    }
    return -1;
  }
}
