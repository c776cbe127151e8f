package org.infonce4j.word2vec;

import java.util.Arrays;

/**
 * Sentences of word ids held in one int array (ids end to end, -1 after each sentence): a shard of
 * a distributed corpus. Build with {@link #builder()}.
 */
public final class IdSentences implements SentenceSource {
  private static final int END = EncodedCorpus.END;
  private final int[] ids;
  private final int length;
  private final long tokens;

  private IdSentences(int[] ids, int length, long tokens) {
    this.ids = ids;
    this.length = length;
    this.tokens = tokens;
  }

  /**
   * An empty builder.
   *
   * @return a builder with no sentences
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public long tokens() {
    return tokens;
  }

  @Override
  public int sentence(long pos, int[] out) {
    int n = 0;
    for (int i = (int) pos; i < length && ids[i] != END; i++) {
      out[n++] = ids[i];
    }
    return n;
  }

  @Override
  public long sentenceStartFrom(long pos) {
    if (pos <= 0) {
      return 0;
    }
    int i = (int) Math.min(pos, length);
    while (i < length && ids[i - 1] != END) {
      i++;
    }
    return i;
  }

  /** Collects sentences; words outside the vocabulary are dropped, long sentences cut. */
  public static final class Builder {
    private int[] ids = new int[1024];
    private int length;
    private long tokens;

    /**
     * Adds the words of one sentence that {@code vocab} knows, cut into pieces of at most
     * {@code maxSentence} words.
     *
     * @param words the sentence's words, in order
     * @param vocab the vocabulary that gives the ids; unknown words are dropped
     * @param maxSentence the longest piece, in words
     * @return this builder
     * @throws IllegalStateException when the shard would exceed {@code Integer.MAX_VALUE - 8} ids
     */
    public Builder add(Iterable<String> words, Vocabulary vocab, int maxSentence) {
      int inSentence = 0;
      for (String w : words) {
        int id = vocab.index(w);
        if (id < 0) {
          continue;
        }
        put(id);
        tokens++;
        if (++inSentence == maxSentence) {
          put(END);
          inSentence = 0;
        }
      }
      if (inSentence > 0) {
        put(END);
      }
      return this;
    }

    private void put(int v) {
      if (length == ids.length) {
        if (ids.length == Integer.MAX_VALUE - 8) {
          throw new IllegalStateException("a shard holds at most " + (Integer.MAX_VALUE - 8) + " ids; use more partitions");
        }
        ids = Arrays.copyOf(ids, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * ids.length));
      }
      ids[length++] = v;
    }

    /**
     * The sentences added so far.
     *
     * @return the shard, a copy of the builder's ids
     */
    public IdSentences build() {
      return new IdSentences(Arrays.copyOf(ids, length), length, tokens);
    }
  }
}
