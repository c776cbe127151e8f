package org.infonce4j.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on a synthetic corpus whose structure is known: 12 topics of 8 words, each sentence
 * drawn from one topic. Good vectors put a word's nearest neighbours in its own topic.
 */
class Word2VecTrainingTest {

  @TempDir
  Path dir;

  private static final int TOPICS = 12;
  private static final int WORDS_PER_TOPIC = 8;

  private static String word(int topic, int i) {
    return "t" + topic + "w" + i;
  }

  /** {@code lines} sentences of 6 to 14 words, each from one random topic. */
  private static List<String> topicCorpus(int lines, long seed) {
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int l = 0; l < lines; l++) {
      int topic = rnd.nextInt(TOPICS);
      int len = 6 + rnd.nextInt(9);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < len; k++) {
        sb.append(k == 0 ? "" : " ").append(word(topic, rnd.nextInt(WORDS_PER_TOPIC)));
      }
      out.add(sb.toString());
    }
    return out;
  }

  private Path write(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  private static Word2VecConfig small() {
    return Word2VecConfig.defaults().withDim(24).withWindow(4).withNegative(5).withSample(0).withMinCount(1).withEpochs(5).withThreads(1)
        .withAlpha(0.05).withSeed(7);
  }

  /** Share of words whose nearest neighbour is in their own topic. */
  private static double topicPurity(WordVectors v) {
    Neighbors n = new Neighbors(v);
    int good = 0;
    for (int t = 0; t < TOPICS; t++) {
      for (int i = 0; i < WORDS_PER_TOPIC; i++) {
        String nearest = n.nearest(word(t, i), 1).get(0).word();
        if (nearest.startsWith("t" + t + "w")) {
          good++;
        }
      }
    }
    return good / (double) (TOPICS * WORDS_PER_TOPIC);
  }

  @Test
  void skipGramLearnsTheTopics() throws IOException {
    Path corpus = write("topics.txt", topicCorpus(4000, 1));
    Word2Vec.Result r = Word2Vec.train(Corpus.of(corpus), small(), null, dir);
    assertEquals(TOPICS * WORDS_PER_TOPIC, r.vocabulary().size());
    double purity = topicPurity(r.vectors());
    assertTrue(purity >= 0.95, "nearest neighbours in the own topic: " + purity);
    // Random vectors would give about 7/95.
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aWindowWiderThanAnySentenceCostsTheSentenceNotTheWindow() throws IOException {
    // Each position used to visit every offset of its window and skip those outside the sentence: 10^9 of them per word.
    Path corpus = write("topics.txt", topicCorpus(400, 2));
    for (Word2VecConfig.Model m : Word2VecConfig.Model.values()) {
      Word2Vec.Result r = Word2Vec.train(Corpus.of(corpus), small().withModel(m).withWindow(1_000_000_000).withEpochs(1), null, dir);
      assertEquals(TOPICS * WORDS_PER_TOPIC, r.vocabulary().size());
    }
  }

  @Test
  void vectorsTooLargeForTheHeapAreRefusedBeforeTheyAreAllocated() {
    long max = Runtime.getRuntime().maxMemory();
    int dim = (int) Math.min(100_000_000L, max / (2 * 4 * 10) + 1024); // ten words' two tables exceed the heap
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Weights.initial(10, dim, 1));
    assertTrue(e.getMessage().startsWith("vectors for 10 words of dim ") && e.getMessage().contains("-Xmx"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Weights.initial(1_000_000, 100_000, 1));
    assertTrue(e.getMessage().contains("1,000,000 x 100,000"), e.getMessage());
  }

  @Test
  void everyModelAndObjectiveLearns() throws IOException {
    Path corpus = write("topics.txt", topicCorpus(4000, 2));
    for (Word2VecConfig.Model model : Word2VecConfig.Model.values()) {
      for (Word2VecConfig.Objective objective : Word2VecConfig.Objective.values()) {
        for (boolean shared : new boolean[] {false, true}) {
          Word2VecConfig c = small().withModel(model).withObjective(objective).withSharedNegatives(shared).withThreads(2);
          Word2Vec.Result r = Word2Vec.train(Corpus.of(corpus), c, null, dir);
          double purity = topicPurity(r.vectors());
          assertTrue(purity >= 0.9, model + "/" + objective + (shared ? "/shared" : "") + ": purity " + purity);
        }
      }
    }
  }

  /**
   * Two shards trained apart and averaged after every epoch (what the Spark module does) learn the
   * topics as well as one trainer on everything.
   */
  @Test
  void shardsWithParameterAveragingLearnTheTopics() throws IOException {
    List<String> lines = topicCorpus(4000, 9);
    Vocabulary vocab = Vocabulary.build(Corpus.of(write("all.txt", lines)), 1, 0);
    IdSentences.Builder[] builders = {IdSentences.builder(), IdSentences.builder()};
    for (int i = 0; i < lines.size(); i++) {
      builders[i % 2].add(List.of(lines.get(i).split(" ")), vocab, 1000);
    }
    IdSentences[] shards = {builders[0].build(), builders[1].build()};
    assertEquals(vocab.totalCount(), shards[0].tokens() + shards[1].tokens());
    Word2VecConfig c = small();
    Weights global = Weights.initial(vocab.size(), c.dim(), c.seed());
    long total = (long) c.epochs() * vocab.totalCount();
    long before = 0;
    for (int epoch = 0; epoch < c.epochs(); epoch++) {
      float[] words = new float[global.words().length];
      float[] contexts = new float[global.contexts().length];
      long round = 0;
      for (IdSentences shard : shards) {
        Weights local = global.copy();
        Word2Vec.ShardResult r = Word2Vec.trainShard(c, vocab.counts(), shard, local, 1, before, total);
        assertEquals(shard.tokens(), r.words());
        assertTrue(r.loss() > 0, "loss " + r.loss());
        for (int q = 0; q < words.length; q++) {
          words[q] += r.words() * local.words()[q];
          contexts[q] += r.words() * local.contexts()[q];
        }
        round += r.words();
      }
      for (int q = 0; q < words.length; q++) {
        words[q] /= round;
        contexts[q] /= round;
      }
      global = Weights.of(vocab.size(), c.dim(), words, contexts);
      before += round;
    }
    double purity = topicPurity(new WordVectors(vocab.words(), global.wordMatrix()));
    assertTrue(purity >= 0.9, "averaged shards: purity " + purity);
  }

  @Test
  void lossFalls() throws IOException {
    Path corpus = write("topics.txt", topicCorpus(3000, 3));
    List<Double> losses = new ArrayList<>();
    Word2Vec.train(Corpus.of(corpus), small().withEpochs(8), (done, total, wps, loss) -> {
      if (!Double.isNaN(loss)) {
        losses.add(loss);
      }
    }, dir);
    Word2Vec.Result one = Word2Vec.train(Corpus.of(corpus), small().withEpochs(1).withAlpha(1e-6), null, dir);
    Word2Vec.Result eight = Word2Vec.train(Corpus.of(corpus), small().withEpochs(8), null, dir);
    // Barely trained vectors score about (K + 1) log 2 per pair; trained ones far less.
    assertTrue(one.finalLoss() > 3.5, "untrained loss " + one.finalLoss());
    assertTrue(eight.finalLoss() < 0.7 * one.finalLoss(), "trained " + eight.finalLoss() + " vs untrained " + one.finalLoss());
  }

  @Test
  void oneThreadAndASeedGiveIdenticalVectors() throws IOException {
    Path corpus = write("topics.txt", topicCorpus(1500, 4));
    float[] a = Word2Vec.train(Corpus.of(corpus), small(), null, dir).vectors().vectors().data();
    float[] b = Word2Vec.train(Corpus.of(corpus), small(), null, dir).vectors().vectors().data();
    float[] c = Word2Vec.train(Corpus.of(corpus), small().withSeed(8), null, dir).vectors().vectors().data();
    assertArrayEquals(a, b);
    assertNotEquals(java.util.Arrays.hashCode(a), java.util.Arrays.hashCode(c));
  }

  @Test
  void directoriesAndGzipAreOneCorpus() throws IOException {
    List<String> lines = topicCorpus(400, 5);
    Path d = Files.createDirectory(dir.resolve("corpus"));
    Files.write(d.resolve("a.txt"), lines.subList(0, 200), StandardCharsets.UTF_8);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(d.resolve("b.txt.gz")))) {
      out.write(String.join("\n", lines.subList(200, 400)).getBytes(StandardCharsets.UTF_8));
    }
    Path single = write("all.txt", lines);
    Vocabulary fromDir = Vocabulary.build(Corpus.of(d), 1, 0);
    Vocabulary fromFile = Vocabulary.build(Corpus.of(single), 1, 0);
    assertArrayEquals(fromFile.words(), fromDir.words());
    for (int i = 0; i < fromFile.size(); i++) {
      assertEquals(fromFile.count(i), fromDir.count(i), fromFile.word(i));
    }
  }

  @Test
  void vocabularyCountsOrdersAndCuts() throws IOException {
    Path corpus = write("v.txt", List.of("b a a c\tc c", "  d c  ", "", "a"));
    Vocabulary v = Vocabulary.build(Corpus.of(corpus), 1, 0);
    assertArrayEquals(new String[] {"c", "a", "b", "d"}, v.words());
    assertEquals(4, v.count(0));
    assertEquals(3, v.count(1));
    assertEquals(9, v.totalCount());
    assertEquals(2, v.index("b"));
    assertEquals(-1, v.index("zz"));
    assertArrayEquals(new String[] {"c", "a"}, Vocabulary.build(Corpus.of(corpus), 2, 0).words());
    assertArrayEquals(new String[] {"c", "a", "b"}, Vocabulary.build(Corpus.of(corpus), 1, 3).words());
  }

  @Test
  void longLinesAreCutIntoSentences() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      sb.append("w").append(i % 3).append(' ');
    }
    Path corpus = write("long.txt", List.of(sb.toString(), "w0 w1"));
    Vocabulary v = Vocabulary.build(Corpus.of(corpus), 1, 0);
    try (EncodedCorpus e = EncodedCorpus.encode(Corpus.of(corpus), v, 10, dir)) {
      assertEquals(27, e.tokens());
      int[] buf = new int[10];
      List<Integer> lengths = new ArrayList<>();
      for (long pos = 0; pos < e.length();) {
        int n = e.sentence(pos, buf);
        lengths.add(n);
        pos += n + 1;
      }
      assertEquals(List.of(10, 10, 5, 2), lengths);
    }
  }

  @Test
  void badCorporaAreNamed() throws IOException {
    Path empty = write("empty.txt", List.of("", "   "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Word2Vec.train(Corpus.of(empty), small(), null, dir));
    assertTrue(e.getMessage().contains("empty.txt") && e.getMessage().contains("no word"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> Corpus.of(dir.resolve("missing.txt")));
    assertTrue(e.getMessage().contains("missing.txt"), e.getMessage());

    Path bad = dir.resolve("bad.txt");
    Files.write(bad, new byte[] {'o', 'k', '\n', 'a', 'b', ' ', 'x', (byte) 0xC3, (byte) 0x28, '\n'});
    e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(Corpus.of(bad), 1, 0));
    assertTrue(e.getMessage().contains("bad.txt") && e.getMessage().contains("line 2") && e.getMessage().contains("byte 7"),
        e.getMessage());

    Path tiny = write("tiny.txt", List.of("a b c a b c"));
    e = assertThrows(IllegalArgumentException.class, () -> Word2Vec.train(Corpus.of(tiny), small(), null, dir));
    assertTrue(e.getMessage().contains("too small") && e.getMessage().contains("5 negatives"), e.getMessage());

    Path rare = write("rare.txt", List.of("a b c d"));
    e = assertThrows(IllegalArgumentException.class, () -> Word2Vec.train(Corpus.of(rare), Word2VecConfig.defaults(), null, dir));
    assertTrue(e.getMessage().contains("min-count"), e.getMessage());

    Path emptyDir = Files.createDirectory(dir.resolve("nothing"));
    e = assertThrows(IllegalArgumentException.class, () -> Corpus.of(emptyDir));
    assertTrue(e.getMessage().contains("holds no file"), e.getMessage());
  }

  @Test
  void noTemporaryFileIsLeftBehind() throws IOException {
    Path corpus = write("topics.txt", topicCorpus(200, 6));
    Word2Vec.train(Corpus.of(corpus), small().withEpochs(1), null, dir);
    try (var s = Files.list(dir)) {
      assertEquals(List.of(corpus), s.toList());
    }
  }

  @Test
  void configRejectsNonsense() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Word2VecConfig.defaults().withDim(0));
    assertTrue(e.getMessage().contains("dim"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Word2VecConfig.defaults().withSample(-1));
    assertTrue(e.getMessage().contains("sample"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Word2VecConfig.defaults().withAlpha(0));
    assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    assertEquals(Word2VecConfig.Model.CBOW, Word2VecConfig.Model.parse("CBOW"));
    e = assertThrows(IllegalArgumentException.class, () -> Word2VecConfig.Objective.parse("hs"));
    assertTrue(e.getMessage().contains("sgns or infonce"), e.getMessage());
  }
}
