package org.infonce4j.word2vec;

import java.util.Map;
import org.infonce4j.io.Json;

/**
 * One nearest neighbour: a word, its index in the {@link WordVectors}, and its cosine similarity
 * to the query (in [-1, 1], computed in float).
 */
public record Neighbor(String word, int index, float similarity) {

  /** {@code {"word": ..., "index": ..., "similarity": ...}}, for {@link Json}. */
  public Map<String, Object> toJson() {
    Map<String, Object> o = Json.object();
    o.put("word", word);
    o.put("index", index);
    o.put("similarity", (double) similarity);
    return o;
  }
}
