package org.infonce4j.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.infonce4j.Provenance;
import org.infonce4j.word2vec.Word2VecConfig;

/**
 * One distributed training run from a corpus path to a vectors file, both on any Hadoop file
 * system: what {@code ./infonce4j word2vec train --spark MASTER} runs, and the main class for
 * {@code spark-submit}:
 *
 * <pre>
 * spark-submit --class org.infonce4j.spark.TrainJob --master yarn infonce4j-spark-job.jar \
 *     --corpus hdfs:///data/corpus --output hdfs:///data/vectors.txt --epochs 5 --rounds-per-epoch 4
 * </pre>
 *
 * <p>The options are those of {@code infonce4j word2vec train}, plus {@code --spark MASTER}
 * (default: the master spark-submit sets, else {@code local[*]}), {@code --rounds-per-epoch},
 * {@code --partitions} and {@code --combine}; {@code --threads} is per task and defaults to 1.
 *
 * @param corpus text file, directory or glob (comma-separated for several)
 * @param output where to write the vectors
 * @param binary the binary format instead of text
 * @param config word2vec settings ({@code threads}: hogwild workers per task)
 * @param dist   rounds, partitions and combining
 * @param master the Spark master, or null for spark-submit's (else {@code local[*]})
 */
public record TrainJob(String corpus, String output, boolean binary, Word2VecConfig config, DistributedConfig dist, String master) {

  /**
   * Checks that the corpus, output, config and dist are given.
   *
   * @param corpus text file, directory or glob
   * @param output where to write the vectors
   * @param binary the binary format instead of text
   * @param config word2vec settings
   * @param dist   rounds, partitions and combining
   * @param master the Spark master, or null
   * @throws IllegalArgumentException when one is missing
   */
  public TrainJob {
    if (corpus == null || corpus.isBlank() || output == null || output.isBlank()) {
      throw new IllegalArgumentException("a corpus and an output path are needed");
    }
    if (config == null || dist == null) {
      throw new IllegalArgumentException("config and dist must be given");
    }
  }

  /**
   * Starts (or joins) the session, trains, writes the vectors and returns the run's summary;
   * stops a session it started itself.
   *
   * @param progress receives progress, or {@code null}
   * @return the summary as an ordered map for JSON: output, vocabulary, timings, settings, provenance
   */
  public Map<String, Object> run(DistributedWord2Vec.Progress progress) {
    boolean existing = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkRuntime.session(master, "infonce4j word2vec");
    try {
      // fail on a bad output path before training, not after
      HadoopVectors.checkParent(spark.sparkContext().hadoopConfiguration(), output);
      DistributedWord2Vec.Result r = DistributedWord2Vec.trainText(spark, corpus, config, dist, progress);
      HadoopVectors.write(spark, output, r.vectors(), binary);
      return summary(r, spark.sparkContext().master());
    } finally {
      if (!existing) {
        spark.stop();
      }
    }
  }

  private Map<String, Object> summary(DistributedWord2Vec.Result r, String usedMaster) {
    Map<String, Object> o = new java.util.LinkedHashMap<>();
    o.put("output", output);
    o.put("format", binary ? "binary" : "text");
    o.put("vocabulary", r.vocabulary().size());
    o.put("corpus_tokens", r.tokens());
    o.put("epochs", config.epochs());
    o.put("vocab_seconds", r.vocabSeconds());
    o.put("encode_seconds", r.encodeSeconds());
    o.put("train_seconds", r.trainSeconds());
    o.put("task_train_seconds", r.taskSeconds());
    o.put("total_seconds", r.totalSeconds());
    o.put("words_per_second", r.wordsPerSecond());
    o.put("final_loss", r.finalLoss());
    o.put("update_megabytes", r.updateBytes() / 1e6);
    Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("model", config.model().name().toLowerCase(Locale.ROOT));
    s.put("objective", config.objective().name().toLowerCase(Locale.ROOT));
    s.put("shared_negatives", config.sharedNegatives());
    s.put("dim", config.dim());
    s.put("window", config.window());
    s.put("negative", config.negative());
    s.put("sample", config.sample());
    s.put("min_count", config.minCount());
    s.put("alpha", config.alpha());
    s.put("ns_exponent", config.nsExponent());
    s.put("threads_per_task", config.threads());
    s.put("seed", config.seed());
    s.put("spark_master", usedMaster);
    s.put("partitions", r.partitions());
    s.put("rounds_per_epoch", dist.roundsPerEpoch());
    s.put("rounds", r.rounds());
    s.put("combine", dist.combine().label());
    s.put("partition_alpha", config.alpha() * dist.rateScaleFor(r.partitions()));
    o.put("settings", s);
    o.put("vector_ops", r.implementation());
    o.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    o.put("provenance", Provenance.describe());
    return o;
  }

