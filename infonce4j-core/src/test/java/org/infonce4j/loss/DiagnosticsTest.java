package org.infonce4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.infonce4j.Matrix;
import org.infonce4j.kernels.KernelProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Diagnostics where a positive dominates by more than float32's exponent range, the diagnostics
 * switch, and the guard against logits beyond float32.
 */
class DiagnosticsTest {

  private static List<InfoNce> engines;

  @BeforeAll
  static void start() {
    engines = List.of(InfoNce.reference(), InfoNce.create(KernelProvider.panama(), 2), InfoNce.create(KernelProvider.scalar(), 1));
  }

  @AfterAll
  static void stop() {
    engines.forEach(InfoNce::close);
  }

  private static Matrix identity(int n) {
    float[] v = new float[n * n]; // n x n
    for (int i = 0; i < n; i++) {
      v[i * n + i] = 1;
    }
    return new Matrix(n, n, v);
  }

  /**
   * One-hot anchors against themselves at tau = 0.001: the positive's logit is 1000 above the
   * negatives', so exp(z - lse) of a negative underflows even in double; the negatives (all at
   * logit 0) still share their weight uniformly: entropy log 5, hardest 1 of 5 carries 0.2.
   */
  @Test
  void dominantPositiveKeepsExactNegativeDiagnostics() {
    Matrix x = identity(6);
    for (InfoNce e : engines) {
      LossResult r = e.compute(Batch.of(x, x), LossSpec.cosine(0.001));
      Diagnostics d = r.diagnostics();
      String who = e.implementation();
      assertEquals(Math.log(5), d.negativeEntropy(), 1e-5, who);
      assertEquals(Math.log(5), d.maxNegativeEntropy(), 1e-12, who);
      assertEquals(0.2, d.hardNegativeShare(), 1e-6, who);
      assertEquals(0, r.loss(), 1e-12, who);
      assertTrue(d.miSaturated(), who);
      for (float g : r.anchorGrad().data()) {
        assertTrue(Float.isFinite(g), who);
      }
    }
  }

  /** Two opposite vectors: one negative each, so its entropy is 0 and it carries all the weight. */
  @Test
  void singleNegative() {
    Matrix x = new Matrix(2, 2, new float[] {1, 0, -1, 0});
    for (InfoNce e : engines) {
      Diagnostics d = e.compute(Batch.of(x, x), LossSpec.cosine(0.01)).diagnostics();
      assertEquals(0, d.negativeEntropy(), 1e-6, e.implementation());
      assertEquals(1, d.hardNegativeShare(), 1e-6, e.implementation());
      assertEquals(-1, d.meanNegativeSimilarity(), 1e-6, e.implementation());
    }
  }

  /** Off: only the entropy and the hard-negative share are skipped, in both engines alike. */
  @Test
  void switchedOffDiagnostics() {
    Random rnd = new Random(4);
    Matrix a = TestData.gaussian(rnd, 5, 4, 1);
    Matrix c = TestData.gaussian(rnd, 5, 4, 1);
    LossSpec off = LossSpec.cosine(0.1).withDiagnostics(false);
    Diagnostics want = InfoNce.reference().compute(Batch.of(a, c), LossSpec.cosine(0.1)).diagnostics();
    for (InfoNce e : engines) {
      Diagnostics d = e.compute(Batch.of(a, c), off).diagnostics();
      assertTrue(Double.isNaN(d.negativeEntropy()), e.implementation());
      assertTrue(Double.isNaN(d.hardNegativeShare()), e.implementation());
      assertEquals(want.meanNegativeSimilarity(), d.meanNegativeSimilarity(), 1e-5, e.implementation());
      assertEquals(want.maxNegativeEntropy(), d.maxNegativeEntropy(), 1e-12, e.implementation());
      assertEquals(want.miLowerBound(), d.miLowerBound(), 1e-5, e.implementation());
    }
  }

  /** Logits past float32's safe range are refused up front, naming the bound. */
  @Test
  void logitsBeyondFloat32AreRejected() {
    Matrix big = new Matrix(2, 2, new float[] {1e19f, 0, 0, 1e19f});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> engines.get(1).compute(Batch.of(big, big), LossSpec.dot(1)));
    assertTrue(e.getMessage().contains("could reach"), e.getMessage());
    Matrix unit = identity(3);
    e = assertThrows(IllegalArgumentException.class, () -> engines.get(1).compute(Batch.of(unit, unit), LossSpec.cosine(1e-39)));
    assertTrue(e.getMessage().contains("temperature"), e.getMessage());
  }
}
