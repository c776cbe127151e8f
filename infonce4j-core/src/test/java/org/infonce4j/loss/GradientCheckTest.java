package org.infonce4j.loss;

import static org.infonce4j.loss.TestData.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;
import org.infonce4j.kernels.KernelProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The analytic gradients of both engines (reference, and tiled with Panama kernels) against central
 * finite differences of the double-precision reference loss: dL/dA, dL/dC, dL/dtau and the
 * CLIP logit-scale gradient, for every variant of the loss. Then closed forms that need no
 * gradient: all similarities equal gives {@code log|V|}, a perfectly aligned batch gives a loss
 * near 0 and a saturated MI bound, and a one-anchor batch whose soft-max is derived by hand fixes
 * the loss, the gradients and every diagnostic.
 */
class GradientCheckTest {

  /**
   * Gradient tolerance, relative to the largest finite-difference entry of the matrix. Where it
   * comes from: the loss is evaluated in double from float32 inputs, so the finite difference has
   * no rounding error worth the name (1e-16 / h); its error is the truncation term h^2 |L'''| / 6,
   * about 1e-4 * 8 / 6 for dot at h = 1e-2 and tau 0.5 (logits of inputs ~0.5 scale by 1 / tau),
   * and 1e-6 * (1 / tau)^3 / 6 ~ 2e-5 for cosine at h = 1e-3 and tau 0.2. The analytic
   * gradients are float32 (the reference rounds a double result, 6e-8 relative; the tiled engine
   * computes in float32, a few 1e-7 relative to the largest entry). 1e-4 of the largest entry
   * leaves room for both and still catches any wrong term of the chain rule (those are O(1)).
   */
  private static final double GRAD_TOL = 1e-4;
  /** dL/dtau: the reference works in double (only the finite difference errs, ~1e-9 relative). */
  private static final double TAU_TOL_REFERENCE = 1e-6;
  /** dL/dtau of the tiled engine: a float32 sum of G z over every pair, cancelling (rows of G sum to 0). */
  private static final double TAU_TOL_TILED = 1e-4;

  private static InfoNce reference;
  private static InfoNce tiled;

  @BeforeAll
  static void start() {
    reference = InfoNce.reference();
    tiled = InfoNce.create(KernelProvider.panama(), 2); // the test JVM runs with the vector module
  }

  @AfterAll
  static void stop() {
    tiled.close();
  }

  // ------------------------------------------------------------------ finite differences

  /**
   * One gradient check: the inputs that get perturbed (anchors, and candidates unless SimCLR), a
   * fixed queue, what else the batch says (positives, masks), the spec and the step.
   */
  record GradCase(Matrix anchors, Matrix candidates, Matrix queue, UnaryOperator<Batch> decorate, LossSpec spec, double h) {

    Batch batch(Matrix a, Matrix c) {
      Batch b = c == null ? Batch.simclr(a) : Batch.of(a, c);
      if (queue != null) {
        b = b.withQueue(queue);
      }
      return decorate.apply(b);
    }

    Batch batch() {
      return batch(anchors, candidates);
    }
  }

