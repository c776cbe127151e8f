package org.infonce4j.word2vec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.infonce4j.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalogyTest {

  @TempDir
  Path dir;

  /**
   * Hand-made 4-D vectors in frequency order. With unit vectors man = e1, woman = e2, king = e3,
   * the query for "man woman king ?" is (-1, 1, 1, 0): "King" (a later case variant of king) lies
   * exactly on it and must be passed over by name, leaving queen (cosine 0.993). For
   * "man woman boy ?" the query (-1, 1, 0, 1) is exactly toy, so the answer girl is wrong.
   */
  private static WordVectors gender() {
    String[] words = {"man", "woman", "king", "queen", "boy", "girl", "toy", "King", "prince", "princess"};
    return new WordVectors(words, Matrix.of(new float[][] {
        {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {-1, 1, 1, 0.2f}, {0, 0, 0, 1},
        {0, 0, 0, -1}, {-1, 1, 0, 1}, {-1, 1, 1, 0}, {1, 1, 1, 1}, {-1, 1, 1, 1},
    }));
  }

  private Path questions(String text) throws IOException {
    Path p = dir.resolve("questions.txt");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void handMadeAnswers() throws IOException {
    Path q = questions(": gender\n"
        + "man woman king queen\n" // correct, past the case variant King
        + "man woman boy girl\n" // wrong: toy
        + "MAN Woman KING Queen\n" // correct, case-insensitive
        + "man woman dragon dragoness\n" // skipped: not in the vocabulary
        + "man woman prince princess\n" // skipped: princess is word 9, outside restrict 9
        + "\n"
        + ": reverse\n"
        + "woman man queen king\n"); // correct: king 0.68 beats prince 0.41
    AnalogyResult r = Analogy.evaluate(gender(), q, 9, true, 1);
    assertEquals(List.of(new AnalogyResult.Section("gender", 2, 1, 2), new AnalogyResult.Section("reverse", 1, 0, 0)),
        r.sections());
    assertEquals(3, r.correct());
    assertEquals(4, r.seen());
    assertEquals(1, r.incorrect());
    assertEquals(2, r.skipped());
    assertEquals(0.75, r.accuracy());
    assertEquals(2.0 / 3, r.sections().get(0).accuracy(), 1e-15);
    // With all ten words as candidates the prince question is seen, and answered princess.
    assertEquals(new AnalogyResult.Section("gender", 3, 1, 1), Analogy.evaluate(gender(), q, 10, true, 2).sections().get(0));
    // Case-sensitive, "MAN Woman KING Queen" is skipped (MAN, Woman and KING are not words) and
    // King, no longer the same word as king, is the answer to the first question.
    AnalogyResult exact = Analogy.evaluate(gender(), q, 9, false, 1);
    assertEquals(new AnalogyResult.Section("gender", 0, 2, 3), exact.sections().get(0));
  }

  @Test
  void defaultsAndJson() throws IOException {
    AnalogyResult r = Analogy.evaluate(gender(), questions(": s\nman woman king queen\n: empty\n"));
    assertEquals(new AnalogyResult(List.of(new AnalogyResult.Section("s", 1, 0, 0), new AnalogyResult.Section("empty", 0, 0, 0)),
        1, 1, 0, 1.0), r);
    assertEquals(0.0, r.sections().get(1).accuracy());
    assertEquals("{\"accuracy\":1.0,\"correct\":1,\"incorrect\":0,\"seen\":1,\"skipped\":0,\"sections\":["
        + "{\"name\":\"s\",\"accuracy\":1.0,\"correct\":1,\"incorrect\":0,\"seen\":1,\"skipped\":0},"
        + "{\"name\":\"empty\",\"accuracy\":0.0,\"correct\":0,\"incorrect\":0,\"seen\":0,\"skipped\":0}]}",
        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r.toJson()));
  }

  @Test
  void malformedQuestionFiles() throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Analogy.evaluate(gender(), questions(": s\nman woman king\n")));
    assertEquals(dir.resolve("questions.txt") + ": line 2: expected a question of 4 words or a ': section' line, got 3 words",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Analogy.evaluate(gender(), questions("man woman king queen\n")));
    assertTrue(e.getMessage().endsWith(": line 1: a question before the first ': section' line"), e.getMessage());
    Files.write(dir.resolve("bad.txt"), new byte[] {':', ' ', 's', '\n', 'a', (byte) 0xff, '\n'});
    e = assertThrows(IllegalArgumentException.class, () -> Analogy.evaluate(gender(), dir.resolve("bad.txt")));
    assertTrue(e.getMessage().endsWith(": line 2: not valid UTF-8"), e.getMessage());
  }

  /**
   * Several tiles of candidates, split between threads, against a direct implementation of the
   * same rule in double precision.
   */
  @Test
  void agreesWithADirectImplementation() throws IOException {
    Random rnd = new Random(5);
    int size = 700;
    int dim = 20;
    String[] words = new String[size];
    float[][] rows = new float[size][dim];
    for (int i = 0; i < size; i++) {
      words[i] = i % 50 == 7 ? "W" + (i - 1) : "w" + i; // some case variants of the previous word
      for (int k = 0; k < dim; k++) {
        rows[i][k] = (float) rnd.nextGaussian();
      }
    }
    WordVectors v = new WordVectors(words, Matrix.of(rows));
    StringBuilder text = new StringBuilder(": random\n");
    int restrict = 600;
    boolean[] expected = new boolean[600];
    for (int q = 0; q < expected.length; q++) {
      int a = rnd.nextInt(restrict);
      int b = rnd.nextInt(restrict);
      int c = rnd.nextInt(restrict);
      int d = direct(rows, words, restrict, canonical(words, a), canonical(words, b), canonical(words, c));
      if (q % 3 == 0) {
        d = rnd.nextInt(restrict); // mostly wrong
      }
      text.append(words[a]).append(' ').append(words[b]).append(' ').append(words[c]).append(' ').append(words[d]).append('\n');
      expected[q] = canonical(words, d) == direct(rows, words, restrict, canonical(words, a), canonical(words, b),
          canonical(words, c));
    }
    Path file = questions(text.toString());
    for (int threads : new int[] {1, 3}) {
      Analogy.Run run = Analogy.run(v, file, restrict, true, threads);
      assertEquals(expected.length, run.right().length);
      for (int q = 0; q < expected.length; q++) {
        assertEquals(expected[q], run.right()[q], "question " + q);
      }
    }
  }

  @Test
  void tiesGoToTheLowerIndexAcrossTilesAndThreads() throws IOException {
    int size = 600; // three tiles of 256
    String[] words = new String[size];
    float[][] rows = new float[size][3];
    for (int i = 0; i < size; i++) {
      words[i] = "f" + i;
      rows[i] = new float[] {-1, -1, -1 - i}; // far from the query
    }
    words[0] = "a";
    rows[0] = new float[] {1, 0, 0};
    words[1] = "b";
    rows[1] = new float[] {0, 1, 0};
    words[2] = "c";
    rows[2] = new float[] {0, 0, 1};
    words[100] = "early";
    rows[100] = new float[] {-1, 1, 1}; // exactly along b - a + c
    words[500] = "late";
    rows[500] = new float[] {-1, 1, 1}; // the same vector, so the same score, in the last tile
    WordVectors v = new WordVectors(words, Matrix.of(rows));
    Path q = questions(": early\na b c early\n: late\na b c late\n");
    for (int threads : new int[] {1, 2, 3}) {
      assertEquals(List.of(new AnalogyResult.Section("early", 1, 0, 0), new AnalogyResult.Section("late", 0, 1, 0)),
          Analogy.evaluate(v, q, size, true, threads).sections());
    }
  }

  /** The first word among the candidates that upper-cases like word i. */
  private static int canonical(String[] words, int i) {
    for (int j = 0;; j++) {
      if (words[j].equalsIgnoreCase(words[i])) {
        return j;
      }
    }
  }

  /** gensim's rule, spelled out: the canonical index of the prediction (or -1). */
  private static int direct(float[][] rows, String[] words, int restrict, int a, int b, int c) {
    int dim = rows[0].length;
    double[] query = new double[dim];
    for (int k = 0; k < dim; k++) {
      query[k] = rows[b][k] / norm(rows[b]) + rows[c][k] / norm(rows[c]) - rows[a][k] / norm(rows[a]);
    }
    Integer[] order = new Integer[restrict];
    double[] score = new double[restrict];
    for (int i = 0; i < restrict; i++) {
      order[i] = i;
      for (int k = 0; k < dim; k++) {
        score[i] += rows[i][k] / norm(rows[i]) * query[k];
      }
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(score[y], score[x]));
    int predicted = -1;
    int taken = 0;
    for (int i : order) {
      if (i == a || i == b || i == c) {
        continue;
      }
      predicted = canonical(words, i);
      if ((predicted != a && predicted != b && predicted != c) || ++taken == 5) {
        break;
      }
    }
    return predicted;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
