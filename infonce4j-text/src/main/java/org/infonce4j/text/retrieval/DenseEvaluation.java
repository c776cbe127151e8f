package org.infonce4j.text.retrieval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.infonce4j.Matrix;
import org.infonce4j.eval.Ranking;
import org.infonce4j.eval.RetrievalMetrics;
import org.infonce4j.search.ExactSearch;

/**
 * Retrieval evaluation of embeddings, without the model that made them: given query and document
 * embeddings with their ids and the judgements, the BEIR measures ({@link RetrievalMetrics}:
 * {@code ndcg@10}, {@code mrr@10}, {@code recall@10}, {@code recall@100}, {@code map@100}, as
 * fractions) of exact cosine search and of Lucene HNSW search, and how much of the exact top 10
 * and top 100 HNSW finds.
 *
 * <p>Only the queries of the judgements are searched; each must have an embedding. Each is
 * searched {@link RetrievalMetrics#DEPTH} deep (one more when identical ids are ignored, so that
 * dropping the query's own id still leaves that many).
 */
public final class DenseEvaluation {

  /** Lucene HNSW's search beam (efSearch) by default: the depth of the ranking. */
  public static final int DEFAULT_CANDIDATES = RetrievalMetrics.DEPTH;

  /**
   * The outcome.
   *
   * @param exact the measures of exact search
   * @param hnsw the measures of HNSW search, null when not run
   * @param hnswRecall10 the mean fraction of each query's exact top 10 that HNSW's top 10 holds (NaN when not run)
   * @param hnswRecall100 the same at 100
   */
  public record Result(Map<String, Double> exact, Map<String, Double> hnsw, double hnswRecall10, double hnswRecall100) {

    /**
     * Everything as one flat map for metrics.json: the exact measures under their names, the HNSW
     * ones prefixed {@code hnsw_}, then {@code hnsw_vs_exact_recall@10} and {@code @100}.
     *
     * @return the flat map
     */
    public Map<String, Double> toMap() {
      Map<String, Double> out = new LinkedHashMap<>(exact);
      if (hnsw != null) {
        hnsw.forEach((k, v) -> out.put("hnsw_" + k, v));
        out.put("hnsw_vs_exact_recall@10", hnswRecall10);
        out.put("hnsw_vs_exact_recall@100", hnswRecall100);
      }
      return out;
    }
  }

  private DenseEvaluation() {
  }

  /**
   * The measures of exact cosine search.
   *
   * @param queries query embeddings, one row per id of {@code queryIds}
   * @param queryIds the queries' ids
   * @param docs document embeddings, one row per id of {@code docIds}
   * @param docIds the documents' ids
   * @param qrels the judgements: query id to (document id to relevance)
   * @param ignoreIdenticalIds drop a document whose id is the query's, as BEIR does by default
   * @param threads search threads
   * @return the five measures
   */
  public static Map<String, Double> exact(Matrix queries, List<String> queryIds, Matrix docs, List<String> docIds,
      Map<String, Map<String, Integer>> qrels, boolean ignoreIdenticalIds, int threads) {
    Matrix judged = judgedRows(queries, queryIds, qrels);
    ExactSearch.Neighbours n = new ExactSearch(docs).search(judged, depth(ignoreIdenticalIds), threads);
    return RetrievalMetrics.evaluate(qrels, run(qrels, n, docIds), ignoreIdenticalIds);
  }

  /**
   * Exact search and, when {@code hnswDir} is given, HNSW search over an index built there (M and
   * efConstruction Lucene's defaults, efSearch {@code candidates}).
   *
   * @param queries query embeddings, one row per id of {@code queryIds}
   * @param queryIds the queries' ids
   * @param docs document embeddings, one row per id of {@code docIds}
   * @param docIds the documents' ids
   * @param qrels the judgements: query id to (document id to relevance)
   * @param ignoreIdenticalIds drop a document whose id is the query's, as BEIR does by default
   * @param hnswDir where to build the HNSW index (replacing one there), or null for exact search only
   * @param candidates HNSW's search beam, e.g. {@link #DEFAULT_CANDIDATES}
   * @param threads search threads
   * @return both sets of measures and HNSW's recall against exact search
   * @throws IOException when Lucene fails
   */
  public static Result evaluate(Matrix queries, List<String> queryIds, Matrix docs, List<String> docIds,
      Map<String, Map<String, Integer>> qrels, boolean ignoreIdenticalIds, Path hnswDir, int candidates, int threads) throws IOException {
    Matrix judged = judgedRows(queries, queryIds, qrels);
    int depth = depth(ignoreIdenticalIds);
    ExactSearch.Neighbours exact = new ExactSearch(docs).search(judged, depth, threads);
    Map<String, Double> exactMetrics = RetrievalMetrics.evaluate(qrels, run(qrels, exact, docIds), ignoreIdenticalIds);
    if (hnswDir == null) {
      return new Result(exactMetrics, null, Double.NaN, Double.NaN);
    }
    HnswIndex.build(hnswDir, docs, docIds);
    try (HnswIndex index = HnswIndex.open(hnswDir)) {
      ExactSearch.Neighbours approx = index.search(judged, depth, Math.max(depth, candidates), threads);
      Map<String, Double> hnswMetrics = RetrievalMetrics.evaluate(qrels, run(qrels, approx, docIds), ignoreIdenticalIds);
      return new Result(exactMetrics, hnswMetrics, ExactSearch.recall(approx.index(), exact.index(), 10),
          ExactSearch.recall(approx.index(), exact.index(), 100));
    }
  }

  /**
   * The rankings of a search over the judged queries, in the order of {@code qrels}.
   *
   * @param qrels the judgements whose queries were searched, in order
   * @param n the search's neighbours, one row per query of {@code qrels}
   * @param docIds the documents' ids by embedding row
   * @return query id to ranking
   */
  public static Map<String, Ranking> run(Map<String, Map<String, Integer>> qrels, ExactSearch.Neighbours n, List<String> docIds) {
    Map<String, Ranking> run = new LinkedHashMap<>();
    int q = 0;
    for (String qid : qrels.keySet()) {
      int[] rows = n.index()[q];
      String[] ids = new String[rows.length];
      for (int r = 0; r < rows.length; r++) {
        ids[r] = docIds.get(rows[r]);
      }
      run.put(qid, Ranking.of(ids, n.score()[q]));
      q++;
    }
    return run;
  }

  /** The embeddings of the judged queries, in the order of {@code qrels}. */
  static Matrix judgedRows(Matrix queries, List<String> queryIds, Map<String, Map<String, Integer>> qrels) {
    if (queryIds.size() != queries.rows()) {
      throw new IllegalArgumentException(queryIds.size() + " query ids for " + queries.rows() + " query embeddings");
    }
    Map<String, Integer> row = new HashMap<>();
    for (int i = 0; i < queryIds.size(); i++) {
      row.putIfAbsent(queryIds.get(i), i);
    }
    int d = queries.cols();
    float[] out = new float[qrels.size() * d];
    int q = 0;
    for (String qid : qrels.keySet()) {
      Integer i = row.get(qid);
      if (i == null) {
        throw new IllegalArgumentException("judged query " + qid + " has no embedding");
      }
      System.arraycopy(queries.data(), i * d, out, q++ * d, d);
    }
    return new Matrix(qrels.size(), d, out);
  }

  private static int depth(boolean ignoreIdenticalIds) {
    return RetrievalMetrics.DEPTH + (ignoreIdenticalIds ? 1 : 0);
  }
}
