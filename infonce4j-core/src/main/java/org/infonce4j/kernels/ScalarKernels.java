package org.infonce4j.kernels;

/**
 * Plain-Java kernels: the portable fallback and the cross-check for the Panama kernels. Loops are
 * written so that HotSpot's auto-vectoriser may help, but nothing depends on it.
 */
public final class ScalarKernels implements Kernels {

  /**
   * Columns per packed panel: a whole tile. Each inner loop then runs over 256 contiguous floats
   * ({@code out[j] += a * b[j]}), the shape HotSpot's auto-vectoriser handles best; the feature
   * chunks are as wide (one chunk for {@code depth <= 256}).
   */
  private static final int NR = TILE;

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

  @Override
  public void dotTile(float[] a, int aOff, int lda, int rows, float[] b, int bOff, int panels, int depth, float[] out) {
    for (int p = 0; p < panels; p++) {
      int pb = bOff + p * depth * NR; // panel p: depth x NR
      for (int r = 0; r < rows; r++) {
        int o = r * TILE + p * NR; // out row r, the panel's columns
        java.util.Arrays.fill(out, o, o + NR, 0f);
        int ar = aOff + r * lda;
        for (int k = 0; k < depth; k++) {
          float ak = a[ar + k];
          int bk = pb + k * NR;
          for (int j = 0; j < NR; j++) {
            out[o + j] += ak * b[bk + j];
          }
        }
      }
    }
  }

  @Override
  public void addProduct(float[] g, int rows, int n, float[] b, int bRows, int b0, int depth, float[] out, int outOff, int ldo) {
    for (int c0 = 0; c0 < depth; c0 += NR) {
      int width = Math.min(NR, depth - c0);
      int base = c0 * bRows + b0 * width; // chunk: bRows x width
      for (int r = 0; r < rows; r++) {
        int o = outOff + r * ldo + c0; // out row r, chunk columns
        for (int t = 0; t < n; t++) {
          float grt = g[r * TILE + t];
          if (grt == 0f) {
            continue;
          }
          int bt = base + t * width;
          for (int k = 0; k < width; k++) {
            out[o + k] += grt * b[bt + k];
          }
        }
      }
    }
  }

  @Override
  public void addTransposedProduct(float[] g, int rows, int cols, float[] a, int aRows, int a0, int depth, float[] out, int outOff, int ldo) {
    for (int c0 = 0; c0 < depth; c0 += NR) {
      int width = Math.min(NR, depth - c0);
      int base = c0 * aRows + a0 * width;
      for (int j = 0; j < cols; j++) {
        int o = outOff + j * ldo + c0; // out row j, chunk columns
        for (int t = 0; t < rows; t++) {
          float gtj = g[t * TILE + j];
          if (gtj == 0f) {
            continue;
          }
          int at = base + t * width;
          for (int k = 0; k < width; k++) {
            out[o + k] += gtj * a[at + k];
          }
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
