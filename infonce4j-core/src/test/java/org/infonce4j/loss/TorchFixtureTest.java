package org.infonce4j.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.infonce4j.Matrix;
import org.infonce4j.io.Npy;
import org.infonce4j.io.NpyArray;
import org.infonce4j.kernels.KernelProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case under {@code fixtures/torch} (losses and autograd gradients of an independent float64
 * PyTorch implementation, see its README) against the reference engine, the tiled engine with
 * Panama kernels on 2 threads and the tiled engine with scalar kernels on 1 thread: loss, per-anchor
 * and per-candidate losses, dL/dA, dL/dC and dL/dtau.
 */
class TorchFixtureTest {

  /** The cases the fixture README lists; discovery must find at least this many. */
  private static final int MIN_CASES = 9;

  /**
   * Losses: 1e-5 relative, with |expected| floored at 1. A row loss is a log-sum-exp minus a logit,
   * both of size up to 1 / tau (14 at tau 0.07), computed by the tiled engine from float32 logits:
   * its absolute error is ~1e-6 whatever the loss, so a small loss (0.005 in symmetric_clip) cannot
   * be known to 1e-5 of itself.
   */
  private static final double LOSS_TOL = 1e-5;
  /** Gradients: 1e-4 of the largest expected entry of the matrix. */
  private static final double GRAD_TOL = 1e-4;
  /**
   * The smallest "largest entry" the gradient tolerance is taken of: 0.01, so an absolute floor of
   * 1e-6. Only equal_similarities reaches it: its gradients are 0 in exact arithmetic (1e-16 in the
   * fixture), and float32 engines leave rounding noise of ~1e-7 there. Every other case has
   * gradients of 0.2 and more.
   */
  private static final double GRAD_FLOOR = 0.01;
  /** dL/dtau: 1e-4 relative, above an absolute floor (see {@link #tauFloor}). */
  private static final double TAU_TOL = 1e-4;

