package org.infonce4j.eval;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The documents a system returned for one query, with their scores, in the order the system
 * returned them. The order matters only among equal scores, and only to
 * {@link RetrievalMetrics#reciprocalRank}; the trec_eval measures re-sort by score (see
 * {@link RetrievalMetrics#trecOrder}).
 *
 * @param docIds the document ids, without duplicates (not copied)
 * @param scores their scores, finite or infinite but never NaN (not copied)
 */
public record Ranking(String[] docIds, double[] scores) {

  /**
   * Checks lengths, ids and scores.
   *
   * @param docIds the document ids, without duplicates
   * @param scores their scores, never NaN
   */
  public Ranking {
    if (docIds == null || scores == null) {
      throw new IllegalArgumentException("a ranking needs ids and scores");
    }
    if (docIds.length != scores.length) {
      throw new IllegalArgumentException("ranking: " + docIds.length + " ids but " + scores.length + " scores");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < docIds.length; i++) {
      if (docIds[i] == null) {
        throw new IllegalArgumentException("ranking: document id at position " + i + " is null");
      }
      if (!seen.add(docIds[i])) {
        throw new IllegalArgumentException("ranking: document " + docIds[i] + " appears twice (trec_eval rejects duplicate documents)");
      }
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("ranking: score of document " + docIds[i] + " is NaN");
      }
    }
  }

  /**
   * A ranking of float scores, as a search returns them.
   *
   * @param docIds the document ids, without duplicates
   * @param scores their scores
   * @return the ranking, scores widened to double (which keeps every order and every tie)
   */
  public static Ranking of(String[] docIds, float[] scores) {
    double[] s = new double[scores.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = scores[i];
    }
    return new Ranking(docIds, s);
  }

  /**
   * The number of documents returned.
   *
   * @return the length
   */
  public int size() {
    return docIds.length;
  }

  /**
   * This ranking without the document whose id is {@code id}, if present (BEIR's
   * {@code ignore_identical_ids}: a query's own id is not a hit).
   *
   * @param id the id to drop
   * @return this ranking when {@code id} is absent, otherwise a shorter copy
   */
  public Ranking without(String id) {
    int at = Arrays.asList(docIds).indexOf(id);
    if (at < 0) {
      return this;
    }
    String[] ids = new String[docIds.length - 1];
    double[] s = new double[ids.length];
    for (int i = 0, j = 0; i < docIds.length; i++) {
      if (i != at) {
        ids[j] = docIds[i];
        s[j++] = scores[i];
      }
    }
    return new Ranking(ids, s);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ranking r && Arrays.equals(docIds, r.docIds) && Arrays.equals(scores, r.scores);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(docIds) + Arrays.hashCode(scores);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Ranking[");
    for (int i = 0; i < docIds.length; i++) {
      b.append(i == 0 ? "" : ", ").append(docIds[i]).append('=').append(scores[i]);
    }
    return b.append(']').toString();
  }
}
