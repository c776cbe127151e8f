package org.infonce4j.mi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MiEstimatorTest {

  private static double[] randomScores(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] f = new double[n * n];
    for (int k = 0; k < f.length; k++) f[k] = 2 * r.nextGaussian();
    return f;
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    int n = 6;
    double[] f = randomScores(n, 7);
    for (MiEstimator e : MiEstimator.values()) {
      double[] g = e.estimate(f, n).gradient();
      for (int k = 0; k < f.length; k++) {
        double h = 1e-6;
        double[] up = f.clone();
        double[] down = f.clone();
        up[k] += h;
        down[k] -= h;
        double numeric = (e.value(up, n) - e.value(down, n)) / (2 * h);
        assertEquals(numeric, g[k], 1e-7, e + " score " + k);
      }
    }
  }

  @Test
  void constantScoresCarryNoInformation() {
    int n = 9;
    double[] f = new double[n * n];
    java.util.Arrays.fill(f, 1.0); // NWJ's optimum for independent variables is f = 1
    for (MiEstimator e : MiEstimator.values()) assertEquals(0.0, e.value(f, n), 1e-12, e.toString());
    java.util.Arrays.fill(f, 3.0);
    assertEquals(0.0, MiEstimator.INFONCE.value(f, n), 1e-12);
    assertEquals(0.0, MiEstimator.DV.value(f, n), 1e-12);
    assertEquals(3 - Math.exp(2), MiEstimator.NWJ.value(f, n), 1e-12);
  }

  @Test
  void infoNceNeverExceedsLogN() {
    int n = 16;
    double[] f = new double[n * n];
    for (int i = 0; i < n; i++) f[i * n + i] = 50; // a perfect critic
    double v = MiEstimator.INFONCE.value(f, n);
    assertTrue(v <= Math.log(n), "estimate " + v);
    assertEquals(Math.log(n), v, 1e-9);
    for (long seed = 0; seed < 20; seed++) assertTrue(MiEstimator.INFONCE.value(randomScores(n, seed), n) <= Math.log(n));
  }

  /** With the true log density ratio as critic every bound is close to the truth when I is well below log n. */
  @Test
  void optimalCriticRecoversTheTruth() {
    int d = 4;
    int n = 256;
    CorrelatedGaussians g = CorrelatedGaussians.withMi(d, 1.0);
    double rho = g.rho();
    SplittableRandom random = new SplittableRandom(3);
    float[] x = new float[n * d];
    float[] y = new float[n * d];
    double[] sum = new double[3];
    int batches = 40;
    for (int b = 0; b < batches; b++) {
      g.sample(n, random, x, y);
      double[] f = g.logDensityRatio(x, y, n);
      sum[0] += MiEstimator.INFONCE.value(f, n);
      double[] shifted = f.clone();
      for (int k = 0; k < shifted.length; k++) shifted[k] += 1; // NWJ's optimal critic is 1 + log ratio
      sum[1] += MiEstimator.NWJ.value(shifted, n);
      sum[2] += MiEstimator.DV.value(f, n);
    }
    assertEquals(1.0, sum[0] / batches, 0.05, "InfoNCE");
    assertEquals(1.0, sum[1] / batches, 0.1, "NWJ");
    assertEquals(1.0, sum[2] / batches, 0.1, "DV");
    // the same through the helper, and the ratio itself against the densities written out
    assertEquals(sum[1] / batches, g.optimalCriticEstimate(MiEstimator.NWJ, n, batches, new SplittableRandom(3))[0], 1e-12);
    g.sample(2, new SplittableRandom(9), x, y);
    double[] f = g.logDensityRatio(x, y, 2);
    double logCond = 0;
    double logMarg = 0;
    for (int k = 0; k < d; k++) {
      double r = y[d + k] - rho * x[k];
      logCond += -r * r / (2 * (1 - rho * rho)) - 0.5 * Math.log(2 * Math.PI * (1 - rho * rho));
      logMarg += -(double) y[d + k] * y[d + k] / 2 - 0.5 * Math.log(2 * Math.PI);
    }
    assertEquals(logCond - logMarg, f[1], 1e-9, "f[0][1] = log p(y_1 | x_0) - log p(y_1)");
  }

  @Test
  void gaussiansHaveTheRequestedInformationAndCorrelation() {
    for (double mi : new double[] {2, 4, 6, 8, 10}) assertEquals(mi, CorrelatedGaussians.withMi(20, mi).mi(), 1e-9);
    CorrelatedGaussians g = CorrelatedGaussians.withMi(20, 6);
    int n = 20000;
    float[] x = new float[n * 20];
    float[] y = new float[n * 20];
    g.sample(n, new SplittableRandom(1), x, y);
    double xy = 0;
    double xx = 0;
    double yy = 0;
    for (int k = 0; k < x.length; k++) {
      xy += x[k] * y[k];
      xx += x[k] * x[k];
      yy += y[k] * y[k];
    }
    assertEquals(g.rho(), xy / Math.sqrt(xx * yy), 0.005);
    assertEquals(1.0, yy / x.length, 0.02);
  }

  @Test
  void badInputIsNamed() {
    double[] f = new double[9];
    f[5] = Double.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MiEstimator.DV.value(f, 3));
    assertTrue(e.getMessage().contains("row 1, column 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MiEstimator.NWJ.value(new double[8], 3));
    assertThrows(IllegalArgumentException.class, () -> MiEstimator.INFONCE.value(new double[1], 1));
    assertThrows(IllegalArgumentException.class, () -> MiEstimator.parse("mutual"));
    assertEquals(MiEstimator.DV, MiEstimator.parse("MINE"));
    assertThrows(IllegalArgumentException.class, () -> CorrelatedGaussians.withMi(20, -1));
  }
}
