package org.infonce4j.djl;

import java.util.Map;
import java.util.SplittableRandom;
import org.infonce4j.Matrix;
import org.infonce4j.data.Augment;
import org.infonce4j.data.FashionMnist;
import org.infonce4j.eval.Geometry;
import org.infonce4j.eval.Knn;
import org.infonce4j.eval.LinearProbe;

/**
 * The frozen-representation evaluation of the image recipes, on the test split only for scores
 * (the training split is the kNN memory bank and the probe's training set): weighted kNN (k 200,
 * t 0.07), the linear probe, and alignment and uniformity (Wang and Isola) of the features.
 */
public final class Evaluation {

  /**
   * Scores of one representation.
   *
   * @param name        what was evaluated ("simclr", "raw pixels", ...)
   * @param knn         kNN accuracy on the test split
   * @param linear      linear-probe accuracy on the test split
   * @param alignment   mean squared distance between two augmented views' features (test images)
   * @param uniformity  log mean Gaussian potential of test features (2000 of them)
   * @param seconds     time the evaluation took
   */
  public record Scores(String name, double knn, double linear, double alignment, double uniformity, double seconds) {
    /**
     * The scores as reported in a run's metrics.
     *
     * @return the values by name ({@code "knn_accuracy"}, {@code "linear_probe_accuracy"}, ...), in a
     *     fixed order
     */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("name", name);
      m.put("knn_accuracy", knn);
      m.put("linear_probe_accuracy", linear);
      m.put("alignment", alignment);
      m.put("uniformity", uniformity);
      m.put("seconds", seconds);
      return m;
    }
  }

  private static final int GEOMETRY_SAMPLE = 2000;

  private Evaluation() {
  }

  /**
   * Evaluates an encoder's features.
   *
   * @param name    what is evaluated, for the report
   * @param enc     the encoder, run in inference mode
   * @param data    the training split (memory bank, probe training set) and the test split (scores)
   * @param threads threads of the kNN search and the probe
   * @return the scores
   */
  public static Scores encoder(String name, Encoder enc, FashionMnist data, int threads) {
    long t0 = System.nanoTime();
    Matrix train = enc.features(data.train());
    Matrix test = enc.features(data.test());
    // Alignment: two augmented views of the same test images.
    float[][] pair = augmentedPairs(data);
    int n = pair[0].length / (FashionMnist.SIDE * FashionMnist.SIDE);
    double alignment = Geometry.alignment(enc.features(pair[0], n), enc.features(pair[1], n));
    return scores(name, train, test, data, alignment, threads, t0);
  }

  /**
   * A cheap per-epoch score for training curves: weighted kNN accuracy on the test split with the
   * first {@code bank} training images as the memory bank (the final evaluation uses all of them).
   *
   * @param data    the training split (the bank's source) and the test split (the score)
   * @param bank    how many training images form the memory bank (all, if there are fewer)
   * @param threads threads of the kNN search
   * @return the kNN accuracy of an encoder, for {@link Pretraining#train(PretrainingConfig,
   *     FashionMnist.Split, org.infonce4j.djl.train.RunDirectory, org.infonce4j.djl.train.Training.Listener,
   *     java.util.function.ToDoubleFunction)}
   */
  public static java.util.function.ToDoubleFunction<Encoder> monitor(FashionMnist data, int bank, int threads) {
    FashionMnist.Split memory = data.train().head(Math.min(bank, data.train().size()));
    return enc -> Knn.evaluate(enc.features(memory), memory.labels(), enc.features(data.test()), data.test().labels(),
        FashionMnist.CLASSES.length, Knn.DEFAULT_K, Knn.DEFAULT_TEMPERATURE, threads).accuracy();
  }

  /**
   * Weighted kNN accuracy (k 200, t 0.07) of the encoder's test features against the whole training split.
   *
   * @param enc     the encoder, run in inference mode
   * @param data    the training split (memory bank) and the test split
   * @param threads threads of the kNN search
   * @return the accuracy on the test split, in [0, 1]
   */
  public static double knn(Encoder enc, FashionMnist data, int threads) {
    return Knn.evaluate(enc.features(data.train()), data.train().labels(), enc.features(data.test()), data.test().labels(),
        FashionMnist.CLASSES.length, Knn.DEFAULT_K, Knn.DEFAULT_TEMPERATURE, threads).accuracy();
  }

  /**
   * Evaluates raw pixels (alignment over the same augmented pairs, in pixel space).
   *
   * @param data    the training split (memory bank, probe training set) and the test split (scores)
   * @param threads threads of the kNN search and the probe
   * @return the scores, named "raw pixels"
   */
  public static Scores rawPixels(FashionMnist data, int threads) {
    long t0 = System.nanoTime();
    Matrix train = pixels(data.train());
    Matrix test = pixels(data.test());
    float[][] pair = augmentedPairs(data);
    int px = FashionMnist.SIDE * FashionMnist.SIDE;
    int n = pair[0].length / px;
    double alignment = Geometry.alignment(offset(new Matrix(n, px, pair[0])), offset(new Matrix(n, px, pair[1])));
    return scores("raw pixels", train, test, data, alignment, threads, t0);
  }

  /** Two augmented views (fixed seed) of the first test images: {@code n x 784} each. */
  private static float[][] augmentedPairs(FashionMnist data) {
    int n = Math.min(GEOMETRY_SAMPLE, data.test().size());
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      index[i] = i;
    }
    int px = FashionMnist.SIDE * FashionMnist.SIDE;
    float[] a = new float[n * px], b = new float[n * px];
    SplittableRandom rnd = new SplittableRandom(7);
    Augment.defaults().view(data.test(), index, n, rnd, a);
    Augment.defaults().view(data.test(), index, n, rnd, b);
    return new float[][] {a, b};
  }

  private static Scores scores(String name, Matrix train, Matrix test, FashionMnist data, double alignment, int threads, long t0) {
    Knn.Result knn = Knn.evaluate(train, data.train().labels(), test, data.test().labels(), FashionMnist.CLASSES.length, Knn.DEFAULT_K,
        Knn.DEFAULT_TEMPERATURE, threads);
    LinearProbe.Result probe = LinearProbe.evaluate(train, data.train().labels(), test, data.test().labels(), FashionMnist.CLASSES.length,
        LinearProbe.DEFAULT_L2, LinearProbe.DEFAULT_ITERATIONS, threads);
    double uniformity = Geometry.uniformity(offset(test.rows() > GEOMETRY_SAMPLE ? head(test, GEOMETRY_SAMPLE) : test));
    return new Scores(name, knn.accuracy(), probe.testAccuracy(), alignment, uniformity, (System.nanoTime() - t0) / 1e9);
  }

  private static Matrix pixels(FashionMnist.Split s) {
    int px = FashionMnist.SIDE * FashionMnist.SIDE;
    float[] v = new float[s.size() * px]; // n x 784
    for (int i = 0; i < s.size(); i++) {
      for (int p = 0; p < px; p++) {
        v[i * px + p] = s.pixel(i, p);
      }
    }
    return offset(new Matrix(s.size(), px, v));
  }

  /** Adds a small constant so that no row is the zero vector (cosine needs a direction). */
  private static Matrix offset(Matrix m) {
    float[] v = m.data().clone();
    for (int i = 0; i < v.length; i++) {
      v[i] += 1e-3f;
    }
    return new Matrix(m.rows(), m.cols(), v);
  }

  private static Matrix head(Matrix m, int rows) {
    return new Matrix(rows, m.cols(), java.util.Arrays.copyOf(m.data(), rows * m.cols()));
  }
}
