package org.infonce4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.infonce4j.kernels.KernelProvider;
import org.infonce4j.word2vec.IdSentences;
import org.infonce4j.word2vec.Vocabulary;
import org.infonce4j.word2vec.Weights;
import org.infonce4j.word2vec.Word2Vec;
import org.infonce4j.word2vec.Word2VecConfig;
import org.infonce4j.word2vec.WordVectors;
import scala.Tuple2;

/**
 * word2vec with negative sampling (or its InfoNCE form) trained on Spark:
 *
 * <pre>{@code
 * DistributedWord2Vec.Result r = DistributedWord2Vec.train(Sentences.ofText(spark, "hdfs:///corpus"),
 *     Word2VecConfig.defaults().withThreads(1), DistributedConfig.defaults(), null);
 * HadoopVectors.write(spark, "hdfs:///vectors.txt", r.vectors(), false);
 * }</pre>
 *
 * <p>Steps:
 * <ol>
 *   <li>the vocabulary is counted on the executors ({@link DistributedVocabulary}), collected and
 *       broadcast;</li>
 *   <li>each partition is encoded once into word ids (infonce4j-word2vec's {@code IdSentences}), cut into one
 *       sub-shard per round of an epoch (contiguous runs of its lines, in order), and cached;</li>
 *   <li>then {@code epochs x roundsPerEpoch} rounds: the driver broadcasts the current weights,
 *       every partition trains its own copy on that round's sub-shard with
 *       {@link Word2Vec#trainShard} ({@code threads} hogwild workers inside the task, the learning
 *       rate following the whole run's schedule) and sends back what it changed, in blocks of
 *       rows that are summed with {@code reduceByKey}; the driver applies the sum as
 *       {@link DistributedConfig.Combine} says.</li>
 * </ol>
 *
 * <p>Memory: the driver holds the two {@code V x dim} matrices, their serialised broadcast and one
 * round's summed update (about four times {@code 2 V dim} floats at the peak); every task holds the
 * broadcast copy plus its own training copy, and its encoded partition (4 bytes per token).
 */
public final class DistributedWord2Vec {

  private DistributedWord2Vec() {
  }

