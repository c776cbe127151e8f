package org.infonce4j.search;

import java.util.HashSet;
import java.util.Set;
import org.infonce4j.Matrix;
import org.infonce4j.Parallel;

/**
 * Exact top-k retrieval by cosine similarity: documents and queries are scaled to unit length and
 * every query is scored against every document with the loss engine's tile kernel
 * ({@link UnitIndex}), blocks of {@link UnitIndex#TILE} queries spread over threads. Equal scores
 * rank the lower document index first. Built once over the documents; {@link #search} may be
 * called from several threads.
 */
public final class ExactSearch {

  /**
   * The top-k documents of each query, best first.
   *
   * @param index document rows, {@code index[q][rank]}
   * @param score their cosine similarities, {@code score[q][rank]}
   */
  public record Neighbours(int[][] index, float[][] score) {
  }

  private final UnitIndex index;
  private final int dimension;

  /**
   * Indexes the rows of {@code documents} (kept, not copied).
   *
   * @param documents one embedding per row
   */
  public ExactSearch(Matrix documents) {
    this.index = new UnitIndex(documents, documents.rows());
    this.dimension = documents.cols();
  }

  /**
   * The number of documents.
   *
   * @return the row count of the indexed matrix
   */
  public int size() {
    return index.rows();
  }

  /**
   * The {@code k} documents of highest cosine similarity to each query row.
   *
   * @param queries one embedding per row, as many columns as the documents
   * @param k how many documents per query, positive; capped at the document count
   * @param threads threads to spread the query blocks over, positive
   * @return for each query its top {@code min(k, size())} documents, best first
   */
  public Neighbours search(Matrix queries, int k, int threads) {
    if (queries.cols() != dimension) {
      throw new IllegalArgumentException("queries have " + queries.cols() + " columns but documents " + dimension);
    }
    if (k < 1 || threads < 1) {
      throw new IllegalArgumentException("k and threads must be positive, got k=" + k + ", threads=" + threads);
    }
    int kk = Math.min(k, index.rows());
    int[][] ids = new int[queries.rows()][];
    float[][] scores = new float[queries.rows()][];
    int blocks = (queries.rows() + UnitIndex.TILE - 1) / UnitIndex.TILE;
    Parallel.forEach(blocks, threads, b -> block(queries, b, kk, ids, scores));
    return new Neighbours(ids, scores);
  }

  /**
   * How much of an exact top-k an approximate search found: for each query the fraction of the
   * first {@code k} exact neighbours that are among the first {@code k} approximate ones, averaged
   * over queries (the usual "recall@k" of approximate nearest-neighbour search). A query with fewer
   * than {@code k} exact neighbours is measured against as many as it has.
   *
   * @param approximate neighbours found by the approximate search, best first, per query
   * @param exact the exact neighbours, best first, per query
   * @param k the cutoff, positive
   * @return the mean overlap in [0, 1]; 0 for no queries
   */
  public static double recall(int[][] approximate, int[][] exact, int k) {
    if (approximate.length != exact.length) {
      throw new IllegalArgumentException(approximate.length + " approximate rankings for " + exact.length + " queries");
    }
    double sum = 0;
    for (int q = 0; q < exact.length; q++) {
      int n = Math.min(k, exact[q].length);
      if (n == 0) {
        continue;
      }
      Set<Integer> truth = new HashSet<>();
      for (int i = 0; i < n; i++) {
        truth.add(exact[q][i]);
      }
      int hit = 0;
      for (int i = 0; i < Math.min(k, approximate[q].length); i++) {
        if (truth.contains(approximate[q][i])) {
          hit++;
        }
      }
      sum += hit / (double) n;
    }
    return exact.length == 0 ? 0 : sum / exact.length;
  }

  private void block(Matrix queries, int b, int k, int[][] ids, float[][] scores) {
    int q0 = b * UnitIndex.TILE;
    int nq = Math.min(UnitIndex.TILE, queries.rows() - q0);
    int depth = index.depth();
    int cols = queries.cols();
    float[] block = new float[nq * depth]; // nq x depth, unit rows, zero padding
    for (int q = 0; q < nq; q++) {
      System.arraycopy(queries.data(), (q0 + q) * cols, block, q * depth, cols);
      index.normalize(block, q * depth);
    }
    TopK[] best = new TopK[nq];
    for (int q = 0; q < nq; q++) {
      best[q] = new TopK(Math.max(1, k));
    }
    float[][] tile = {new float[UnitIndex.TILE * UnitIndex.TILE]};
    for (int t = 0; t < index.tiles(); t++) {
      int n = index.tile(block, nq, t, tile);
      for (int q = 0; q < nq; q++) {
        TopK top = best[q];
        int off = q * UnitIndex.TILE;
        float threshold = top.threshold();
        for (int j = index.kernels().nextAbove(tile[0], off, 0, n, threshold); j >= 0; j = index.kernels().nextAbove(tile[0], off, j + 1,
            n, threshold)) {
          top.offer(t * UnitIndex.TILE + j, tile[0][off + j]);
          threshold = top.threshold();
        }
      }
    }
    for (int q = 0; q < nq; q++) {
      int size = Math.min(k, best[q].size());
      ids[q0 + q] = new int[size];
      scores[q0 + q] = new float[size];
      for (int r = 0; r < size; r++) {
        ids[q0 + q][r] = best[q].index(r);
        scores[q0 + q][r] = best[q].score(r);
      }
    }
  }
}
