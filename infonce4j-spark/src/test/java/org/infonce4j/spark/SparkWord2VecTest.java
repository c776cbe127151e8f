package org.infonce4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.infonce4j.word2vec.WordVectors;
import org.infonce4j.word2vec.WordVectorsFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark ML estimator and model, and the vectors files on Hadoop paths. */
class SparkWord2VecTest {

  @TempDir
  Path dir;

  private final SparkSession spark = SparkTestSession.get();

  private SparkWord2Vec estimator() {
    return new SparkWord2Vec().setInputCol("text").setOutputCol("features").setVectorSize(16).setWindowSize(4).setMinCount(1)
        .setSample(0).setMaxIter(3).setStepSize(0.05).setSeed(3).setNumPartitions(2);
  }

  private Dataset<Row> corpus() {
    return spark.createDataset(TopicCorpus.lines(2000, 5), Encoders.STRING()).toDF("text");
  }

  /** The mean of the known words' vectors, computed here by hand. */
  private static double[] mean(WordVectors v, String... words) {
    double[] sum = new double[v.dim()];
    int n = 0;
    for (String w : words) {
      if (v.contains(w)) {
        float[] x = v.vector(w);
        for (int k = 0; k < x.length; k++) {
          sum[k] += x[k];
        }
        n++;
      }
    }
    for (int k = 0; k < sum.length && n > 0; k++) {
      sum[k] /= n;
    }
    return sum;
  }

  @Test
  void fitsAndTransformsSentencesToTheMeanOfTheirWordVectors() {
    SparkWord2VecModel model = estimator().fit(corpus());
    WordVectors v = model.wordVectors();
    assertEquals(TopicCorpus.TOPICS * TopicCorpus.WORDS_PER_TOPIC, v.size());
    assertEquals(16, v.dim());
    assertTrue(TopicCorpus.purity(v) >= 0.9, "purity " + TopicCorpus.purity(v));

    // a string column: split on white space, unknown words skipped, no known word gives zeros
    Dataset<Row> text = spark.createDataset(List.of("t1w0 t1w2  unknown t1w2", "nothing known here", ""), Encoders.STRING()).toDF("text");
    List<Row> out = model.transform(text).collectAsList();
    assertEquals(3, out.size());
    assertArrayEquals(mean(v, "t1w0", "t1w2", "t1w2"), out.get(0).<Vector>getAs("features").toArray(), 1e-6);
    assertArrayEquals(new double[16], out.get(1).<Vector>getAs("features").toArray());
    assertArrayEquals(new double[16], out.get(2).<Vector>getAs("features").toArray());

    // an array<string> column, with a null row
    StructType schema = new StructType().add("text", DataTypes.createArrayType(DataTypes.StringType));
    Dataset<Row> tokens = spark.createDataFrame(List.of(RowFactory.create((Object) new String[] {"t3w1", "t4w4", "zzz"}),
        RowFactory.create((Object) null)), schema);
    out = model.transform(tokens).collectAsList();
    assertArrayEquals(mean(v, "t3w1", "t4w4"), out.get(0).<Vector>getAs("features").toArray(), 1e-6);
    assertArrayEquals(new double[16], out.get(1).<Vector>getAs("features").toArray());

    // the (word, vector) frame, most frequent first
    List<Row> frame = model.getVectors().collectAsList();
    assertEquals(v.size(), frame.size());
    assertEquals(v.word(0), frame.get(0).getString(0));
    float[] first = v.vector(0);
    double[] got = frame.get(0).<Vector>getAs("vector").toArray();
    for (int k = 0; k < first.length; k++) {
      assertEquals(first[k], got[k], 0.0);
    }
    String nearest = model.findSynonyms("t5w5", 1).get(0).word();
    assertTrue(nearest.startsWith("t5w"), nearest);
  }

  @Test
  void worksInAPipelineAndCopiesItsParams() {
    Tokenizer tokenizer = new Tokenizer().setInputCol("text").setOutputCol("tokens");
    SparkWord2Vec w2v = estimator().setInputCol("tokens").setMaxIter(1);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {tokenizer, w2v});
    PipelineModel fitted = pipeline.fit(corpus());
    Dataset<Row> out = fitted.transform(corpus().limit(5));
    assertEquals(SQLDataTypes.VectorType(), out.schema().apply("features").dataType());
    assertEquals(5, out.count());

    SparkWord2Vec copy = w2v.copy(new ParamMap().put(w2v.vectorSize().w(8)));
    assertNotSame(w2v, copy);
    assertEquals(w2v.uid(), copy.uid());
    assertEquals(8, copy.toConfig().dim());
    assertEquals(16, w2v.toConfig().dim());
    assertEquals(0.05, w2v.toConfig().alpha());
    assertEquals(0.05, new SparkWord2Vec().setModel("cbow").toConfig().alpha(), "CBOW's default rate");
    assertEquals(1, new SparkWord2Vec().toConfig().threads(), "one hogwild thread per task by default");
    assertTrue(Arrays.stream(w2v.params()).anyMatch(p -> p.name().equals("roundsPerEpoch")));
    assertTrue(w2v.explainParams().contains("negative"));
  }

  @Test
  void schemaChecks() {
    SparkWord2Vec w2v = estimator();
    StructType ok = new StructType().add("text", DataTypes.StringType);
    assertEquals(SQLDataTypes.VectorType(), w2v.transformSchema(ok).apply("features").dataType());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> w2v.transformSchema(new StructType().add("text", DataTypes.IntegerType)));
    assertTrue(e.getMessage().contains("must be a string"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> w2v.transformSchema(ok.add("features", DataTypes.StringType)));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> w2v.setModel("glove"));
  }

  @Test
  void vectorFilesAreCoreBytesOnHadoopPathsAndReadBack() throws Exception {
    SparkWord2VecModel model = estimator().setMaxIter(1).fit(corpus());
    WordVectors v = model.wordVectors();
    for (boolean binary : new boolean[] {false, true}) {
      Path expected = dir.resolve("core" + binary);
      WordVectorsFormat.write(expected, v, binary);
      // a file: URI and a plain local path
      Path viaUri = dir.resolve("uri" + binary);
      HadoopVectors.write(spark, viaUri.toUri().toString(), v, binary);
      Path plain = dir.resolve("plain" + binary);
      model.saveVectors(plain.toString(), binary);
      assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(viaUri));
      assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(plain));
      WordVectors back = WordVectorsFormat.read(plain);
      assertEquals(v.size(), back.size());
      assertArrayEquals(v.vector(7), back.vector(7), binary ? 0f : 1e-6f);
      SparkWord2VecModel loaded = SparkWord2VecModel.load(spark, viaUri.toUri().toString());
      assertEquals(v.word(3), loaded.wordVectors().word(3));
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".crc")), "no Hadoop checksum files");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HadoopVectors.write(spark, dir.resolve("missing/v.txt").toString(), v, false));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HadoopVectors.read(spark, dir.resolve("none.txt").toString()));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }
}
