package org.infonce4j.loss;

import static org.infonce4j.loss.TestData.assertClose;
import static org.infonce4j.loss.TestData.assertGradClose;
import static org.infonce4j.loss.TestData.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;
import org.infonce4j.kernels.KernelProvider;
import org.infonce4j.kernels.Kernels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tiled engine, with both kernel families and one or several threads, against the double
 * precision reference over awkward sizes and every variant: 1e-5 relative on losses, 1e-4 (of the
 * largest entry) on gradients.
 */
class EngineAgreementTest {

  private static InfoNce reference;
  private static List<InfoNce> engines;

  @BeforeAll
  static void start() {
    reference = InfoNce.reference();
    engines = new ArrayList<>();
    engines.add(InfoNce.create(KernelProvider.scalar(), 1));
    engines.add(InfoNce.create(KernelProvider.scalar(), 3));
    Kernels panama = KernelProvider.panama(); // the test JVM runs with the vector module
    engines.add(InfoNce.create(panama, 1));
    engines.add(InfoNce.create(panama, 2));
  }

  @AfterAll
  static void stop() {
    engines.forEach(InfoNce::close);
  }

  /** (name, n, m, k, d) over awkward sizes. */
  static Stream<Arguments> sizes() {
    return Stream.of(
        Arguments.of(1, 2, 0, 1),
        Arguments.of(7, 7, 0, 5),
        Arguments.of(17, 33, 0, 17),
        Arguments.of(33, 33, 5, 33),
        Arguments.of(129, 129, 0, 7),
        Arguments.of(65, 300, 129, 16),
        Arguments.of(130, 769, 0, 31),
        Arguments.of(9, 9, 600, 129));
  }

  @ParameterizedTest(name = "n={0} m={1} k={2} d={3}")
  @MethodSource("sizes")
  void oneWayCosineAndDot(int n, int m, int k, int d) {
    Random rnd = new Random(31L * n + m + 7L * k + d);
    Matrix a = gaussian(rnd, n, d, 1);
    Matrix c = gaussian(rnd, m, d, 1);
    Batch batch = Batch.of(a, c);
    if (k > 0) {
      batch = batch.withQueue(gaussian(rnd, k, d, 1));
    }
    agree(batch, LossSpec.cosine(0.07), "cosine");
    agree(batch, LossSpec.dot(0.5).withReduction(Reduction.SUM), "dot/sum");
  }

  @ParameterizedTest(name = "n={0} d={3}")
  @MethodSource("sizes")
  void symmetric(int n, int m, int k, int d) {
    Random rnd = new Random(5L * n + d);
    Matrix a = gaussian(rnd, n, d, 1);
    Matrix c = gaussian(rnd, n, d, 1);
    if (n == 1) {
      return; // one pair has no negative in either direction
    }
    agree(Batch.of(a, c), LossSpec.cosine(0.07).withSymmetric(true), "symmetric");
    agree(Batch.of(a, c), LossSpec.dot(0.3).withSymmetric(true).withReduction(Reduction.NONE), "symmetric/none");
  }

  @ParameterizedTest(name = "n={0} d={3}")
  @MethodSource("sizes")
  void simclr(int n, int m, int k, int d) {
    Random rnd = new Random(11L * n + d);
    int views = 2 * Math.max(2, n);
    Matrix v = gaussian(rnd, views, d, 1);
    agree(Batch.simclr(v), LossSpec.cosine(0.5), "simclr");
    if (k > 0) {
      agree(Batch.simclr(v).withQueue(gaussian(rnd, k, d, 1)), LossSpec.cosine(0.2), "simclr+queue");
    }
  }

