package org.infonce4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The measures on rankings small enough to compute by hand, one case per rule of trec_eval's (and
 * BEIR's) semantics: graded gains, relevance 0, unjudged documents, ties, cutoffs, queries without
 * relevant documents, and which queries the mean counts.
 */
class RetrievalMetricsTest {

  private static final double EPS = 1e-12;

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static Ranking ranking(Object... idScore) {
    String[] ids = new String[idScore.length / 2];
    double[] s = new double[ids.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (String) idScore[2 * i];
      s[i] = ((Number) idScore[2 * i + 1]).doubleValue();
    }
    return new Ranking(ids, s);
  }

  @Test
  void gradedZeroAndUnjudged() {
    // d4 (relevance 3) is never retrieved; d2 is judged with relevance 0; u1 is not judged.
    Map<String, Integer> judged = Map.of("d1", 2, "d2", 0, "d3", 1, "d4", 3);
    Ranking r = ranking("u1", 0.9, "d1", 0.8, "d2", 0.7, "d3", 0.6);
    double dcg = 2 / log2(3) + 1 / log2(5); // d1 at rank 2, d3 at rank 4
    double ideal = 3 + 2 / log2(3) + 1 / log2(4); // gains 3, 2, 1 at ranks 1, 2, 3
    assertEquals(dcg / ideal, RetrievalMetrics.ndcg(judged, r, 10), EPS);
    assertEquals(2 / 3.0, RetrievalMetrics.recall(judged, r, 10), EPS); // d1, d3 of d1, d3, d4
    assertEquals((1 / 2.0 + 2 / 4.0) / 3, RetrievalMetrics.averagePrecision(judged, r, 100), EPS);
    assertEquals(1 / 2.0, RetrievalMetrics.reciprocalRank(judged, r, 10), EPS);
    // The run's order is irrelevant to the trec_eval measures: they sort by score.
    Ranking shuffled = ranking("d3", 0.6, "d2", 0.7, "u1", 0.9, "d1", 0.8);
    assertEquals(dcg / ideal, RetrievalMetrics.ndcg(judged, shuffled, 10), EPS);
    assertEquals(1 / 2.0, RetrievalMetrics.reciprocalRank(judged, shuffled, 10), EPS);
  }

  @Test
  void tiesGoToTheHigherDocumentIdAsInTrecEval() {
    // Equal scores: trec_eval orders by document id descending, c, b, a.
    Ranking r = ranking("a", 1.0, "b", 1.0, "c", 1.0);
    assertArrayEquals(new int[] {2, 1, 0}, RetrievalMetrics.trecOrder(r));
    Map<String, Integer> judged = Map.of("a", 1);
    assertEquals(1 / log2(4), RetrievalMetrics.ndcg(judged, r, 10), EPS); // a at rank 3
    assertEquals(0, RetrievalMetrics.recall(judged, r, 2), EPS);
    assertEquals(1, RetrievalMetrics.recall(judged, r, 3), EPS);
    assertEquals(1 / 3.0, RetrievalMetrics.averagePrecision(judged, r, 100), EPS);
    // BEIR's MRR sorts by score only, stably: a stays first.
    assertEquals(1, RetrievalMetrics.reciprocalRank(judged, r, 10), EPS);
    assertEquals(1 / 3.0, RetrievalMetrics.reciprocalRank(judged, ranking("c", 1.0, "b", 1.0, "a", 1.0), 10), EPS);
    // Ids compare as strings, not numbers: "9" > "10", so "9" ranks first.
    assertArrayEquals(new int[] {1, 0}, RetrievalMetrics.trecOrder(ranking("10", 0.5, "9", 0.5)));
    // ... and as UTF-8 bytes (code points), not UTF-16 units: U+1F600 > U+FFFD.
    String emoji = new String(Character.toChars(0x1F600));
    assertTrue(RetrievalMetrics.compareCodePoints(emoji, "\uFFFD") > 0);
    assertTrue(emoji.compareTo("\uFFFD") < 0); // where String.compareTo would disagree
    assertArrayEquals(new int[] {1, 0}, RetrievalMetrics.trecOrder(ranking("\uFFFD", 0.5, emoji, 0.5)));
    // A higher score always wins over the id.
    assertArrayEquals(new int[] {0, 1}, RetrievalMetrics.trecOrder(ranking("a", 0.6, "z", 0.5)));
  }

