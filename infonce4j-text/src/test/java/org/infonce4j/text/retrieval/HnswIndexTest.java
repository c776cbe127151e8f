package org.infonce4j.text.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.infonce4j.Matrix;
import org.infonce4j.search.ExactSearch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lucene HNSW against exact search on random unit vectors, and the index read back from disk. */
class HnswIndexTest {

  @TempDir
  Path dir;

  static Matrix unitRows(Random rnd, int rows, int dim) {
    float[] v = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      double sum = 0;
      for (int k = 0; k < dim; k++) {
        double x = rnd.nextGaussian();
        v[i * dim + k] = (float) x;
        sum += x * x;
      }
      for (int k = 0; k < dim; k++) {
        v[i * dim + k] /= (float) Math.sqrt(sum);
      }
    }
    return new Matrix(rows, dim, v);
  }

  static List<String> ids(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("doc-" + i);
    }
    return ids;
  }

  @Test
  void highRecallAgainstExactAndTheSameAfterReopening() throws IOException {
    Random rnd = new Random(11);
    Matrix docs = unitRows(rnd, 4000, 32);
    Matrix queries = unitRows(rnd, 300, 32);
    HnswIndex.build(dir, docs, ids(docs.rows()));
    ExactSearch.Neighbours exact = new ExactSearch(docs).search(queries, 10, 2);
    ExactSearch.Neighbours first;
    try (HnswIndex index = HnswIndex.open(dir)) {
      assertEquals(4000, index.size());
      assertEquals(32, index.dimension());
      assertEquals("doc-17", index.id(17));
      first = index.search(queries, 10, 100, 2);
    }
    double recall = ExactSearch.recall(first.index(), exact.index(), 10);
    System.out.printf("HNSW recall@10 against exact, 4000 random unit vectors of dim 32, efSearch 100: %.4f%n", recall);
    assertTrue(recall >= 0.95, "HNSW recall@10 " + recall);
    for (int q = 0; q < queries.rows(); q++) {
      for (int r = 0; r < first.index()[q].length; r++) { // scores are the true cosines of what was found
        int d = first.index()[q][r];
        double dot = 0;
        for (int k = 0; k < 32; k++) {
          dot += queries.get(q, k) * docs.get(d, k);
        }
        assertEquals(dot, first.score()[q][r], 1e-5);
      }
    }
    try (HnswIndex again = HnswIndex.open(dir)) {
      ExactSearch.Neighbours second = again.search(queries, 10, 100, 1);
      for (int q = 0; q < queries.rows(); q++) {
        assertArrayEquals(first.index()[q], second.index()[q]);
        assertArrayEquals(first.score()[q], second.score()[q]);
      }
    }
    // A narrow beam finds less: the threshold above is not vacuous.
    try (HnswIndex index = HnswIndex.open(dir)) {
      double narrow = ExactSearch.recall(index.search(queries, 10, 10, 2).index(), exact.index(), 10);
      assertTrue(narrow < recall, narrow + " vs " + recall);
    }
  }

  @Test
  void rejectsZeroVectorsAndWrongShapes() throws IOException {
    Matrix docs = new Matrix(2, 2, new float[] {1, 0, 0, 0});
    assertThrows(IllegalArgumentException.class, () -> HnswIndex.build(dir, docs, ids(2)));
    assertThrows(IllegalArgumentException.class, () -> HnswIndex.build(dir, new Matrix(1, 2, new float[] {1, 0}), ids(2)));
    HnswIndex.build(dir, new Matrix(2, 2, new float[] {1, 0, 0, 3}), ids(2));
    try (HnswIndex index = HnswIndex.open(dir)) {
      assertThrows(IllegalArgumentException.class, () -> index.search(new Matrix(1, 3, new float[] {1, 0, 0}), 1, 1, 1));
      ExactSearch.Neighbours n = index.search(new Matrix(1, 2, new float[] {0, 5}), 2, 2, 1);
      assertArrayEquals(new int[] {1, 0}, n.index()[0]);
      assertEquals(1f, n.score()[0][0], 1e-6);
      assertEquals(0f, n.score()[0][1], 1e-6);
    }
  }
}
