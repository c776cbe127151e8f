package org.infonce4j.kernels;

/**
 * Level-1 operations on rows of a few hundred floats, for word2vec's training loop: the rows live
 * inside large matrices (offsets), their length is a multiple of {@link Kernels#PAD}. Two
 * implementations, chosen like the loss kernels ({@link KernelProvider#vectorOps()}).
 */
public interface VectorOps {

  /**
   * "scalar" or "panama".
   *
   * @return the implementation's name
   */
  String name();

  /**
   * {@code sum_k a[ao + k] * b[bo + k]} for {@code k < n}.
   *
   * @param a the first array
   * @param ao the offset of the first row in {@code a}
   * @param b the second array
   * @param bo the offset of the second row in {@code b}
   * @param n the row length
   * @return the dot product
   */
  float dot(float[] a, int ao, float[] b, int bo, int n);

  /**
   * {@code y[yo + k] += alpha * x[xo + k]} for {@code k < n}.
   *
   * @param alpha the scale of {@code x}
   * @param x the row added
   * @param xo its offset
   * @param y the row updated
   * @param yo its offset
   * @param n the row length
   */
  void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

  /**
   * Four dot products of {@code a[ao..]} with rows of {@code b} at {@code o0..o3} into
   * {@code out[0..3]}: one pass, so the four rows' cache misses overlap.
   *
   * @param a the array of the common row
   * @param ao its offset
   * @param b the array of the four rows
   * @param o0 the offset of the first row
   * @param o1 the offset of the second row
   * @param o2 the offset of the third row
   * @param o3 the offset of the fourth row
   * @param n the row length
   * @param out the four dot products, overwritten
   */
  void dot4(float[] a, int ao, float[] b, int o0, int o1, int o2, int o3, int n, float[] out);

  /**
   * For the four rows {@code w[o_t ..]} with coefficients {@code g[t]}, in one pass:
   * {@code acc += sum_t g[t] * w_t} (the rows before their update), then {@code w_t += g[t] * in}.
   * The four offsets must differ.
   *
   * @param in the row added to the four rows
   * @param io its offset
   * @param w the array of the four rows
   * @param o0 the offset of the first row
   * @param o1 the offset of the second row
   * @param o2 the offset of the third row
   * @param o3 the offset of the fourth row
   * @param g the four coefficients
   * @param acc the accumulator row (from index 0), added to
   * @param n the row length
   */
  void update4(float[] in, int io, float[] w, int o0, int o1, int o2, int o3, float[] g, float[] acc, int n);
}
