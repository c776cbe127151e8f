package org.infonce4j.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ranked-retrieval measures with the semantics of trec_eval (the C program of NIST, which
 * pytrec_eval wraps and the BEIR benchmark calls), so that numbers computed here can be set beside
 * published BEIR numbers.
 *
 * <p><b>Judgements.</b> A query's judgements map document ids to integer relevance. A document is
 * relevant when its relevance is at least 1 (trec_eval's default relevance level); relevance 0 or
 * below is judged non-relevant. A retrieved document absent from the judgements is non-relevant
 * too.
 *
 * <p><b>Order.</b> The trec_eval measures ({@link #ndcg}, {@link #recall},
 * {@link #averagePrecision}) ignore the order in which the run lists its documents: they sort by
 * score, highest first, and break ties by document id in <em>descending</em> byte order
 * ({@link #trecOrder}). {@link #reciprocalRank} follows BEIR's own MRR instead, which sorts by
 * score with a stable sort: equal scores stay in the run's order.
 *
 * <p><b>Averages.</b> {@link #evaluate} averages over every query of the judgements, the
 * queries BEIR evaluates: a query whose judgements hold no relevant document scores 0 on every
 * measure (and still counts), a query the run lacks scores 0 (trec_eval's {@code -c}), and a run's
 * query without judgements is ignored.
 */
public final class RetrievalMetrics {

  /** nDCG at 10 (trec_eval's ndcg_cut.10). */
  public static final String NDCG_10 = "ndcg@10";
  /** Mean reciprocal rank at 10 (BEIR's MRR@10). */
  public static final String MRR_10 = "mrr@10";
  /** Recall at 10 (trec_eval's recall.10). */
  public static final String RECALL_10 = "recall@10";
  /** Recall at 100 (trec_eval's recall.100). */
  public static final String RECALL_100 = "recall@100";
  /** Mean average precision at 100 (trec_eval's map_cut.100). */
  public static final String MAP_100 = "map@100";
  /** How deep a run must go for {@link #evaluate}: its deepest cutoff. */
  public static final int DEPTH = 100;

  private static final double LN2 = Math.log(2);

  private RetrievalMetrics() {
  }

  /**
   * The five measures, each averaged over the queries of {@code qrels}.
   *
   * @param qrels judgements: query id to (document id to relevance)
   * @param run rankings by query id; may lack queries and hold others
   * @param ignoreIdenticalIds drop a document whose id equals the query's id from its ranking, as BEIR
   *        does by default
   * @return {@link #NDCG_10}, {@link #MRR_10}, {@link #RECALL_10}, {@link #RECALL_100},
   *         {@link #MAP_100}, in that order, as fractions; all 0 when {@code qrels} is empty
   */
  public static Map<String, Double> evaluate(Map<String, Map<String, Integer>> qrels, Map<String, Ranking> run,
      boolean ignoreIdenticalIds) {
    double[] sum = new double[5];
    for (Map.Entry<String, Map<String, Integer>> q : qrels.entrySet()) {
      Ranking r = run.get(q.getKey());
      if (r == null) {
        continue;
      }
      if (ignoreIdenticalIds) {
        r = r.without(q.getKey());
      }
      Map<String, Integer> judged = q.getValue();
      sum[0] += ndcg(judged, r, 10);
      sum[1] += reciprocalRank(judged, r, 10);
      sum[2] += recall(judged, r, 10);
      sum[3] += recall(judged, r, 100);
      sum[4] += averagePrecision(judged, r, 100);
    }
    int n = qrels.size();
    Map<String, Double> out = new LinkedHashMap<>();
    String[] names = {NDCG_10, MRR_10, RECALL_10, RECALL_100, MAP_100};
    for (int i = 0; i < names.length; i++) {
      out.put(names[i], n == 0 ? 0 : sum[i] / n);
    }
    return out;
  }

  /**
   * The positions of a ranking's documents in trec_eval's order: score descending, equal scores by
   * document id descending, ids compared as UTF-8 bytes (that is, by code point).
   *
   * @param r the ranking
   * @return positions into {@code r}, best first
   */
  public static int[] trecOrder(Ranking r) {
    Integer[] order = new Integer[r.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double[] s = r.scores();
    String[] ids = r.docIds();
    Arrays.sort(order, (a, b) -> {
      int c = Double.compare(s[b], s[a]);
      return c != 0 ? c : compareCodePoints(ids[b], ids[a]);
    });
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  /**
   * nDCG at {@code k}, as trec_eval's ndcg_cut: the gain of a document is its relevance when
   * positive (0 otherwise, unjudged included), the document at rank r (from 1) is discounted by
   * log2(r + 1), and the ideal ranking orders all of the query's judged documents of positive
   * relevance by relevance, cut at {@code k}. 0 when no judged document has positive relevance.
   *
   * @param judged the query's judgements
   * @param r the run's ranking for the query
   * @param k the cutoff, positive
   * @return nDCG@k in [0, 1]
   */
  public static double ndcg(Map<String, Integer> judged, Ranking r, int k) {
    int[] order = trecOrder(r);
    double dcg = 0;
    for (int i = 0; i < Math.min(k, order.length); i++) {
      int gain = relevance(judged, r.docIds()[order[i]]);
      if (gain > 0) {
        dcg += gain / log2(i + 2);
      }
    }
    int[] gains = judged.values().stream().mapToInt(Integer::intValue).filter(g -> g > 0).sorted().toArray();
    double ideal = 0;
    for (int i = 0; i < Math.min(k, gains.length); i++) {
      ideal += gains[gains.length - 1 - i] / log2(i + 2);
    }
    return ideal > 0 ? dcg / ideal : 0;
  }

  /**
   * The reciprocal rank of the first relevant document among the first {@code k}, as BEIR's MRR@k
   * computes it: the ranking is sorted by score with a stable sort (equal scores keep the run's
   * order, not trec_eval's), and 0 when no relevant document is in the first {@code k}.
   *
   * @param judged the query's judgements
   * @param r the run's ranking for the query
   * @param k the cutoff, positive
   * @return 1 / rank of the first relevant document, or 0
   */
  public static double reciprocalRank(Map<String, Integer> judged, Ranking r, int k) {
    Integer[] order = new Integer[r.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double[] s = r.scores();
    Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a])); // stable, as Python's sorted
    for (int i = 0; i < Math.min(k, order.length); i++) {
      if (relevance(judged, r.docIds()[order[i]]) > 0) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }

  /**
   * Recall at {@code k}, as trec_eval's recall.k: relevant documents among the first {@code k}
   * (trec_eval's order) over all relevant judged documents of the query; 0 when there are none.
   *
   * @param judged the query's judgements
   * @param r the run's ranking for the query
   * @param k the cutoff, positive
   * @return recall@k in [0, 1]
   */
  public static double recall(Map<String, Integer> judged, Ranking r, int k) {
    int relevant = countRelevant(judged);
    if (relevant == 0) {
      return 0;
    }
    int[] order = trecOrder(r);
    int found = 0;
    for (int i = 0; i < Math.min(k, order.length); i++) {
      if (relevance(judged, r.docIds()[order[i]]) > 0) {
        found++;
      }
    }
    return found / (double) relevant;
  }

  /**
   * Average precision cut at {@code k}, as trec_eval's map_cut.k: the precision at the rank of each
   * relevant document among the first {@code k} (trec_eval's order), summed and divided by the
   * number of <em>all</em> relevant judged documents of the query (not by {@code min(k, ...)}); 0
   * when there are none.
   *
   * @param judged the query's judgements
   * @param r the run's ranking for the query
   * @param k the cutoff, positive
   * @return AP@k in [0, 1]
   */
  public static double averagePrecision(Map<String, Integer> judged, Ranking r, int k) {
    int relevant = countRelevant(judged);
    if (relevant == 0) {
      return 0;
    }
    int[] order = trecOrder(r);
    int found = 0;
    double sum = 0;
    for (int i = 0; i < Math.min(k, order.length); i++) {
      if (relevance(judged, r.docIds()[order[i]]) > 0) {
        found++;
        sum += found / (double) (i + 1);
      }
    }
    return sum / relevant;
  }

  /** Compares by Unicode code point, which is the byte order of the UTF-8 encodings (C's strcmp). */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  private static int relevance(Map<String, Integer> judged, String doc) {
    Integer rel = judged.get(doc);
    return rel == null ? 0 : rel;
  }

  private static int countRelevant(Map<String, Integer> judged) {
    int n = 0;
    for (int rel : judged.values()) {
      if (rel > 0) {
        n++;
      }
    }
    return n;
  }

  private static double log2(int x) {
    return Math.log(x) / LN2;
  }
}