  /** Receives progress after the vocabulary, the encoding and every round, on the driver. */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param round       rounds finished (0 before the first)
     * @param rounds      rounds in the run
     * @param wordsDone   corpus words trained so far, over all partitions and epochs
     * @param wordsTotal  epochs x corpus words
     * @param wordsPerSec words trained per second since training started
     * @param loss        mean loss per pair of the last round (NaN before the first)
     */
    void update(int round, int rounds, long wordsDone, long wordsTotal, double wordsPerSec, double loss);
  }

  /**
   * What training produced and how it went.
   *
   * @param vectors          the word vectors, most frequent word first
   * @param vocabulary       the vocabulary
   * @param tokens           corpus tokens in the vocabulary (one epoch)
   * @param partitions       training partitions
   * @param rounds           rounds run (epochs x rounds per epoch)
   * @param vocabSeconds     time to count the vocabulary
   * @param encodeSeconds    time to encode and cache the partitions
   * @param trainSeconds     time of the rounds
   * @param taskSeconds      of which the partitions spent training (mean over partitions, summed over
   *                         rounds); the rest is synchronisation: broadcast, reduction, scheduling
   * @param wordsPerSecond   epochs x tokens / trainSeconds
   * @param totalSeconds     the whole call
   * @param finalLoss        mean loss per pair of the last round
   * @param updateBytes      bytes of the partitions' updates over all rounds (the arrays that
   *                         travel to the reduction, before serialisation and compression)
   * @param implementation   the vector operations the driver's JVM picked ("panama" or "scalar")
   */
  public record Result(
      WordVectors vectors,
      Vocabulary vocabulary,
      long tokens,
      int partitions,
      int rounds,
      double vocabSeconds,
      double encodeSeconds,
      double trainSeconds,
      double taskSeconds,
      double wordsPerSecond,
      double totalSeconds,
      double finalLoss,
      long updateBytes,
      String implementation) {
  }

  /**
   * Trains on the text at {@code path} (see {@link Sentences#ofText}).
   *
   * @param spark the session
   * @param path the corpus, any Hadoop path or comma-separated paths
   * @param config the word2vec settings
   * @param dist the round settings
   * @param progress receives progress, or {@code null}
   * @return the vectors and the run's figures
   */
  public static Result trainText(SparkSession spark, String path, Word2VecConfig config, DistributedConfig dist, Progress progress) {
    return train(Sentences.ofText(spark, path), config, dist, progress, path);
  }

  /**
   * Trains on column {@code column} of {@code data} (string sentences or array&lt;string&gt; tokens).
   *
   * @param data the data set
   * @param column the column of sentences
   * @param config the word2vec settings
   * @param dist the round settings
   * @param progress receives progress, or {@code null}
   * @return the vectors and the run's figures
   */
  public static Result train(Dataset<?> data, String column, Word2VecConfig config, DistributedConfig dist, Progress progress) {
    return train(Sentences.ofColumn(data, column), config, dist, progress, "column '" + column + "'");
  }

  /**
   * Trains on tokenised sentences.
   *
   * @param sentences the tokenised sentences
   * @param config the word2vec settings
   * @param dist the round settings
   * @param progress receives progress, or {@code null}
   * @return the vectors and the run's figures
   */
  public static Result train(JavaRDD<String[]> sentences, Word2VecConfig config, DistributedConfig dist, Progress progress) {
    return train(sentences, config, dist, progress, "the corpus");
  }

  private static final boolean DEBUG = Boolean.getBoolean("infonce4j.spark.debug");

  /** Levels of the reduction tree: partitions' updates are merged on executors in about sqrt(P) groups first. */
  private static final int TREE_DEPTH = 2;

  /** When false, every row of both matrices travels back each round (kept for measurement). */
  static boolean sparseUpdates = !Boolean.getBoolean("infonce4j.spark.denseUpdates");

  private static Result train(JavaRDD<String[]> sentences, Word2VecConfig config, DistributedConfig dist, Progress progress,
      String what) {
    SparkRuntime.checkJavaOptions();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sentences.context());
    int partitions = dist.partitions() > 0 ? dist.partitions() : jsc.defaultParallelism();
    if (sentences.getNumPartitions() != partitions) {
      sentences = sentences.repartition(partitions);
    }
    long t0 = System.nanoTime();
    // the text is read and split once: local dictionaries and ids, kept until the partitions are encoded
    JavaRDD<LocalCorpus> local = sentences.mapPartitions(it -> List.of(LocalCorpus.read(it)).iterator(), true)
        .persist(StorageLevel.MEMORY_ONLY());
    Broadcast<VocabularyTable> table = null;
    JavaRDD<ShardSet> shards = null;
    try {
      Vocabulary vocab = DistributedVocabulary.countLocal(local, config.minCount(), config.maxVocab(), what);
      if (vocab.size() <= config.negative()) {
        throw new IllegalArgumentException("a vocabulary of " + vocab.size() + " words is too small for " + config.negative()
            + " negatives per pair; lower --negative or --min-count, or give a larger corpus");
      }
      long t1 = System.nanoTime();
      if (progress != null) {
        progress.update(0, 0, 0, 0, 0, Double.NaN);
      }
      table = jsc.broadcast(new VocabularyTable(vocab));
      Broadcast<VocabularyTable> words = table;
      int maxSentence = config.maxSentence();
      int perEpoch = dist.roundsPerEpoch();
      shards = local.map(c -> c.encode(words.value().vocabulary(), maxSentence, perEpoch)).persist(StorageLevel.MEMORY_ONLY());
      // tokens of every partition's sub-shards; materialises the cache
      List<Tuple2<Integer, long[]>> sizes = shards
          .mapPartitionsWithIndex((p, it) -> List.of(new Tuple2<>(p, it.next().tokens())).iterator(), true).collect();
      local.unpersist(false);
      long[][] tokens = new long[partitions][]; // partitions x roundsPerEpoch
      long sum = 0;
      for (Tuple2<Integer, long[]> s : sizes) {
        tokens[s._1()] = s._2();
        for (long x : s._2()) {
          sum += x;
        }
      }
      long corpusTokens = vocab.totalCount();
      if (sum != corpusTokens) {
        throw new IllegalStateException("encoded " + sum + " tokens but the vocabulary counted " + corpusTokens
            + "; a partition was read again from an input that changed in between (make the input deterministic)");
      }
      long t2 = System.nanoTime();
      Rounds rounds = new Rounds(jsc, shards, table, config, dist, partitions, tokens, corpusTokens);
      Weights w = rounds.run(progress);
      long t3 = System.nanoTime();
      double trainSeconds = (t3 - t2) / 1e9;
      long work = (long) config.epochs() * corpusTokens;
      WordVectors vectors = new WordVectors(vocab.words(), w.wordMatrix());
      return new Result(vectors, vocab, corpusTokens, partitions, config.epochs() * dist.roundsPerEpoch(), (t1 - t0) / 1e9,
          (t2 - t1) / 1e9, trainSeconds, rounds.taskSeconds, work / trainSeconds, (t3 - t0) / 1e9, rounds.lastLoss, rounds.updateBytes,
          KernelProvider.vectorOps().name());
    } finally {
      ArrayPool.clear();
      local.unpersist(false);
      if (shards != null) {
        shards.unpersist(false);
      }
      if (table != null) {
        table.destroy();
      }
    }
  }

  /** The rounds of one run: broadcast, train every partition, reduce, apply. */
  private static final class Rounds {
    private final JavaSparkContext jsc;
    private final JavaRDD<ShardSet> shards;
    private final Broadcast<VocabularyTable> table;
    private final Word2VecConfig config;
    private final DistributedConfig dist;
    private final int partitions;
    private final long[][] tokens; // partitions x roundsPerEpoch
    private final long corpusTokens;
    double lastLoss = Double.NaN;
    long updateBytes;
    double taskSeconds;

    Rounds(JavaSparkContext jsc, JavaRDD<ShardSet> shards, Broadcast<VocabularyTable> table, Word2VecConfig config, DistributedConfig dist,
        int partitions, long[][] tokens, long corpusTokens) {
      this.jsc = jsc;
      this.shards = shards;
      this.table = table;
      this.config = config;
      this.dist = dist;
      this.partitions = partitions;
      this.tokens = tokens;
      this.corpusTokens = corpusTokens;
    }

    Weights run(Progress progress) {
      int perEpoch = dist.roundsPerEpoch();
      int total = config.epochs() * perEpoch;
      long work = (long) config.epochs() * corpusTokens;
      Weights global = Weights.initial(table.value().counts().length, config.dim(), config.seed());
      long before = 0;
      long start = System.nanoTime();
      for (int g = 0; g < total; g++) {
        int r = g % perEpoch;
        long roundTokens = 0;
        for (long[] t : tokens) {
          roundTokens += t[r];
        }
        lastLoss = round(global, g, r, before, work, roundTokens);
        before += roundTokens;
        if (progress != null) {
          double s = (System.nanoTime() - start) / 1e9;
          progress.update(g + 1, total, before, work, s > 0 ? before / s : 0, lastLoss);
        }
      }
      return global;
    }

    /** One round; updates {@code global} in place and returns the round's mean loss per pair. */
    private double round(Weights global, int g, int r, long before, long work, long roundTokens) {
      long t0 = System.nanoTime();
      Broadcast<WeightsSnapshot> start = jsc.broadcast(new WeightsSnapshot(global));
      long t1 = System.nanoTime();
      try {
        SerializedConfig cfg = new SerializedConfig(config);
        Broadcast<VocabularyTable> vocab = table;
        DistributedConfig.Combine combine = dist.combine();
        boolean sparse = sparseUpdates;
        int parts = partitions;
        long seed = config.seed();
        int threads = config.threads();
        double alpha = config.alpha() * dist.rateScaleFor(partitions);
        RoundUpdate sum = shards.map(set -> {
          int p = TaskContext.getPartitionId();
          IdSentences shard = set.round(r);
          if (shard.tokens() == 0) {
            return new RoundUpdate(List.of(), 0, 0, 0, 0);
          }
          long taskStart = System.nanoTime();
          WeightsSnapshot s = start.value();
          Weights local = s.copy();
          // distinct random streams for every partition, round and worker: seed + (g P + p) threads + worker
          Word2VecConfig c = cfg.config().withSeed(seed + ((long) g * parts + p) * threads).withAlpha(alpha);
          long started = System.nanoTime();
          Word2Vec.ShardResult res = Word2Vec.trainShard(c, vocab.value().counts(), shard, local, 1, before, work);
          double seconds = (System.nanoTime() - started) / 1e9;
          float weight = combine == DistributedConfig.Combine.SUM ? 1f : (float) (res.words() / (double) roundTokens);
          List<RowBlock> pieces = new ArrayList<>();
          pieces.addAll(RowBlock.changes(0, s.words, local.words(), s.vocabSize, s.dim, s.stride(), weight, sparse));
          pieces.addAll(RowBlock.changes(1, s.contexts, local.contexts(), s.vocabSize, s.dim, s.stride(), weight, sparse));
          pieces.sort(java.util.Comparator.comparingInt(RowBlock::key));
          long bytes = 0;
          for (RowBlock piece : pieces) {
            bytes += piece.bytes();
          }
          if (DEBUG) {
            System.err.printf(java.util.Locale.ROOT, "  task %d: copy+train+changes %.3f s, train %.3f s%n", p,
                (System.nanoTime() - taskStart) / 1e9, seconds);
          }
          ArrayPool.release(local.words(), local.contexts());
          boolean lossKnown = !Double.isNaN(res.loss());
          return new RoundUpdate(pieces, lossKnown ? res.loss() * res.words() : 0, lossKnown ? res.words() : 0, seconds, bytes);
        }).treeReduce(RoundUpdate::plus, TREE_DEPTH);
        long t2 = System.nanoTime();
        boolean perRow = combine == DistributedConfig.Combine.TOUCHED_AVERAGE;
        int stride = global.stride();
        for (RowBlock b : sum.pieces) {
          b.applyTo(b.matrix == 0 ? global.words() : global.contexts(), stride, perRow, 1f);
        }
        updateBytes += sum.bytes;
        taskSeconds += sum.taskSeconds / partitions;
        if (!global.finite()) {
          throw new IllegalStateException("training diverged in round " + (g + 1) + ": the weights hold NaN or infinity; lower the "
              + "learning rate" + (combine == DistributedConfig.Combine.SUM ? " or combine with average" : ""));
        }
        if (DEBUG) {
          System.err.printf(java.util.Locale.ROOT, "round %d: broadcast %.3f s, job %.3f s (tasks train %.3f s), apply %.3f s, %.1f MB%n",
              g + 1, (t1 - t0) / 1e9, (t2 - t1) / 1e9, sum.taskSeconds / partitions, (System.nanoTime() - t2) / 1e9, sum.bytes / 1e6);
        }
        return sum.lossWords == 0 ? Double.NaN : sum.lossSum / sum.lossWords;
      } finally {
        start.destroy();
      }
    }
  }
}
