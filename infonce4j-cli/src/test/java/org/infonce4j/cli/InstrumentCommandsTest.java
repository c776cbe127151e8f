package org.infonce4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.infonce4j.Matrix;
import org.infonce4j.io.Npy;
import org.infonce4j.mi.MiEstimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mi}, {@code temperature} and {@code dpo} end to end on tiny settings: reports, plots, resume, errors. */
class InstrumentCommandsTest {

  @TempDir
  Path dir;

  @Test
  void miStaircaseWritesReportAndResumes() throws Exception {
    Path out = dir.resolve("mi");
    String[] args = {"mi", "--staircase", "--batch", "16", "--stairs", "1,3", "--steps", "30", "--dim", "4", "--estimators", "infonce,nwj",
        "--out", out.toString()};
    Run r = Run.of(args);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("true MI"), r.out());
    Path run = out.resolve("batch-16");
    assertTrue(Files.size(run.resolve("staircase.png")) > 1000);
    Map<String, Object> m = TestJson.object(Files.readString(run.resolve("metrics.json")));
    List<?> estimators = (List<?>) m.get("estimators");
    assertEquals(2, estimators.size());
    double maxNce = ((Number) ((Map<?, ?>) estimators.get(0)).get("max_estimate")).doubleValue();
    assertTrue(maxNce <= Math.log(16) + 1e-9, "InfoNCE never above log 16: " + maxNce);
    Run again = Run.of(args);
    assertEquals(1, again.code(), "a second run into the same directory needs --resume");
    assertTrue(again.err().contains("--resume"), again.err());
    String[] resume = java.util.Arrays.copyOf(args, args.length + 1);
    resume[args.length] = "--resume";
    Run resumed = Run.of(resume);
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals(r.out().lines().filter(l -> l.contains("±")).toList(), resumed.out().lines().filter(l -> l.contains("±")).toList(),
        "a finished run resumed reports the same numbers");
  }

  @Test
  void miReadsAScoreMatrix() throws Exception {
    int n = 8;
    float[] f = new float[n * n];
    for (int i = 0; i < n; i++) f[i * n + i] = 3;
    Path file = dir.resolve("scores.npy");
    Npy.write(file, new Matrix(n, n, f));
    Run r = Run.of("mi", "--scores", file.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, Object> m = TestJson.object(r.out());
    double[] d = new double[n * n];
    for (int k = 0; k < d.length; k++) d[k] = f[k];
    assertEquals(MiEstimator.INFONCE.value(d, n), ((Number) m.get("infonce")).doubleValue(), 1e-12);
    assertEquals(MiEstimator.NWJ.value(d, n), ((Number) m.get("nwj")).doubleValue(), 1e-12);
    Npy.write(file, new Matrix(2, 3, new float[6]));
    Run bad = Run.of("mi", "--scores", file.toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("scores.npy") && bad.err().contains("n x n"), bad.err());
  }

  @Test
  void temperatureProbesSyntheticAndFileEmbeddings() throws Exception {
    Path out = dir.resolve("t");
    Run r = Run.of("temperature", "--pairs", "300", "--clusters", "6", "--dim", "16", "--taus", "0.05,0.2,1", "--hardest", "5", "--out",
        out.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, Object> m = TestJson.object(Files.readString(out.resolve("temperature.json")));
    List<?> rows = (List<?>) m.get("rows");
    assertEquals(3, rows.size());
    double cold = ((Number) ((Map<?, ?>) rows.get(0)).get("hardest_share")).doubleValue();
    double hot = ((Number) ((Map<?, ?>) rows.get(2)).get("hardest_share")).doubleValue();
    assertTrue(cold > hot, "tau 0.05 concentrates the negatives' gradient: " + cold + " vs " + hot);
    assertTrue(Files.size(out.resolve("temperature.png")) > 1000);
    Npy.write(dir.resolve("a.npy"), new Matrix(3, 2, new float[] {1, 0, 0, 1, 1, 1}));
    Npy.write(dir.resolve("p.npy"), new Matrix(3, 2, new float[] {1, 0, 0, 0, 1, 1}));
    Run zero = Run.of("temperature", "--anchors", dir.resolve("a.npy").toString(), "--positives", dir.resolve("p.npy").toString(), "--out",
        dir.resolve("t2").toString());
    assertEquals(1, zero.code());
    assertTrue(zero.err().contains("positive row 1"), zero.err());
  }

  @Test
  void temperatureRefusesAbsurdSizesByName() {
    for (String[] bad : new String[][] {{"--pairs", "1000000000"}, {"--pairs", "1"}, {"--dim", "0"}, {"--dim", "100000000"}, {"--clusters", "0"}}) {
      Run r = Run.of("temperature", bad[0], bad[1], "--out", dir.resolve("t").toString());
      assertEquals(1, r.code(), String.join(" ", bad));
      assertTrue(r.err().contains("--pairs must lie in 2..") && !r.err().contains("Exception"), r.err());
    }
  }

  @Test
  void dpoTrainsEveryKAndReports() throws Exception {
    Path out = dir.resolve("dpo");
    Run r = Run.of("dpo", "--length", "4", "--sft-steps", "30", "--steps", "20", "--prompts", "64", "--held-out", "40", "--rejected", "1,2",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("win rate"), r.out());
    Map<String, Object> m = TestJson.object(Files.readString(out.resolve("metrics.json")));
    List<?> runs = (List<?>) m.get("runs");
    assertEquals(2, runs.size());
    for (String png : new String[] {"win_rate.png", "training.png", "sft.png", "loss.png"}) assertTrue(Files.size(out.resolve(png)) > 1000, png);
    Run bad = Run.of("dpo", "--rejected", "9", "--out", dir.resolve("dpo2").toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("K must be in"), bad.err());
  }
}
