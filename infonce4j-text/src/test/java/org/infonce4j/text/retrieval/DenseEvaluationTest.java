package org.infonce4j.text.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.infonce4j.Matrix;
import org.infonce4j.eval.RetrievalMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation entry point on embeddings whose rankings are known. */
class DenseEvaluationTest {

  @TempDir
  Path dir;

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  @Test
  void knownRankings() throws IOException {
    // Documents at angles 0, 30, 60, 90 degrees; q1 points at d0, q2 at d3; q0 has an embedding but no judgements.
    float c = (float) Math.cos(Math.PI / 6), s = (float) Math.sin(Math.PI / 6);
    Matrix docs = new Matrix(4, 2, new float[] {1, 0, c, s, s, c, 0, 1});
    List<String> docIds = List.of("d0", "d1", "d2", "d3");
    Matrix queries = new Matrix(3, 2, new float[] {1, 1, 2, 0, 0, 3});
    List<String> queryIds = List.of("q0", "q1", "q2");
    // q1: relevant d1 (rank 2), d3 judged 0. q2: relevant d3 (rank 1) and d0 (rank 4, graded 2).
    Map<String, Map<String, Integer>> qrels = Map.of("q1", Map.of("d1", 1, "d3", 0), "q2", Map.of("d3", 1, "d0", 2));
    DenseEvaluation.Result r = DenseEvaluation.evaluate(queries, queryIds, docs, docIds, qrels, true, dir, 10, 2);
    double ndcg1 = 1 / log2(3);
    double ndcg2 = (1 + 2 / log2(5)) / (2 + 1 / log2(3));
    assertEquals((ndcg1 + ndcg2) / 2, r.exact().get(RetrievalMetrics.NDCG_10), 1e-6);
    assertEquals((0.5 + 1) / 2, r.exact().get(RetrievalMetrics.MRR_10), 1e-6);
    assertEquals(1, r.exact().get(RetrievalMetrics.RECALL_10), 1e-6);
    assertEquals((0.5 + (1 + 2 / 4.0) / 2) / 2, r.exact().get(RetrievalMetrics.MAP_100), 1e-6);
    assertEquals(r.exact(), r.hnsw()); // four documents: HNSW is exact
    assertEquals(1, r.hnswRecall10(), 1e-12);
    Map<String, Double> flat = r.toMap();
    assertEquals(r.exact().get(RetrievalMetrics.NDCG_10), flat.get("ndcg@10"));
    assertEquals(r.hnsw().get(RetrievalMetrics.NDCG_10), flat.get("hnsw_ndcg@10"));
    assertTrue(flat.containsKey("hnsw_vs_exact_recall@100"));
    assertEquals(r.exact(), DenseEvaluation.exact(queries, queryIds, docs, docIds, qrels, false, 1));
    assertEquals(Double.NaN, DenseEvaluation.evaluate(queries, queryIds, docs, docIds, qrels, true, null, 10, 1).hnswRecall10());
  }

  @Test
  void everyJudgedQueryNeedsAnEmbedding() {
    Matrix docs = new Matrix(1, 2, new float[] {1, 0});
    Matrix queries = new Matrix(1, 2, new float[] {1, 0});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DenseEvaluation.exact(queries, List.of("q1"), docs, List.of("d"), Map.of("q2", Map.of("d", 1)), true, 1));
    assertEquals("judged query q2 has no embedding", e.getMessage());
  }

  @Test
  void hnswCloseToExactOnLargerRandomData() throws IOException {
    Random rnd = new Random(3);
    Matrix docs = HnswIndexTest.unitRows(rnd, 3000, 32);
    Matrix queries = HnswIndexTest.unitRows(rnd, 100, 32);
    List<String> docIds = HnswIndexTest.ids(3000);
    List<String> queryIds = new java.util.ArrayList<>();
    Map<String, Map<String, Integer>> qrels = new java.util.LinkedHashMap<>();
    for (int q = 0; q < 100; q++) {
      queryIds.add("q" + q);
      qrels.put("q" + q, Map.of(docIds.get(rnd.nextInt(3000)), 1));
    }
    DenseEvaluation.Result r = DenseEvaluation.evaluate(queries, queryIds, docs, docIds, qrels, true, dir, 100, 2);
    assertTrue(r.hnswRecall10() > 0.9 && r.hnswRecall100() > 0.8, r.toMap().toString());
    assertEquals(r.exact().get(RetrievalMetrics.RECALL_100), r.hnsw().get(RetrievalMetrics.RECALL_100), 0.1);
  }
}
