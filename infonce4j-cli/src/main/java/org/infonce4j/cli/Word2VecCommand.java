package org.infonce4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.infonce4j.djl.train.Json;
import org.infonce4j.Provenance;
import org.infonce4j.spark.DistributedConfig;
import org.infonce4j.spark.SparkRuntime;
import org.infonce4j.spark.TrainJob;
import org.infonce4j.word2vec.Analogy;
import org.infonce4j.word2vec.AnalogyResult;
import org.infonce4j.word2vec.Corpus;
import org.infonce4j.word2vec.Neighbor;
import org.infonce4j.word2vec.Neighbors;
import org.infonce4j.word2vec.Word2Vec;
import org.infonce4j.word2vec.Word2VecConfig;
import org.infonce4j.word2vec.WordSimilarity;
import org.infonce4j.word2vec.WordVectors;
import org.infonce4j.word2vec.WordVectorsFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code infonce4j word2vec}: train word vectors and evaluate them. */
@Command(
    name = "word2vec",
    mixinStandardHelpOptions = true,
    description = "word2vec with negative sampling (and its InfoNCE form): train, then evaluate the vectors.",
    subcommands = {
        Word2VecCommand.Train.class,
        Word2VecCommand.AnalogyCommand.class,
        Word2VecCommand.Similarity.class,
        Word2VecCommand.NeighborsCommand.class
    })
