package org.infonce4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.infonce4j.word2vec.IdSentences;
import org.infonce4j.word2vec.Vocabulary;
import org.junit.jupiter.api.Test;

/** How one partition's text is cut into the sub-shards of the rounds (no Spark needed). */
class LocalCorpusTest {

  /**
   * Lines of 1 to 30 words drawn from "w0".."w49"; "w0".."w39" are in the vocabulary, and every
   * line's first word is, so no line disappears when the vocabulary filters it.
   */
  private static List<String[]> lines(int n, long seed) {
    Random r = new Random(seed);
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] line = new String[1 + r.nextInt(30)];
      for (int k = 0; k < line.length; k++) {
        line[k] = "w" + r.nextInt(k == 0 ? 40 : 50);
      }
      out.add(line);
    }
    return out;
  }

  private static Vocabulary vocabulary() {
    String[] words = new String[40];
    long[] counts = new long[40];
    for (int i = 0; i < 40; i++) {
      words[i] = "w" + i;
      counts[i] = 1;
    }
    return Vocabulary.of(words, counts);
  }

  /** The sentences of a sub-shard as id lists, in order. */
  private static List<List<Integer>> sentences(IdSentences s) {
    List<List<Integer>> out = new ArrayList<>();
    int[] buf = new int[1000];
    for (long pos = 0; pos < s.length();) {
      int n = s.sentence(pos, buf);
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add(buf[i]);
      }
      out.add(ids);
      pos += n + 1;
    }
    return out;
  }

  @Test
  void subShardsAreContiguousRunsOfTheLinesInOrderOfAboutEqualSize() {
    List<String[]> text = lines(2000, 7);
    Vocabulary vocab = vocabulary();
    int rounds = 8;
    ShardSet set = LocalCorpus.read(text.iterator()).encode(vocab, 1000, rounds);

    // every line, words outside the vocabulary dropped, in the order of the text
    List<List<Integer>> expected = new ArrayList<>();
    long positions = 0; // tokens and line ends, as the cut counts them
    for (String[] line : text) {
      positions += line.length + 1;
      List<Integer> ids = new ArrayList<>();
      for (String w : line) {
        if (vocab.index(w) >= 0) {
          ids.add(vocab.index(w));
        }
      }
      if (!ids.isEmpty()) {
        expected.add(ids);
      }
    }
    List<List<Integer>> concatenated = new ArrayList<>();
    long[] tokens = set.tokens();
    long total = 0;
    for (int r = 0; r < rounds; r++) {
      concatenated.addAll(sentences(set.round(r)));
      total += tokens[r];
    }
    assertEquals(expected, concatenated, "the sub-shards, read in round order, are the text in its order");
    assertEquals(expected.stream().mapToLong(List::size).sum(), total);
    // each sub-shard holds 1/rounds of the text's positions (tokens and line ends, before the
    // vocabulary filter) give or take one line (at most 31 positions): walk the text in order,
    // as many lines per sub-shard as it holds sentences
    double share = positions / (double) rounds;
    int next = 0;
    for (int r = 0; r < rounds; r++) {
      long p = 0;
      int n = sentences(set.round(r)).size();
      for (int i = 0; i < n; i++) {
        p += text.get(next++).length + 1;
      }
      assertTrue(Math.abs(p - share) <= 31, "sub-shard " + r + " holds " + p + " positions for a share of " + share);
    }
    assertEquals(text.size(), next);
  }

  @Test
  void moreRoundsThanLinesLeavesSomeSubShardsEmptyAndLosesNothing() {
    List<String[]> text = lines(3, 11);
    ShardSet set = LocalCorpus.read(text.iterator()).encode(vocabulary(), 1000, 10);
    long total = 0;
    int empty = 0;
    for (long t : set.tokens()) {
      total += t;
      empty += t == 0 ? 1 : 0;
    }
    long kept = text.stream().flatMap(Arrays::stream).filter(w -> Integer.parseInt(w.substring(1)) < 40).count();
    assertEquals(kept, total);
    assertTrue(empty >= 7, empty + " empty sub-shards of 10 for 3 lines");
  }
}
