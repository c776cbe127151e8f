package org.infonce4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;

/** Random inputs and tolerant comparisons shared by the loss tests. */
final class TestData {
  private TestData() {
  }

  static Matrix gaussian(Random rnd, int rows, int cols, double scale) {
    float[] v = new float[rows * cols]; // rows x cols
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextGaussian() * scale);
    }
    return new Matrix(rows, cols, v);
  }

  /** Labels in [0, classes) and the SupCon mask "same label, not itself". */
  static BitMatrix sameLabel(int[] labels) {
    BitMatrix.Builder b = BitMatrix.builder(labels.length, labels.length);
    for (int i = 0; i < labels.length; i++) {
      for (int j = 0; j < labels.length; j++) {
        if (i != j && labels[i] == labels[j]) {
          b.set(i, j);
        }
      }
    }
    return b.build();
  }

  /** |x - y| <= tol * max(1, |y|). */
  static void assertClose(double expected, double actual, double tol, String what) {
    assertTrue(Math.abs(expected - actual) <= tol * Math.max(1, Math.abs(expected)),
        what + ": expected " + expected + " but got " + actual + " (tolerance " + tol + " relative)");
  }

  static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertNotNull(actual, what);
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      assertClose(expected[i], actual[i], tol, what + "[" + i + "]");
    }
  }

  /**
   * Max-norm agreement: {@code max |x - y| <= tol * max(max |y|, 0.01)}; the floor covers gradients
   * that are exactly zero in theory (d = 1 under cosine) and float rounding noise in practice.
   */
  static void assertGradClose(Matrix expected, Matrix actual, double tol, String what) {
    assertNotNull(actual, what);
    assertEquals(expected.rows(), actual.rows(), what + " rows");
    assertEquals(expected.cols(), actual.cols(), what + " cols");
    double scale = 0.01;
    for (float v : expected.data()) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < expected.data().length; i++) {
      double diff = Math.abs(expected.data()[i] - actual.data()[i]);
      if (diff > tol * scale) {
        int r = i / expected.cols(), c = i % expected.cols();
        throw new AssertionError(what + " differs at (" + r + ", " + c + "): expected " + expected.data()[i] + " got "
            + actual.data()[i] + " (|diff| " + diff + " > " + tol + " x max|expected| " + scale + ")");
      }
    }
  }
}