  @ParameterizedTest(name = "n={0} m={1} d={3}")
  @MethodSource("sizes")
  void explicitPositivesAndExclusions(int n, int m, int k, int d) {
    Random rnd = new Random(13L * n + m + d);
    Matrix a = gaussian(rnd, n, d, 1);
    Matrix c = gaussian(rnd, m, d, 1);
    int[] pos = new int[n];
    BitMatrix.Builder ex = BitMatrix.builder(n, m);
    for (int i = 0; i < n; i++) {
      pos[i] = rnd.nextInt(m);
      for (int j = 0; j < m; j++) {
        if (j != pos[i] && rnd.nextInt(5) == 0) {
          ex.set(i, j);
        }
      }
    }
    BitMatrix excluded = ex.build();
    for (int i = 0; i < n; i++) {
      if (m + k - excluded.rowCount(i) - 1 < 1) {
        return; // tiny cases can exclude every negative; the validation test covers that
      }
    }
    Batch batch = Batch.of(a, c).withPositives(pos).withExcluded(excluded);
    if (k > 0) {
      batch = batch.withQueue(gaussian(rnd, k, d, 1));
    }
    agree(batch, LossSpec.cosine(0.1), "positives+excluded");
  }

  @ParameterizedTest(name = "n={0} d={3}")
  @MethodSource("sizes")
  void supervisedContrastive(int n, int m, int k, int d) {
    if (n < 4) {
      return;
    }
    Random rnd = new Random(17L * n + d);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
    }
    Matrix x = gaussian(rnd, n, d, 1);
    BitMatrix pos = TestData.sameLabel(labels);
    Batch batch = Batch.of(x, x).withPositiveMask(pos).withExcluded(BitMatrix.identity(n));
    agree(batch, LossSpec.cosine(0.1), "supcon");
    agree(batch, LossSpec.cosine(0.1).withSymmetric(true), "supcon symmetric");
  }

  private static void agree(Batch batch, LossSpec spec, String what) {
    LossResult want = reference.compute(batch, spec);
    LossResult wantForward = reference.forward(batch, spec);
    assertEquals(want.loss(), wantForward.loss(), 1e-12, what + ": reference forward and compute disagree");
    for (InfoNce engine : engines) {
      String who = what + " [" + engine.implementation() + "]";
      LossResult got = engine.compute(batch, spec);
      assertClose(want.loss(), got.loss(), 1e-5, who + " loss");
      assertClose(want.perAnchor(), got.perAnchor(), 1e-5, who + " per-anchor");
      if (want.perCandidate() == null) {
        assertNull(got.perCandidate(), who + " per-candidate");
      } else {
        assertClose(want.perCandidate(), got.perCandidate(), 1e-5, who + " per-candidate");
      }
      assertGradClose(want.anchorGrad(), got.anchorGrad(), 1e-4, who + " dL/dA");
      if (want.candidateGrad() == null) {
        assertNull(got.candidateGrad(), who + " dL/dC");
      } else {
        assertGradClose(want.candidateGrad(), got.candidateGrad(), 1e-4, who + " dL/dC");
      }
      assertClose(want.temperatureGrad(), got.temperatureGrad(), 1e-4, who + " dL/dtau");
      Diagnostics dw = want.diagnostics(), dg = got.diagnostics();
      assertClose(dw.miLowerBound(), dg.miLowerBound(), 1e-5, who + " MI bound");
      assertClose(dw.miCeiling(), dg.miCeiling(), 1e-9, who + " MI ceiling");
      assertEquals(dw.miSaturated(), dg.miSaturated(), who + " saturation");
      assertClose(dw.meanPositiveSimilarity(), dg.meanPositiveSimilarity(), 1e-5, who + " mean positive similarity");
      assertClose(dw.meanNegativeSimilarity(), dg.meanNegativeSimilarity(), 1e-4, who + " mean negative similarity");
      assertClose(dw.negativeEntropy(), dg.negativeEntropy(), 1e-4, who + " negative entropy");
      assertClose(dw.maxNegativeEntropy(), dg.maxNegativeEntropy(), 1e-9, who + " max negative entropy");
      assertClose(dw.hardNegativeShare(), dg.hardNegativeShare(), 1e-4, who + " hard-negative share");

      LossResult fwd = engine.forward(batch, spec);
      assertClose(want.loss(), fwd.loss(), 1e-5, who + " forward loss");
      assertNull(fwd.anchorGrad(), who + " forward has no gradient");
      assertClose(dw.meanNegativeSimilarity(), fwd.diagnostics().meanNegativeSimilarity(), 1e-4, who + " forward mean negative similarity");
    }
  }
}
