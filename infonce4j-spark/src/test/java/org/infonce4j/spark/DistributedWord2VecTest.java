package org.infonce4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.infonce4j.word2vec.Corpus;
import org.infonce4j.word2vec.Vocabulary;
import org.infonce4j.word2vec.Word2Vec;
import org.infonce4j.word2vec.Word2VecConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distributed training on local[2] against infonce4j-word2vec's single-machine trainer. */
class DistributedWord2VecTest {

  @TempDir
  Path dir;

  private final SparkSession spark = SparkTestSession.get();

  private Path write(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  private static Word2VecConfig small() {
    return Word2VecConfig.defaults().withDim(24).withWindow(4).withNegative(5).withSample(0).withMinCount(1).withEpochs(5).withThreads(1)
        .withAlpha(0.05).withSeed(7);
  }

  private static void assertSameVocabulary(Vocabulary expected, Vocabulary actual) {
    assertArrayEquals(expected.words(), actual.words());
    assertArrayEquals(expected.counts(), actual.counts());
  }

  @Test
  void vocabularyEqualsTheLocalOne() throws IOException {
    // Zipf-like counts with many ties, odd white space, long and unicode words
    List<String> lines = new ArrayList<>(TopicCorpus.lines(500, 3));
    lines.add("  the\tthe  cat\u000bsat\fon the\r mat  ");
    lines.add("");
    lines.add("na\u00efve caf\u00e9 caf\u00e9 \u65e5\u672c \u65e5\u672c \u65e5\u672c");
    Path file = write("v.txt", lines);
    JavaRDD<String[]> sentences = Sentences.ofText(spark, file.toString());
    for (int[] mm : new int[][] {{1, 0}, {2, 0}, {30, 0}, {1, 10}, {5, 50}}) {
      Vocabulary local = Vocabulary.build(Corpus.of(file), mm[0], mm[1]);
      Vocabulary distributed = DistributedVocabulary.count(sentences, mm[0], mm[1], file.toString());
      assertSameVocabulary(local, distributed);
      assertEquals(local.totalCount(), distributed.totalCount());
    }
  }

  @Test
  void learnsTheTopicsAsWellAsTheLocalTrainer() throws IOException {
    List<String> lines = TopicCorpus.lines(4000, 1);
    Path file = write("topics.txt", lines);
    Word2VecConfig c = small();
    double local = TopicCorpus.purity(Word2Vec.train(Corpus.of(file), c, null, dir).vectors());
    List<int[]> progress = new ArrayList<>();
    DistributedConfig d = DistributedConfig.defaults().withPartitions(2).withRoundsPerEpoch(2);
    DistributedWord2Vec.Result r = DistributedWord2Vec.trainText(spark, file.toString(), c, d,
        (round, rounds, done, total, wps, loss) -> progress.add(new int[] {round, rounds}));
    assertEquals(TopicCorpus.TOPICS * TopicCorpus.WORDS_PER_TOPIC, r.vocabulary().size());
    assertEquals(2, r.partitions());
    assertEquals(2 * c.epochs(), r.rounds());
    assertEquals(2 * c.epochs() + 1, progress.size());
    assertArrayEquals(new int[] {2 * c.epochs(), 2 * c.epochs()}, progress.get(progress.size() - 1));
    assertTrue(r.finalLoss() > 0 && r.finalLoss() < 5, "loss " + r.finalLoss());
    double distributed = TopicCorpus.purity(r.vectors());
    assertTrue(distributed >= 0.9 && distributed >= local - 0.08, "purity: distributed " + distributed + ", local " + local);
  }

  @Test
  void everyCombineAndMoreRoundsLearn() throws IOException {
    Path file = write("topics.txt", TopicCorpus.lines(3000, 2));
    for (DistributedConfig.Combine combine : DistributedConfig.Combine.values()) {
      DistributedConfig d = new DistributedConfig(3, 2, combine, 0);
      DistributedWord2Vec.Result r = DistributedWord2Vec.trainText(spark, file.toString(), small().withEpochs(3), d, null);
      assertEquals(9, r.rounds());
      double purity = TopicCorpus.purity(r.vectors());
      assertTrue(purity >= 0.9, combine + ": purity " + purity);
    }
  }

  @Test
  void readsAnArrayColumnDirectoriesAndGzip() throws IOException {
    List<String> lines = TopicCorpus.lines(2000, 4);
    write("corpus/a/part1.txt", lines.subList(0, 1000));
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("corpus/part2.txt.gz")))) {
      out.write((String.join("\n", lines.subList(1000, 2000)) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    write("corpus/.hidden.txt", List.of("hidden hidden hidden hidden hidden"));
    Path all = write("all.txt", lines);
    Vocabulary local = Vocabulary.build(Corpus.of(all), 1, 0);
    Word2VecConfig c = small().withEpochs(2);
    DistributedConfig d = DistributedConfig.defaults().withRoundsPerEpoch(2);
    DistributedWord2Vec.Result fromDir = DistributedWord2Vec.trainText(spark, dir.resolve("corpus").toString(), c, d, null);
    assertSameVocabulary(local, fromDir.vocabulary());

    Dataset<Row> tokens = spark.createDataset(lines, Encoders.STRING()).toDF("text")
        .select(functions.split(functions.col("text"), " ").as("tokens"));
    DistributedWord2Vec.Result fromArray = DistributedWord2Vec.train(tokens, "tokens", c, d, null);
    assertSameVocabulary(local, fromArray.vocabulary());
    assertEquals(local.totalCount(), fromArray.tokens());
  }

  @Test
  void badInputIsAClearError() throws IOException {
    Word2VecConfig c = small();
    DistributedConfig d = DistributedConfig.defaults().withRoundsPerEpoch(1);
    String missing = dir.resolve("nope.txt").toString();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DistributedWord2Vec.trainText(spark, missing, c, d, null));
    assertTrue(e.getMessage().contains("nope.txt: no such file or directory"), e.getMessage());

    Path empty = write("empty.txt", List.of("", "   ", "\t"));
    e = assertThrows(IllegalArgumentException.class, () -> DistributedWord2Vec.trainText(spark, empty.toString(), c, d, null));
    assertTrue(e.getMessage().contains("the corpus holds no word"), e.getMessage());

    Path rare = write("rare.txt", List.of("a b c d e f g h"));
    e = assertThrows(IllegalArgumentException.class, () -> DistributedWord2Vec.trainText(spark, rare.toString(), c.withMinCount(2), d,
        null));
    assertTrue(e.getMessage().contains("no word occurs at least 2 times (8 distinct words in 8 tokens)"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> DistributedWord2Vec.trainText(spark, rare.toString(), c.withNegative(8), d,
        null));
    assertTrue(e.getMessage().contains("a vocabulary of 8 words is too small for 8 negatives"), e.getMessage());

    Dataset<Row> numbers = spark.range(10).toDF("n");
    e = assertThrows(IllegalArgumentException.class, () -> DistributedWord2Vec.train(numbers, "n", c, d, null));
    assertTrue(e.getMessage().contains("column 'n' must be a string"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DistributedWord2Vec.train(numbers, "text", c, d, null));
    assertTrue(e.getMessage().contains("no column 'text'"), e.getMessage());
  }

  @Test
  void tokensSplitOnAsciiWhiteSpaceOnly() {
    assertArrayEquals(new String[] {"a", "b\u00a0c", "d"}, Sentences.tokens(" a\tb\u00a0c\r\n d\f"));
    assertArrayEquals(new String[0], Sentences.tokens(" \t "));
    assertArrayEquals(new String[0], Sentences.tokens(null));
    assertArrayEquals(new String[] {"x"}, Sentences.tokens("x"));
  }

  @Test
  void configsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new DistributedConfig(0, 0, DistributedConfig.Combine.SUM, 0));
    assertThrows(IllegalArgumentException.class, () -> new DistributedConfig(1, -1, DistributedConfig.Combine.SUM, 0));
    assertThrows(IllegalArgumentException.class, () -> new DistributedConfig(1, 0, null, 0));
    assertThrows(IllegalArgumentException.class, () -> new DistributedConfig(1, 0, DistributedConfig.Combine.SUM, Double.NaN));
    assertEquals(4, DistributedConfig.defaults().rateScaleFor(4));
    assertEquals(1, DistributedConfig.defaults().withCombine(DistributedConfig.Combine.SUM).rateScaleFor(4));
    assertEquals(3, DistributedConfig.defaults().withRateScale(3).rateScaleFor(4));
    assertEquals(DistributedConfig.Combine.TOUCHED_AVERAGE, DistributedConfig.Combine.parse("Touched_Average"));
    assertThrows(IllegalArgumentException.class, () -> DistributedConfig.Combine.parse("median"));

    TrainJob job = TrainJob.parse(new String[] {"--corpus", "hdfs:///c", "--output", "out.bin", "--binary", "--model", "cbow", "--dim", "50",
        "--rounds-per-epoch", "4", "--partitions", "8", "--combine", "sum", "--spark", "yarn"});
    assertEquals("hdfs:///c", job.corpus());
    assertTrue(job.binary());
    assertEquals(Word2VecConfig.Model.CBOW, job.config().model());
    assertEquals(0.05, job.config().alpha(), "CBOW's default rate");
    assertEquals(50, job.config().dim());
    assertEquals(1, job.config().threads(), "one thread per task by default");
    assertEquals(new DistributedConfig(4, 8, DistributedConfig.Combine.SUM, 0), job.dist());
    assertEquals("yarn", job.master());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.parse(new String[] {"--corpus", "c", "--dim"}));
    assertTrue(e.getMessage().contains("--dim needs a value"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TrainJob.parse(new String[] {"--corpus", "c", "--output", "o", "--dims", "3"}));
    assertTrue(e.getMessage().contains("unknown option '--dims'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TrainJob.parse(new String[] {"--output", "o"}));
    assertTrue(e.getMessage().contains("a corpus and an output path are needed"), e.getMessage());
  }
}
