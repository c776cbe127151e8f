package org.infonce4j.spark;

import org.infonce4j.word2vec.IdSentences;

/**
 * One partition's sentences, encoded once as word ids and cut (at line ends) into one contiguous
 * sub-shard per round of an epoch ({@link LocalCorpus#encode}). Cached on the executors (deserialised, never serialised: a
 * partition evicted from memory is encoded again from its lineage).
 */
final class ShardSet {
  private final IdSentences[] rounds; // roundsPerEpoch sub-shards

  ShardSet(IdSentences[] rounds) {
    this.rounds = rounds;
  }

  IdSentences round(int r) {
    return rounds[r];
  }

  /** Tokens of each sub-shard. */
  long[] tokens() {
    long[] t = new long[rounds.length];
    for (int r = 0; r < t.length; r++) {
      t[r] = rounds[r].tokens();
    }
    return t;
  }
}
