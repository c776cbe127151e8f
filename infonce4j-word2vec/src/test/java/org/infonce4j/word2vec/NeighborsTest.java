package org.infonce4j.word2vec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.infonce4j.Matrix;
import org.junit.jupiter.api.Test;

class NeighborsTest {

  /** 2-D vectors at known angles from (1, 0); "b" and "c" are the same direction, "z" is zero. */
  private static WordVectors plane() {
    return new WordVectors(new String[] {"a", "b", "c", "d", "e", "f", "z"}, Matrix.of(new float[][] {
        {1, 0}, {3, 4}, {0.6f, 0.8f}, {0, 2}, {-1, 0}, {1, 0.1f}, {0, 0},
    }));
  }

  private static List<String> words(List<Neighbor> ns) {
    List<String> out = new ArrayList<>();
    for (Neighbor n : ns) {
      out.add(n.word());
    }
    return out;
  }

  @Test
  void nearestByCosineBestFirstTiesByIndex() {
    Neighbors n = new Neighbors(plane());
    List<Neighbor> near = n.nearest("a", 10);
    assertEquals(List.of("f", "b", "c", "d", "z", "e"), words(near));
    assertEquals(0.995037f, near.get(0).similarity(), 1e-6f);
    assertEquals(0.6f, near.get(1).similarity(), 1e-6f);
    assertEquals(near.get(1).similarity(), near.get(2).similarity()); // b before c: lower index
    assertEquals(0f, near.get(3).similarity(), 1e-6f);
    assertEquals(-1f, near.get(5).similarity(), 1e-6f);
    assertEquals(new Neighbor("f", 5, near.get(0).similarity()), near.get(0));
    assertEquals(List.of("f", "b"), words(n.nearest("a", 2)));
    assertEquals(List.of(), n.nearest("a", 0));
  }

  @Test
  void vectorQueriesAndCombinations() {
    Neighbors n = new Neighbors(plane());
    assertEquals(List.of("d", "b"), words(n.nearest(new float[] {0, 5}, 2)));
    assertEquals(List.of("b", "c"), words(n.nearest(new float[] {0, 5}, 2, "d", "no-such-word")));
    // unit(b) - unit(a) + unit(e) = (-1.4, 0.8): d scores 0.50, the zero vector z 0, c -0.12.
    assertEquals(List.of("d", "z", "c"), words(n.nearest(List.of("b", "e"), List.of("a"), 3)));
    assertEquals(List.of("b", "c"), words(new Neighbors(plane(), 3).nearest("a", 5))); // candidates a, b, c
  }

  @Test
  void errors() {
    Neighbors n = new Neighbors(plane());
    assertEquals("no vector for the word 'q'",
        assertThrows(IllegalArgumentException.class, () -> n.nearest("q", 3)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> n.nearest("z", 3)); // a zero query
    assertThrows(IllegalArgumentException.class, () -> n.nearest(new float[] {1, 2, 3}, 3));
    assertThrows(IllegalArgumentException.class, () -> n.nearest("a", -1));
    assertThrows(IllegalArgumentException.class, () -> new Neighbors(plane(), 0));
  }

  @Test
  void manyTilesAgainstBruteForce() {
    Random rnd = new Random(3);
    int size = 1000;
    int dim = 33;
    float[][] rows = new float[size][dim];
    String[] words = new String[size];
    for (int i = 0; i < size; i++) {
      words[i] = "w" + i;
      for (int k = 0; k < dim; k++) {
        rows[i][k] = (float) rnd.nextGaussian();
      }
    }
    Neighbors n = new Neighbors(new WordVectors(words, Matrix.of(rows)));
    for (int q = 0; q < 20; q++) {
      double[] score = new double[size];
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
        double dot = 0;
        double a = 0;
        double b = 0;
        for (int k = 0; k < dim; k++) {
          dot += (double) rows[q][k] * rows[i][k];
          a += (double) rows[q][k] * rows[q][k];
          b += (double) rows[i][k] * rows[i][k];
        }
        score[i] = i == q ? Double.NEGATIVE_INFINITY : dot / Math.sqrt(a * b);
      }
      java.util.Arrays.sort(order, (x, y) -> Double.compare(score[y], score[x]));
      List<Neighbor> got = n.nearest("w" + q, 10);
      for (int r = 0; r < 10; r++) {
        assertEquals(order[r], got.get(r).index());
        assertEquals(score[order[r]], got.get(r).similarity(), 1e-5);
      }
    }
  }

  @Test
  void json() throws Exception {
    assertEquals("{\"word\":\"x\",\"index\":3,\"similarity\":0.5}",
        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(new Neighbor("x", 3, 0.5f).toJson()));
  }
}
