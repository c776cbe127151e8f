package org.infonce4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.infonce4j.clip.Retrieval;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLIP on tiny generated scenes: the loss falls, the scale clamp holds, recall on the training pairs
 * beats chance; gradient caching and the core engine give the plain step's gradients; a stopped run
 * resumes to the same numbers.
 */
class ClipTrainingTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void engine() {
    DjlEnvironment.start(1);
  }

  /** 256 scenes of 16 pixels, a small model. */
  private static ClipConfig tiny(int epochs, double lr, int chunk, ClipConfig.LossEngine loss) {
    return new ClipConfig(null, 256, 16, 16, 0.25, 0.1, List.of("red circle"), epochs, 32, lr, 0.0, 5, 8, 32, 16, 0.07, chunk, loss, 64, 2, 3, 1);
  }

  private static double trainingRecall(ClipModel model, ClipData d, int k) {
    ClipData.Pairs p = d.train;
    int n = p.n();
    int e = model.embed();
    float[] img = ClipEvaluation.imageEmbeddings(model, p);
    float[] txt = ClipEvaluation.captionEmbeddings(model, p);
    float[] sim = new float[n * n];
    for (int q = 0; q < n; q++) {
      for (int c = 0; c < n; c++) {
        for (int i = 0; i < e; i++) sim[q * n + c] += txt[q * e + i] * img[c * e + i];
      }
    }
    int[] target = new int[n];
    for (int i = 0; i < n; i++) target[i] = i;
    return Retrieval.recall(sim, n, n, target, new int[] {k}, (q, c) -> false).recall()[0];
  }

  @Test
  void learnsToMatchCaptionsAndClampsTheScale() {
    ClipConfig c = tiny(60, 1e-2, 0, ClipConfig.LossEngine.FULL);
    ClipData d = ClipData.load(c, null);
    List<org.infonce4j.clip.Scenes.Scene> scenes = new org.infonce4j.clip.Scenes(c.side()).generate(3, c.seed(), c.heldOutCombinations());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(scenes.get(i).pixels(), d.train.image(i), 1e-6f, "the training pairs hold the scenes' pixels");
      int[] ids = d.tokenizer().encode(scenes.get(i).caption());
      for (int k = 0; k < ids.length; k++) assertEquals(ids[k], d.train.tokens()[i * c.tokens() + k], "caption " + i);
    }
    double before;
    try (ClipModel fresh = ClipTraining.model(c, d.tokenizer().size())) {
      before = trainingRecall(fresh, d, 5);
    }
    try (ClipTraining.Trained t = ClipTraining.train(c, d, null, null)) {
      List<ClipTraining.EpochLog> logs = t.epochs();
      assertEquals(60, logs.size());
      double last = logs.get(59).loss();
      assertTrue(last < logs.get(0).loss() - 0.5 && last < Math.log(32) - 0.5,
          "loss falls well below chance (log 32 = 3.47): " + logs.get(0).loss() + " -> " + last);
      for (ClipTraining.EpochLog l : logs) for (double s : l.scaleTrace()) assertTrue(s <= 100 + 1e-3, "logit scale clamped at 100: " + s);
      double after = trainingRecall(t.model(), d, 5);
      assertTrue(after > 3 * 5.0 / 256 && after > before + 0.1, "text-to-image recall@5 on the training pairs " + before + " -> " + after + " (chance 0.020)");
      ClipEvaluation ev = logs.get(59).eval();
      assertEquals(5.0 / 64, ev.textToImage().chance()[1], 1e-12);
      assertTrue(ev.textToImage().ceiling()[0] <= 1 && ev.textToImage().ceiling()[0] > 0.5, "ceiling " + ev.textToImage().ceiling()[0]);
      assertTrue(!Double.isNaN(ev.prompt().colourHeldOut()) && !Double.isNaN(ev.ensemble().shapeSeen()),
          "zero-shot measured on seen and held-out combinations");
    }
  }

  /** Every parameter's gradient after one step from the same initialisation. */
  private static List<float[]> gradients(ClipConfig c, ClipData d, boolean cached, ClipConfig.LossEngine engine, float[] loss) {
    ClipData.Pairs p = d.train;
    int b = 64;
    int[] all = new int[b];
    for (int i = 0; i < b; i++) all[i] = i;
    int[] lengths = new int[b];
    float[] images = p.images(all, 0, b);
    int[] tokens = p.captions(all, 0, b, lengths);
    try (ClipModel model = ClipTraining.model(c, d.tokenizer().size());
        org.infonce4j.loss.InfoNce core = org.infonce4j.loss.InfoNce.create(1)) {
      ClipSteps.StepLoss fn = engine == ClipConfig.LossEngine.CORE ? (i, t, s) -> InfoNceLoss.clipViaCore(core, i, t, s) : InfoNceLoss::clip;
      loss[0] = cached ? ClipSteps.cachedStep(model, fn, images, tokens, lengths, b, 16, p) : ClipSteps.plainStep(model, fn, images, tokens, lengths, b, p);
      List<float[]> out = new ArrayList<>();
      for (Parameter q : model.parameters()) out.add(q.getArray().getGradient().toFloatArray());
      return out;
    }
  }

  private static boolean finite(List<float[]> gradients) {
    for (float[] g : gradients) for (float v : g) if (!Float.isFinite(v)) return false;
    return true;
  }

  @Test
  void gradientCachingAndTheCoreEngineGiveThePlainStepsGradients() {
    ClipConfig c = tiny(1, 1e-3, 0, ClipConfig.LossEngine.FULL);
    ClipData d = ClipData.load(c, null);
    float[] l0 = new float[1];
    List<float[]> plain = gradients(c, d, false, ClipConfig.LossEngine.FULL, l0);
    if (!finite(plain)) {
      // Seen twice in about thirty runs of this class, never in training runs: the first convolution's
      // weight gradient came back NaN from the native engine on this tiny shape. The same step again
      // must be finite, and everything below is compared with it.
      System.err.println("ClipTrainingTest: a non-finite reference gradient from the engine; recomputing it once");
      plain = gradients(c, d, false, ClipConfig.LossEngine.FULL, l0);
    }
    assertTrue(Float.isFinite(l0[0]), "finite loss: " + l0[0]);
    assertTrue(finite(plain), "the plain step's gradients are finite");
    for (boolean cached : new boolean[] {false, true}) {
      for (ClipConfig.LossEngine engine : ClipConfig.LossEngine.values()) {
        if (!cached && engine == ClipConfig.LossEngine.FULL) continue;
        float[] l1 = new float[1];
        List<float[]> other = gradients(c, d, cached, engine, l1);
        assertEquals(l0[0], l1[0], 1e-5, "same loss (cached " + cached + ", " + engine + ")");
        double worst = 0;
        double largest = 0;
        for (int p = 0; p < plain.size(); p++) {
          for (int k = 0; k < plain.get(p).length; k++) {
            worst = Math.max(worst, Math.abs(plain.get(p)[k] - other.get(p)[k]));
            largest = Math.max(largest, Math.abs(plain.get(p)[k]));
          }
        }
        float scaleGrad = plain.get(plain.size() - 1)[0];
        assertTrue(Math.abs(scaleGrad) > 1e-4, "the logit scale has a gradient: " + scaleGrad);
        assertEquals(scaleGrad, other.get(other.size() - 1)[0], 1e-5, "the logit scale's gradient (cached " + cached + ", " + engine + ")");
        assertTrue(largest > 1e-3, "the step has gradients: " + largest + " (cached " + cached + ", " + engine + ")");
        assertTrue(worst <= 1e-4 * Math.max(1, largest), "gradients differ by " + worst + " (largest " + largest + ", cached " + cached + ", " + engine + ")");
      }
    }
  }

  @Test
  void aStoppedRunResumesToTheSameNumbersAndLoadsForEvaluation() {
    ClipConfig c = tiny(3, 1e-2, 8, ClipConfig.LossEngine.CORE);
    ClipData d = ClipData.load(c, null);
    List<ClipTraining.EpochLog> whole;
    try (ClipTraining.Trained t = ClipTraining.train(c, d, RunDirectory.start(dir.resolve("whole"), c.toMap(), false), null)) {
      whole = t.epochs();
    }
    Training.Listener<ClipTraining.EpochLog> stopAtEpoch2 = s -> {
      if (s.unit() == 2 && s.step() == 3) throw new IllegalStateException("stopped");
    };
    Path cut = dir.resolve("cut");
    assertThrows(IllegalStateException.class, () -> ClipTraining.train(c, d, RunDirectory.start(cut, c.toMap(), false), stopAtEpoch2));
    assertEquals(1, RunDirectory.open(cut).latestCheckpoint().orElseThrow().unit());
    try (ClipTraining.Trained t = ClipTraining.train(c, d, RunDirectory.start(cut, c.toMap(), true), null)) {
      assertEquals(3, t.epochs().size());
      for (int e = 0; e < 3; e++) {
        assertEquals(whole.get(e).loss(), t.epochs().get(e).loss(), 0.0, "epoch " + (e + 1) + " loss");
        assertEquals(whole.get(e).scale(), t.epochs().get(e).scale(), 0.0, "epoch " + (e + 1) + " logit scale");
        assertArrayEquals(whole.get(e).eval().textToImage().recall(), t.epochs().get(e).eval().textToImage().recall(), 0.0);
      }
    }
    try (ClipTraining.Trained t = ClipTraining.load(RunDirectory.open(cut))) {
      ClipData held = ClipData.load(t.config(), t.tokenizer());
      assertEquals(0, held.trainingPairs(), "evaluation builds only the held-out data");
      ClipEvaluation ev = ClipEvaluation.evaluate(t.model(), held);
      assertArrayEquals(whole.get(2).eval().textToImage().recall(), ev.textToImage().recall(), 1e-12, "the loaded model evaluates as at the end of training");
      assertEquals(whole.get(2).eval().ensemble().shapeHeldOut(), ev.ensemble().shapeHeldOut(), 1e-12);
      List<ClipEvaluation.Hit> hits = ClipEvaluation.search(t, held, "a photo of a red shape", 5);
      assertEquals(5, hits.size());
      for (int i = 1; i < hits.size(); i++) assertTrue(hits.get(i - 1).similarity() >= hits.get(i).similarity(), "best first");
      assertEquals(List.of("zebra"), ClipEvaluation.unknownWords(t.tokenizer(), "a zebra circle"));
    }
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ClipConfig(null, 256, 16, 16, 0.25, 0.25, List.of("magenta circle"), 1, 32, 1e-3, 0, 0, 8, 32, 16, 0.07, 0, ClipConfig.LossEngine.FULL, 64, 2,
            1, 1));
    assertTrue(e.getMessage().contains("magenta circle"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new ClipConfig(null, 256, 16, 16, 0.25, 0.25, List.of(), 1, 32, 1e-3, 0, 0, 8, 32, 16, 0.07, 32, ClipConfig.LossEngine.FULL, 64, 2, 1, 1));
    assertTrue(e.getMessage().contains("chunk"), e.getMessage());
  }
}
