package org.infonce4j.spark.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.feature.Word2Vec;
import org.apache.spark.ml.feature.Word2VecModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.infonce4j.Matrix;
import org.infonce4j.spark.SparkRuntime;
import org.infonce4j.word2vec.WordVectors;
import org.infonce4j.word2vec.WordVectorsFormat;

/**
 * The peer of the benchmark: Spark MLlib's own {@code Word2Vec} (skip-gram, hierarchical soft-max)
 * on a text corpus, its vectors written in the word2vec text format (most frequent word first, as
 * the analogy evaluation's restriction to the most frequent words expects) and a JSON line with
 * the timing.
 *
 * <p>{@code MllibWord2Vec MASTER CORPUS OUTPUT PARTITIONS DIM WINDOW ITERATIONS MIN_COUNT [SEED]} (seed 1 when
 * not given)
 */
public final class MllibWord2Vec {

  private MllibWord2Vec() {
  }

  public static void main(String[] args) throws Exception {
    String master = args[0];
    String corpus = args[1];
    Path output = Path.of(args[2]);
    int partitions = Integer.parseInt(args[3]);
    int dim = Integer.parseInt(args[4]);
    int window = Integer.parseInt(args[5]);
    int iterations = Integer.parseInt(args[6]);
    int minCount = Integer.parseInt(args[7]);
    long seed = args.length > 8 ? Long.parseLong(args[8]) : 1;
    SparkRuntime.quietLogging();
    SparkSession spark = SparkRuntime.session(master, "mllib word2vec");
    try {
      long t0 = System.nanoTime();
      // the same tokens as infonce4j's: ASCII white space, a line is a sentence, empty tokens dropped
      Dataset<Row> tokens = spark.read().text(corpus)
          .select(functions.filter(functions.split(functions.col("value"), "[ \\t\\n\\r\\f\\u000b]+"), s -> s.notEqual(""))
              .as("tokens"));
      Word2Vec w2v = new Word2Vec().setInputCol("tokens").setOutputCol("vector").setVectorSize(dim).setWindowSize(window)
          .setMaxIter(iterations).setMinCount(minCount).setNumPartitions(partitions).setStepSize(0.025).setSeed(seed)
          .setMaxSentenceLength(10_000);
      Word2VecModel model = w2v.fit(tokens);
      long t1 = System.nanoTime();
      // order by corpus frequency, as the word2vec tool writes its vectors
      Dataset<Row> counts = tokens.select(functions.explode(functions.col("tokens")).as("word")).groupBy("word").count();
      List<Row> rows = model.getVectors().join(counts, "word").orderBy(functions.col("count").desc(), functions.col("word"))
          .collectAsList();
      String[] words = new String[rows.size()];
      float[] data = new float[rows.size() * dim]; // V x dim
      long tokensInVocab = 0;
      for (int i = 0; i < rows.size(); i++) {
        words[i] = rows.get(i).getString(0);
        Vector v = rows.get(i).getAs(1);
        for (int k = 0; k < dim; k++) {
          data[i * dim + k] = (float) v.apply(k);
        }
        tokensInVocab += rows.get(i).getLong(2);
      }
      WordVectorsFormat.write(output, new WordVectors(words, new Matrix(words.length, dim, data)), false);
      double seconds = (t1 - t0) / 1e9;
      Map<String, Object> o = new java.util.LinkedHashMap<>();
      o.put("tool", "spark-mllib " + spark.version() + " Word2Vec");
      o.put("vocabulary", words.length);
      o.put("corpus_tokens", tokensInVocab);
      o.put("fit_seconds", seconds);
      o.put("words_per_second", tokensInVocab * (double) iterations / seconds);
      o.put("partitions", partitions);
      o.put("seed", seed);
      System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(o));
      System.err.printf(Locale.ROOT, "mllib: %d words, %.1f s%n", words.length, seconds);
    } finally {
      spark.stop();
    }
  }
}
