package org.infonce4j.loss;

import static org.infonce4j.loss.TestData.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;
import org.infonce4j.kernels.KernelProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bad input is an {@link IllegalArgumentException} whose message names the offending row,
 * anchor, candidate or sizes, from both engines and from {@code compute} and {@code forward} alike:
 * non-finite values, bad temperatures, zero vectors under cosine, shape mismatches, positives and
 * masks that do not fit or contradict each other, anchors without a negative, and the layouts the
 * symmetric and SimCLR losses rule out. Where a rejection has a valid neighbour, the neighbour is
 * computed too, so the checks are not simply rejecting everything.
 */
class ValidationTest {

  private static InfoNce reference;
  private static InfoNce tiled;

  @BeforeAll
  static void start() {
    reference = InfoNce.reference();
    tiled = InfoNce.create(KernelProvider.scalar(), 2);
  }

  @AfterAll
  static void stop() {
    tiled.close();
  }

  private final Random rnd = new Random(42);

  /** {@code rows x cols} Gaussian values. */
  private Matrix random(int rows, int cols) {
    return gaussian(rnd, rows, cols, 1);
  }

  /** {@code m} with entry (r, c) replaced. */
  private static Matrix with(Matrix m, int r, int c, float v) {
    Matrix out = m.copy();
    out.data()[r * m.cols() + c] = v;
    return out;
  }

  /**
   * Both engines reject {@code batch} under {@code spec}, in {@code compute} and in {@code forward},
   * with an IllegalArgumentException whose message contains every fragment; returns one message.
   */
  private static String assertRejected(Batch batch, LossSpec spec, String... fragments) {
    String message = null;
    for (InfoNce engine : List.of(reference, tiled)) {
      for (boolean backward : new boolean[] {true, false}) {
        String who = engine.implementation() + (backward ? " compute" : " forward");
        Executable call = backward ? () -> engine.compute(batch, spec) : () -> engine.forward(batch, spec);
        message = assertMessage(call, who, fragments);
      }
    }
    return message;
  }

