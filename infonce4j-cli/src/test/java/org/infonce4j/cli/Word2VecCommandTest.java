package org.infonce4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.infonce4j.word2vec.WordVectors;
import org.infonce4j.word2vec.WordVectorsFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code infonce4j word2vec}: train, then evaluate, on a small synthetic corpus. */
class Word2VecCommandTest {

  @TempDir
  Path dir;

  private static Run run(String... args) {
    return Run.of(args);
  }

  /** Sentences from 6 topics of 6 words ("t3w1"); a word's neighbours should share its topic. */
  private Path corpus() throws IOException {
    Random rnd = new Random(11);
    List<String> lines = new ArrayList<>();
    for (int l = 0; l < 3000; l++) {
      int topic = rnd.nextInt(6);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < 10; k++) {
        sb.append(k == 0 ? "" : " ").append("t").append(topic).append("w").append(rnd.nextInt(6));
      }
      lines.add(sb.toString());
    }
    Path p = dir.resolve("corpus.txt");
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void trainOnSparkWritesTheSameFormat() throws IOException {
    Path corpus = corpus();
    Path vec = dir.resolve("spark.txt");
    Run r = run("word2vec", "train", "--spark", "local[2]", "--rounds-per-epoch", "2", "--corpus", corpus.toString(), "--output",
        vec.toString(), "--dim", "16", "--min-count", "1", "--sample", "0", "--epochs", "3", "--alpha", "0.05");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"vocabulary\": 36") && r.out().contains("\"rounds\": 6") && r.out().contains("\"threads_per_task\": 1"),
        r.out());
    assertTrue(r.err().contains("words/s"), "a progress bar on stderr: " + r.err());
    WordVectors v = WordVectorsFormat.read(vec, false);
    assertEquals(36, v.size());
    assertEquals(16, v.dim());

    r = run("word2vec", "train", "--rounds-per-epoch", "2", "--corpus", corpus.toString(), "--output", vec.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("need --spark"), r.err());
    r = run("word2vec", "train", "--spark", "local[2]", "--corpus", dir.resolve("none").toString(), "--output", vec.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("none: no such file or directory"), r.err());
  }

  @Test
  void trainWritesVectorsThenAnalogyAndNeighborsRead() throws IOException {
    Path corpus = corpus();
    Path vec = dir.resolve("v.bin");
    Run r = run("word2vec", "train", "--corpus", corpus.toString(), "--output", vec.toString(), "--binary", "--dim", "16", "--min-count", "1",
        "--sample", "0", "--epochs", "3", "--threads", "1", "--alpha", "0.05");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"vocabulary\": 36"), r.out());
    assertTrue(r.err().contains("words/s"), "a progress bar on stderr: " + r.err());
    WordVectors v = WordVectorsFormat.read(vec, true);
    assertEquals(36, v.size());
    assertEquals(16, v.dim());

    Path questions = dir.resolve("q.txt");
    Files.write(questions, List.of(": same-topic", "t0w0 t0w1 t1w0 t1w1", "t2w0 t2w1 t3w0 t3w1", "t0w0 t0w1 zzz t1w1"));
    r = run("word2vec", "analogy", "--vectors", vec.toString(), "--questions", questions.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"seen\": 2") && r.out().contains("\"skipped\": 1"), r.out());

    r = run("word2vec", "neighbors", "--vectors", vec.toString(), "--k", "3", "t4w2");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\n");
    assertEquals("t4w2", lines[0]);
    for (int i = 1; i <= 3; i++) {
      assertTrue(lines[i].trim().startsWith("t4w"), "neighbour " + i + " of t4w2 from another topic: " + r.out());
    }
  }

  @Test
  void badInputIsNamedAndLeavesNoOutput() throws IOException {
    Path empty = dir.resolve("empty.txt");
    Files.write(empty, List.of(""));
    Path vec = dir.resolve("v.txt");
    Run r = run("word2vec", "train", "--corpus", empty.toString(), "--output", vec.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("empty.txt"), r.err());
    assertFalse(Files.exists(vec));

    Path truncated = dir.resolve("t.txt");
    Files.write(truncated, List.of("3 2", "a 0.1 0.2", "b 0.3"));
    r = run("word2vec", "neighbors", "--vectors", truncated.toString(), "a");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("t.txt"), r.err());
  }
}
