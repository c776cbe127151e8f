package org.infonce4j.word2vec;

import java.util.Map;

/**
 * The outcome of {@link WordSimilarity#evaluate}: how well the cosine similarities of word pairs
 * follow human scores.
 *
 * @param spearman Spearman's rank correlation (ties get average ranks); NaN if either side is
 *     constant
 * @param pearson Pearson's correlation of the raw values; NaN if either side is constant
 * @param pairs pairs with both words among the candidate words, the ones correlated
 * @param skipped pairs with a word outside the candidate words
 */
public record WordSimilarityResult(double spearman, double pearson, int pairs, int skipped) {

  /**
   * {@code {"spearman", "pearson", "pairs", "skipped"}} (a JSON object) (NaN is written as null).
   *
   * @return the result as a map in that key order, for a JSON writer
   */
  public Map<String, Object> toJson() {
    Map<String, Object> o = new java.util.LinkedHashMap<>();
    o.put("spearman", spearman);
    o.put("pearson", pearson);
    o.put("pairs", pairs);
    o.put("skipped", skipped);
    return o;
  }
}
