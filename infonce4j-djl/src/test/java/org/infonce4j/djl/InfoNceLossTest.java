package org.infonce4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.function.Function;
import org.infonce4j.Matrix;
import org.infonce4j.loss.Batch;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.loss.LossResult;
import org.infonce4j.loss.LossSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DJL forms of the loss and the core bridge against the core's double-precision reference. */
class InfoNceLossTest {

  @BeforeAll
  static void engine() {
    DjlEnvironment.start(1);
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  /** Loss value and the gradient reaching {@code inputs} of a DJL loss built by {@code f}. */
  private static float[][] run(NDManager m, Function<NDArray[], NDArray> f, float[][] inputs, int[][] shapes) {
    NDArray[] xs = new NDArray[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      xs[i] = m.create(inputs[i], new Shape(shapes[i][0], shapes[i][1]));
      xs[i].setRequiresGradient(true);
    }
    float loss;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray l = f.apply(xs);
      loss = l.getFloat();
      gc.backward(l);
    }
    float[][] out = new float[inputs.length + 1][];
    out[0] = new float[] {loss};
    for (int i = 0; i < inputs.length; i++) {
      out[i + 1] = xs[i].getGradient().toFloatArray();
    }
    return out;
  }

  private static void close(float[] want, float[] got, double tol, String what) {
    double scale = 1e-3;
    for (float v : want) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], tol * scale, what + "[" + i + "]");
    }
  }

  @Test
  void pairsAndSymmetricMatchTheReference() {
    Random rnd = new Random(1);
    int n = 9, d = 6;
    float[] a = gaussian(rnd, n * d), c = gaussian(rnd, n * d);
    for (boolean symmetric : new boolean[] {false, true}) {
      LossResult want = InfoNce.reference().compute(Batch.of(new Matrix(n, d, a), new Matrix(n, d, c)),
          LossSpec.cosine(0.1).withSymmetric(symmetric));
      try (NDManager m = NDManager.newBaseManager()) {
        float[][] got = run(m, x -> InfoNceLoss.pairs(x[0], x[1], 0.1f, true, symmetric), new float[][] {a, c}, new int[][] {{n, d}, {n, d}});
        assertEquals(want.loss(), got[0][0], 1e-5 * want.loss(), "loss, symmetric " + symmetric);
        close(want.anchorGrad().data(), got[1], 1e-4, "dA");
        close(want.candidateGrad().data(), got[2], 1e-4, "dC");
      }
    }
  }

  @Test
  void clipWithALearnedScaleMatchesTheReference() {
    Random rnd = new Random(4);
    int n = 11, d = 7;
    float[] a = gaussian(rnd, n * d), c = gaussian(rnd, n * d);
    float logScale = 2.3f;
    LossResult want = InfoNce.reference().compute(Batch.of(new Matrix(n, d, a), new Matrix(n, d, c)),
        LossSpec.cosine(1).withLogitScale(logScale).withSymmetric(true));
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray s = m.create(new float[] {logScale});
      s.setRequiresGradient(true);
      float[][] got = run(m, x -> InfoNceLoss.clip(x[0], x[1], s), new float[][] {a, c}, new int[][] {{n, d}, {n, d}});
      assertEquals(want.loss(), got[0][0], 1e-5 * want.loss(), "loss");
      close(want.anchorGrad().data(), got[1], 1e-4, "d image");
      close(want.candidateGrad().data(), got[2], 1e-4, "d text");
      assertEquals(want.logitScaleGrad(), s.getGradient().getFloat(), 1e-4 * Math.max(1, Math.abs(want.logitScaleGrad())), "d log scale");
      NDArray big = m.create(new float[] {5f});
      assertEquals(InfoNceLoss.MAX_LOG_SCALE, InfoNceLoss.clampLogScale(big), 0f);
      assertEquals(InfoNceLoss.MAX_LOG_SCALE, big.getFloat(), 0f, "clamped in place");
      assertEquals(1.5f, InfoNceLoss.clampLogScale(m.create(new float[] {1.5f})), 0f);
    }
  }

  @Test
  void simclrMatchesTheReference() {
    Random rnd = new Random(2);
    int views = 12, d = 5;
    float[] v = gaussian(rnd, views * d);
    LossResult want = InfoNce.reference().compute(Batch.simclr(new Matrix(views, d, v)), LossSpec.cosine(0.5));
    try (NDManager m = NDManager.newBaseManager()) {
      float[][] got = run(m, x -> InfoNceLoss.simclr(x[0], 0.5f, true), new float[][] {v}, new int[][] {{views, d}});
      assertEquals(want.loss(), got[0][0], 1e-5 * want.loss());
      close(want.anchorGrad().data(), got[1], 1e-4, "dV");
    }
  }

  @Test
  void queueMatchesTheReference() {
    Random rnd = new Random(3);
    int n = 7, k = 13, d = 4;
    float[] q = gaussian(rnd, n * d), key = gaussian(rnd, n * d), bank = gaussian(rnd, k * d);
    LossResult want = InfoNce.reference().compute(Batch.of(new Matrix(n, d, q), new Matrix(n, d, key)).withQueue(new Matrix(k, d, bank)),
        LossSpec.cosine(0.2));
    // MoCo's loss has only the diagonal keys as in-batch candidates: the reference with the other
    // keys excluded.
    org.infonce4j.BitMatrix.Builder ex = org.infonce4j.BitMatrix.builder(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          ex.set(i, j);
        }
      }
    }
    LossResult moco = InfoNce.reference().compute(Batch.of(new Matrix(n, d, q), new Matrix(n, d, key)).withQueue(new Matrix(k, d, bank))
        .withExcluded(ex.build()), LossSpec.cosine(0.2));
    try (NDManager m = NDManager.newBaseManager()) {
      float[][] got = run(m, x -> InfoNceLoss.queue(x[0], x[1], x[2], 0.2f, true), new float[][] {q, key, bank},
          new int[][] {{n, d}, {n, d}, {k, d}});
      assertEquals(moco.loss(), got[0][0], 1e-5 * moco.loss());
      close(moco.anchorGrad().data(), got[1], 1e-4, "dQ");
      close(moco.candidateGrad().data(), got[2], 1e-4, "dK");
      for (float g : got[3]) {
        assertEquals(0f, g, "the queue gets no gradient");
      }
      assertTrue(want.loss() > moco.loss(), "in-batch keys add negatives");
    }
  }

  @Test
  void mocoOnTheCoreEngineIsTheGraphsLoss() {
    // What `moco --core-loss` trains with: the same loss and query gradient as the graph form and the reference with the
    // other in-batch keys excluded (the core bridge without that mask counted them as negatives).
    Random rnd = new Random(5);
    int n = 9, k = 11, d = 6;
    float[] q = gaussian(rnd, n * d), key = gaussian(rnd, n * d), bank = gaussian(rnd, k * d);
    LossSpec spec = LossSpec.cosine(0.2);
    try (InfoNce engine = InfoNce.create(2); NDManager m = NDManager.newBaseManager()) {
      float[][] graph = run(m, x -> InfoNceLoss.moco(null, spec, x[0], x[1], x[2]), new float[][] {q, key, bank}, new int[][] {{n, d}, {n, d}, {k, d}});
      float[][] core = run(m, x -> InfoNceLoss.moco(engine, spec, x[0], x[1], x[2]), new float[][] {q, key, bank}, new int[][] {{n, d}, {n, d}, {k, d}});
      assertEquals(graph[0][0], core[0][0], 1e-5 * graph[0][0], "loss");
      close(graph[1], core[1], 1e-4, "dQ");
      close(graph[2], core[2], 1e-4, "dK");
      float[][] unmasked = run(m, x -> InfoNceLoss.viaCore(engine, spec, x[0], x[1], x[2]), new float[][] {q, key, bank},
          new int[][] {{n, d}, {n, d}, {k, d}});
      assertTrue(unmasked[0][0] > core[0][0] + 1e-3, "without the mask the other keys are extra negatives");
    }
  }

  @Test
  void simclrOnTheCoreEngineIsTheGraphsLoss() {
    // What `simclr --core-loss` trains with (Pretraining's call): the graph form's loss and view gradient.
    Random rnd = new Random(6);
    int views = 10, d = 7;
    float[] v = gaussian(rnd, views * d);
    LossSpec spec = LossSpec.cosine(0.2);
    try (InfoNce engine = InfoNce.create(2); NDManager m = NDManager.newBaseManager()) {
      float[][] graph = run(m, x -> InfoNceLoss.simclr(x[0], 0.2f, true), new float[][] {v}, new int[][] {{views, d}});
      float[][] core = run(m, x -> InfoNceLoss.viaCore(engine, spec, x[0], null, null), new float[][] {v}, new int[][] {{views, d}});
      assertEquals(graph[0][0], core[0][0], 1e-5 * graph[0][0], "loss");
      close(graph[1], core[1], 1e-4, "dV");
    }
  }

  @Test
  void coreBridgeFeedsTheCoreGradientToAutograd() {
    Random rnd = new Random(4);
    int n = 10, d = 8;
    float[] a = gaussian(rnd, n * d), c = gaussian(rnd, n * d);
    LossSpec spec = LossSpec.cosine(0.1);
    LossResult want = InfoNce.reference().compute(Batch.of(new Matrix(n, d, a), new Matrix(n, d, c)), spec);
    try (InfoNce engine = InfoNce.create(2); NDManager m = NDManager.newBaseManager()) {
      float[][] got = run(m, x -> InfoNceLoss.viaCore(engine, spec, x[0], x[1], null), new float[][] {a, c}, new int[][] {{n, d}, {n, d}});
      assertEquals(want.loss(), got[0][0], 1e-5 * want.loss());
      close(want.anchorGrad().data(), got[1], 1e-4, "dA");
      close(want.candidateGrad().data(), got[2], 1e-4, "dC");
      float[][] viaDjl = run(m, x -> InfoNceLoss.pairs(x[0], x[1], 0.1f, true, false), new float[][] {a, c}, new int[][] {{n, d}, {n, d}});
      close(viaDjl[1], got[1], 1e-4, "core vs DJL dA");
    }
  }
}
