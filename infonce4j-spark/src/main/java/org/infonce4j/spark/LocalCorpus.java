package org.infonce4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.infonce4j.word2vec.IdSentences;
import org.infonce4j.word2vec.Vocabulary;
import scala.Tuple2;

/**
 * One partition's text read once: its distinct words with their counts (a local dictionary) and
 * every token as a local word id, lines ending in -1. The vocabulary is counted from the local
 * counts, and the partition is then encoded from the ids, so the text is read and split only once.
 * Kept in memory between the two steps (4 bytes per token plus the local dictionary).
 */
final class LocalCorpus {
  private static final int LINE_END = -1;

  private final String[] words; // local id -> word
  private final long[] counts; // local id -> count in this partition
  private final int[] ids; // tokens as local ids, LINE_END after each line
  private final int length;

  private LocalCorpus(String[] words, long[] counts, int[] ids, int length) {
    this.words = words;
    this.counts = counts;
    this.ids = ids;
    this.length = length;
  }

  /** Reads one partition's sentences. */
  static LocalCorpus read(Iterator<String[]> sentences) {
    Map<String, Integer> index = new HashMap<>();
    List<String> words = new ArrayList<>();
    long[] counts = new long[1024];
    int[] ids = new int[1 << 16];
    int n = 0;
    while (sentences.hasNext()) {
      String[] tokens = sentences.next();
      if (tokens.length == 0) {
        continue;
      }
      if (n + tokens.length + 1 > ids.length) {
        long grown = Math.max(2L * ids.length, (long) n + tokens.length + 1);
        if (grown > Integer.MAX_VALUE - 8) {
          throw new IllegalStateException("a partition holds at most " + (Integer.MAX_VALUE - 8) + " tokens; use more partitions");
        }
        ids = Arrays.copyOf(ids, (int) grown);
      }
      for (String t : tokens) {
        Integer id = index.get(t);
        if (id == null) {
          id = words.size();
          index.put(t, id);
          words.add(t);
          if (id == counts.length) {
            counts = Arrays.copyOf(counts, 2 * counts.length);
          }
        }
        counts[id]++;
        ids[n++] = id;
      }
      ids[n++] = LINE_END;
    }
    return new LocalCorpus(words.toArray(new String[0]), Arrays.copyOf(counts, words.size()), ids, n);
  }

  /** (word, count) for every distinct word of the partition. */
  Iterator<Tuple2<String, Long>> counts() {
    List<Tuple2<String, Long>> out = new ArrayList<>(words.length);
    for (int i = 0; i < words.length; i++) {
      out.add(new Tuple2<>(words[i], counts[i]));
    }
    return out.iterator();
  }

  /**
   * Encodes the lines into {@code rounds} sub-shards of about equal tokens, each a contiguous run of
   * the partition's lines in their order (a line goes to the sub-shard its first token falls in), so
   * the rounds read the text in the order one process would. Words outside {@code vocab} are
   * dropped, long lines cut into sentences of {@code maxSentence} words.
   */
  ShardSet encode(Vocabulary vocab, int maxSentence, int rounds) {
    IdSentences.Builder[] builders = new IdSentences.Builder[rounds];
    for (int r = 0; r < rounds; r++) {
      builders[r] = IdSentences.builder();
    }
    // local words outside the vocabulary are skipped here, so the builder looks up only kept words
    boolean[] kept = new boolean[words.length];
    for (int i = 0; i < words.length; i++) {
      kept[i] = vocab.index(words[i]) >= 0;
    }
    List<String> line = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (ids[i] != LINE_END) {
        continue;
      }
      // positions count tokens and line ends alike; the line's first position picks its sub-shard
      int best = (int) Math.min(rounds - 1, (long) start * rounds / length);
      line.clear();
      for (int k = start; k < i; k++) {
        if (kept[ids[k]]) {
          line.add(words[ids[k]]);
        }
      }
      if (!line.isEmpty()) {
        builders[best].add(line, vocab, maxSentence);
      }
      start = i + 1;
    }
    IdSentences[] out = new IdSentences[rounds];
    for (int r = 0; r < rounds; r++) {
      out[r] = builders[r].build();
    }
    return new ShardSet(out);
  }
}
