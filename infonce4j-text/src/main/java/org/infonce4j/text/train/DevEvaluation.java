package org.infonce4j.text.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.infonce4j.eval.Ranking;
import org.infonce4j.text.TextEncoder;
import org.infonce4j.text.TextEvaluation;
import org.infonce4j.text.beir.BeirDataset;
import org.infonce4j.text.retrieval.Bm25Index;
import org.infonce4j.text.retrieval.DenseEvaluation;

/**
 * The dev measure a run takes after every epoch, cheap enough for that: the held-out training queries rank a pool of documents (their
 * relevant ones and each query's BM25 top k, fixed once) instead of the whole corpus. The test split's measures rank the whole corpus.
 */
public final class DevEvaluation {

  private final List<String> queryIds;
  private final List<String> queryTexts;
  private final List<String> poolIds;
  private final List<String> poolTexts;
  private final Map<String, Map<String, Integer>> qrels;
  private final int batch;
  private final int threads;

  private DevEvaluation(List<String> queryIds, List<String> queryTexts, List<String> poolIds, List<String> poolTexts,
      Map<String, Map<String, Integer>> qrels, int batch, int threads) {
    this.queryIds = queryIds;
    this.queryTexts = queryTexts;
    this.poolIds = poolIds;
    this.poolTexts = poolTexts;
    this.qrels = qrels;
    this.batch = batch;
    this.threads = threads;
  }

  /**
   * The pool of the dev queries of {@code pairs}.
   *
   * @param data    the data set (its corpus and queries)
   * @param pairs   the training pairs with their dev split
   * @param bm25    per dev query, how many BM25 candidates join the pool
   * @param batch   texts per forward pass
   * @param threads BM25 and search threads
   * @return the evaluation, or null when there is no dev split
   */
  public static DevEvaluation of(BeirDataset data, PairBatches pairs, int bm25, int batch, int threads) {
    Map<String, Map<String, Integer>> qrels = pairs.devQrels();
    if (qrels.isEmpty()) {
      return null;
    }
    List<String> ids = new ArrayList<>(qrels.keySet());
    Map<String, String> texts = new LinkedHashMap<>();
    for (String id : ids) {
      texts.put(id, data.queries().get(id));
    }
    Set<String> pool = new LinkedHashSet<>();
    qrels.values().forEach(judged -> judged.forEach((doc, rel) -> {
      if (rel > 0 && data.documentIndex(doc) >= 0) {
        pool.add(doc);
      }
    }));
    if (bm25 > 0) {
      try (Bm25Index index = Bm25Index.build(data)) {
        for (Ranking r : index.searchAll(texts, bm25, threads).values()) {
          pool.addAll(List.of(r.docIds()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("the BM25 index of the dev pool: " + e.getMessage(), e);
      }
    }
    List<String> poolIds = List.copyOf(pool);
    List<String> poolTexts = new ArrayList<>(poolIds.size());
    for (String id : poolIds) {
      poolTexts.add(data.documentText(data.documentIndex(id)));
    }
    return new DevEvaluation(List.copyOf(ids), List.copyOf(texts.values()), poolIds, poolTexts, qrels, batch, threads);
  }

  /** {@return documents in the pool} */
  public int poolSize() {
    return poolIds.size();
  }

  /**
   * The dev measures of {@code encoder} now.
   *
   * @param encoder the encoder
   * @return nDCG@10, MRR@10, Recall@10 and @100 and MAP@100 within the pool
   */
  public Map<String, Double> evaluate(TextEncoder encoder) {
    int dim = encoder.dimension();
    return DenseEvaluation.exact(TextEvaluation.matrix(encoder.encode(queryTexts, batch), dim), queryIds,
        TextEvaluation.matrix(encoder.encode(poolTexts, batch), dim), poolIds, qrels, true, threads);
  }
}
