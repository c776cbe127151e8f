package org.infonce4j.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infonce4j.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordSimilarityTest {

  @TempDir
  Path dir;

  /** cos(w0, w1) = cos(w1, w2) = 1/sqrt(2), cos(w0, w2) = 0, cos(w0, w3) = -1. */
  private static WordVectors plane() {
    return new WordVectors(new String[] {"w0", "w1", "w2", "w3", "W0", "w9"}, Matrix.of(new float[][] {
        {1, 0}, {1, 1}, {0, 1}, {-1, 0}, {0, -1}, {5, 5},
    }));
  }

  private Path pairs(String text) throws IOException {
    Path p = dir.resolve("pairs.tsv");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void ranksAverageTies() {
    assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, WordSimilarity.ranks(new double[] {1, 2, 2, 3}));
    assertArrayEquals(new double[] {3, 1.5, 1.5, 4, 5, 6, 7}, WordSimilarity.ranks(new double[] {5, 0, 0, 7, 8, 9, 10}));
    assertArrayEquals(new double[] {2, 2, 2}, WordSimilarity.ranks(new double[] {4, 4, 4}));
  }

  @Test
  void spearmanWithTiesByHand() {
    // ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4): Pearson of the ranks = 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10)
    assertEquals(3 / Math.sqrt(10), WordSimilarity.spearman(new double[] {1, 2, 2, 3}, new double[] {10, 30, 20, 40}), 1e-15);
    assertEquals(-1, WordSimilarity.spearman(new double[] {1, 2, 3}, new double[] {9, 4, 1}), 1e-15);
    assertTrue(Double.isNaN(WordSimilarity.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})));
    assertEquals(1, WordSimilarity.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6}), 1e-15);
  }

  @Test
  void evaluatesAFile() throws IOException {
    Path p = pairs("# a comment\n"
        + "w0\tw1\t3\n" // model 1/sqrt(2)
        + "w0\tw2\t2\n" // model 0
        + "\n"
        + "w0\tw3\t1\n" // model -1
        + "W1\tw2\t2.0\n" // case-insensitive; model 1/sqrt(2), tied with the first pair
        + "w0\tghost\t5\n" // skipped
        + "w9\tw0\t4\n"); // skipped: w9 is word 5, outside restrict 5
    WordSimilarityResult r = WordSimilarity.evaluate(plane(), p, 5, true);
    // human ranks (4, 2.5, 1, 2.5), model ranks (3.5, 2, 1, 3.5): 3.75 / sqrt(4.5 * 4.5) = 5/6
    assertEquals(5.0 / 6, r.spearman(), 1e-15);
    double c = 1 / Math.sqrt(2);
    assertEquals(WordSimilarity.pearson(new double[] {3, 2, 1, 2}, new double[] {c, 0, -1, c}), r.pearson(), 1e-12);
    assertEquals(4, r.pairs());
    assertEquals(2, r.skipped());
    assertEquals(5, WordSimilarity.evaluate(plane(), p).pairs()); // restrict 300000: w9 counts
    // Case-sensitive, W1 is not a word: one pair fewer.
    assertEquals(3, WordSimilarity.evaluate(plane(), p, 5, false).pairs());
    assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r.toJson()).startsWith("{\"spearman\":0.8333333333333"));
  }

  @Test
  void caseInsensitiveLookupTakesTheFirstVariant() throws IOException {
    // W0 (index 4) upper-cases like w0 (index 0); w0's vector is used for both spellings.
    WordSimilarityResult r = WordSimilarity.evaluate(plane(), pairs("W0\tw1\t1\nw0\tw3\t0\nw2\tw1\t0.5\n"));
    // model (0.707, -1, 0.707) vs human (1, 0, 0.5): ranks (2.5, 1, 2.5) and (3, 1, 2), rho = 1.5 / sqrt(3).
    // Had W0's own vector (0, -1) been used, the model ranks would be (2, 1, 3) and rho 0.5.
    assertEquals(Math.sqrt(3) / 2, r.spearman(), 1e-15);
  }

  @Test
  void malformedLinesAndEmptyResults() throws IOException {
    Path p = pairs("w0\tw1\t3\nw0 w2 2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordSimilarity.evaluate(plane(), p));
    assertEquals(p + ": line 2: expected 'word1<TAB>word2<TAB>score', got 'w0 w2 2'", e.getMessage());
    Path q = pairs("w0\tw1\tsimilar\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WordSimilarity.evaluate(plane(), q)).getMessage()
        .startsWith(q + ": line 1: "));
    Path none = pairs("x\ty\t1\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WordSimilarity.evaluate(plane(), none)).getMessage()
        .contains("no pair has both words among the first 6 words (1 skipped)"));
  }
}
