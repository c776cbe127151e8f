package org.infonce4j.eval;

import org.infonce4j.Matrix;

/**
 * Alignment and uniformity of unit-normalised features (Wang and Isola 2020):
 * {@code alignment = mean_i |f(x_i) - f(y_i)|^2} over positive pairs (lower is better) and
 * {@code uniformity = log mean_{i<j} exp(-2 |f(x_i) - f(x_j)|^2)} over all pairs of a sample (lower
 * is better; -4 is the value of points spread uniformly on a high-dimensional sphere).
 */
public final class Geometry {

  private Geometry() {
  }

  /**
   * Mean squared distance between row i of {@code a} and row i of {@code b}, both normalised.
   *
   * @param a features of the first element of each positive pair
   * @param b features of the second, same shape
   * @return the alignment (0 for identical directions, at most 4)
   */
  public static double alignment(Matrix a, Matrix b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) {
      throw new IllegalArgumentException("alignment needs two matrices of one shape, got " + a.rows() + " x " + a.cols() + " and "
          + b.rows() + " x " + b.cols());
    }
    int d = a.cols();
    double sum = 0;
    for (int i = 0; i < a.rows(); i++) {
      double na = norm(a.data(), i * d, d), nb = norm(b.data(), i * d, d);
      double dist = 0;
      for (int k = 0; k < d; k++) {
        double diff = a.data()[i * d + k] / na - b.data()[i * d + k] / nb;
        dist += diff * diff;
      }
      sum += dist;
    }
    return sum / a.rows();
  }

  /**
   * Log of the mean Gaussian potential {@code exp(-t |u - v|^2)}, t = 2, over all pairs of rows.
   *
   * @param x a sample of features, one per row
   * @return the uniformity (lower is more uniform)
   */
  public static double uniformity(Matrix x) {
    int n = x.rows(), d = x.cols();
    if (n < 2) {
      throw new IllegalArgumentException("uniformity needs at least two rows, got " + n);
    }
    double[] unit = new double[n * d]; // n x d
    for (int i = 0; i < n; i++) {
      double nn = norm(x.data(), i * d, d);
      for (int k = 0; k < d; k++) {
        unit[i * d + k] = x.data()[i * d + k] / nn;
      }
    }
    // log-mean-exp of -2 |u - v|^2 = -4 + 4 u.v, kept stable with the largest exponent.
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    long pairs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double dot = 0;
        for (int k = 0; k < d; k++) {
          dot += unit[i * d + k] * unit[j * d + k];
        }
        double v = -4 + 4 * dot;
        if (v > max) {
          sum = sum * Math.exp(max - v) + 1;
          max = v;
        } else {
          sum += Math.exp(v - max);
        }
        pairs++;
      }
    }
    return max + Math.log(sum / pairs);
  }

  private static double norm(float[] v, int off, int d) {
    double s = 0;
    for (int k = 0; k < d; k++) {
      s += (double) v[off + k] * v[off + k];
    }
    if (!(s > 0)) {
      throw new IllegalArgumentException("a zero feature vector has no direction");
    }
    return Math.sqrt(s);
  }
}
