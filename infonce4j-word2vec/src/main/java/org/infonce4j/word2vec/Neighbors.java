package org.infonce4j.word2vec;

import org.infonce4j.search.UnitIndex;
import org.infonce4j.search.TopK;
import java.util.ArrayList;
import java.util.List;
import org.infonce4j.kernels.Kernels;

/**
 * Cosine nearest neighbours among the first {@code restrict} words of a {@link WordVectors} (by
 * default all of them). The candidate vectors are scaled to unit length once, when the instance is
 * built (a second copy of them, padded to a multiple of 16 floats); each query is then one pass of
 * the loss engine's dot-product kernel over them. Results are best first; equal similarities are
 * ordered by index. The query words themselves are never returned. Thread-safe.
 */
public final class Neighbors {

  private final WordVectors vectors;
  private final UnitIndex index;

  /**
   * Neighbours among all words.
   *
   * @param vectors the word vectors searched (not copied; their unit-length copy is)
   */
  public Neighbors(WordVectors vectors) {
    this(vectors, vectors.size());
  }

  /**
   * Neighbours among the first {@code restrict} words (all of them if there are fewer), like
   * gensim's {@code restrict_vocab}.
   *
   * @param vectors the word vectors searched (not copied; their unit-length copy is)
   * @param restrict how many of the first words are candidates, at least 1
   * @throws IllegalArgumentException if {@code restrict < 1}
   */
  public Neighbors(WordVectors vectors, int restrict) {
    if (restrict < 1) {
      throw new IllegalArgumentException("restrict must be at least 1, got " + restrict);
    }
    this.vectors = vectors;
    this.index = new UnitIndex(vectors.vectors(), Math.min(restrict, vectors.size()));
  }

  /**
   * The {@code k} words most similar to {@code word}, excluding itself.
   *
   * @param word the query word
   * @param k how many neighbours to return, at least 0
   * @return at most {@code k} neighbours, best first
   * @throws IllegalArgumentException if the word has no vector or {@code k < 0}
   */
  public List<Neighbor> nearest(String word, int k) {
    return nearest(List.of(word), List.of(), k);
  }

  /**
   * The {@code k} words most similar to the mean of the unit vectors of {@code positive} minus
   * those of {@code negative} (gensim's {@code most_similar(positive, negative)}; for
   * {@code positive = [king, woman]}, {@code negative = [man]} the analogy query), excluding the
   * query words.
   *
   * @param positive words added to the query
   * @param negative words subtracted from the query
   * @param k how many neighbours to return, at least 0
   * @return at most {@code k} neighbours, best first
   * @throws IllegalArgumentException if a word has no vector, no word is given, the combination is
   *     the zero vector, or {@code k < 0}
   */
  public List<Neighbor> nearest(List<String> positive, List<String> negative, int k) {
    if (positive.isEmpty() && negative.isEmpty()) {
      throw new IllegalArgumentException("no query words");
    }
    float[] query = new float[index.depth()];
    int[] exclude = new int[positive.size() + negative.size()];
    int n = 0;
    for (String w : positive) {
      exclude[n++] = indexOf(w);
      index.addUnit(exclude[n - 1], 1f, query, 0);
    }
    for (String w : negative) {
      exclude[n++] = indexOf(w);
      index.addUnit(exclude[n - 1], -1f, query, 0);
    }
    return search(query, k, exclude);
  }

  /**
   * The {@code k} words most similar to {@code vector} ({@code dim} floats, not modified),
   * excluding the words in {@code exclude} (those without a vector are ignored).
   *
   * @param vector the query, {@link WordVectors#dim()} floats
   * @param k how many neighbours to return, at least 0
   * @param exclude words never returned
   * @return at most {@code k} neighbours, best first
   * @throws IllegalArgumentException if the vector has the wrong length, is zero or not finite, or
   *     {@code k < 0}
   */
  public List<Neighbor> nearest(float[] vector, int k, String... exclude) {
    if (vector.length != vectors.dim()) {
      throw new IllegalArgumentException("the query vector has " + vector.length + " values, expected " + vectors.dim());
    }
    float[] query = new float[index.depth()];
    System.arraycopy(vector, 0, query, 0, vector.length);
    int[] skip = new int[exclude.length];
    for (int i = 0; i < exclude.length; i++) {
      skip[i] = vectors.index(exclude[i]);
    }
    return search(query, k, skip);
  }

  private List<Neighbor> search(float[] query, int k, int[] exclude) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be non-negative, got " + k);
    }
    if (!index.normalize(query, 0)) {
      throw new IllegalArgumentException("the query vector is zero or not finite");
    }
    int keep = Math.min(k, index.rows());
    if (keep == 0) {
      return List.of();
    }
    TopK top = new TopK(keep);
    float[][] scores = {new float[UnitIndex.TILE]}; // 1 x TILE: one query row
    Kernels kernels = index.kernels();
    for (int tile = 0; tile < index.tiles(); tile++) {
      int n = index.tile(query, 1, tile, scores);
      float t = top.threshold();
      for (int j = kernels.nextAbove(scores[0], 0, 0, n, t); j >= 0; j = kernels.nextAbove(scores[0], 0, j + 1, n, t)) {
        int cand = tile * UnitIndex.TILE + j;
        if (!contains(exclude, cand)) {
          top.offer(cand, scores[0][j]);
          t = top.threshold();
        }
      }
    }
    List<Neighbor> out = new ArrayList<>(top.size());
    for (int r = 0; r < top.size(); r++) {
      out.add(new Neighbor(vectors.word(top.index(r)), top.index(r), top.score(r)));
    }
    return out;
  }

  private int indexOf(String word) {
    int i = vectors.index(word);
    if (i < 0) {
      throw new IllegalArgumentException("no vector for the word '" + word + "'");
    }
    return i;
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }
}