final class Word2VecCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code word2vec train}. */
  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Trains word vectors on a text corpus (a file, a directory of files, .gz accepted; a line is a sentence)",
          "and writes them in the word2vec text or binary format; prints a JSON summary.",
          "With --spark MASTER it trains on Apache Spark (infonce4j-spark): corpus and output may then be any Hadoop path."})
  static final class Train implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", required = true, paramLabel = "PATH", description = "Text file or directory of text files (plain or gzip).")
    String corpus;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the vectors (written atomically).")
    String output;

    @Option(names = "--binary", description = "Write the binary format instead of text.")
    boolean binary;

    @Option(names = "--model", defaultValue = "skipgram", paramLabel = "skipgram|cbow", description = "Model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--objective", defaultValue = "sgns", paramLabel = "sgns|infonce",
        description = "sgns: K logistic terms (Mikolov); infonce: soft-max over the true word and K sampled ones (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--shared-negatives", description = "Draw the K negatives once per centre word and reuse them across its window (faster).")
    boolean sharedNegatives;

    @Option(names = "--dim", defaultValue = "100", description = "Vector size (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--window", defaultValue = "5", description = "Context window (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--negative", defaultValue = "5", description = "Negatives per pair K (default: ${DEFAULT-VALUE}).")
    int negative;

    @Option(names = "--sample", defaultValue = "1e-3", description = "Subsampling threshold of frequent words, 0 = off (default: ${DEFAULT-VALUE}).")
    double sample;

    @Option(names = "--min-count", defaultValue = "5", description = "Drop words seen fewer times (default: ${DEFAULT-VALUE}).")
    int minCount;

    @Option(names = "--ns-exponent", defaultValue = "0.75", description = "Negatives drawn from unigram counts to this power (default: ${DEFAULT-VALUE}).")
    double nsExponent;

    @Option(names = "--max-vocab", defaultValue = "0", description = "Keep at most this many words, 0 = all (default: ${DEFAULT-VALUE}).")
    int maxVocab;

    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the corpus (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--alpha", description = "Starting learning rate (default: 0.025 for skip-gram, 0.05 for CBOW).")
    Double alpha;

    @Option(names = "--threads", description = "Worker threads (default: all processors; with --spark: per task, default 1).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}); one thread and a fixed seed give identical vectors.")
    long seed;

    @Option(names = "--spark", paramLabel = "MASTER",
        description = "Train on Apache Spark with this master (local[2], local[*], spark://host:7077, yarn, ...).")
    String spark;

    @Option(names = "--rounds-per-epoch", paramLabel = "R",
        description = "With --spark: synchronisations of the partitions per epoch (default: " + DistributedConfig.DEFAULT_ROUNDS_PER_EPOCH + ").")
    Integer roundsPerEpoch;

    @Option(names = "--partitions", paramLabel = "P", description = "With --spark: training partitions (default: Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--combine", paramLabel = "sum|touched-average|average",
        description = "With --spark: how a round's updates are combined (default: " + DistributedConfig.DEFAULT_COMBINE + ").")
    String combine;

    @Override
    public Integer call() {
      Word2VecConfig.Model m = Word2VecConfig.Model.parse(model);
      Word2VecConfig base = Word2VecConfig.defaults(m);
      int t = threads != null ? threads : spark != null ? 1 : base.threads();
      if (t < 1 || t > EngineOptions.MAX_THREADS) {
        throw new IllegalArgumentException("--threads must be between 1 and " + EngineOptions.MAX_THREADS + ", got " + t);
      }
      Word2VecConfig config = new Word2VecConfig(m, Word2VecConfig.Objective.parse(objective), dim, window, negative, sample, minCount, maxVocab,
          epochs, alpha == null ? base.alpha() : alpha, t, seed, nsExponent, sharedNegatives, base.maxSentence());
      if (spark != null) {
        return trainOnSpark(config);
      }
      if (roundsPerEpoch != null || partitions != null || combine != null) {
        throw new IllegalArgumentException("--rounds-per-epoch, --partitions and --combine need --spark MASTER");
      }
      Path output = Path.of(this.output);
      Path corpus = Path.of(this.corpus);
      Path parent = output.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new IllegalArgumentException(output + ": the output directory " + parent + " does not exist");
      }
      PrintWriter err = spec.commandLine().getErr();
      ProgressBar bar = new ProgressBar(err, "words", 1000);
      err.println("infonce4j word2vec: counting and encoding " + corpus + " ...");
      err.flush();
      boolean[] started = {false};
      Word2Vec.Result r = Word2Vec.train(Corpus.of(corpus), config, (done, total, wps, loss) -> {
        if (!started[0]) {
          bar.start("word2vec", total, 0);
          started[0] = true;
        }
        bar.update(done, loss);
      }, parent == null ? Path.of(".") : parent);
      if (started[0]) {
        bar.update(r.tokens() * config.epochs(), r.finalLoss());
      }
      bar.finish();
      err.println(String.format(Locale.ROOT, "infonce4j word2vec: %,.0f words/s, final loss %.4f", r.wordsPerSecond(), r.finalLoss()));
      WordVectorsFormat.write(output, r.vectors(), binary);

      Map<String, Object> o = new java.util.LinkedHashMap<>();
      o.put("output", output.toString());
      o.put("format", binary ? "binary" : "text");
      o.put("vocabulary", r.vocabulary().size());
      o.put("corpus_tokens", r.tokens());
      o.put("epochs", config.epochs());
      o.put("vocab_seconds", r.vocabSeconds());
      o.put("train_seconds", r.trainSeconds());
      o.put("words_per_second", r.wordsPerSecond());
      o.put("final_loss", r.finalLoss());
      Map<String, Object> settings = new java.util.LinkedHashMap<>();
      settings.put("model", config.model().name().toLowerCase(Locale.ROOT));
      settings.put("objective", config.objective().name().toLowerCase(Locale.ROOT));
      settings.put("shared_negatives", config.sharedNegatives());
      settings.put("dim", config.dim());
      settings.put("window", config.window());
      settings.put("negative", config.negative());
      settings.put("sample", config.sample());
      settings.put("min_count", config.minCount());
      settings.put("alpha", config.alpha());
      settings.put("ns_exponent", config.nsExponent());
      settings.put("threads", config.threads());
      settings.put("seed", config.seed());
      o.put("settings", settings);
      o.put("vector_ops", r.implementation());
      o.put("provenance", Provenance.describe());
      spec.commandLine().getOut().println(Json.write(o));
      spec.commandLine().getOut().flush();
      return 0;
    }

    /** The same training on Spark (infonce4j-spark's {@link TrainJob}): progress per round, the JSON summary. */
    private int trainOnSpark(Word2VecConfig config) {
      requireSpark();
      DistributedConfig d = DistributedConfig.defaults();
      if (roundsPerEpoch != null) {
        d = d.withRoundsPerEpoch(roundsPerEpoch);
      }
      if (partitions != null) {
        d = d.withPartitions(partitions);
      }
      if (combine != null) {
        d = d.withCombine(DistributedConfig.Combine.parse(combine));
      }
      PrintWriter err = spec.commandLine().getErr();
      ProgressBar bar = new ProgressBar(err, "words", 200);
      err.println("infonce4j word2vec: training on Spark (" + spark + "): counting and encoding " + corpus + " ...");
      err.flush();
      SparkRuntime.quietLogging();
      Map<String, Object> o = new TrainJob(corpus, output, binary, config, d, spark).run((round, rounds, done, total, wps, loss) -> {
        if (rounds > 0) {
          if (round == 1) {
            bar.start("word2vec on Spark", total, 0);
          }
          bar.update(done, String.format(Locale.ROOT, "round %d/%d, loss %.4f", round, rounds, loss));
        }
      });
      bar.finish();
      spec.commandLine().getOut().println(Json.write(o));
      spec.commandLine().getOut().flush();
      return 0;
    }

    /**
     * Spark's jars are not on the command's default class path: the launcher adds
     * infonce4j-cli/target/spark-lib only when the arguments contain --spark. Say so rather than
     * fail with a NoClassDefFoundError when the jar is run some other way.
     */
    private static void requireSpark() {
      try {
        Class.forName("org.apache.spark.SparkContext", false, Train.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("--spark needs Apache Spark on the class path; the ./infonce4j launcher adds"
            + " infonce4j-cli/target/spark-lib/* when the arguments contain --spark (java -cp"
            + " infonce4j-cli.jar:spark-lib/* org.infonce4j.cli.Main ... does the same)");
      }
    }
  }

  /** {@code word2vec analogy}. */
  @Command(name = "analogy", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Analogy accuracy (3CosAdd) on the Google questions-words format, per section and overall, as gensim reports it.")
  static final class AnalogyCommand implements Callable<Integer>, EngineOptions.Defaults {
    @Spec
    CommandSpec spec;

    @Option(names = "--vectors", required = true, paramLabel = "FILE", description = "Vectors in word2vec text or binary format.")
    Path vectors;

    @Option(names = "--questions", required = true, paramLabel = "FILE", description = "Questions: ': section' lines, then 'a b c d' lines.")
    Path questions;

    @Option(names = "--restrict", defaultValue = "30000", description = "Only the most frequent words answer or ask (default: ${DEFAULT-VALUE}).")
    int restrict;

    @Mixin
    EngineOptions.Threads threads;

    @Override
    public int defaultThreads() {
      return EngineOptions.processors();
    }

    @Override
    public Integer call() {
      WordVectors v = WordVectorsFormat.read(vectors);
      int t = threads.value();
      AnalogyResult r = Analogy.evaluate(v, questions, restrict, true, t);
      Map<String, Object> o = new java.util.LinkedHashMap<>();
      o.put("vectors", vectors.toString());
      o.put("questions", questions.toString());
      o.put("restrict", restrict);
      o.putAll(r.toJson());
      spec.commandLine().getOut().println(Json.write(o));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code word2vec similarity}. */
  @Command(name = "similarity", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Spearman correlation of cosine similarities with human scores (tab-separated word1, word2, score).")
  static final class Similarity implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--vectors", required = true, paramLabel = "FILE", description = "Vectors in word2vec text or binary format.")
    Path vectors;

    @Option(names = "--pairs", required = true, paramLabel = "FILE", description = "Tab-separated word1, word2, score; '#' lines ignored.")
    Path pairs;

    @Override
    public Integer call() {
      WordVectors v = WordVectorsFormat.read(vectors);
      Map<String, Object> o = new java.util.LinkedHashMap<>();
      o.put("vectors", vectors.toString());
      o.put("pairs_file", pairs.toString());
      o.putAll(WordSimilarity.evaluate(v, pairs).toJson());
      spec.commandLine().getOut().println(Json.write(o));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code word2vec neighbors}. */
  @Command(name = "neighbors", mixinStandardHelpOptions = true, sortOptions = false,
      description = "The nearest words by cosine similarity.")
  static final class NeighborsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--vectors", required = true, paramLabel = "FILE", description = "Vectors in word2vec text or binary format.")
    Path vectors;

    @Option(names = "--k", defaultValue = "10", description = "Neighbours per word (default: ${DEFAULT-VALUE}).")
    int k;

    @Parameters(arity = "1..*", paramLabel = "WORD", description = "Words to look up.")
    List<String> words;

    @Override
    public Integer call() {
      WordVectors v = WordVectorsFormat.read(vectors);
      Neighbors n = new Neighbors(v);
      PrintWriter out = spec.commandLine().getOut();
      int missing = 0;
      for (String w : words) {
        if (!v.contains(w)) {
          spec.commandLine().getErr().println("infonce4j word2vec neighbors: '" + w + "' is not in " + vectors);
          missing++;
          continue;
        }
        out.println(w);
        for (Neighbor nb : n.nearest(w, k)) {
          out.printf(Locale.ROOT, "  %-20s %.4f%n", nb.word(), nb.similarity());
        }
      }
      out.flush();
      spec.commandLine().getErr().flush();
      return missing == words.size() ? 1 : 0;
    }
  }
}
