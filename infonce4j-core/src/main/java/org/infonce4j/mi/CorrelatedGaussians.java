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

  /**
   * Checks that the dimension is positive and rho in [0, 1).
   *
   * @param dim the dimension d
   * @param rho the correlation per coordinate
   */
  public CorrelatedGaussians {
    if (dim < 1) throw new IllegalArgumentException("dimension must be positive, got " + dim);
    if (!(rho >= 0 && rho < 1)) throw new IllegalArgumentException("rho must be in [0, 1), got " + rho);
  }

  /**
   * The distribution of dimension {@code dim} whose mutual information is {@code mi} nats.
   *
   * @param dim the dimension d
   * @param mi the mutual information, finite and at least 0
   * @return the distribution, with {@code rho = sqrt(1 - exp(-2 mi / d))}
   */
  public static CorrelatedGaussians withMi(int dim, double mi) {
    if (!(mi >= 0) || Double.isInfinite(mi)) throw new IllegalArgumentException("mutual information must be finite and >= 0, got " + mi);
    return new CorrelatedGaussians(dim, Math.sqrt(1 - Math.exp(-2 * mi / dim)));
  }

  /**
   * The true mutual information, in nats.
   *
   * @return {@code -(d/2) log(1 - rho^2)}
   */
  public double mi() {
    return -0.5 * dim * Math.log(1 - rho * rho);
  }

  /**
   * Draws n pairs.
   *
   * @param n      the number of pairs
   * @param random the source of the noise
   * @param x      out: n x dim, row-major
   * @param y      out: n x dim, row-major
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

  /**
   * The optimal critic's scores for a batch: {@code f[i][j] = log p(y_j | x_i) / p(y_j)}, n x n. It is
   * the critic InfoNCE and DV are maximised by ({@code 1 + f} for NWJ): what any learned critic can at
   * best reach at this batch size.
   *
   * @param x n x dim, row-major
   * @param y n x dim, row-major
   * @param n the batch size
   * @return the n x n scores, row-major
   */
  public double[] logDensityRatio(float[] x, float[] y, int n) {
    double r2 = rho * rho;
    double[] f = new double[n * n];
    double[] yy = new double[n];
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < dim; k++) s += (double) y[j * dim + k] * y[j * dim + k];
      yy[j] = s;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double sq = 0;
        for (int k = 0; k < dim; k++) {
          double r = y[j * dim + k] - rho * x[i * dim + k];
          sq += r * r;
        }
        f[i * n + j] = mi() - sq / (2 * (1 - r2)) + yy[j] / 2;
      }
    }
    return f;
  }

  /**
   * Mean and standard deviation of {@code estimator} with the optimal critic over {@code batches}
   * fresh batches of n pairs: the estimator's own bias and variance at this batch size, with no
   * critic training in the way.
   *
   * @param estimator the bound to evaluate
   * @param n         the batch size
   * @param batches   how many batches to average over
   * @param random    the source of the samples
   * @return {mean, std}
   */
  public double[] optimalCriticEstimate(MiEstimator estimator, int n, int batches, SplittableRandom random) {
    float[] x = new float[n * dim];
    float[] y = new float[n * dim];
    double sum = 0;
    double sq = 0;
    for (int b = 0; b < batches; b++) {
      sample(n, random, x, y);
      double[] f = logDensityRatio(x, y, n);
      if (estimator == MiEstimator.NWJ) for (int k = 0; k < f.length; k++) f[k] += 1;
      double v = estimator.value(f, n);
      sum += v;
      sq += v * v;
    }
    double mean = sum / batches;
    return new double[] {mean, Math.sqrt(Math.max(0, sq / batches - mean * mean))};
  }
}
