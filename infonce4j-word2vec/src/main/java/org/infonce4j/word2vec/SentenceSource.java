package org.infonce4j.word2vec;

/**
 * Sentences of word ids laid end to end, each followed by a separator, as the trainer reads them:
 * the memory-mapped {@link EncodedCorpus} of a local run, or an in-memory {@link IdSentences}
 * shard of a distributed one.
 */
public interface SentenceSource {

  /**
   * Positions in the stream, separators included.
   *
   * @return the stream's length
   */
  long length();

  /**
   * Word ids in the stream (separators excluded).
   *
   * @return the token count
   */
  long tokens();

  /**
   * Copies the sentence starting at {@code pos} into {@code out}; returns its length. The next starts at {@code pos + length + 1}.
   *
   * @param pos a sentence start, in [0, {@link #length()})
   * @param out receives the sentence's word ids; long enough for the longest sentence
   * @return the number of ids copied
   */
  int sentence(long pos, int[] out);

  /**
   * The first sentence start at or after {@code pos}.
   *
   * @param pos a position in the stream
   * @return that start: 0 for {@code pos <= 0}, {@link #length()} when no sentence starts at or
   *     after {@code pos}
   */
  long sentenceStartFrom(long pos);
}
