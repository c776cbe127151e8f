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
}
