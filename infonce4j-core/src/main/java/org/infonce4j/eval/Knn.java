package org.infonce4j.eval;

import org.infonce4j.Matrix;
import org.infonce4j.Parallel;
import org.infonce4j.search.TopK;
import org.infonce4j.search.UnitIndex;

/**
 * Weighted k-nearest-neighbour classification of frozen features, as InstDisc (Wu et al. 2018) and
 * MoCo evaluate representations: features are compared by cosine similarity; each of the k most
 * similar training examples votes for its class with weight {@code exp(similarity / t)}; the class
 * with the largest total wins. Defaults: k = 200, t = 0.07.
 */
public final class Knn {

  /** InstDisc's and MoCo's neighbour count. */
  public static final int DEFAULT_K = 200;
  /** InstDisc's and MoCo's vote temperature. */
  public static final double DEFAULT_TEMPERATURE = 0.07;

  /**
   * @param accuracy correct / total
   * @param correct  test examples classified right
   * @param total    test examples
   */
  public record Result(double accuracy, int correct, int total) {
  }

  private Knn() {
  }

  /**
   * Classifies every row of {@code test} by its neighbours among the rows of {@code train}.
   *
   * @param train       training features, {@code N x d} (the memory bank)
   * @param trainLabels {@code N} labels in [0, classes)
   * @param test        test features, {@code M x d}
   * @param testLabels  {@code M} labels
   * @param classes     number of classes
   * @param k           neighbours that vote, e.g. {@link #DEFAULT_K} (capped at {@code N})
   * @param temperature vote temperature t, e.g. {@link #DEFAULT_TEMPERATURE}; positive
   * @param threads     threads of the search
   * @return the accuracy on the test rows
   */
  public static Result evaluate(Matrix train, int[] trainLabels, Matrix test, int[] testLabels, int classes, int k, double temperature,
      int threads) {
    if (train.cols() != test.cols()) {
      throw new IllegalArgumentException("train features have " + train.cols() + " columns but test features " + test.cols());
    }
    if (trainLabels.length != train.rows() || testLabels.length != test.rows()) {
      throw new IllegalArgumentException("labels: " + trainLabels.length + " for " + train.rows() + " training rows, " + testLabels.length
          + " for " + test.rows() + " test rows");
    }
    if (k < 1 || !(temperature > 0) || classes < 1 || threads < 1) {
      throw new IllegalArgumentException("k, temperature, classes and threads must be positive");
    }
    int[] predicted = predict(train, trainLabels, test, classes, Math.min(k, train.rows()), temperature, threads);
    int correct = 0;
    for (int i = 0; i < predicted.length; i++) {
      if (predicted[i] == testLabels[i]) {
        correct++;
      }
    }
    return new Result(test.rows() == 0 ? 0 : correct / (double) test.rows(), correct, test.rows());
  }

  /** The predicted class of every test row. */
  static int[] predict(Matrix train, int[] trainLabels, Matrix test, int classes, int k, double temperature, int threads) {
    UnitIndex index = new UnitIndex(train, train.rows());
    int blocks = (test.rows() + UnitIndex.TILE - 1) / UnitIndex.TILE;
    int[] out = new int[test.rows()];
    Parallel.forEach(blocks, threads, b -> block(index, trainLabels, test, b, classes, k, temperature, out));
    return out;
  }

  private static void block(UnitIndex index, int[] trainLabels, Matrix test, int b, int classes, int k, double temperature, int[] out) {
    int q0 = b * UnitIndex.TILE;
    int nq = Math.min(UnitIndex.TILE, test.rows() - q0);
    int depth = index.depth();
    float[] queries = new float[nq * depth]; // nq x depth, unit rows, zero padding
    for (int q = 0; q < nq; q++) {
      System.arraycopy(test.data(), (q0 + q) * test.cols(), queries, q * depth, test.cols());
      index.normalize(queries, q * depth);
    }
    TopK[] best = new TopK[nq];
    for (int q = 0; q < nq; q++) {
      best[q] = new TopK(k);
    }
    float[][] scores = {new float[UnitIndex.TILE * UnitIndex.TILE]}; // nq x TILE
    for (int t = 0; t < index.tiles(); t++) {
      int n = index.tile(queries, nq, t, scores);
      for (int q = 0; q < nq; q++) {
        TopK top = best[q];
        int off = q * UnitIndex.TILE;
        float threshold = top.threshold();
        for (int j = index.kernels().nextAbove(scores[0], off, 0, n, threshold); j >= 0; j = index.kernels().nextAbove(scores[0], off, j + 1, n, threshold)) {
          top.offer(t * UnitIndex.TILE + j, scores[0][off + j]);
          threshold = top.threshold();
        }
      }
    }
    double[] votes = new double[classes];
    for (int q = 0; q < nq; q++) {
      java.util.Arrays.fill(votes, 0);
      TopK top = best[q];
      for (int r = 0; r < top.size(); r++) {
        votes[trainLabels[top.index(r)]] += Math.exp(top.score(r) / temperature);
      }
      int arg = 0;
      for (int c = 1; c < classes; c++) {
        if (votes[c] > votes[arg]) {
          arg = c;
        }
      }
      out[q0 + q] = arg;
    }
  }
}
