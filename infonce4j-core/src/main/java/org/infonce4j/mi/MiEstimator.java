package org.infonce4j.mi;

/**
 * Variational lower bounds on the mutual information I(X; Y), read off a critic's score matrix.
 *
 * <p>{@code f} is an n x n row-major matrix of critic scores {@code f[i][j] = f(x_i, y_j)} for a
 * batch of n pairs drawn from the joint: the diagonal scores the joint samples, the off-diagonal
 * entries stand in for samples of the product of marginals (Poole et al. 2019, "On Variational Bounds
 * of Mutual Information"). Every estimator returns its value and its gradient with respect to every
 * score, so a critic in any framework can be trained to maximise it.
 *
 * <ul>
 *   <li>{@link #INFONCE}: {@code log n + mean_i (f_ii - logsumexp_j f_ij)}. Low variance, but it can
 *       never exceed {@code log n}: with the truth above it the estimate saturates there, and only a
 *       bigger batch (more negatives) reads more.</li>
 *   <li>{@link #NWJ}: {@code mean_i f_ii - e^-1 mean_{i != j} exp(f_ij)} (Nguyen, Wainwright and
 *       Jordan; the f-GAN KL bound). Unbiased for a fixed critic and not capped by {@code log n},
 *       but its variance grows like {@code exp(I)}: the exponential of the off-diagonal scores
 *       carries the whole estimate.</li>
 *   <li>{@link #DV}: {@code mean_i f_ii - log mean_{i != j} exp(f_ij)} (Donsker-Varadhan, as MINE
 *       maximises it). Tighter than NWJ for the same critic, but the log of a batch mean makes the
 *       batch estimate biased (upwards for the bound, so it may exceed the truth) and its gradient
 *       biased; MINE's moving-average correction of the gradient is not applied here.</li>
 * </ul>
 */
public enum MiEstimator {
  /**
   * The InfoNCE bound, capped at {@code log n}.
   */
  INFONCE,
  /**
   * The NWJ (f-GAN KL) bound.
   */
  NWJ,
  /**
   * The Donsker-Varadhan bound, as MINE maximises it.
   */
  DV;

  /** The value of an estimator on one batch, and its gradient. */
  public record Estimate(double value, double[] gradient) {
  }

  /**
   * Parses "infonce", "nwj" or "dv" (also "mine"), any case.
   *
   * @param name the estimator's name
   * @return the estimator
   * @throws IllegalArgumentException for any other name
   */
  public static MiEstimator parse(String name) {
    return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "infonce", "nce" -> INFONCE;
      case "nwj" -> NWJ;
      case "dv", "mine" -> DV;
      default -> throw new IllegalArgumentException("unknown MI estimator '" + name + "' (expected infonce, nwj or dv)");
    };
  }

  /**
   * The estimate alone.
   *
   * @param scores n x n critic scores, row-major, the joint pairs on the diagonal
   * @param n the batch size, at least 2
   * @return the estimate in nats
   */
  public double value(double[] scores, int n) {
    return estimate(scores, n, false).value();
  }

  /**
   * The estimate and its gradient with respect to each score.
   *
   * @param scores n x n critic scores, row-major: row i is x_i against every y_j, the joint pair on
   *               the diagonal
   * @param n      the batch size, at least 2
   * @return the value in nats, and {@code d value / d scores} (n x n) to ascend
   */
  public Estimate estimate(double[] scores, int n) {
    return estimate(scores, n, true);
  }

  private Estimate estimate(double[] f, int n, boolean withGradient) {
    check(f, n);
    double[] grad = withGradient ? new double[n * n] : null; // d value / d f: n x n
    double value;
    switch (this) {
      case INFONCE -> {
        double sum = 0;
        for (int i = 0; i < n; i++) {
          int row = i * n;
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < n; j++) max = Math.max(max, f[row + j]);
          double z = 0;
          for (int j = 0; j < n; j++) z += Math.exp(f[row + j] - max);
          double lse = max + Math.log(z);
          sum += f[row + i] - lse;
          if (withGradient) {
            for (int j = 0; j < n; j++) grad[row + j] = -Math.exp(f[row + j] - lse) / n;
            grad[row + i] += 1.0 / n;
          }
        }
        value = Math.log(n) + sum / n;
      }
      case NWJ, DV -> {
        double joint = 0;
        for (int i = 0; i < n; i++) joint += f[i * n + i];
        joint /= n;
        double max = Double.NEGATIVE_INFINITY; // over the off-diagonal scores
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) if (i != j) max = Math.max(max, f[i * n + j]);
        }
        double z = 0; // sum_{i != j} exp(f_ij - max)
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) if (i != j) z += Math.exp(f[i * n + j] - max);
        }
        double pairs = (double) n * (n - 1);
        double logMeanExp = max + Math.log(z / pairs);
        if (this == NWJ) {
          double marginal = Math.exp(logMeanExp - 1); // e^-1 mean exp(f)
          value = joint - marginal;
          if (withGradient) {
            for (int i = 0; i < n; i++) {
              for (int j = 0; j < n; j++) {
                grad[i * n + j] = i == j ? 1.0 / n : -Math.exp(f[i * n + j] - 1) / pairs;
              }
            }
          }
        } else {
          value = joint - logMeanExp;
          if (withGradient) {
            for (int i = 0; i < n; i++) {
              for (int j = 0; j < n; j++) {
                grad[i * n + j] = i == j ? 1.0 / n : -Math.exp(f[i * n + j] - max) / z;
              }
            }
          }
        }
      }
      default -> throw new AssertionError(this);
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name() + " estimate is not finite (" + value + "): the critic's scores are too large");
    }
    return new Estimate(value, grad);
  }

  private static void check(double[] f, int n) {
    if (n < 2) throw new IllegalArgumentException("batch size must be at least 2, got " + n);
    if (f.length != (long) n * n) {
      throw new IllegalArgumentException("scores must hold n x n = " + ((long) n * n) + " values, got " + f.length);
    }
    for (int k = 0; k < f.length; k++) {
      if (!Double.isFinite(f[k])) {
        throw new IllegalArgumentException("score at row " + (k / n) + ", column " + (k % n) + " is " + f[k]);
      }
    }
  }
}