  static Stream<Arguments> cases() {
    Random rnd = new Random(20240607);
    double hDot = 1e-2;
    double hCos = 1e-3;
    int[] labels = {0, 1, 0, 1, 2, 2};
    BitMatrix supconPos = TestData.sameLabel(labels); // 6 x 6: same label, off the diagonal
    int[] classes = {0, 1, 0, 1, 0, 2};
    BitMatrix.Builder sameClass = BitMatrix.builder(6, 6); // 6 x 6: same class, diagonal included
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        if (classes[i] == classes[j]) {
          sameClass.set(i, j);
        }
      }
    }
    BitMatrix multiPos = sameClass.build(); // columns with 3, 2 and 1 positives
    BitMatrix twoExcluded = BitMatrix.builder(5, 5).set(1, 2).set(3, 0).build(); // 5 x 5
    return Stream.of(
        Arguments.of("one-way cosine", new GradCase(gaussian(rnd, 5, 4, 1), gaussian(rnd, 5, 4, 1), null, b -> b,
            LossSpec.cosine(0.2), hCos)),
        Arguments.of("one-way dot", new GradCase(gaussian(rnd, 5, 4, 0.5), gaussian(rnd, 5, 4, 0.5), null, b -> b,
            LossSpec.dot(0.5), hDot)),
        Arguments.of("explicit positives, cosine, sum", new GradCase(gaussian(rnd, 5, 4, 1), gaussian(rnd, 7, 4, 1), null,
            b -> b.withPositives(new int[] {3, 0, 6, 3, 1}), LossSpec.cosine(0.25).withReduction(Reduction.SUM), hCos)),
        Arguments.of("explicit positives, dot", new GradCase(gaussian(rnd, 5, 4, 0.5), gaussian(rnd, 7, 4, 0.5), null,
            b -> b.withPositives(new int[] {6, 6, 2, 0, 4}), LossSpec.dot(0.5), hDot)),
        Arguments.of("queue, cosine", new GradCase(gaussian(rnd, 5, 4, 1), gaussian(rnd, 5, 4, 1), gaussian(rnd, 6, 4, 1),
            b -> b, LossSpec.cosine(0.2), hCos)),
        Arguments.of("queue, dot", new GradCase(gaussian(rnd, 5, 4, 0.5), gaussian(rnd, 5, 4, 0.5), gaussian(rnd, 6, 4, 0.5),
            b -> b, LossSpec.dot(0.5), hDot)),
        Arguments.of("SupCon mask, excluded diagonal", new GradCase(gaussian(rnd, 6, 4, 1), gaussian(rnd, 6, 4, 1), null,
            b -> b.withPositiveMask(supconPos).withExcluded(BitMatrix.identity(6)), LossSpec.cosine(0.3), hCos)),
        Arguments.of("symmetric mean, cosine", new GradCase(gaussian(rnd, 5, 4, 1), gaussian(rnd, 5, 4, 1), null, b -> b,
            LossSpec.cosine(0.2).withSymmetric(true), hCos)),
        Arguments.of("symmetric sum, dot, excluded", new GradCase(gaussian(rnd, 5, 4, 0.5), gaussian(rnd, 5, 4, 0.5), null,
            b -> b.withExcluded(twoExcluded), LossSpec.dot(0.5).withSymmetric(true).withReduction(Reduction.SUM), hDot)),
        Arguments.of("symmetric, several positives per row and column", new GradCase(gaussian(rnd, 6, 4, 1),
            gaussian(rnd, 6, 4, 1), null, b -> b.withPositiveMask(multiPos), LossSpec.cosine(0.3).withSymmetric(true), hCos)),
        Arguments.of("SimCLR, cosine", new GradCase(gaussian(rnd, 6, 4, 1), null, null, b -> b,
            LossSpec.cosine(0.3), hCos)),
        Arguments.of("SimCLR, dot, queue", new GradCase(gaussian(rnd, 6, 4, 0.5), null, gaussian(rnd, 3, 4, 0.5), b -> b,
            LossSpec.dot(0.5), hDot)),
        Arguments.of("reduction NONE, dot", new GradCase(gaussian(rnd, 4, 3, 0.5), gaussian(rnd, 6, 3, 0.5), null, b -> b,
            LossSpec.dot(1.0).withReduction(Reduction.NONE), hDot)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientsMatchFiniteDifferences(String name, GradCase gc) {
    double[] fdA = numericGrad(gc, true); // N x d
    double[] fdC = gc.candidates() == null ? null : numericGrad(gc, false); // M x d
    double fdTau = numericTemperatureGrad(gc);
    double fdLogScale = numericLogScaleGrad(gc);
    // The finite differences must see something, or the comparison below proves nothing.
    assertTrue(maxAbs(fdA) > 1e-3, name + ": dL/dA is all but zero");
    assertTrue(Math.abs(fdTau) > 1e-3, name + ": dL/dtau is all but zero");

    for (InfoNce engine : List.of(reference, tiled)) {
      String who = name + " [" + engine.implementation() + "]";
      LossResult r = engine.compute(gc.batch(), gc.spec());
      assertGrad(fdA, r.anchorGrad(), who + " dL/dA");
      if (fdC == null) {
        assertNull(r.candidateGrad(), who + ": SimCLR reports the views' gradient as dL/dA only");
      } else {
        assertGrad(fdC, r.candidateGrad(), who + " dL/dC");
      }
      double tauTol = engine == reference ? TAU_TOL_REFERENCE : TAU_TOL_TILED;
      assertRelative(fdTau, r.temperatureGrad(), tauTol, who + " dL/dtau");
      assertRelative(fdLogScale, r.logitScaleGrad(), tauTol, who + " dL/dlog(1/tau)");
      assertEquals(gc.spec().temperature(), r.temperature(), 0, who + " temperature");
      if (gc.spec().reduction() == Reduction.NONE) {
        double sum = 0;
        for (double l : r.perAnchor()) {
          sum += l;
        }
        assertRelative(sum, r.loss(), 1e-12, who + ": reduction NONE reports the sum");
      }
    }
  }

  /** Central differences of the reference loss w.r.t. every entry of the anchors (or candidates). */
  private static double[] numericGrad(GradCase gc, boolean anchors) {
    Matrix x = anchors ? gc.anchors() : gc.candidates();
    double[] out = new double[x.data().length]; // rows x d
    for (int e = 0; e < out.length; e++) {
      float x0 = x.data()[e];
      float up = (float) (x0 + gc.h());
      float down = (float) (x0 - gc.h());
      double lossUp = lossWithEntry(gc, anchors, e, up);
      double lossDown = lossWithEntry(gc, anchors, e, down);
      // the step actually taken: the float values' difference, not 2h
      out[e] = (lossUp - lossDown) / ((double) up - (double) down);
    }
    return out;
  }

  private static double lossWithEntry(GradCase gc, boolean anchors, int e, float value) {
    Matrix x = (anchors ? gc.anchors() : gc.candidates()).copy();
    x.data()[e] = value;
    Batch b = anchors ? gc.batch(x, gc.candidates()) : gc.batch(gc.anchors(), x);
    return reference.forward(b, gc.spec()).loss();
  }

  /** dL/dtau by a central difference in tau (a double: the step is exact). */
  private static double numericTemperatureGrad(GradCase gc) {
    double tau = gc.spec().temperature();
    double h = 1e-5 * tau;
    double up = reference.forward(gc.batch(), gc.spec().withTemperature(tau + h)).loss();
    double down = reference.forward(gc.batch(), gc.spec().withTemperature(tau - h)).loss();
    return (up - down) / (2 * h);
  }

  /** dL/du for the CLIP parameterisation tau = exp(-u), u = log(1/tau), by a central difference in u. */
  private static double numericLogScaleGrad(GradCase gc) {
    double u = Math.log(1 / gc.spec().temperature());
    double h = 1e-5;
    double up = reference.forward(gc.batch(), gc.spec().withLogitScale(u + h)).loss();
    double down = reference.forward(gc.batch(), gc.spec().withLogitScale(u - h)).loss();
    return (up - down) / (2 * h);
  }

  private static void assertGrad(double[] expected, Matrix actual, String what) {
    assertNotNull(actual, what);
    assertEquals(expected.length, actual.data().length, what + " size");
    double scale = maxAbs(expected);
    for (int e = 0; e < expected.length; e++) {
      double diff = Math.abs(expected[e] - actual.data()[e]);
      if (!(diff <= GRAD_TOL * scale)) {
        throw new AssertionError(what + " differs at (" + e / actual.cols() + ", " + e % actual.cols() + "): finite difference "
            + expected[e] + ", analytic " + actual.data()[e] + " (|diff| " + diff + " > " + GRAD_TOL + " x " + scale + ")");
      }
    }
  }

  // ------------------------------------------------------------------ closed forms

  /** A generic direction (not axis-aligned, not unit length), so normalisation has work to do. */
  private static final float[] V = {0.3f, -1.2f, 0.7f, 2.0f};

  /** {@code rows} copies of {@link #V}. */
  private static Matrix copies(int rows) {
    float[] data = new float[rows * V.length]; // rows x 4
    for (int r = 0; r < rows; r++) {
      System.arraycopy(V, 0, data, r * V.length, V.length);
    }
    return new Matrix(rows, V.length, data);
  }

  /** (name, batch, |V(i)| for every anchor, number of anchors) with every similarity equal to 1. */
  static Stream<Arguments> equalSimilarities() {
    BitMatrix.Builder two = BitMatrix.builder(7, 7);
    for (int i = 0; i < 7; i++) {
      two.set(i, (i + 1) % 7).set(i, (i + 2) % 7); // two negatives out of every row
    }
    return Stream.of(
        Arguments.of("M=7", Batch.of(copies(7), copies(7)), 7),
        Arguments.of("M=7, queue K=5", Batch.of(copies(7), copies(7)).withQueue(copies(5)), 12),
        Arguments.of("M=7, two excluded per row", Batch.of(copies(7), copies(7)).withExcluded(two.build()), 5),
        Arguments.of("SimCLR 2N=8", Batch.simclr(copies(8)), 7),
        Arguments.of("M=7, queue K=34", Batch.of(copies(7), copies(7)).withQueue(copies(34)), 41));
  }

  /**
   * All logits equal: the soft-max over V(i) is uniform, so l_i = log|V(i)| exactly, the MI bound is 0
   * and its ceiling log|V|; the negatives' weights are uniform too, so their entropy is its maximum
   * log(#negatives) and the hardest ceil(5%) of them (at least one) carry exactly that share. Every
   * row of dL/dz is uniform minus the positive weight, so it sums to 0 and, all candidates being
   * the same vector, the input gradients and dL/dtau vanish.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("equalSimilarities")
  void equalSimilaritiesGiveLogOfValidCount(String name, Batch batch, int valid) {
    LossSpec spec = LossSpec.cosine(0.1);
    int negatives = valid - 1;
    int hard = (int) Math.ceil(0.05 * negatives); // 1 up to 20 negatives, 3 for 40
    double expected = Math.log(valid);
    for (InfoNce engine : List.of(reference, tiled)) {
      String who = name + " [" + engine.implementation() + "]";
      // The reference holds similarities in double (one rounding of a unit vector's square norm);
      // the tiled engine's logits are float32 products of 10 / |v| scaled floats: 1e-6 relative.
      double tol = engine == reference ? 1e-12 : 1e-6;
      LossResult r = engine.compute(batch, spec);
      assertRelative(expected, r.loss(), tol, who + " loss");
      for (int i = 0; i < r.perAnchor().length; i++) {
        assertRelative(expected, r.perAnchor()[i], tol, who + " loss of anchor " + i);
      }
      Diagnostics d = r.diagnostics();
      assertEquals(0, d.miLowerBound(), tol, who + " MI lower bound");
      assertRelative(expected, d.miCeiling(), 1e-12, who + " MI ceiling");
      assertFalse(d.miSaturated(), who + " a zero bound is not saturated");
      assertRelative(1, d.meanPositiveSimilarity(), 1e-6, who + " mean positive similarity");
      assertRelative(1, d.meanNegativeSimilarity(), 1e-6, who + " mean negative similarity");
      assertRelative(Math.log(negatives), d.maxNegativeEntropy(), 1e-12, who + " max negative entropy");
      // Entropy and share are sums of float32 soft-max weights times logits of size 1 / tau:
      // a few 1e-6 absolute in the tiled engine.
      double sumTol = engine == reference ? 1e-12 : 1e-5;
      assertRelative(Math.log(negatives), d.negativeEntropy(), sumTol, who + " negative entropy");
      assertRelative((double) hard / negatives, d.hardNegativeShare(), sumTol, who + " hard-negative share");
      assertEquals(0.05, d.hardNegativeFraction(), 0, who + " hard-negative fraction");
      // Gradients: exact zeros in theory; float32 outputs of O(1 / tau) terms cancelling.
      assertTrue(maxAbs(r.anchorGrad().data()) < 1e-5, who + " dL/dA ~ 0, got max " + maxAbs(r.anchorGrad().data()));
      if (r.candidateGrad() != null) {
        assertTrue(maxAbs(r.candidateGrad().data()) < 1e-5, who + " dL/dC ~ 0");
      }
      assertEquals(0, r.temperatureGrad(), 1e-4, who + " dL/dtau ~ 0");
    }
  }

  /**
   * a_i = c_i = the i-th unit vector, tau 0.01: the positive's logit is 100, every negative's 0, so
   * l_i = log(1 + (M - 1) e^-100) ~ 5e-44: the loss is 0 to double precision, the bound reaches its
   * ceiling log M and is saturated; the mean similarities are 1 and 0.
   */
  @Test
  void perfectlyAlignedBatchSaturatesTheBound() {
    int m = 6;
    float[] eye = new float[m * m]; // 6 x 6
    for (int i = 0; i < m; i++) {
      eye[i * m + i] = 1;
    }
    Matrix x = new Matrix(m, m, eye);
    Batch batch = Batch.of(x, x.copy());
    for (InfoNce engine : List.of(reference, tiled)) {
      String who = "aligned [" + engine.implementation() + "]";
      LossResult r = engine.compute(batch, LossSpec.cosine(0.01));
      assertTrue(r.loss() >= 0 && r.loss() < 1e-6, who + " loss ~ 0, got " + r.loss());
      Diagnostics d = r.diagnostics();
      assertEquals(Math.log(m), d.miCeiling(), 1e-12, who + " MI ceiling");
      assertEquals(Math.log(m), d.miLowerBound(), 1e-6, who + " MI bound");
      assertTrue(d.miSaturated(), who + " saturated");
      assertEquals(1, d.meanPositiveSimilarity(), 1e-6, who + " mean positive similarity");
      assertEquals(0, d.meanNegativeSimilarity(), 1e-6, who + " mean negative similarity");
    }
  }

  /**
   * One anchor a = (1, 0), candidates (2, 0) (the positive), (0, 1), (-1, 0), dot, tau 1: logits
   * z = (2, 0, -1), p = e^z / S with S = e^2 + 1 + e^-1. By hand: l = log S - 2; dL/dz = p - (1, 0, 0),
   * which sums to 0 (the positive's weight 1 - p0 equals the negatives' p1 + p2); dL/dc_j = G_j a;
   * dL/da = sum_j G_j c_j = (2 (p0 - 1) - p2, p1); dL/dtau = -sum_j G_j z_j. Diagnostics: the
   * negatives' weights q = (1, e^-1) / (1 + e^-1), entropy -sum q log q, maximum log 2; the hardest
   * ceil(5% of 2) = 1 negative is (0, 1), share q_1; the bound is log 3 - l.
   */
  @Test
  void oneAnchorSoftmaxByHand() {
    Matrix a = new Matrix(1, 2, new float[] {1, 0}); // 1 x 2
    Matrix c = new Matrix(3, 2, new float[] {2, 0, 0, 1, -1, 0}); // 3 x 2
    double s = Math.exp(2) + 1 + Math.exp(-1);
    double p0 = Math.exp(2) / s, p1 = 1 / s, p2 = Math.exp(-1) / s;
    double loss = Math.log(s) - 2;
    double[] g = {p0 - 1, p1, p2}; // dL/dz: 3
    double q1 = 1 / (1 + Math.exp(-1)), q2 = 1 - q1;
    double entropy = -(q1 * Math.log(q1) + q2 * Math.log(q2));
    assertEquals(0, g[0] + g[1] + g[2], 1e-15, "the softmax identity itself");

    for (InfoNce engine : List.of(reference, tiled)) {
      String who = "by hand [" + engine.implementation() + "]";
      LossResult r = engine.compute(Batch.of(a, c), LossSpec.dot(1.0));
      assertRelative(loss, r.loss(), 1e-6, who + " loss");
      assertGrad(new double[] {2 * (p0 - 1) - p2, p1}, r.anchorGrad(), who + " dL/da");
      assertGrad(new double[] {g[0], 0, g[1], 0, g[2], 0}, r.candidateGrad(), who + " dL/dC");
      // the positive's weight equals the negatives' total weight: the rows of dL/dC sum to zero
      double[] cg = toDouble(r.candidateGrad().data());
      assertEquals(0, cg[0] + cg[2] + cg[4], 1e-6, who + " sum_j dL/dc_j");
      assertRelative(-(g[0] * 2 + g[1] * 0 + g[2] * -1), r.temperatureGrad(), 1e-5, who + " dL/dtau");
      Diagnostics d = r.diagnostics();
      assertRelative(Math.log(3) - loss, d.miLowerBound(), 1e-6, who + " MI bound");
      assertRelative(Math.log(3), d.miCeiling(), 1e-12, who + " MI ceiling");
      assertRelative(2, d.meanPositiveSimilarity(), 1e-6, who + " mean positive similarity");
      assertRelative(-0.5, d.meanNegativeSimilarity(), 1e-6, who + " mean negative similarity");
      assertRelative(entropy, d.negativeEntropy(), 1e-5, who + " negative entropy");
      assertRelative(Math.log(2), d.maxNegativeEntropy(), 1e-12, who + " max negative entropy");
      assertRelative(q1, d.hardNegativeShare(), 1e-5, who + " hard-negative share");
    }
  }

  /**
   * Translation invariance: under one-way dot similarity without a queue, adding the same vector t
   * to every candidate adds a_i . t / tau to the whole row i of logits, which no soft-max sees. So
   * sum_j dL/dc_j = sum_i (sum_j G_ij) a_i / tau = 0 for any inputs, masks and positives: every row
   * of dL/dz sums to zero.
   */
  @Test
  void candidateGradientsSumToZeroUnderDot() {
    Random rnd = new Random(99);
    Matrix a = gaussian(rnd, 6, 5, 1); // 6 x 5
    Matrix c = gaussian(rnd, 9, 5, 1); // 9 x 5
    BitMatrix pos = BitMatrix.builder(6, 9).set(0, 0).set(0, 4).set(1, 1).set(2, 8).set(2, 7).set(2, 6).set(3, 3)
        .set(4, 0).set(5, 5).build(); // 6 x 9
    BitMatrix excluded = BitMatrix.builder(6, 9).set(0, 1).set(3, 4).set(3, 5).set(5, 8).build(); // 6 x 9
    List<Batch> batches = List.of(Batch.of(a, c), Batch.of(a, c).withPositives(new int[] {8, 2, 2, 0, 7, 1}),
        Batch.of(a, c).withPositiveMask(pos).withExcluded(excluded));
    for (Batch batch : batches) {
      for (InfoNce engine : List.of(reference, tiled)) {
        String who = "translation [" + engine.implementation() + "]";
        LossResult r = engine.compute(batch, LossSpec.dot(0.7).withReduction(Reduction.SUM));
        Matrix gc = r.candidateGrad();
        double scale = maxAbs(toDouble(gc.data()));
        assertTrue(scale > 0.1, who + " candidate gradients are not trivially zero");
        for (int t = 0; t < gc.cols(); t++) {
          double sum = 0;
          for (int j = 0; j < gc.rows(); j++) {
            sum += gc.get(j, t);
          }
          assertEquals(0, sum, 1e-5 * scale, who + " column " + t + " of sum_j dL/dc_j");
        }
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** |expected - actual| <= tol * max(|expected|, 1e-12). */
  private static void assertRelative(double expected, double actual, double tol, String what) {
    double diff = Math.abs(expected - actual);
    assertTrue(diff <= tol * Math.max(Math.abs(expected), 1e-12),
        what + ": expected " + expected + " but got " + actual + " (relative error " + diff / Math.abs(expected) + ", tolerance " + tol + ")");
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  private static double maxAbs(float[] v) {
    double m = 0;
    for (float x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
