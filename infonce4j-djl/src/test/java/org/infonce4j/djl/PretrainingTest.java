package org.infonce4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.infonce4j.Matrix;
import org.infonce4j.data.FashionMnist;
import org.infonce4j.djl.train.RunDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipes on tiny synthetic images (a bright square whose position is the class, plus noise):
 * the loss falls, a resumed run ends where an uninterrupted one does, MoCo's queue and key encoder
 * work, and evaluation scores only held-out images.
 */
class PretrainingTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void engine() {
    DjlEnvironment.start(1);
  }

  /** {@code n} images in 4 classes: a 8 x 8 square at one of four places, noisy background. */
  static FashionMnist.Split squares(int n, long seed) {
    Random rnd = new Random(seed);
    byte[] img = new byte[n * 784];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int c = rnd.nextInt(4);
      labels[i] = c;
      int x0 = 3 + (c % 2) * 14 + rnd.nextInt(3), y0 = 3 + (c / 2) * 14 + rnd.nextInt(3);
      for (int p = 0; p < 784; p++) {
        int x = p % 28, y = p / 28;
        boolean in = x >= x0 && x < x0 + 8 && y >= y0 && y < y0 + 8;
        img[i * 784 + p] = (byte) (in ? 200 + rnd.nextInt(56) : rnd.nextInt(40));
      }
    }
    return new FashionMnist.Split(img, labels);
  }

  private static PretrainingConfig tiny(Pretraining.Method method, int epochs) {
    PretrainingConfig d = PretrainingConfig.defaults(method);
    return new PretrainingConfig(method, epochs, 32, d.temperature(), 0.05, 0.9, d.weightDecay(), Optimizer.Kind.SGD, 0.0, 4, 1, 16, 50, 0.9, 0, 3, 1,
        false, d.minCrop(), d.jitter(), 1);
  }

  private static float[] parameters(Encoder e) {
    Matrix m = e.features(squares(16, 99));
    return m.data();
  }

  @Test
  void simclrLossFalls() {
    FashionMnist.Split data = squares(256, 1);
    Pretraining.Trained t = Pretraining.train(tiny(Pretraining.Method.SIMCLR, 4), data, null, null);
    t.encoder().close();
    List<Pretraining.EpochLog> logs = t.epochs();
    assertEquals(4, logs.size());
    assertTrue(logs.get(3).loss() < logs.get(0).loss(), "loss per epoch: " + logs);
    assertTrue(logs.get(0).loss() < Math.log(2 * 32 - 1) + 0.5, "starts near log(2N - 1): " + logs.get(0).loss());
  }

  @Test
  void smallViewsTrainAndTheEncoderStillTakesWholeImages() {
    FashionMnist.Split data = squares(256, 1);
    for (Pretraining.Method method : List.of(Pretraining.Method.SIMCLR, Pretraining.Method.MOCO)) {
      PretrainingConfig t = tiny(method, 4);
      PretrainingConfig c = new PretrainingConfig(t.method(), t.epochs(), t.batch(), t.temperature(), t.lr(), t.momentum(), t.weightDecay(),
          t.optimizer(), t.warmupEpochs(), t.width(), t.blocks(), t.projection(), t.queue(), t.keyMomentum(), t.images(), t.seed(), t.threads(),
          t.coreLoss(), t.minCrop(), t.jitter(), t.stemStride(), 16);
      Pretraining.Trained run = Pretraining.train(c, data, null, null);
      try (Encoder e = run.encoder()) {
        List<Pretraining.EpochLog> logs = run.epochs();
        // MoCo's loss may rise on a tiny run as real keys replace the queue's random start.
        assertTrue(method == Pretraining.Method.MOCO ? Double.isFinite(logs.get(3).loss()) : logs.get(3).loss() < logs.get(0).loss(),
            method + " at 16 x 16, loss per epoch: " + logs);
        Matrix f = e.features(squares(8, 5)); // whole 28 x 28 images
        assertEquals(8, f.rows());
        assertEquals(e.featureSize(), f.cols());
        for (float v : f.data()) {
          assertTrue(Float.isFinite(v));
        }
      }
    }
  }

  @Test
  void viewSizeIsCheckedStoredAndDefaulted() {
    PretrainingConfig d = PretrainingConfig.defaults(Pretraining.Method.SIMCLR);
    assertEquals(28, d.viewSize());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PretrainingConfig(d.method(), 1, 32, 0.2, 0.1, 0.9, 0,
        Optimizer.Kind.SGD, 0, 4, 1, 16, 50, 0.9, 0, 3, 1, false, 0.2, 0.4, 2, 7));
    assertTrue(e.getMessage().contains("view size"), e.getMessage());
    PretrainingConfig small = new PretrainingConfig(d.method(), 1, 32, 0.2, 0.1, 0.9, 0, Optimizer.Kind.SGD, 0, 4, 1, 16, 50, 0.9, 0, 3, 1, false,
        0.2, 0.4, 2, 20);
    assertEquals(small, PretrainingConfig.fromMap(small.toMap()));
    java.util.Map<String, Object> older = small.toMap();
    older.remove("view_size"); // a run written before views could be smaller
    assertEquals(28, PretrainingConfig.fromMap(older).viewSize());
    assertEquals(28, small.withMethod(Pretraining.Method.SUPERVISED).viewSize(), "the supervised baseline sees whole images");
    assertEquals(20, small.withMethod(Pretraining.Method.MOCO).viewSize());
  }

  @Test
  void resumedRunEndsWhereAnUninterruptedOneDoes() {
    FashionMnist.Split data = squares(128, 2);
    for (Pretraining.Method method : Pretraining.Method.values()) {
      PretrainingConfig t = tiny(method, 3);
      // AdamW's moments and step count must survive the restart too (SimCLR runs with it).
      PretrainingConfig c = method != Pretraining.Method.SIMCLR ? t
          : new PretrainingConfig(t.method(), t.epochs(), t.batch(), t.temperature(), 1e-3, t.momentum(), 1e-2, Optimizer.Kind.ADAMW,
              t.warmupEpochs(), t.width(), t.blocks(), t.projection(), t.queue(), t.keyMomentum(), t.images(), t.seed(), t.threads(),
              t.coreLoss(), t.minCrop(), t.jitter(), t.stemStride());
      float[] straight;
      try (Encoder e = Pretraining.train(c, data, RunDirectory.start(dir.resolve(method + "-a"), c.toMap(), false), null).encoder()) {
        straight = parameters(e);
      }
      Path runB = dir.resolve(method + "-b");
      RunDirectory first = RunDirectory.start(runB, c.toMap(), false);
      RuntimeException stop = assertThrows(RuntimeException.class, () -> Pretraining.train(c, data, first, s -> {
        if (s.unit() == 2) {
          throw new IllegalStateException("stopped");
        }
      }));
      assertEquals("stopped", stop.getMessage());
      assertEquals(1, first.latestCheckpoint().orElseThrow().unit());
      Pretraining.Trained resumed = Pretraining.train(c, data, RunDirectory.start(runB, c.toMap(), true), null);
      try (Encoder e = resumed.encoder()) {
        assertEquals(3, resumed.epochs().size(), "the first epoch's record survives the restart");
        assertArrayEquals(straight, parameters(e), method + ": resumed and uninterrupted runs differ");
      }
    }
  }

  @Test
  void everyOptimiserLowersTheLoss() {
    FashionMnist.Split data = squares(256, 6);
    for (Optimizer.Kind kind : Optimizer.Kind.values()) {
      PretrainingConfig t = tiny(Pretraining.Method.SUPERVISED, 4);
      double lr = kind == Optimizer.Kind.ADAMW ? 3e-3 : kind == Optimizer.Kind.LARS ? 1.0 : t.lr();
      PretrainingConfig c = new PretrainingConfig(t.method(), t.epochs(), t.batch(), t.temperature(), lr, t.momentum(), t.weightDecay(), kind,
          t.warmupEpochs(), t.width(), t.blocks(), t.projection(), t.queue(), t.keyMomentum(), t.images(), t.seed(), t.threads(), t.coreLoss(),
          t.minCrop(), t.jitter(), t.stemStride());
      Pretraining.Trained r = Pretraining.train(c, data, null, null);
      r.encoder().close();
      List<Pretraining.EpochLog> logs = r.epochs();
      assertTrue(logs.get(3).loss() < 0.8 * logs.get(0).loss(), kind + ": loss per epoch " + logs.stream().map(Pretraining.EpochLog::loss).toList());
    }
  }

  @Test
  void evaluationScoresHeldOutImagesOnly() {
    FashionMnist.Split train = squares(400, 3);
    FashionMnist.Split test = squares(200, 4);
    Pretraining.Trained t = Pretraining.train(tiny(Pretraining.Method.MOCO, 3), train, null, null);
    try (Encoder e = t.encoder()) {
      FashionMnist data = FashionMnist.of(train, test);
      Evaluation.Scores s = Evaluation.encoder("moco", e, data, 1);
      assertTrue(s.knn() > 0.5 && s.linear() > 0.5, "4 easy classes: " + s);
      // Scoring the training images against themselves would make kNN near perfect; the test split
      // differs, and swapping in other labels for the test split must change the score.
      int[] shuffled = test.labels().clone();
      for (int i = 0; i < shuffled.length; i++) {
        shuffled[i] = (shuffled[i] + 1) % 4;
      }
      Evaluation.Scores wrong = Evaluation.encoder("moco", e, FashionMnist.of(train, new FashionMnist.Split(test.images(), shuffled)), 1);
      assertTrue(wrong.knn() < s.knn() - 0.3, "test labels matter: " + wrong.knn() + " vs " + s.knn());
    }
  }
}
