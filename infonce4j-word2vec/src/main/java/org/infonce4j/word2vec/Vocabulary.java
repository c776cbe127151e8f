package org.infonce4j.word2vec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The words kept for training, most frequent first (ties in the words' string order), with their
 * counts. Built in one pass over a {@link Corpus}; like the word2vec tool, the counting table is
 * pruned of rare words when it grows past {@link #PRUNE_AT} distinct tokens, so a corpus with an
 * endless vocabulary still fits.
 */
public final class Vocabulary {

  /** Distinct tokens held while counting before the rarest are pruned. */
  static final int PRUNE_AT = 20_000_000;

  private final ByteTable table; // word bytes -> id, ids in frequency order
  private final String[] words;
  private final long total;

  private Vocabulary(ByteTable table) {
    this.table = table;
    this.words = new String[table.size()];
    long t = 0;
    for (int i = 0; i < words.length; i++) {
      words[i] = table.word(i);
      t += table.count(i);
    }
    this.total = t;
  }

  /**
   * Counts the corpus and keeps the words seen at least {@code minCount} times, at most
   * {@code maxSize} of them (0: no limit), most frequent first.
   *
   * @param corpus the corpus, read once
   * @param minCount the fewest occurrences a kept word has, at least 1
   * @param maxSize the most words kept, or 0 for no limit
   * @return the vocabulary
   * @throws IllegalArgumentException for an empty corpus, invalid UTF-8 (naming the file, line and
   *                                  byte), a token longer than 64 KiB, when no word reaches
   *                                  {@code minCount}, or for {@code minCount < 1} or
   *                                  {@code maxSize < 0}
   * @throws java.io.UncheckedIOException when a file of the corpus cannot be read
   */
  public static Vocabulary build(Corpus corpus, int minCount, int maxSize) {
    if (minCount < 1) {
      throw new IllegalArgumentException("min-count must be at least 1, got " + minCount);
    }
    if (maxSize < 0) {
      throw new IllegalArgumentException("the maximum vocabulary size must be 0 (no limit) or positive, got " + maxSize);
    }
    ByteTable counts = new ByteTable();
    long[] tokens = {0};
    long[] pruneBelow = {1};
    corpus.scan(new Corpus.Handler() {
      @Override
      public void token(byte[] buf, int start, int len, Corpus.Position at) {
        int id = counts.findOrAdd(buf, start, len, bad -> {
          throw new IllegalArgumentException(at.file + ": invalid UTF-8 at line " + at.line + ", byte " + (at.offset + bad));
        });
        counts.add(id, 1);
        tokens[0]++;
        if (counts.size() > PRUNE_AT) {
          counts.pruneAtMost(pruneBelow[0]++);
        }
      }

      @Override
      public void endOfLine() {
      }
    });
    if (tokens[0] == 0) {
      throw new IllegalArgumentException(corpus.root() + ": the corpus holds no word");
    }
    int kept = 0;
    for (int id = 0; id < counts.size(); id++) {
      if (counts.count(id) >= minCount) {
        kept++;
      }
    }
    if (kept == 0) {
      throw new IllegalArgumentException(corpus.root() + ": no word occurs at least " + minCount + " times (" + counts.size()
          + " distinct words in " + tokens[0] + " tokens); lower --min-count");
    }
    int[] ids = new int[kept]; // kept ids in table order
    String[] names = new String[kept];
    Integer[] order = new Integer[kept]; // positions into ids, to be sorted
    for (int id = 0, k = 0; id < counts.size(); id++) {
      if (counts.count(id) >= minCount) {
        ids[k] = id;
        names[k] = counts.word(id);
        order[k] = k;
        k++;
      }
    }
    Arrays.sort(order, Comparator.<Integer>comparingLong(k -> -counts.count(ids[k])).thenComparing(k -> names[k]));
    int size = maxSize > 0 ? Math.min(maxSize, kept) : kept;
    int[] chosen = new int[size];
    for (int i = 0; i < size; i++) {
      chosen[i] = ids[order[i]];
    }
    return new Vocabulary(counts.select(chosen));
  }

  /**
   * A vocabulary counted elsewhere (for example by a distributed job): {@code words[i]} occurs
   * {@code counts[i]} times. Words must be distinct, counts positive; the order is kept as given.
   *
   * @param words the words, id order
   * @param counts their counts, as many as there are words
   * @return the vocabulary
   * @throws IllegalArgumentException when the lengths differ, a word appears twice or a count is
   *     below 1
   */
  public static Vocabulary of(String[] words, long[] counts) {
    if (words.length != counts.length) {
      throw new IllegalArgumentException(words.length + " words but " + counts.length + " counts");
    }
    ByteTable table = new ByteTable();
    for (int i = 0; i < words.length; i++) {
      byte[] b = words[i].getBytes(StandardCharsets.UTF_8);
      if (table.find(b, 0, b.length) >= 0) {
        throw new IllegalArgumentException("word '" + words[i] + "' appears twice in the vocabulary (at " + table.find(b, 0, b.length)
            + " and " + i + ")");
      }
      if (counts[i] < 1) {
        throw new IllegalArgumentException("word '" + words[i] + "' has count " + counts[i]);
      }
      int id = table.findOrAdd(b, 0, b.length, bad -> {
        throw new IllegalArgumentException("word " + words.length + " is not valid UTF-8");
      });
      table.add(id, counts[i]);
    }
    return new Vocabulary(table);
  }

  /**
   * Every word's count, id order (a copy).
   *
   * @return {@link #size()} counts
   */
  public long[] counts() {
    long[] c = new long[words.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = table.count(i);
    }
    return c;
  }

  /**
   * Number of words.
   *
   * @return the vocabulary size
   */
  public int size() {
    return words.length;
  }

  /**
   * The word with id {@code i} (0 is the most frequent).
   *
   * @param i an id in [0, {@link #size()})
   * @return the word
   */
  public String word(int i) {
    return words[i];
  }

  /**
   * How often word {@code i} occurs in the corpus.
   *
   * @param i an id in [0, {@link #size()})
   * @return the word's count
   */
  public long count(int i) {
    return table.count(i);
  }

  /**
   * The corpus tokens that are vocabulary words.
   *
   * @return the sum of the counts
   */
  public long totalCount() {
    return total;
  }

  /**
   * The id of {@code word}, or -1.
   *
   * @param word the word looked up
   * @return its id, or -1 when it is not in the vocabulary
   */
  public int index(String word) {
    byte[] b = word.getBytes(StandardCharsets.UTF_8);
    return table.find(b, 0, b.length);
  }

  /** The id of the UTF-8 bytes {@code b[start .. start+len)}, or -1. */
  int find(byte[] b, int start, int len) {
    return table.find(b, start, len);
  }

  /**
   * All words, id order.
   *
   * @return the words (a copy)
   */
  public String[] words() {
    return words.clone();
  }
}
