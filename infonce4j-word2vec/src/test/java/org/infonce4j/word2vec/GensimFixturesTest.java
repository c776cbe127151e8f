package org.infonce4j.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Files written by gensim 4.2 and gensim's own evaluation results on them, made by
 * {@code src/test/resources/word2vec/make_gensim_fixtures.py} (Debian's python3-gensim).
 */
class GensimFixturesTest {

  private static final float INF = Float.POSITIVE_INFINITY;

  /** The script's FORMAT_VECTORS, 5 x 4. */
  private static final float[] FORMAT_VECTORS = {
      0.1f, -0.0f, 1e-07f, 123456.789f,
      -1.5f, 0.0078125f, 3.4028235e38f, -2.5e-39f,
      1e-45f, -1e-07f, 0.333333333f, 7.0f,
      INF, -INF, 42.0f, -0.5f,
      0f, 0f, 0f, 0f,
  };

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(GensimFixturesTest.class.getResource("/word2vec/" + name).toURI());
  }

  @Test
  void readsGensimTextAndBinary() throws URISyntaxException {
    List<String> words = List.of("the", "café", "naïve", "日本", "x");
    for (WordVectors v : List.of(
        WordVectorsFormat.read(resource("gensim-4.2.txt")),
        WordVectorsFormat.read(resource("gensim-4.2.txt"), false),
        WordVectorsFormat.read(resource("gensim-4.2.bin")),
        WordVectorsFormat.read(resource("gensim-4.2.bin"), true))) {
      assertEquals(words, v.words());
      assertEquals(4, v.dim());
      assertArrayEquals(FORMAT_VECTORS, v.vectors().data()); // bitwise: -0.0 and subnormals included
    }
  }

  @Test
  void analogiesMatchGensim() throws IOException, URISyntaxException {
    WordVectors v = WordVectorsFormat.read(resource("analogy-vectors.txt"));
    Path questions = resource("analogy-questions.txt");
    Map<String, int[]> sections = new HashMap<>(); // name -> {correct, incorrect}
    Set<String> correct = new HashSet<>();
    int restrict = 0;
    int skipped = -1;
    double accuracy = Double.NaN;
    for (String line : Files.readAllLines(resource("analogy-expected.txt"))) {
      String[] f = line.split(" ");
      switch (f[0]) {
        case "restrict" -> restrict = Integer.parseInt(f[1]);
        case "section" -> sections.put(f[1].replace('_', ' '), new int[] {Integer.parseInt(f[3]), Integer.parseInt(f[5])});
        case "correct" -> correct.add(line.substring(8));
        case "skipped" -> skipped = Integer.parseInt(f[1]);
        case "accuracy" -> accuracy = Double.parseDouble(f[1]);
        default -> {
        }
      }
    }
    List<String> lines = Files.readAllLines(questions);
    for (int threads : new int[] {1, 2}) {
      Analogy.Run run = Analogy.run(v, questions, restrict, true, threads);
      AnalogyResult r = run.result();
      List<String> names = new ArrayList<>();
      for (AnalogyResult.Section s : r.sections()) {
        names.add(s.name());
        assertArrayEquals(sections.get(s.name()), new int[] {s.correct(), s.incorrect()}, s.name());
      }
      assertEquals(List.of("capital-common", "family", "case-variants", "empty-section"), names);
      assertArrayEquals(sections.get("Total accuracy"), new int[] {r.correct(), r.incorrect()});
      assertEquals(skipped, r.skipped());
      assertEquals(accuracy, r.accuracy(), 1e-15);
      for (int q = 0; q < run.lines().length; q++) {
        String question = lines.get(run.lines()[q] - 1).toUpperCase(Locale.ROOT);
        assertEquals(correct.contains(question), run.right()[q], question);
      }
    }
  }

  @Test
  void wordPairsMatchGensim() throws IOException, URISyntaxException {
    WordVectors v = WordVectorsFormat.read(resource("analogy-vectors.txt"));
    Map<String, Double> expected = new HashMap<>();
    for (String line : Files.readAllLines(resource("pairs-expected.txt"))) {
      if (!line.startsWith("#")) {
        expected.put(line.split(" ")[0], Double.parseDouble(line.split(" ")[1]));
      }
    }
    WordSimilarityResult r = WordSimilarity.evaluate(v, resource("pairs.tsv"));
    assertEquals(expected.get("spearman"), r.spearman(), 1e-12);
    assertEquals(expected.get("pearson"), r.pearson(), 1e-6); // gensim's cosines are float32, ours double
    assertEquals(expected.get("oov_ratio"), 100.0 * r.skipped() / (r.pairs() + r.skipped()), 1e-12);
    assertTrue(r.skipped() > 0);
  }
}
