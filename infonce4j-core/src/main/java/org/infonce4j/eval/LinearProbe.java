package org.infonce4j.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.infonce4j.Matrix;

/**
 * The linear probe of representation learning: multinomial logistic regression on frozen
 * features, fitted on the training split and scored on the test split. Features are standardised
 * with the training split's mean and deviation; the fit minimises the mean cross-entropy plus
 * {@code (l2 / 2) |W|^2} with L-BFGS (10 corrections, backtracking line search) to a gradient
 * below 1e-6 or {@code maxIterations}.
 */
public final class LinearProbe {

  /** Default L2 strength on standardised features. */
  public static final double DEFAULT_L2 = 1e-4;
  /** Default iteration cap. */
  public static final int DEFAULT_ITERATIONS = 300;

  /**
   * @param trainAccuracy accuracy on the training split
   * @param testAccuracy  accuracy on the test split
   * @param iterations    L-BFGS iterations run
   * @param loss          the final training objective
   */
  public record Result(double trainAccuracy, double testAccuracy, int iterations, double loss) {
  }

  private LinearProbe() {
  }

  /**
   * Fits on ({@code train}, {@code trainLabels}) and scores on both splits.
   *
   * @param train         training features, {@code N x d}
   * @param trainLabels   {@code N} labels in [0, classes)
   * @param test          test features, {@code M x d}
   * @param testLabels    {@code M} labels
   * @param classes       number of classes
   * @param l2            L2 strength, e.g. {@link #DEFAULT_L2}
   * @param maxIterations L-BFGS iteration cap, e.g. {@link #DEFAULT_ITERATIONS}
   * @param threads       threads of the objective's evaluation
   * @return the accuracies on both splits and how the fit went
   */
  public static Result evaluate(Matrix train, int[] trainLabels, Matrix test, int[] testLabels, int classes, double l2, int maxIterations,
      int threads) {
    if (train.cols() != test.cols()) {
      throw new IllegalArgumentException("train features have " + train.cols() + " columns but test features " + test.cols());
    }
    if (trainLabels.length != train.rows() || testLabels.length != test.rows() || train.rows() == 0) {
      throw new IllegalArgumentException("need labels for every row and at least one training row");
    }
    int d = train.cols();
    double[] mean = new double[d];
    double[] inv = new double[d];
    for (int i = 0; i < train.rows(); i++) {
      for (int k = 0; k < d; k++) {
        mean[k] += train.data()[i * d + k];
      }
    }
    for (int k = 0; k < d; k++) {
      mean[k] /= train.rows();
    }
    for (int i = 0; i < train.rows(); i++) {
      for (int k = 0; k < d; k++) {
        double c = train.data()[i * d + k] - mean[k];
        inv[k] += c * c;
      }
    }
    for (int k = 0; k < d; k++) {
      double sd = Math.sqrt(inv[k] / train.rows());
      inv[k] = sd > 1e-12 ? 1 / sd : 0;
    }
    float[] xs = standardise(train, mean, inv); // n x d
    float[] xt = standardise(test, mean, inv); // m x d
    Objective f = new Objective(xs, trainLabels, train.rows(), d, classes, l2, threads);
    try {
      double[] theta = new double[classes * (d + 1)];
      int iterations = Lbfgs.minimize(f, theta, maxIterations, 1e-6);
      double loss = f.value(theta, new double[theta.length]);
      return new Result(accuracy(xs, trainLabels, theta, d, classes), accuracy(xt, testLabels, theta, d, classes), iterations, loss);
    } finally {
      f.close();
    }
  }

  private static float[] standardise(Matrix x, double[] mean, double[] inv) {
    int d = x.cols();
    float[] out = new float[x.rows() * d];
    for (int i = 0; i < x.rows(); i++) {
      for (int k = 0; k < d; k++) {
        out[i * d + k] = (float) ((x.data()[i * d + k] - mean[k]) * inv[k]);
      }
    }
    return out;
  }

  private static double accuracy(float[] x, int[] y, double[] theta, int d, int classes) {
    if (y.length == 0) {
      return 0;
    }
    int correct = 0;
    for (int i = 0; i < y.length; i++) {
      int arg = 0;
      double best = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double z = theta[classes * d + c];
        for (int k = 0; k < d; k++) {
          z += theta[c * d + k] * x[i * d + k];
        }
        if (z > best) {
          best = z;
          arg = c;
        }
      }
      if (arg == y[i]) {
        correct++;
      }
    }
    return correct / (double) y.length;
  }

  /** Mean soft-max cross-entropy + (l2/2)|W|^2; parameters W (classes x d) then b (classes). */
  static final class Objective implements Lbfgs.Function, AutoCloseable {
    private final float[] x;
    private final int[] y;
    private final int n;
    private final int d;
    private final int classes;
    private final double l2;
    private final int threads;
    private final ExecutorService pool;

    Objective(float[] x, int[] y, int n, int d, int classes, double l2, int threads) {
      this.x = x;
      this.y = y;
      this.n = n;
      this.d = d;
      this.classes = classes;
      this.l2 = l2;
      this.threads = threads;
      this.pool = Executors.newFixedThreadPool(threads);
    }

    @Override
    public double value(double[] theta, double[] grad) {
      List<Future<double[]>> parts = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        final int from = (int) ((long) n * w / threads), to = (int) ((long) n * (w + 1) / threads);
        parts.add(pool.submit(() -> partial(theta, from, to)));
      }
      java.util.Arrays.fill(grad, 0);
      double loss = 0;
      try {
        for (Future<double[]> f : parts) {
          double[] p = f.get(); // loss then gradient
          loss += p[0];
          for (int q = 0; q < grad.length; q++) {
            grad[q] += p[q + 1];
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
      loss /= n;
      for (int q = 0; q < grad.length; q++) {
        grad[q] /= n;
      }
      for (int q = 0; q < classes * d; q++) {
        loss += 0.5 * l2 * theta[q] * theta[q];
        grad[q] += l2 * theta[q];
      }
      return loss;
    }

    private double[] partial(double[] theta, int from, int to) {
      double[] out = new double[1 + theta.length];
      double[] z = new double[classes];
      for (int i = from; i < to; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          double s = theta[classes * d + c];
          int wc = c * d, xi = i * d;
          for (int k = 0; k < d; k++) {
            s += theta[wc + k] * x[xi + k];
          }
          z[c] = s;
          max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
          z[c] = Math.exp(z[c] - max);
          sum += z[c];
        }
        out[0] += Math.log(sum) + max - (Math.log(z[y[i]]) + max);
        for (int c = 0; c < classes; c++) {
          double g = z[c] / sum - (c == y[i] ? 1 : 0);
          int wc = 1 + c * d, xi = i * d;
          for (int k = 0; k < d; k++) {
            out[wc + k] += g * x[xi + k];
          }
          out[1 + classes * d + c] += g;
        }
      }
      return out;
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }
  }
}