  @Test
  void cutoffs() {
    // The only relevant document at rank 11: outside every @10, inside every @100.
    String[] ids = new String[20];
    double[] s = new double[20];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = "n" + i;
      s[i] = 100 - i;
    }
    ids[10] = "rel";
    Ranking r = new Ranking(ids, s);
    Map<String, Integer> judged = Map.of("rel", 1, "n0", 0);
    assertEquals(0, RetrievalMetrics.ndcg(judged, r, 10), EPS);
    assertEquals(0, RetrievalMetrics.reciprocalRank(judged, r, 10), EPS);
    assertEquals(0, RetrievalMetrics.recall(judged, r, 10), EPS);
    assertEquals(1, RetrievalMetrics.recall(judged, r, 100), EPS);
    assertEquals(1 / 11.0, RetrievalMetrics.averagePrecision(judged, r, 100), EPS);
    assertEquals(1 / log2(12), RetrievalMetrics.ndcg(judged, r, 11), EPS);
  }

  @Test
  void idealIsCutAtKAndApDividesByAllRelevant() {
    // 12 relevant documents, the first 10 retrieved: a perfect top 10.
    Map<String, Integer> judged = new LinkedHashMap<>();
    String[] ids = new String[10];
    double[] s = new double[10];
    for (int i = 0; i < 12; i++) {
      judged.put("r" + i, 1);
    }
    for (int i = 0; i < 10; i++) {
      ids[i] = "r" + i;
      s[i] = -i;
    }
    Ranking r = new Ranking(ids, s);
    assertEquals(1, RetrievalMetrics.ndcg(judged, r, 10), EPS);
    assertEquals(10 / 12.0, RetrievalMetrics.recall(judged, r, 10), EPS);
    assertEquals(10 / 12.0, RetrievalMetrics.averagePrecision(judged, r, 100), EPS); // not / min(k, 12)
    // Graded: retrieving the relevance-1 document above the relevance-2 one is not ideal.
    Map<String, Integer> graded = Map.of("hi", 2, "lo", 1);
    double expected = (1 + 2 / log2(3)) / (2 + 1 / log2(3));
    assertEquals(expected, RetrievalMetrics.ndcg(graded, ranking("lo", 2, "hi", 1), 10), EPS);
    assertEquals(1, RetrievalMetrics.ndcg(graded, ranking("hi", 2, "lo", 1), 10), EPS);
    // Negative relevance counts as non-relevant with no gain (trec_eval: in the pool, unjudged).
    assertEquals(1 / log2(3), RetrievalMetrics.ndcg(Map.of("x", -1, "hi", 1), ranking("x", 2, "hi", 1), 10), EPS);
  }

  @Test
  void theMeanCountsEveryQueryOfTheQrels() {
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    qrels.put("q1", Map.of("a", 1)); // perfect
    qrels.put("q2", Map.of("b", 0, "c", 0)); // no relevant document: 0 everywhere, still counted
    qrels.put("q3", Map.of("d", 1)); // absent from the run: 0, counted
    qrels.put("q4", Map.of("e", 1)); // relevant document at rank 2
    Map<String, Ranking> run = new LinkedHashMap<>();
    run.put("q1", ranking("a", 0.9, "x", 0.1));
    run.put("q2", ranking("b", 0.9, "c", 0.8));
    run.put("q4", ranking("x", 0.9, "e", 0.8));
    run.put("q9", ranking("a", 0.9)); // not in the qrels: ignored
    Map<String, Double> m = RetrievalMetrics.evaluate(qrels, run, false);
    assertEquals(List.of("ndcg@10", "mrr@10", "recall@10", "recall@100", "map@100"), List.copyOf(m.keySet()));
    assertEquals((1 + 1 / log2(3)) / 4, m.get("ndcg@10"), EPS);
    assertEquals((1 + 0.5) / 4, m.get("mrr@10"), EPS);
    assertEquals(2 / 4.0, m.get("recall@10"), EPS);
    assertEquals(2 / 4.0, m.get("recall@100"), EPS);
    assertEquals((1 + 0.5) / 4, m.get("map@100"), EPS);
    assertEquals(0, RetrievalMetrics.evaluate(Map.of(), run, false).get("ndcg@10"), EPS);
  }

  @Test
  void identicalIdsCanBeIgnoredAsBeirDoes() {
    Map<String, Map<String, Integer>> qrels = Map.of("q", Map.of("d", 1));
    Map<String, Ranking> run = Map.of("q", ranking("q", 0.9, "d", 0.5));
    assertEquals(0.5, RetrievalMetrics.evaluate(qrels, run, false).get("mrr@10"), EPS);
    assertEquals(1, RetrievalMetrics.evaluate(qrels, run, true).get("mrr@10"), EPS);
    assertEquals(1, RetrievalMetrics.evaluate(qrels, run, true).get("ndcg@10"), EPS);
  }

  @Test
  void emptyRankingAndBadRankings() {
    Ranking empty = new Ranking(new String[0], new double[0]);
    assertEquals(0, RetrievalMetrics.ndcg(Map.of("a", 1), empty, 10), EPS);
    assertEquals(0, RetrievalMetrics.averagePrecision(Map.of("a", 1), empty, 100), EPS);
    assertThrows(IllegalArgumentException.class, () -> ranking("a", 1, "a", 0.5));
    assertThrows(IllegalArgumentException.class, () -> ranking("a", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new Ranking(new String[] {"a"}, new double[0]));
    assertEquals(ranking("a", 0.5f), Ranking.of(new String[] {"a"}, new float[] {0.5f}));
  }
}