  /**
   * {@code spark-submit ... TrainJob --corpus PATH --output PATH [options]}; prints the JSON summary.
   *
   * @param args the command-line options
   */
  public static void main(String[] args) {
    TrainJob job;
    try {
      job = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("infonce4j-spark: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    SparkRuntime.quietLogging();
    PrintStream err = System.err;
    Map<String, Object> summary = job.run((round, rounds, done, total, wps, loss) -> {
      if (rounds > 0) {
        err.printf(Locale.ROOT, "infonce4j-spark: round %d/%d, %,d of %,d words, %,.0f words/s, loss %.4f%n", round, rounds, done, total,
            wps, loss);
      }
    });
    try {
      System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the summary as JSON: " + e.getOriginalMessage(), e);
    }
  }

  static final String USAGE = "usage: TrainJob --corpus PATH --output PATH [--binary] [--model skipgram|cbow] [--objective sgns|infonce]\n"
      + "    [--shared-negatives] [--dim 100] [--window 5] [--negative 5] [--ns-exponent 0.75] [--sample 1e-3] [--min-count 5]\n"
      + "    [--max-vocab 0] [--epochs 5] [--alpha 0.025] [--threads 1] [--seed 1] [--spark MASTER] [--rounds-per-epoch R]\n"
      + "    [--partitions P] [--combine average|touched-average|sum]";

  /** Parses the command-line options (the names of {@code infonce4j word2vec train}). */
  static TrainJob parse(String[] args) {
    String corpus = null;
    String output = null;
    String master = null;
    boolean binary = false;
    boolean shared = false;
    Word2VecConfig.Model model = Word2VecConfig.Model.SKIPGRAM;
    Word2VecConfig c = Word2VecConfig.defaults().withThreads(1);
    Double alpha = null;
    DistributedConfig d = DistributedConfig.defaults();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--binary")) {
        binary = true;
        continue;
      }
      if (a.equals("--shared-negatives")) {
        shared = true;
        continue;
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unexpected argument '" + a + "'");
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--corpus" -> corpus = v;
          case "--output" -> output = v;
          case "--spark" -> master = v;
          case "--model" -> model = Word2VecConfig.Model.parse(v);
          case "--objective" -> c = c.withObjective(Word2VecConfig.Objective.parse(v));
          case "--dim" -> c = c.withDim(Integer.parseInt(v));
          case "--window" -> c = c.withWindow(Integer.parseInt(v));
          case "--negative" -> c = c.withNegative(Integer.parseInt(v));
          case "--ns-exponent" -> c = c.withNsExponent(Double.parseDouble(v));
          case "--sample" -> c = c.withSample(Double.parseDouble(v));
          case "--min-count" -> c = c.withMinCount(Integer.parseInt(v));
          case "--max-vocab" -> c = c.withMaxVocab(Integer.parseInt(v));
          case "--epochs" -> c = c.withEpochs(Integer.parseInt(v));
          case "--alpha" -> alpha = Double.parseDouble(v);
          case "--threads" -> c = c.withThreads(Integer.parseInt(v));
          case "--seed" -> c = c.withSeed(Long.parseLong(v));
          case "--rounds-per-epoch" -> d = d.withRoundsPerEpoch(Integer.parseInt(v));
          case "--partitions" -> d = d.withPartitions(Integer.parseInt(v));
          case "--combine" -> d = d.withCombine(DistributedConfig.Combine.parse(v));
          default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(a + ": not a number: '" + v + "'");
      }
    }
    c = c.withModel(model).withSharedNegatives(shared).withAlpha(alpha != null ? alpha : Word2VecConfig.defaults(model).alpha());
    return new TrainJob(corpus, output, binary, c, d, master);
  }
}
