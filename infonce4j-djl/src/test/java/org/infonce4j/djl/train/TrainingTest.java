package org.infonce4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop on a recipe without a network: least squares by SGD on random data whose
 * order and noise are drawn per unit. A stopped and resumed run ends bit-identical to an
 * uninterrupted one, and a non-finite loss stops the run naming where.
 */
class TrainingTest {

  @TempDir
  Path dir;

  /** Fits w to y = x . truth by SGD; the record of a unit is its mean loss and the weights. */
  static final class LeastSquares implements Training.Recipe<Map<String, Object>> {
    final double[] w = new double[4];
    final double[] truth = {1, -2, 0.5, 3};
    final int units;
    final int poisonUnit;
    SplittableRandom random;

    LeastSquares(int units, int poisonUnit) {
      this.units = units;
      this.poisonUnit = poisonUnit;
    }

    @Override
    public int units() {
      return units;
    }

    @Override
    public long steps(int unit) {
      return 5 + unit; // units may differ in length
    }

    @Override
    public void beginUnit(int unit) {
      random = new SplittableRandom(1234L * 1_000_003L + unit);
    }

    @Override
    public double step(int unit, long step) {
      double[] x = new double[w.length];
      double y = random.nextGaussian() * 0.01;
      double pred = 0;
      for (int i = 0; i < w.length; i++) {
        x[i] = random.nextGaussian();
        y += x[i] * truth[i];
        pred += x[i] * w[i];
      }
      double err = pred - y;
      for (int i = 0; i < w.length; i++) {
        w[i] -= 0.05 * err * x[i];
      }
      return unit == poisonUnit && step == 2 ? Double.NaN : err * err;
    }

    @Override
    public Map<String, Object> endUnit(Training.Unit u) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("unit", u.unit());
      m.put("loss", u.meanLoss());
      m.put("steps", u.steps());
      return m;
    }

    @Override
    public Map<String, Object> toMap(Map<String, Object> r) {
      return r;
    }

    @Override
    public Map<String, Object> fromMap(Map<String, Object> m) {
      return m;
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
      for (double v : w) {
        out.writeDouble(v);
      }
    }

    @Override
    public void load(DataInputStream in) throws IOException {
      for (int i = 0; i < w.length; i++) {
        w[i] = in.readDouble();
      }
    }
  }

  @Test
  void aStoppedRunResumesBitIdentical() throws IOException {
    LeastSquares whole = new LeastSquares(6, 0);
    Training.Result<Map<String, Object>> straight = Training.run(whole, RunDirectory.start(dir.resolve("a"), Map.of("recipe", "ls"), false), null);
    assertEquals(6, straight.records().size());
    assertEquals(0, straight.resumed());
    double first = ((Number) straight.records().get(0).get("loss")).doubleValue();
    double last = ((Number) straight.records().get(5).get("loss")).doubleValue();
    assertTrue(last < first / 10, "SGD fits: " + first + " -> " + last);

    for (int stopAt : new int[] {1, 3, 6}) { // during the first unit, in the middle, during the last
      Path b = dir.resolve("b" + stopAt);
      RunDirectory run = RunDirectory.start(b, Map.of("recipe", "ls"), false);
      List<Integer> seen = new ArrayList<>();
      RuntimeException stop = assertThrows(RuntimeException.class, () -> Training.run(new LeastSquares(6, 0), run, s -> {
        seen.add(s.unit());
        if (s.unit() == stopAt && s.step() == 3) {
          throw new IllegalStateException("stopped");
        }
      }));
      assertEquals("stopped", stop.getMessage());
      assertEquals(stopAt - 1, run.latestCheckpoint().map(RunDirectory.Checkpoint::unit).orElse(0));
      LeastSquares again = new LeastSquares(6, 0);
      Training.Result<Map<String, Object>> resumed = Training.run(again, RunDirectory.start(b, Map.of("recipe", "ls"), true), null);
      assertEquals(stopAt - 1, resumed.resumed());
      assertArrayEquals(whole.w, again.w, "stopped in unit " + stopAt);
      assertEquals(Json.write(straight.records()), Json.write(resumed.records()), "the records of the units before the stop come back");
      assertEquals(Json.write(straight.records()), Files.readString(b.resolve("epochs.json")).trim());
    }
  }

  @Test
  void aNonFiniteLossStopsTheRunNamingWhere() {
    RunDirectory run = RunDirectory.start(dir.resolve("nan"), Map.of("recipe", "ls"), false);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Training.run(new LeastSquares(5, 3), run, null));
    assertTrue(e.getMessage().contains("NaN at epoch 3, step 3") && e.getMessage().contains("last checkpoint is epoch 2"), e.getMessage());
    assertEquals(2, run.latestCheckpoint().orElseThrow().unit(), "the units before it are kept");
  }
}
