package org.infonce4j.dpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;
import org.infonce4j.dpo.PreferenceLoss.Objective;
import org.infonce4j.dpo.PreferenceLoss.Result;
import org.infonce4j.loss.Batch;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.loss.LossResult;
import org.infonce4j.loss.LossSpec;
import org.junit.jupiter.api.Test;

class PreferenceLossTest {

  private static double[][] logps(int n, int candidates, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] policy = new double[n * candidates];
    double[] reference = new double[n * candidates];
    for (int t = 0; t < policy.length; t++) {
      reference[t] = -5 - 10 * r.nextDouble();
      policy[t] = reference[t] + r.nextGaussian();
    }
    return new double[][] {policy, reference};
  }

  /** The implicit rewards of each prompt's candidates as InfoNCE through the core engine: anchor [1], candidates [reward], dot, tau 1. */
  private static LossResult throughEngine(InfoNce engine, double[] rewards, int n, int candidates) {
    float[] one = new float[n];
    java.util.Arrays.fill(one, 1f);
    float[] c = new float[rewards.length];
    for (int t = 0; t < c.length; t++) c[t] = (float) rewards[t];
    int[] positives = new int[n];
    BitMatrix.Builder excluded = BitMatrix.builder(n, rewards.length);
    for (int i = 0; i < n; i++) {
      positives[i] = i * candidates;
      for (int j = 0; j < rewards.length; j++) if (j / candidates != i) excluded.set(i, j);
    }
    Batch batch = Batch.of(new Matrix(n, 1, one), new Matrix(rewards.length, 1, c)).withPositives(positives).withExcluded(excluded.build());
    return engine.compute(batch, LossSpec.dot(1.0));
  }

  @Test
  void dpoIsTwoCandidateInfoNce() {
    int n = 64;
    double beta = 0.1;
    double[][] lp = logps(n, 2, 11);
    Result dpo = PreferenceLoss.compute(Objective.SIGMOID, beta, lp[0], lp[1], 2);
    Result nce = PreferenceLoss.compute(Objective.INFONCE, beta, lp[0], lp[1], 2);
    assertEquals(dpo.loss(), nce.loss(), 1e-14);
    for (int t = 0; t < 2 * n; t++) assertEquals(dpo.policyGradient()[t], nce.policyGradient()[t], 1e-15);
    try (InfoNce engine = InfoNce.reference()) {
      LossResult r = throughEngine(engine, dpo.rewards(), n, 2);
      assertEquals(dpo.loss(), r.loss(), 1e-6);
      for (int t = 0; t < 2 * n; t++) {
        // d loss / d log pi = beta * d loss / d reward
        assertEquals(dpo.policyGradient()[t], beta * r.candidateGrad().data()[t], 1e-8, "response " + t);
      }
    }
  }

  @Test
  void listwiseIsInfoNceOverOneChosenAndKRejected() {
    int n = 32;
    int candidates = 5;
    double beta = 0.5;
    double[][] lp = logps(n, candidates, 5);
    Result nce = PreferenceLoss.compute(Objective.INFONCE, beta, lp[0], lp[1], candidates);
    try (InfoNce engine = InfoNce.create(2)) {
      LossResult r = throughEngine(engine, nce.rewards(), n, candidates);
      assertEquals(nce.loss(), r.loss(), 1e-5);
      for (int t = 0; t < n * candidates; t++) assertEquals(nce.policyGradient()[t], beta * r.candidateGrad().data()[t], 1e-6);
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    int n = 3;
    int candidates = 4;
    double[][] lp = logps(n, candidates, 2);
    for (Objective o : Objective.values()) {
      double[] g = PreferenceLoss.compute(o, 0.3, lp[0], lp[1], candidates).policyGradient();
      for (int t = 0; t < lp[0].length; t++) {
        double h = 1e-6;
        double[] up = lp[0].clone();
        double[] down = lp[0].clone();
        up[t] += h;
        down[t] -= h;
        double numeric = (PreferenceLoss.compute(o, 0.3, up, lp[1], candidates).loss()
            - PreferenceLoss.compute(o, 0.3, down, lp[1], candidates).loss()) / (2 * h);
        assertEquals(numeric, g[t], 1e-7, o + " response " + t);
      }
    }
  }

  @Test
  void closedForms() {
    double beta = 0.25;
    // policy = reference: every reward 0, DPO loss log 2, listwise log(1+K), IPO (1/(2 beta))^2
    double[] ref = {-3, -4, -5, -6};
    assertEquals(Math.log(2), PreferenceLoss.compute(Objective.SIGMOID, beta, ref, ref, 2).loss(), 1e-15);
    assertEquals(Math.log(4), PreferenceLoss.compute(Objective.INFONCE, beta, ref, ref, 4).loss(), 1e-15);
    assertEquals(4.0, PreferenceLoss.compute(Objective.IPO, beta, ref, ref, 2).loss(), 1e-15);
    // IPO is zero once the log-ratio gap is 1/(2 beta) = 2
    double[] policy = {-3 + 1, -4 - 1, -5 + 0.5, -6 - 1.5};
    Result ipo = PreferenceLoss.compute(Objective.IPO, beta, policy, ref, 2);
    assertEquals(0.0, ipo.loss(), 1e-15);
    assertEquals(1.0, ipo.accuracy());
    assertEquals(beta * 2, ipo.margin(), 1e-15);
  }

  @Test
  void accuracyCountsChosenAboveEveryRejected() {
    double[] ref = new double[6];
    double[] policy = {1, 0, -1, /* */ 0, 1, -1}; // prompt 0 right, prompt 1 wrong
    Result r = PreferenceLoss.compute(Objective.INFONCE, 1, policy, ref, 3);
    assertEquals(0.5, r.accuracy());
    assertEquals(((1 - (-0.5)) + (0 - 0)) / 2, r.margin(), 1e-15);
  }

  @Test
  void badInputIsNamed() {
    double[] ok = new double[4];
    assertThrows(IllegalArgumentException.class, () -> PreferenceLoss.compute(Objective.SIGMOID, 0, ok, ok, 2));
    assertThrows(IllegalArgumentException.class, () -> PreferenceLoss.compute(Objective.SIGMOID, 0.1, ok, ok, 1));
    assertThrows(IllegalArgumentException.class, () -> PreferenceLoss.compute(Objective.SIGMOID, 0.1, ok, ok, 3));
    assertThrows(IllegalArgumentException.class, () -> PreferenceLoss.compute(Objective.SIGMOID, 0.1, ok, new double[2], 2));
    double[] bad = {0, 0, Double.NEGATIVE_INFINITY, 0};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreferenceLoss.compute(Objective.IPO, 0.1, bad, ok, 2));
    assertTrue(e.getMessage().contains("prompt 1, response 0"), e.getMessage());
    assertEquals(Objective.INFONCE, Objective.parse("listwise"));
  }
}
