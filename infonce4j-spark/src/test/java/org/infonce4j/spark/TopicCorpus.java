package org.infonce4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.infonce4j.word2vec.Neighbors;
import org.infonce4j.word2vec.WordVectors;

/**
 * A synthetic corpus whose structure is known: 12 topics of 8 words, each sentence drawn from one
 * topic. Good vectors put a word's nearest neighbour in its own topic.
 */
final class TopicCorpus {
  static final int TOPICS = 12;
  static final int WORDS_PER_TOPIC = 8;

  private TopicCorpus() {
  }

  static String word(int topic, int i) {
    return "t" + topic + "w" + i;
  }

  /** {@code lines} sentences of 6 to 14 words, each from one random topic. */
  static List<String> lines(int lines, long seed) {
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int l = 0; l < lines; l++) {
      int topic = rnd.nextInt(TOPICS);
      int len = 6 + rnd.nextInt(9);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < len; k++) {
        sb.append(k == 0 ? "" : " ").append(word(topic, rnd.nextInt(WORDS_PER_TOPIC)));
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** Share of words whose nearest neighbour is in their own topic (random vectors: about 7/95). */
  static double purity(WordVectors v) {
    Neighbors n = new Neighbors(v);
    int good = 0;
    for (int t = 0; t < TOPICS; t++) {
      for (int i = 0; i < WORDS_PER_TOPIC; i++) {
        if (n.nearest(word(t, i), 1).get(0).word().startsWith("t" + t + "w")) {
          good++;
        }
      }
    }
    return good / (double) (TOPICS * WORDS_PER_TOPIC);
  }
}
