package org.infonce4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;
import org.infonce4j.io.Npy;
import org.infonce4j.loss.Batch;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.loss.LossResult;
import org.infonce4j.loss.LossSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code infonce4j loss} end to end: files in, JSON and gradient files out, clear errors. */
class LossCommandTest {

  @TempDir
  Path dir;

  private static Run run(String... args) {
    return Run.of(args);
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.eE+-]+)").matcher(json);
    assertTrue(m.find(), "no " + key + " in " + json);
    return Double.parseDouble(m.group(1));
  }

  private static Matrix gaussian(Random rnd, int rows, int cols) {
    float[] v = new float[rows * cols]; // rows x cols
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return new Matrix(rows, cols, v);
  }

  @Test
  void printsTheLossAndWritesGradients() throws IOException {
    Random rnd = new Random(3);
    Matrix a = gaussian(rnd, 9, 6);
    Matrix c = gaussian(rnd, 11, 6);
    Matrix q = gaussian(rnd, 5, 6);
    Npy.write(dir.resolve("A.npy"), a);
    Npy.write(dir.resolve("C.npy"), c);
    Npy.write(dir.resolve("Q.npy"), q);
    int[] pos = {3, 0, 10, 2, 2, 7, 1, 5, 9};
    Npy.writeIndices(dir.resolve("P.npy"), pos);
    BitMatrix.Builder ex = BitMatrix.builder(9, 11);
    ex.set(0, 4).set(5, 6);
    BitMatrix excluded = ex.build();
    Npy.writeMask(dir.resolve("M.npy"), excluded);

    Path grads = dir.resolve("grads");
    Run r = run("loss", "--anchors", dir.resolve("A.npy").toString(), "--candidates", dir.resolve("C.npy").toString(), "--queue",
        dir.resolve("Q.npy").toString(), "--positives", dir.resolve("P.npy").toString(), "--mask", dir.resolve("M.npy").toString(),
        "--temperature", "0.2", "--grad-out", grads.toString(), "--threads", "2");
    assertEquals(0, r.code(), r.err());

    LossResult want = InfoNce.reference().compute(
        Batch.of(a, c).withQueue(q).withPositives(pos).withExcluded(excluded), LossSpec.cosine(0.2));
    assertEquals(want.loss(), number(r.out(), "loss"), 1e-5 * Math.abs(want.loss()));
    assertEquals(want.diagnostics().miLowerBound(), number(r.out(), "mi_lower_bound"), 1e-5);
    assertEquals(want.temperatureGrad(), number(r.out(), "temperature_grad"), 1e-4 * Math.abs(want.temperatureGrad()));
    assertEquals(Math.log(11 + 5 - 0.0) - 0, number(r.out(), "mi_ceiling"), 0.2, "ceiling near log(16)");

    Matrix ga = Npy.readMatrix(grads.resolve("anchors.grad.npy"));
    Matrix gc = Npy.readMatrix(grads.resolve("candidates.grad.npy"));
    assertEquals(9, ga.rows());
    assertEquals(11, gc.rows());
    for (int i = 0; i < ga.data().length; i++) {
      assertEquals(want.anchorGrad().data()[i], ga.data()[i], 1e-4 * 0.1 + 1e-6, "anchor gradient " + i);
    }
    for (int i = 0; i < gc.data().length; i++) {
      assertEquals(want.candidateGrad().data()[i], gc.data()[i], 1e-4 * 0.1 + 1e-6, "candidate gradient " + i);
    }
  }

  @Test
  void simclrWritesOneGradientForTheViews() throws IOException {
    Matrix v = gaussian(new Random(5), 8, 4);
    Npy.write(dir.resolve("V.npy"), v);
    Path grads = dir.resolve("g");
    Run r = run("loss", "--anchors", dir.resolve("V.npy").toString(), "--simclr", "--temperature", "0.5", "--grad-out", grads.toString());
    assertEquals(0, r.code(), r.err());
    double want = InfoNce.reference().compute(Batch.simclr(v), LossSpec.cosine(0.5)).loss();
    assertEquals(want, number(r.out(), "loss"), 1e-5 * want);
    assertTrue(Files.exists(grads.resolve("anchors.grad.npy")));
    assertFalse(Files.exists(grads.resolve("candidates.grad.npy")));
    assertEquals(8, Npy.readMatrix(grads.resolve("anchors.grad.npy")).rows());
  }

  @Test
  void symmetricAndMaskPositives() throws IOException {
    Random rnd = new Random(9);
    Matrix a = gaussian(rnd, 6, 3);
    Matrix c = gaussian(rnd, 6, 3);
    Npy.write(dir.resolve("A.npy"), a);
    Npy.write(dir.resolve("C.npy"), c);
    BitMatrix pos = BitMatrix.builder(6, 6).set(0, 0).set(0, 1).set(1, 1).set(2, 2).set(3, 3).set(4, 4).set(5, 5).build();
    Npy.writeMask(dir.resolve("P.npy"), pos);
    Run r = run("loss", "--anchors", dir.resolve("A.npy").toString(), "--candidates", dir.resolve("C.npy").toString(), "--positives",
        dir.resolve("P.npy").toString(), "--symmetric", "--similarity", "dot", "--temperature", "0.5", "--per-anchor");
    assertEquals(0, r.code(), r.err());
    double want = InfoNce.reference().compute(Batch.of(a, c).withPositiveMask(pos), LossSpec.dot(0.5).withSymmetric(true)).loss();
    assertEquals(want, number(r.out(), "loss"), 1e-5 * Math.abs(want));
    assertTrue(r.out().contains("\"per_candidate\""), r.out());
  }

  @Test
  void neitherCandidatesNorSimclrIsAnError() throws IOException {
    Npy.write(dir.resolve("A.npy"), gaussian(new Random(1), 4, 3));
    Run r = run("loss", "--anchors", dir.resolve("A.npy").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--candidates") && r.err().contains("--simclr"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void malformedFilesAreNamed() throws IOException {
    Path bad = dir.resolve("broken.npy");
    Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    Npy.write(dir.resolve("C.npy"), gaussian(new Random(1), 4, 3));
    Run r = run("loss", "--anchors", bad.toString(), "--candidates", dir.resolve("C.npy").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("broken.npy"), r.err());

    Path missing = dir.resolve("missing.npy");
    r = run("loss", "--anchors", missing.toString(), "--candidates", dir.resolve("C.npy").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("missing.npy"), r.err());
  }

  @Test
  void badValuesNameTheRow() throws IOException {
    Matrix a = gaussian(new Random(2), 4, 3);
    a.data()[2 * 3 + 1] = Float.NaN;
    Npy.write(dir.resolve("A.npy"), a);
    Npy.write(dir.resolve("C.npy"), gaussian(new Random(1), 4, 3));
    Run r = run("loss", "--anchors", dir.resolve("A.npy").toString(), "--candidates", dir.resolve("C.npy").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("anchors row 2"), r.err());

    r = run("loss", "--anchors", dir.resolve("C.npy").toString(), "--candidates", dir.resolve("C.npy").toString(), "--temperature", "0");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("temperature"), r.err());
  }

  @Test
  void unknownOptionIsAUsageError() {
    Run r = run("loss", "--anchors", "x.npy", "--bogus");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--bogus"), r.err());
  }
}
