package org.infonce4j.kernels;

/**
 * Level-1 operations on rows of a few hundred floats, for word2vec's training loop: the rows live
 * inside large matrices (offsets), their length is a multiple of {@link Kernels#PAD}. Two
 * implementations, chosen like the loss kernels ({@link KernelProvider#vectorOps()}).
 */
public interface VectorOps {

  /** "scalar" or "panama". */
  String name();

  /** {@code sum_k a[ao + k] * b[bo + k]} for {@code k < n}. */
  float dot(float[] a, int ao, float[] b, int bo, int n);

  /** {@code y[yo + k] += alpha * x[xo + k]} for {@code k < n}. */
  void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

  /**
   * Four dot products of {@code a[ao..]} with rows of {@code b} at {@code o0..o3} into
   * {@code out[0..3]}: one pass, so the four rows' cache misses overlap.
   */
  void dot4(float[] a, int ao, float[] b, int o0, int o1, int o2, int o3, int n, float[] out);

  /**
   * For the four rows {@code w[o_t ..]} with coefficients {@code g[t]}, in one pass:
   * {@code acc += sum_t g[t] * w_t} (the rows before their update), then {@code w_t += g[t] * in}.
   * The four offsets must differ.
   */
  void update4(float[] in, int io, float[] w, int o0, int o1, int o2, int o3, float[] g, float[] acc, int n);
}