  private static final Map<String, InfoNce> ENGINES = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    ENGINES.put("reference", InfoNce.reference());
    ENGINES.put("tiled panama x2", InfoNce.create(KernelProvider.panama(), 2));
    ENGINES.put("tiled scalar x1", InfoNce.create(KernelProvider.scalar(), 1));
  }

  @AfterAll
  static void stop() {
    ENGINES.values().forEach(InfoNce::close);
    ENGINES.clear();
  }

  // ------------------------------------------------------------------ discovery

  /** The fixture root on the test class path. */
  static Path root() {
    URL url = TorchFixtureTest.class.getResource("/fixtures/torch");
    assertNotNull(url, "fixtures/torch is not on the test class path");
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every subdirectory holding a case.json, by name. */
  static List<String> caseNames() {
    try (Stream<Path> entries = Files.list(root())) {
      return entries.filter(d -> Files.isRegularFile(d.resolve("case.json")))
          .map(d -> d.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Arguments> casesAndEngines() {
    List<String> names = caseNames();
    if (names.size() < MIN_CASES) {
      throw new AssertionError("found " + names.size() + " fixture cases under " + root() + ", expected at least " + MIN_CASES);
    }
    List<String> engines = List.of("reference", "tiled panama x2", "tiled scalar x1");
    return names.stream().flatMap(c -> engines.stream().map(e -> Arguments.of(c, e)));
  }

  @Test
  void discoversEveryCase() {
    List<String> names = caseNames();
    assertTrue(names.size() >= MIN_CASES, "found only " + names);
    for (String expected : List.of("equal_similarities", "explicit_positives_dot", "inbatch_cosine", "none_reduction_dot",
        "queue_cosine", "simclr", "supcon_masked", "symmetric_clip", "symmetric_sum_masked")) {
      assertTrue(names.contains(expected), "case " + expected + " is missing from " + names);
    }
  }

  // ------------------------------------------------------------------ the comparison

  @ParameterizedTest(name = "{0} [{1}]")
  @MethodSource("casesAndEngines")
  void matchesPyTorch(String name, String engineName) {
    Fixture f = Fixture.load(root().resolve(name));
    InfoNce engine = ENGINES.get(engineName);
    String who = name + " [" + engine.implementation() + "]";

    LossResult r = engine.compute(f.batch(), f.spec());
    assertLoss(f.loss(), r.loss(), who + " loss");
    assertLosses(f.perAnchor(), r.perAnchor(), who + " per-anchor");
    if (f.perCandidate() == null) {
      assertNull(r.perCandidate(), who + ": a one-way loss has no per-candidate losses");
    } else {
      assertLosses(f.perCandidate(), r.perCandidate(), who + " per-candidate");
    }
    assertGrad(f.anchorGrad(), f.anchorShape(), r.anchorGrad(), who + " dL/dA");
    if (f.candidateGrad() == null) {
      assertNull(r.candidateGrad(), who + ": SimCLR has no separate candidate gradient");
    } else {
      assertGrad(f.candidateGrad(), f.candidateShape(), r.candidateGrad(), who + " dL/dC");
    }
    double tauDiff = Math.abs(f.temperatureGrad() - r.temperatureGrad());
    double tauFloor = tauFloor(engineName, f.spec().temperature());
    assertTrue(tauDiff <= Math.max(TAU_TOL * Math.abs(f.temperatureGrad()), tauFloor),
        who + " dL/dtau: expected " + f.temperatureGrad() + " but got " + r.temperatureGrad() + " (|diff| " + tauDiff
            + ", floor " + tauFloor + ")");
    assertEquals(f.spec().temperature(), r.temperature(), 0, who + " temperature");

    // The forward-only call computes the same loss.
    LossResult fwd = engine.forward(f.batch(), f.spec());
    assertLoss(f.loss(), fwd.loss(), who + " forward loss");
    assertLosses(f.perAnchor(), fwd.perAnchor(), who + " forward per-anchor");
    assertNull(fwd.anchorGrad(), who + " forward has no gradient");
  }

  /**
   * The absolute floor under the dL/dtau tolerance; it matters only where dL/dtau is 0 in exact
   * arithmetic (equal_similarities, 1e-13 in the fixture), every other case has |dL/dtau| of 0.27 and
   * more. The reference works in double: 1e-6. The tiled engines compute dL/dtau = -(1/tau^2)
   * sum_ij G_ij s_ij from float32 weights G and logits, each term rounded at ~6e-8 of itself, with
   * sum |G_ij s_ij| up to 2 for a mean cosine loss; they cannot resolve zero better than ~1e-7 / tau^2
   * (5e-6 at tau 0.1 is what they give). Floor: 1e-6 / tau^2, ten times that noise.
   */
  private static double tauFloor(String engineName, double tau) {
    return engineName.equals("reference") ? 1e-6 : Math.max(1e-6, 1e-6 / (tau * tau));
  }

  private static void assertLoss(double expected, double actual, String what) {
    double diff = Math.abs(expected - actual);
    assertTrue(diff <= LOSS_TOL * Math.max(1, Math.abs(expected)),
        what + ": expected " + expected + " but got " + actual + " (|diff| " + diff + ")");
  }

  private static void assertLosses(double[] expected, double[] actual, String what) {
    assertNotNull(actual, what);
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      assertLoss(expected[i], actual[i], what + "[" + i + "]");
    }
  }

  private static void assertGrad(double[] expected, int[] shape, Matrix actual, String what) {
    assertNotNull(actual, what);
    assertArrayEquals(shape, new int[] {actual.rows(), actual.cols()}, what + " shape");
    double scale = GRAD_FLOOR;
    for (double v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int e = 0; e < expected.length; e++) {
      double diff = Math.abs(expected[e] - actual.data()[e]);
      if (!(diff <= GRAD_TOL * scale)) {
        throw new AssertionError(what + " differs at (" + e / actual.cols() + ", " + e % actual.cols() + "): expected "
            + expected[e] + " but got " + actual.data()[e] + " (|diff| " + diff + " > " + GRAD_TOL + " x " + scale + ")");
      }
    }
  }

  // ------------------------------------------------------------------ reading a case

  /** One case directory, read with {@link Npy} and a few lines of JSON parsing. */
  record Fixture(
      Batch batch,
      LossSpec spec,
      double loss,
      double temperatureGrad,
      double[] perAnchor, // N (SimCLR: 2N)
      double[] perCandidate, // M, or null
      double[] anchorGrad, // N x d, row-major
      int[] anchorShape,
      double[] candidateGrad, // M x d, or null
      int[] candidateShape) {

    static Fixture load(Path dir) {
      Map<String, String> json = parseJson(read(dir.resolve("case.json")));
      boolean simclr = bool(json, "simclr");
      Matrix anchors = Npy.readMatrix(dir.resolve("anchors.npy")); // N x d
      Batch batch;
      if (simclr) {
        batch = Batch.simclr(anchors);
      } else {
        batch = Batch.of(anchors, Npy.readMatrix(dir.resolve("candidates.npy"))); // M x d
      }
      if (Files.exists(dir.resolve("queue.npy"))) {
        batch = batch.withQueue(Npy.readMatrix(dir.resolve("queue.npy"))); // K x d
      }
      Path positives = dir.resolve("positives.npy");
      if (Files.exists(positives)) {
        batch = Npy.isMask(positives) ? batch.withPositiveMask(Npy.readMask(positives)) // N x M
            : batch.withPositives(Npy.readIndices(positives)); // N
      }
      if (Files.exists(dir.resolve("mask.npy"))) {
        batch = batch.withExcluded(Npy.readMask(dir.resolve("mask.npy"))); // N x M
      }

      LossSpec spec = switch (value(json, "similarity")) {
        case "cosine" -> LossSpec.cosine(number(json, "temperature"));
        case "dot" -> LossSpec.dot(number(json, "temperature"));
        default -> throw new IllegalArgumentException(dir + ": unknown similarity " + value(json, "similarity"));
      };
      spec = spec.withSymmetric(bool(json, "symmetric")).withReduction(switch (value(json, "reduction")) {
        case "mean" -> Reduction.MEAN;
        case "sum" -> Reduction.SUM;
        case "none" -> Reduction.NONE;
        default -> throw new IllegalArgumentException(dir + ": unknown reduction " + value(json, "reduction"));
      });

      NpyArray ga = Npy.read(dir.resolve("anchors.grad.npy"));
      Path candGrad = dir.resolve("candidates.grad.npy");
      NpyArray gc = Files.exists(candGrad) ? Npy.read(candGrad) : null;
      Path perCand = dir.resolve("per_candidate.npy");
      return new Fixture(batch, spec, number(json, "loss"), number(json, "temperature_grad"),
          Npy.read(dir.resolve("per_anchor.npy")).toDoubleArray(),
          Files.exists(perCand) ? Npy.read(perCand).toDoubleArray() : null,
          ga.toDoubleArray(), ga.shape(),
          gc == null ? null : gc.toDoubleArray(), gc == null ? null : gc.shape());
    }

    private static String read(Path file) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A flat JSON object of strings, numbers and booleans: {@code "key": value} pairs. */
    static Map<String, String> parseJson(String text) {
      Map<String, String> out = new HashMap<>();
      Matcher m = Pattern.compile("\"([^\"]+)\"\\s*:\\s*(\"[^\"]*\"|[^,}\\s]+)").matcher(text);
      while (m.find()) {
        String v = m.group(2);
        out.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
      }
      return out;
    }

    private static String value(Map<String, String> json, String key) {
      String v = json.get(key);
      if (v == null) {
        throw new IllegalArgumentException("case.json has no \"" + key + "\" in " + json.keySet());
      }
      return v;
    }

    private static double number(Map<String, String> json, String key) {
      return Double.parseDouble(value(json, key));
    }

    private static boolean bool(Map<String, String> json, String key) {
      String v = value(json, key);
      if (!v.equals("true") && !v.equals("false")) {
        throw new IllegalArgumentException("case.json: \"" + key + "\" is " + v + ", not a boolean");
      }
      return v.equals("true");
    }
  }

  @Test
  void parsesCaseJson() {
    Map<String, String> json = Fixture.parseJson(
        "{\n  \"similarity\": \"dot\",\n  \"temperature\": 0.5,\n  \"symmetric\": false,\n  \"temperature_grad\": -9.5e-14\n}\n");
    assertEquals("dot", json.get("similarity"));
    assertEquals("0.5", json.get("temperature"));
    assertEquals("false", json.get("symmetric"));
    assertEquals(-9.5e-14, Double.parseDouble(json.get("temperature_grad")));
    assertEquals(4, json.size());
  }
}
