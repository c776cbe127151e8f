package org.infonce4j.kernels;

/** Plain loops; the fallback of {@link VectorOps}. */
public final class ScalarVectorOps implements VectorOps {

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    // Four partial sums: shorter dependency chains than one.
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = 0;
    for (; k + 3 < n; k += 4) {
      s0 += a[ao + k] * b[bo + k];
      s1 += a[ao + k + 1] * b[bo + k + 1];
      s2 += a[ao + k + 2] * b[bo + k + 2];
      s3 += a[ao + k + 3] * b[bo + k + 3];
    }
    for (; k < n; k++) {
      s0 += a[ao + k] * b[bo + k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    for (int k = 0; k < n; k++) {
      y[yo + k] += alpha * x[xo + k];
    }
  }

  @Override
  public void dot4(float[] a, int ao, float[] b, int o0, int o1, int o2, int o3, int n, float[] out) {
    out[0] = dot(a, ao, b, o0, n);
    out[1] = dot(a, ao, b, o1, n);
    out[2] = dot(a, ao, b, o2, n);
    out[3] = dot(a, ao, b, o3, n);
  }

  @Override
  public void update4(float[] in, int io, float[] w, int o0, int o1, int o2, int o3, float[] g, float[] acc, int n) {
    int[] rows = {o0, o1, o2, o3};
    for (int t = 0; t < 4; t++) {
      axpy(g[t], w, rows[t], acc, 0, n);
      axpy(g[t], in, io, w, rows[t], n);
    }
  }
}
