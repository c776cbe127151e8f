package org.infonce4j.word2vec;

/**
 * Sentences of word ids laid end to end, each followed by a separator, as the trainer reads them:
 * the memory-mapped {@link EncodedCorpus} of a local run, or an in-memory {@link IdSentences}
 * shard of a distributed one.
 */
public interface SentenceSource {

  /** Positions in the stream, separators included. */
  long length();

  /** Word ids in the stream (separators excluded). */
  long tokens();

  /** Copies the sentence starting at {@code pos} into {@code out}; returns its length. The next starts at {@code pos + length + 1}. */
  int sentence(long pos, int[] out);

  /** The first sentence start at or after {@code pos}. */
  long sentenceStartFrom(long pos);
}
