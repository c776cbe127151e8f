package org.infonce4j.word2vec;

import java.util.Map;

/**
 * One nearest neighbour: a word, its index in the {@link WordVectors}, and its cosine similarity
 * to the query (in [-1, 1], computed in float).
 *
 * @param word the neighbour
 * @param index its row in the {@link WordVectors}
 * @param similarity its cosine similarity to the query
 */
public record Neighbor(String word, int index, float similarity) {

  /**
   * {@code {"word": ..., "index": ..., "similarity": ...}} (a JSON object).
   *
   * @return the neighbour as a map in that key order, for a JSON writer
   */
  public Map<String, Object> toJson() {
    Map<String, Object> o = new java.util.LinkedHashMap<>();
    o.put("word", word);
    o.put("index", index);
    o.put("similarity", (double) similarity);
    return o;
  }
}
