package org.infonce4j.spark;

import java.io.Serializable;
import org.infonce4j.word2vec.Vocabulary;

/**
 * The vocabulary as it is broadcast: words and counts, id order. Each executor rebuilds the
 * {@link Vocabulary} lookup once, on first use, and shares it between its tasks (a broadcast value
 * is one object per executor).
 */
final class VocabularyTable implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String[] words; // V
  private final long[] counts; // V
  private transient volatile Vocabulary vocabulary;

  VocabularyTable(Vocabulary v) {
    this.words = v.words();
    this.counts = v.counts();
    this.vocabulary = v;
  }

  /** The counts, id order; shared, do not modify. */
  long[] counts() {
    return counts;
  }

  Vocabulary vocabulary() {
    Vocabulary v = vocabulary;
    if (v == null) {
      synchronized (this) {
        v = vocabulary;
        if (v == null) {
          v = Vocabulary.of(words, counts);
          vocabulary = v;
        }
      }
    }
    return v;
  }
}
