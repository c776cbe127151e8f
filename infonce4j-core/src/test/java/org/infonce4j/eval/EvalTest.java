package org.infonce4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.infonce4j.Matrix;
import org.junit.jupiter.api.Test;

/** kNN against brute force, the linear probe on data of known separability, and the geometry closed forms. */
class EvalTest {

  /** {@code n} points around {@code classes} random centres on the sphere in {@code d} dimensions. */
  private static Matrix blobs(Random rnd, int n, int d, int classes, double noise, int[] labels, float[][] centres) {
    float[] v = new float[n * d]; // n x d
    for (int i = 0; i < n; i++) {
      int c = rnd.nextInt(classes);
      labels[i] = c;
      for (int k = 0; k < d; k++) {
        v[i * d + k] = (float) (centres[c][k] + noise * rnd.nextGaussian());
      }
    }
    return new Matrix(n, d, v);
  }

  private static float[][] centres(Random rnd, int classes, int d) {
    float[][] c = new float[classes][d];
    for (float[] row : c) {
      for (int k = 0; k < d; k++) {
        row[k] = (float) rnd.nextGaussian();
      }
    }
    return c;
  }

  @Test
  void knnMatchesBruteForce() {
    Random rnd = new Random(1);
    int d = 7, classes = 4;
    float[][] cs = centres(rnd, classes, d);
    int[] ytr = new int[600], yte = new int[300];
    Matrix tr = blobs(rnd, 600, d, classes, 1.2, ytr, cs);
    Matrix te = blobs(rnd, 300, d, classes, 1.2, yte, cs);
    int k = 15;
    double t = 0.1;
    int[] fast = Knn.predict(tr, ytr, te, classes, k, t, 2);
    for (int q = 0; q < te.rows(); q++) {
      double[] sims = new double[tr.rows()];
      Integer[] order = new Integer[tr.rows()];
      for (int i = 0; i < tr.rows(); i++) {
        sims[i] = cosine(te, q, tr, i);
        order[i] = i;
      }
      java.util.Arrays.sort(order, (x, y) -> Double.compare(sims[y], sims[x]));
      double[] votes = new double[classes];
      for (int r = 0; r < k; r++) {
        votes[ytr[order[r]]] += Math.exp(sims[order[r]] / t);
      }
      int arg = 0;
      for (int c = 1; c < classes; c++) {
        if (votes[c] > votes[arg]) {
          arg = c;
        }
      }
      assertEquals(arg, fast[q], "query " + q);
    }
    Knn.Result r = Knn.evaluate(tr, ytr, te, yte, classes, k, t, 1);
    assertTrue(r.accuracy() > 0.6 && r.accuracy() < 1, "accuracy " + r.accuracy());
  }

  private static double cosine(Matrix a, int i, Matrix b, int j) {
    double dot = 0, na = 0, nb = 0;
    for (int k = 0; k < a.cols(); k++) {
      double x = a.get(i, k), y = b.get(j, k);
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void linearProbeSeparatesSeparableClassesAndNotNoise() {
    Random rnd = new Random(2);
    int d = 10, classes = 3;
    float[][] cs = centres(rnd, classes, d);
    for (float[] c : cs) {
      for (int k = 0; k < d; k++) {
        c[k] *= 5; // far apart: linearly separable
      }
    }
    int[] ytr = new int[900], yte = new int[300];
    Matrix tr = blobs(rnd, 900, d, classes, 0.5, ytr, cs);
    Matrix te = blobs(rnd, 300, d, classes, 0.5, yte, cs);
    LinearProbe.Result r = LinearProbe.evaluate(tr, ytr, te, yte, classes, 1e-4, 300, 2);
    assertEquals(1.0, r.trainAccuracy(), 1e-12);
    assertTrue(r.testAccuracy() > 0.99, "test " + r.testAccuracy());

    // Labels independent of the features: the probe cannot beat chance on held-out data.
    int[] noise = new int[900], noiseTest = new int[300];
    for (int i = 0; i < 900; i++) {
      noise[i] = rnd.nextInt(classes);
    }
    for (int i = 0; i < 300; i++) {
      noiseTest[i] = rnd.nextInt(classes);
    }
    LinearProbe.Result chance = LinearProbe.evaluate(tr, noise, te, noiseTest, classes, 1e-2, 300, 1);
    assertTrue(chance.testAccuracy() < 0.45, "chance level is 1/3, got " + chance.testAccuracy());
  }

  @Test
  void probeObjectiveGradientMatchesFiniteDifferences() {
    Random rnd = new Random(3);
    int n = 20, d = 4, classes = 3;
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextInt(classes);
      for (int k = 0; k < d; k++) {
        x[i * d + k] = (float) rnd.nextGaussian();
      }
    }
    try (LinearProbe.Objective f = new LinearProbe.Objective(x, y, n, d, classes, 0.3, 2)) {
      double[] theta = new double[classes * (d + 1)];
      for (int q = 0; q < theta.length; q++) {
        theta[q] = rnd.nextGaussian() * 0.5;
      }
      double[] g = new double[theta.length];
      f.value(theta, g);
      double[] scratch = new double[theta.length];
      for (int q = 0; q < theta.length; q++) {
        double h = 1e-6;
        double keep = theta[q];
        theta[q] = keep + h;
        double up = f.value(theta, scratch);
        theta[q] = keep - h;
        double down = f.value(theta, scratch);
        theta[q] = keep;
        assertEquals((up - down) / (2 * h), g[q], 1e-6, "parameter " + q);
      }
    }
  }

  @Test
  void geometryClosedForms() {
    Matrix a = new Matrix(2, 2, new float[] {1, 0, 0, 2});
    assertEquals(0, Geometry.alignment(a, a), 1e-12);
    Matrix b = new Matrix(2, 2, new float[] {-3, 0, 0, -1});
    assertEquals(4, Geometry.alignment(a, b), 1e-12); // antipodal: |u - (-u)|^2 = 4
    Matrix antipodal = new Matrix(2, 2, new float[] {1, 0, -1, 0});
    assertEquals(-8, Geometry.uniformity(antipodal), 1e-12); // exp(-2 * 4)
    Matrix same = new Matrix(3, 2, new float[] {1, 1, 2, 2, 3, 3});
    assertEquals(0, Geometry.uniformity(same), 1e-12);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Geometry.alignment(a, same));
    assertTrue(e.getMessage().contains("one shape"), e.getMessage());
  }
}
