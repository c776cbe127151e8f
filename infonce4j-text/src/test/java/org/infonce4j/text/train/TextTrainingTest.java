package org.infonce4j.text.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;
import org.infonce4j.text.ModelSource;
import org.infonce4j.text.TextEncoder;
import org.infonce4j.text.beir.Beir;
import org.infonce4j.text.beir.BeirDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning all-MiniLM-L6-v2 on a tiny data set: the gradient cache is exact, training lowers the loss, a resumed run ends bit for bit. */
class TextTrainingTest {

  @TempDir
  Path dir;

  private static TextTrainingConfig config(int batch, int chunk, int epochs) {
    TextTrainingConfig d = TextTrainingConfig.defaults();
    return new TextTrainingConfig(null, null, 64, epochs, batch, chunk, 1e-4, 0.25, d.weightDecay(), d.temperature(), false, 0, 0, 3, 2);
  }

  private static float[] gradients(TextEncoder e) {
    List<float[]> parts = new ArrayList<>();
    int n = 0;
    for (Parameter p : e.block().parametersByName().values()) {
      try (NDArray g = p.getArray().getGradient()) {
        float[] v = g.toFloatArray();
        parts.add(v);
        n += v.length;
        g.subi(g);
      }
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] v : parts) {
      System.arraycopy(v, 0, all, at, v.length);
      at += v.length;
    }
    return all;
  }

  private static float[] parameters(TextEncoder e) {
    List<float[]> parts = new ArrayList<>();
    int n = 0;
    for (Parameter p : e.block().parametersByName().values()) {
      float[] v = p.getArray().toFloatArray();
      parts.add(v);
      n += v.length;
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] v : parts) {
      System.arraycopy(v, 0, all, at, v.length);
      at += v.length;
    }
    return all;
  }

  @Test
  void theGradientCacheGivesTheWholeBatchsGradientInAnyChunking() throws IOException {
    BeirDataset train = Beir.load(TinyBeir.write(dir), "train");
    PairBatches pairs = PairBatches.of(train, 0, 1);
    PairBatches.Batch b = pairs.batch(pairs.order(3, 1), 0, 8);
    try (TextEncoder e = TextEncoder.open(ModelSource.allMiniLmL6V2(), 2, 64)) {
      float[] whole;
      double loss;
      try (TextTraining t = new TextTraining(config(8, 16, 1), e, pairs, null)) {
        loss = t.accumulate(b);
        whole = gradients(e);
      }
      float[] chunked;
      try (TextTraining t = new TextTraining(config(8, 3, 1), e, pairs, null)) {
        assertEquals(loss, t.accumulate(b), 1e-5 * loss, "the loss does not depend on the chunks");
        chunked = gradients(e);
      }
      double diff = 0;
      double norm = 0;
      for (int i = 0; i < whole.length; i++) {
        diff = Math.max(diff, Math.abs(whole[i] - chunked[i]));
        norm = Math.max(norm, Math.abs(whole[i]));
      }
      assertTrue(norm > 1e-3, "a gradient reaches the parameters: " + norm);
      assertTrue(diff < 1e-4 * norm, "chunks of 3 against one chunk: largest difference " + diff + " of " + norm);
    }
  }

  @Test
  void aStoppedRunResumesToTheUninterruptedParametersAndTheLossFalls() throws IOException {
    BeirDataset train = Beir.load(TinyBeir.write(dir.resolve("data")), "train");
    PairBatches pairs = PairBatches.of(train, 0, 1);
    TextTrainingConfig c = config(4, 4, 2);
    Map<String, Object> cfg = c.toMap();
    float[] straight;
    List<TextTraining.EpochLog> logs;
    try (TextEncoder e = TextEncoder.open(ModelSource.allMiniLmL6V2(), 2, 64); TextTraining t = new TextTraining(c, e, pairs, null)) {
      logs = t.run(RunDirectory.start(dir.resolve("a"), cfg, false), s -> {
      }).records();
      straight = parameters(e);
    }
    assertEquals(2, logs.size());
    assertTrue(logs.get(1).meanLoss() < logs.get(0).meanLoss(), "the loss falls: " + logs);

    Path b = dir.resolve("b");
    try (TextEncoder e = TextEncoder.open(ModelSource.allMiniLmL6V2(), 2, 64); TextTraining t = new TextTraining(c, e, pairs, null)) {
      assertThrows(IllegalStateException.class, () -> t.run(RunDirectory.start(b, cfg, false), s -> {
        if (s.unit() == 2 && s.step() == 2) {
          throw new IllegalStateException("stopped");
        }
      }));
    }
    try (TextEncoder e = TextEncoder.open(ModelSource.allMiniLmL6V2(), 2, 64); TextTraining t = new TextTraining(c, e, pairs, null)) {
      Training.Result<TextTraining.EpochLog> resumed = t.run(RunDirectory.start(b, cfg, true), s -> {
      });
      assertEquals(1, resumed.resumed());
      assertEquals(logs.get(0).meanLoss(), resumed.records().get(0).meanLoss(), 0, "the first epoch's record comes back");
      assertArrayEquals(straight, parameters(e), "bit for bit");
    }
  }

  @Test
  void theRateWarmsUpThenDecaysLinearlyToZero() {
    assertEquals(0.25f, TextTraining.linearWithWarmup(1f, 0, 4, 20), 1e-7f);
    assertEquals(1f, TextTraining.linearWithWarmup(1f, 3, 4, 20), 1e-7f);
    assertEquals(1f, TextTraining.linearWithWarmup(1f, 4, 4, 20), 1e-7f);
    assertEquals(0.5f, TextTraining.linearWithWarmup(1f, 12, 4, 20), 1e-7f);
    assertEquals(0f, TextTraining.linearWithWarmup(1f, 20, 4, 20), 1e-7f);
    assertEquals(1f, TextTraining.linearWithWarmup(1f, 0, 0, 10), 1e-7f, "no warm-up");
  }
}
