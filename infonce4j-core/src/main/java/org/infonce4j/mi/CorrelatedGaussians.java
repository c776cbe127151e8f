package org.infonce4j.mi;

import java.util.SplittableRandom;

/**
 * The benchmark of Poole et al. 2019: {@code x ~ N(0, I_d)}, {@code y = rho x + sqrt(1 - rho^2) e}
 * with {@code e ~ N(0, I_d)}, so the mutual information is known in closed form,
 * {@code I(X; Y) = -(d/2) log(1 - rho^2)} nats.
 *
 * @param dim the dimension d, e.g. 20
 * @param rho the correlation per coordinate, in [0, 1)
 */
public record CorrelatedGaussians(int dim, double rho) {

  public CorrelatedGaussians {
    if (dim < 1) throw new IllegalArgumentException("dimension must be positive, got " + dim);
    if (!(rho >= 0 && rho < 1)) throw new IllegalArgumentException("rho must be in [0, 1), got " + rho);
  }

  /** The distribution of dimension {@code dim} whose mutual information is {@code mi} nats. */
  public static CorrelatedGaussians withMi(int dim, double mi) {
    if (!(mi >= 0) || Double.isInfinite(mi)) throw new IllegalArgumentException("mutual information must be finite and >= 0, got " + mi);
    return new CorrelatedGaussians(dim, Math.sqrt(1 - Math.exp(-2 * mi / dim)));
  }

  /** The true mutual information, in nats. */
  public double mi() {
    return -0.5 * dim * Math.log(1 - rho * rho);
  }

  /**
   * Draws n pairs.
   *
   * @param x   out: n x dim, row-major
   * @param y   out: n x dim, row-major
   */
  public void sample(int n, SplittableRandom random, float[] x, float[] y) {
    if (x.length < n * dim || y.length < n * dim) throw new IllegalArgumentException("buffers hold fewer than " + n + " x " + dim + " values");
    double noise = Math.sqrt(1 - rho * rho);
    for (int k = 0; k < n * dim; k++) {
      double a = random.nextGaussian();
      x[k] = (float) a;
      y[k] = (float) (rho * a + noise * random.nextGaussian());
    }
  }

}
