package org.infonce4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.infonce4j.Matrix;
import org.junit.jupiter.api.Test;

/** Exact top-k search against a naive double-precision reference, across query blocks and threads. */
class ExactSearchTest {

  private static Matrix random(Random rnd, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return new Matrix(rows, cols, v);
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
  void matchesNaiveSearch() {
    Random rnd = new Random(7);
    Matrix docs = random(rnd, 1000, 37); // not a multiple of the tile, odd dimension
    Matrix queries = random(rnd, 600, 37); // three query blocks
    int k = 10;
    ExactSearch search = new ExactSearch(docs);
    ExactSearch.Neighbours got = search.search(queries, k, 3);
    ExactSearch.Neighbours single = search.search(queries, k, 1);
    for (int q = 0; q < queries.rows(); q++) {
      double[] sims = new double[docs.rows()];
      Integer[] order = new Integer[docs.rows()];
      for (int i = 0; i < docs.rows(); i++) {
        sims[i] = cosine(queries, q, docs, i);
        order[i] = i;
      }
      java.util.Arrays.sort(order, (x, y) -> Double.compare(sims[y], sims[x]));
      assertEquals(k, got.index()[q].length);
      for (int r = 0; r < k; r++) {
        // Same score at every rank; the same document unless two scores are within float rounding.
        assertEquals(sims[order[r]], got.score()[q][r], 1e-5, "query " + q + " rank " + r);
        assertEquals(sims[got.index()[q][r]], got.score()[q][r], 1e-5);
        if (r + 1 < k && sims[order[r]] - sims[order[r + 1]] > 1e-5 && (r == 0 || sims[order[r - 1]] - sims[order[r]] > 1e-5)) {
          assertEquals(order[r], got.index()[q][r], "query " + q + " rank " + r);
        }
        assertEquals(single.index()[q][r], got.index()[q][r]); // threads do not change the answer
      }
    }
    assertEquals(1.0, ExactSearch.recall(got.index(), single.index(), k));
  }

  @Test
  void capsKAndBreaksTiesTowardTheLowerIndex() {
    Matrix docs = new Matrix(3, 2, new float[] {1, 0, 2, 0, 0, 1}); // rows 0 and 1 tie for query (1, 0)
    ExactSearch.Neighbours n = new ExactSearch(docs).search(new Matrix(1, 2, new float[] {3, 0}), 5, 2);
    assertEquals(3, n.index()[0].length);
    assertEquals(0, n.index()[0][0]);
    assertEquals(1, n.index()[0][1]);
    assertEquals(2, n.index()[0][2]);
    assertEquals(1f, n.score()[0][0], 1e-6);
    assertEquals(0f, n.score()[0][2], 1e-6);
    assertThrows(IllegalArgumentException.class, () -> new ExactSearch(docs).search(new Matrix(1, 3, new float[3]), 1, 1));
  }

  @Test
  void recallOfAnApproximateSearch() {
    int[][] exact = {{1, 2, 3, 4}, {5, 6}};
    int[][] approx = {{1, 9, 3, 2}, {6, 7}};
    // Query 0 at k=2: {1, 9} against {1, 2}: 1/2. Query 1 at k=2: {6, 7} against {5, 6}: 1/2.
    assertEquals(0.5, ExactSearch.recall(approx, exact, 2), 1e-12);
    // k=4: query 0 finds 1, 3, 2 of 1..4 (3/4); query 1 has only two exact neighbours, finds one (1/2).
    assertEquals((0.75 + 0.5) / 2, ExactSearch.recall(approx, exact, 4), 1e-12);
  }
}
