package org.infonce4j.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.infonce4j.Matrix;
import org.infonce4j.text.beir.BeirDataset;
import org.infonce4j.text.retrieval.DenseEvaluation;

/**
 * Dense retrieval measured on one split of a BEIR data set, as the benchmark measures it: every document embedded as "title text", the
 * split's judged queries embedded, the whole corpus ranked for each query by cosine (exactly, and through a Lucene HNSW index when a
 * folder is given), nDCG@10, MRR@10, Recall@10 and @100 and MAP@100 from the qrels.
 */
public final class TextEvaluation {

  /** Texts per forward pass when the corpus is embedded (sorted by length, so padding stays small). */
  public static final int DEFAULT_BATCH = 32;

  private TextEvaluation() {
  }

  /**
   * The measures and what it took to get them.
   *
   * @param retrieval          exact (and HNSW) measures
   * @param documents          documents embedded
   * @param queries            queries embedded (the split's judged ones)
   * @param documentSeconds    seconds spent embedding the corpus
   * @param truncatedDocuments documents cut at the encoder's token limit
   * @param truncatedQueries   queries cut at the encoder's token limit
   */
  public record Result(DenseEvaluation.Result retrieval, int documents, int queries, double documentSeconds, long truncatedDocuments,
      long truncatedQueries) {

    /** {@return documents embedded per second} */
    public double documentsPerSecond() {
      return documents / documentSeconds;
    }

    /** {@return the exact search's nDCG@10} */
    public double ndcg10() {
      return retrieval.exact().get("ndcg@10");
    }

    /**
     * {@return the measures as metrics.json holds them} The five measures of exact search by name (fractions), the HNSW ones prefixed
     * {@code hnsw_} with HNSW's recall against exact search, then the counts and the corpus' encoding speed.
     */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>(retrieval.toMap());
      m.put("documents", documents);
      m.put("queries", queries);
      m.put("documents_per_second", documentsPerSecond());
      m.put("truncated_documents", truncatedDocuments);
      m.put("truncated_queries", truncatedQueries);
      return m;
    }
  }

  /**
   * Embeds the corpus and the judged queries with {@code encoder} and measures retrieval.
   *
   * @param encoder the text encoder
   * @param data    the data set, loaded with the split to measure
   * @param batch   texts per forward pass
   * @param hnswDir where to build an HNSW index of the corpus (replaced), or null for exact search only
   * @param threads search threads
   * @return the measures
   * @throws UncheckedIOException when Lucene cannot write or read the index
   */
  public static Result evaluate(TextEncoder encoder, BeirDataset data, int batch, Path hnswDir, int threads) {
    List<String> queryIds = data.evaluatedQueryIds();
    List<String> queryTexts = new ArrayList<>(queryIds.size());
    for (String id : queryIds) {
      String text = data.queries().get(id);
      if (text == null) {
        throw new IllegalArgumentException(data + ": the " + data.split() + " qrels judge query '" + id + "', which the queries file lacks");
      }
      queryTexts.add(text);
    }
    long before = encoder.truncated();
    long t0 = System.nanoTime();
    Matrix docs = matrix(encoder.encode(data.documentTexts(), batch), encoder.dimension()); // D x dim
    double seconds = (System.nanoTime() - t0) / 1e9;
    long truncatedDocs = encoder.truncated() - before;
    Matrix queries = matrix(encoder.encode(queryTexts, batch), encoder.dimension()); // Q x dim
    long truncatedQueries = encoder.truncated() - before - truncatedDocs;
    try {
      DenseEvaluation.Result r = DenseEvaluation.evaluate(queries, queryIds, docs, data.documentIds(), data.qrels(), true, hnswDir,
          DenseEvaluation.DEFAULT_CANDIDATES, threads);
      return new Result(r, docs.rows(), queries.rows(), seconds, truncatedDocs, truncatedQueries);
    } catch (IOException e) {
      throw new UncheckedIOException(hnswDir + ": cannot build or search the HNSW index: " + e.getMessage(), e);
    }
  }

  /**
   * Rows of equal length as one row-major matrix (the encoder's output as the core's input).
   *
   * @param rows the rows, each {@code dim} long
   * @param dim  the row length
   * @return a rows x dim matrix
   */
  public static Matrix matrix(float[][] rows, int dim) {
    float[] flat = new float[Math.multiplyExact(rows.length, dim)]; // rows x dim
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * dim, dim);
    }
    return new Matrix(rows.length, dim, flat);
  }
}