  private static String assertMessage(Executable call, String who, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, who + " accepted bad input");
    String message = e.getMessage();
    assertTrue(message != null, who + ": no message");
    for (String f : fragments) {
      assertTrue(message.contains(f), who + ": message \"" + message + "\" does not mention \"" + f + "\"");
    }
    return message;
  }

  /** Both engines accept the batch; returns the reference result. */
  private static LossResult assertAccepted(Batch batch, LossSpec spec) {
    LossResult r = reference.compute(batch, spec);
    assertTrue(Double.isFinite(r.loss()), "reference loss is " + r.loss());
    LossResult t = tiled.compute(batch, spec);
    assertTrue(Double.isFinite(t.loss()), "tiled loss is " + t.loss());
    return r;
  }

  // ------------------------------------------------------------------ values

  @Test
  void nanInAnchorsNamesTheRow() {
    Matrix a = with(random(5, 4), 3, 2, Float.NaN); // 5 x 4
    assertRejected(Batch.of(a, random(5, 4)), LossSpec.cosine(0.1), "anchors row 3", "NaN");
    assertRejected(Batch.of(a, random(5, 4)), LossSpec.dot(0.1), "anchors row 3", "NaN");
  }

  @Test
  void infinityInCandidatesNamesTheRow() {
    Matrix c = with(random(6, 4), 1, 0, Float.POSITIVE_INFINITY); // 6 x 4
    assertRejected(Batch.of(random(5, 4), c), LossSpec.cosine(0.1), "candidates row 1", "Infinity");
    assertRejected(Batch.of(random(5, 4), c), LossSpec.dot(0.1), "candidates row 1", "Infinity");
  }

  @Test
  void nanInQueueNamesTheRow() {
    Matrix q = with(random(7, 4), 4, 3, Float.NaN); // 7 x 4
    assertRejected(Batch.of(random(5, 4), random(5, 4)).withQueue(q), LossSpec.cosine(0.1), "queue row 4");
    assertRejected(Batch.simclr(random(6, 4)).withQueue(q), LossSpec.cosine(0.1), "queue row 4");
  }

  @Test
  void nonFiniteViewsInSimclrNameTheRow() {
    Matrix v = with(random(6, 4), 5, 1, Float.NEGATIVE_INFINITY); // 6 x 4
    assertRejected(Batch.simclr(v), LossSpec.cosine(0.1), "row 5");
  }

  @ParameterizedTest(name = "tau = {0}")
  @ValueSource(doubles = {0.0, -0.0, -0.07, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void badTemperatureIsRejected(double tau) {
    for (Executable make : List.<Executable>of(() -> LossSpec.cosine(tau), () -> LossSpec.dot(tau),
        () -> LossSpec.defaults().withTemperature(tau), () -> new LossSpec(Similarity.DOT, tau, Reduction.SUM, false, true))) {
      assertMessage(make, "tau " + tau, "temperature", String.valueOf(tau));
    }
  }

  @Test
  void smallPositiveTemperatureIsAccepted() {
    assertEquals(1e-3, LossSpec.cosine(1e-3).temperature());
    assertAccepted(Batch.of(random(3, 4), random(3, 4)), LossSpec.cosine(1e-3));
  }

  @Test
  void zeroVectorIsRejectedUnderCosineOnly() {
    Matrix c = random(5, 4);
    for (int t = 0; t < 4; t++) {
      c = with(c, 2, t, 0f); // candidates row 2 = 0
    }
    Batch batch = Batch.of(random(5, 4), c);
    String message = assertRejected(batch, LossSpec.cosine(0.1), "candidates row 2", "zero");
    assertTrue(message.contains("cosine"), message);
    assertAccepted(batch, LossSpec.dot(0.1));

    Matrix a = random(5, 4);
    for (int t = 0; t < 4; t++) {
      a = with(a, 4, t, -0f); // anchors row 4 = -0
    }
    assertRejected(Batch.of(a, random(5, 4)), LossSpec.cosine(0.1), "anchors row 4", "zero");
    assertAccepted(Batch.of(a, random(5, 4)), LossSpec.dot(0.1));

    Matrix q = with(with(random(3, 2), 0, 0, 0f), 0, 1, 0f); // 3 x 2, queue row 0 = 0
    assertRejected(Batch.of(random(2, 2), random(2, 2)).withQueue(q), LossSpec.cosine(0.1), "queue row 0", "zero");
    assertAccepted(Batch.of(random(2, 2), random(2, 2)).withQueue(q), LossSpec.dot(0.1));
  }

  // ------------------------------------------------------------------ shapes

  @Test
  void candidateColumnsMustMatch() {
    assertRejected(Batch.of(random(5, 4), random(5, 3)), LossSpec.cosine(0.1), "3 columns", "4");
  }

  @Test
  void queueColumnsMustMatch() {
    assertRejected(Batch.of(random(5, 4), random(5, 4)).withQueue(random(8, 6)), LossSpec.cosine(0.1), "queue", "6 columns", "4");
  }

  @Test
  void positivesArrayMustHaveOneEntryPerAnchor() {
    Batch tooShort = Batch.of(random(5, 4), random(7, 4)).withPositives(new int[] {0, 1, 2, 3});
    assertRejected(tooShort, LossSpec.cosine(0.1), "4 entries", "5 anchors");
    Batch tooLong = Batch.of(random(5, 4), random(7, 4)).withPositives(new int[] {0, 1, 2, 3, 4, 5});
    assertRejected(tooLong, LossSpec.cosine(0.1), "6 entries", "5 anchors");
  }

  @Test
  void positiveIndexOutOfRangeNamesTheAnchor() {
    Matrix a = random(5, 4), c = random(7, 4);
    assertRejected(Batch.of(a, c).withPositives(new int[] {0, 1, -1, 3, 4}), LossSpec.cosine(0.1), "anchor 2", "-1", "7");
    assertRejected(Batch.of(a, c).withPositives(new int[] {0, 1, 2, 7, 4}), LossSpec.cosine(0.1), "anchor 3", "candidate 7");
    assertAccepted(Batch.of(a, c).withPositives(new int[] {0, 1, 2, 6, 4}), LossSpec.cosine(0.1));
  }

  @Test
  void defaultPositivesNeedAsManyCandidatesAsAnchors() {
    assertRejected(Batch.of(random(5, 4), random(3, 4)), LossSpec.cosine(0.1), "(3)", "(5)");
    // The same sizes are fine once positives say where to look.
    assertAccepted(Batch.of(random(5, 4), random(3, 4)).withPositives(new int[] {0, 1, 2, 0, 1}), LossSpec.cosine(0.1));
  }

  @Test
  void positiveMaskMustHaveTheBatchShape() {
    BitMatrix mask = BitMatrix.builder(5, 6).set(0, 0).set(1, 1).set(2, 2).set(3, 3).set(4, 4).build(); // 5 x 6
    assertRejected(Batch.of(random(5, 4), random(5, 4)).withPositiveMask(mask), LossSpec.cosine(0.1), "positive mask", "5 x 6",
        "5 anchors", "5 candidates");
    BitMatrix tall = BitMatrix.identity(6); // 6 x 6
    assertRejected(Batch.of(random(5, 4), random(6, 4)).withPositiveMask(tall), LossSpec.cosine(0.1), "6 x 6", "5 anchors");
  }

  @Test
  void positiveMaskRowWithoutPositiveNamesTheAnchor() {
    BitMatrix mask = BitMatrix.builder(4, 4).set(0, 1).set(1, 0).set(3, 2).build(); // 4 x 4, row 2 empty
    assertRejected(Batch.of(random(4, 4), random(4, 4)).withPositiveMask(mask), LossSpec.cosine(0.1), "anchor 2", "no positive");
  }

  @Test
  void excludedMaskMustHaveTheBatchShape() {
    BitMatrix ex = BitMatrix.builder(4, 5).set(0, 1).build(); // 4 x 5
    assertRejected(Batch.of(random(5, 4), random(5, 4)).withExcluded(ex), LossSpec.cosine(0.1), "excluded mask", "4 x 5",
        "5 anchors");
    assertRejected(Batch.simclr(random(6, 4)).withExcluded(BitMatrix.identity(5)), LossSpec.cosine(0.1), "excluded mask",
        "5 x 5", "6 anchors");
  }

  @Test
  void positiveThatIsAlsoExcludedNamesAnchorAndCandidate() {
    Matrix a = random(5, 4), c = random(5, 4);
    BitMatrix ex = BitMatrix.builder(5, 5).set(1, 1).build(); // 5 x 5
    assertRejected(Batch.of(a, c).withExcluded(ex), LossSpec.cosine(0.1), "anchor 1", "candidate 1");
    BitMatrix ex2 = BitMatrix.builder(5, 5).set(3, 0).build(); // 5 x 5
    assertRejected(Batch.of(a, c).withPositives(new int[] {1, 2, 3, 0, 4}).withExcluded(ex2), LossSpec.cosine(0.1), "anchor 3",
        "candidate 0");
    BitMatrix pos = BitMatrix.builder(5, 5).set(0, 0).set(1, 1).set(2, 2).set(2, 4).set(3, 3).set(4, 4).build(); // 5 x 5
    BitMatrix ex3 = BitMatrix.builder(5, 5).set(2, 4).build(); // 5 x 5
    assertRejected(Batch.of(a, c).withPositiveMask(pos).withExcluded(ex3), LossSpec.cosine(0.1), "anchor 2", "candidate 4");
    // SimCLR: view 0's positive is view 3 of 6.
    BitMatrix ex4 = BitMatrix.builder(6, 6).set(0, 3).build(); // 6 x 6
    assertRejected(Batch.simclr(random(6, 4)).withExcluded(ex4), LossSpec.cosine(0.1), "anchor 0", "candidate 3");
  }

  @Test
  void anchorWithoutNegativeIsRejectedUntilAQueueGivesOne() {
    Matrix a = random(2, 3), c = random(2, 3);
    BitMatrix ex = BitMatrix.builder(2, 2).set(0, 1).build(); // 2 x 2: anchor 0 loses its only negative
    Batch batch = Batch.of(a, c).withExcluded(ex);
    assertRejected(batch, LossSpec.cosine(0.1), "anchor 0", "no valid negative");

    // One queued negative fixes it: anchor 0 has |V| = 2 (positive, queue), anchor 1 |V| = 3.
    LossResult r = assertAccepted(batch.withQueue(random(1, 3)), LossSpec.cosine(0.1));
    assertEquals((Math.log(2) + Math.log(3)) / 2, r.diagnostics().miCeiling(), 1e-12, "MI ceiling");

    // One anchor, one candidate: nothing to contrast with.
    assertRejected(Batch.of(random(1, 3), random(1, 3)), LossSpec.dot(0.1), "anchor 0", "no valid negative");
  }

  // ------------------------------------------------------------------ layouts

  @Test
  void simclrNeedsAnEvenNumberOfViews() {
    assertRejected(Batch.simclr(random(5, 4)), LossSpec.cosine(0.1), "even", "5");
    assertAccepted(Batch.simclr(random(4, 4)), LossSpec.cosine(0.1));
  }

  @Test
  void simclrFixesItsOwnPositives() {
    Batch views = Batch.simclr(random(6, 4));
    assertMessage(() -> views.withPositives(new int[] {3, 4, 5, 0, 1, 2}), "withPositives", "SimCLR", "positives");
    assertMessage(() -> views.withPositiveMask(BitMatrix.identity(6)), "withPositiveMask", "SimCLR", "positive mask");
    assertRejected(views, LossSpec.cosine(0.1).withSymmetric(true), "SimCLR", "symmetric");
  }

  @Test
  void symmetricTakesNoQueue() {
    Batch batch = Batch.of(random(4, 4), random(4, 4)).withQueue(random(3, 4));
    assertRejected(batch, LossSpec.cosine(0.1).withSymmetric(true), "symmetric", "queue");
    assertAccepted(batch, LossSpec.cosine(0.1));
  }

  @Test
  void symmetricNeedsAsManyAnchorsAsCandidates() {
    Batch batch = Batch.of(random(4, 4), random(5, 4));
    assertRejected(batch, LossSpec.cosine(0.1).withSymmetric(true), "symmetric", "4", "5");
    assertAccepted(batch, LossSpec.cosine(0.1));
  }

  @Test
  void symmetricNeedsEveryCandidateToBeSomebodysPositive() {
    Batch batch = Batch.of(random(3, 4), random(3, 4)).withPositives(new int[] {0, 0, 2});
    assertRejected(batch, LossSpec.cosine(0.1).withSymmetric(true), "candidate 1", "positive");
    assertAccepted(batch, LossSpec.cosine(0.1));
  }

  @Test
  void symmetricNeedsANegativeAnchorForEveryCandidate() {
    // Candidate 0 is anchor 0's positive and excluded for anchors 1 and 2: no negative anchor is
    // left in its column, while every row keeps one negative (anchor 1: candidate 2, anchor 2: 1).
    BitMatrix ex = BitMatrix.builder(3, 3).set(1, 0).set(2, 0).build(); // 3 x 3
    Batch batch = Batch.of(random(3, 3), random(3, 3)).withExcluded(ex);
    assertRejected(batch, LossSpec.cosine(0.1).withSymmetric(true), "candidate 0", "no valid negative");
    assertAccepted(batch, LossSpec.cosine(0.1));
    BitMatrix one = BitMatrix.builder(3, 3).set(1, 0).build(); // 3 x 3: candidate 0 keeps anchor 2
    assertAccepted(Batch.of(random(3, 3), random(3, 3)).withExcluded(one), LossSpec.cosine(0.1).withSymmetric(true));
  }

  @Test
  void emptyInputsAreRejected() {
    assertRejected(Batch.of(Matrix.zeros(0, 4), random(3, 4)), LossSpec.cosine(0.1), "0 x 4");
    assertRejected(Batch.of(random(3, 4), Matrix.zeros(0, 4)).withPositives(new int[] {0, 0, 0}), LossSpec.cosine(0.1), "empty");
  }

  @ParameterizedTest(name = "threads = {0}")
  @ValueSource(ints = {0, -1})
  void threadsMustBePositive(int threads) {
    assertMessage(() -> InfoNce.create(threads), "create(" + threads + ")", "threads", String.valueOf(threads));
    assertMessage(() -> InfoNce.create(KernelProvider.scalar(), threads), "create(scalar, " + threads + ")", "threads",
        String.valueOf(threads));
  }

  @Test
  void nullArgumentsAreRejected() {
    assertMessage(() -> reference.compute(null, LossSpec.defaults()), "null batch", "batch");
    assertMessage(() -> tiled.compute(Batch.of(random(2, 2), random(2, 2)), null), "null spec", "spec");
    assertMessage(() -> Batch.of(random(2, 2), null), "null candidates", "candidates");
    assertMessage(() -> InfoNce.create(null, 1), "null kernels", "kernels");
  }
}
