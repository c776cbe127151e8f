package org.infonce4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.infonce4j.word2vec.Neighbor;
import org.infonce4j.word2vec.Neighbors;
import org.infonce4j.word2vec.WordVectors;
import scala.collection.Seq;

/**
 * The word vectors a {@link SparkWord2Vec} fitted, as a Spark ML {@link Model}:
 * {@link #transform} maps a column of sentences (string, split on white space, or
 * array&lt;string&gt;) to the mean of its words' vectors, skipping words not in the vocabulary;
 * a sentence with no known word (or null) gives the zero vector. The vectors live on the driver
 * and are broadcast to the executors for each {@code transform}.
 *
 * <p>Java serialization is only Spark's way of moving the stage between JVMs of one application (the
 * vectors are transient, broadcast instead); it is not a storage format ({@link #saveVectors} and
 * {@link #load} are), so the serialized form is left out of this documentation.
 *
 * @serial exclude
 */
public final class SparkWord2VecModel extends Model<SparkWord2VecModel> {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final transient WordVectors vectors;
  private final Param<String> inputCol;
  private final Param<String> outputCol;

  /**
   * A model of {@code vectors} (for example read with {@link HadoopVectors#read}).
   *
   * @param uid the stage's unique id
   * @param vectors the word vectors, kept on the driver
   */
  public SparkWord2VecModel(String uid, WordVectors vectors) {
    this.uid = uid;
    this.vectors = vectors;
    inputCol = new Param<>(this, "inputCol", "column of sentences: string (split on white space) or array<string>");
    outputCol = new Param<>(this, "outputCol", "output column of sentence vectors");
    setDefault(inputCol, "value");
    setDefault(outputCol, "vector");
  }

  /**
   * Reads word2vec text or binary vectors from any Hadoop path.
   *
   * @param spark the session whose Hadoop configuration reads the path
   * @param path the file, any Hadoop path
   * @return a model with a random uid
   */
  public static SparkWord2VecModel load(SparkSession spark, String path) {
    return new SparkWord2VecModel(org.apache.spark.ml.util.Identifiable.randomUID("infonce4jWord2Vec"), HadoopVectors.read(spark, path));
  }

  @Override
  public String uid() {
    return uid;
  }

  /**
   * The parameter {@code inputCol}: the column of sentences, a string (split on white space) or
   * array&lt;string&gt;.
   *
   * @return the parameter
   */
  public Param<String> inputCol() {
    return inputCol;
  }

  /**
   * The parameter {@code outputCol}: the column of sentence vectors that {@link #transform} adds.
   *
   * @return the parameter
   */
  public Param<String> outputCol() {
    return outputCol;
  }

  /**
   * Sets {@link #inputCol()}.
   *
   * @param v the column name
   * @return this model
   */
  public SparkWord2VecModel setInputCol(String v) {
    set(inputCol, v);
    return this;
  }

  /**
   * Sets {@link #outputCol()}.
   *
   * @param v the column name
   * @return this model
   */
  public SparkWord2VecModel setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  /**
   * The value of {@link #inputCol()}, set or default.
   *
   * @return the column name
   */
  public String getInputCol() {
    return getOrDefault(inputCol);
  }

  /**
   * The value of {@link #outputCol()}, set or default.
   *
   * @return the column name
   */
  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  /**
   * The vectors, most frequent word first (on the driver).
   *
   * @return the vectors
   */
  public WordVectors wordVectors() {
    return vectors;
  }

  /**
   * The vectors as a DataFrame of (word: string, vector: vector), most frequent word first.
   *
   * @return a new DataFrame in the active session
   */
  public Dataset<Row> getVectors() {
    SparkSession spark = SparkSession.active();
    List<Row> rows = new ArrayList<>(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      float[] v = vectors.vector(i);
      double[] d = new double[v.length];
      for (int k = 0; k < v.length; k++) {
        d[k] = v[k];
      }
      rows.add(RowFactory.create(vectors.word(i), Vectors.dense(d)));
    }
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("word", DataTypes.StringType, false),
        DataTypes.createStructField("vector", SQLDataTypes.VectorType(), false)});
    return spark.createDataFrame(rows, schema);
  }

  /**
   * The {@code k} words nearest {@code word} by cosine similarity (the word itself excluded).
   *
   * @param word the word
   * @param k how many neighbours
   * @return the neighbours, nearest first
   */
  public List<Neighbor> findSynonyms(String word, int k) {
    return new Neighbors(vectors).nearest(word, k);
  }

  /**
   * Writes the vectors in the word2vec text or binary format to any Hadoop path.
   *
   * @param path the file, any Hadoop path
   * @param binary the binary format rather than text
   */
  public void saveVectors(String path, boolean binary) {
    HadoopVectors.write(SparkSession.active(), path, vectors, binary);
  }

  /** The input schema plus the output vector column; checks the input column's type. */
  static StructType outputSchema(StructType schema, String input, String output) {
    Sentences.columnType(schema, input);
    for (String name : schema.fieldNames()) {
      if (name.equals(output)) {
        throw new IllegalArgumentException("output column '" + output + "' already exists in " + schema.simpleString());
      }
    }
    return schema.add(DataTypes.createStructField(output, SQLDataTypes.VectorType(), false));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return outputSchema(schema, getInputCol(), getOutputCol());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    DataType type = Sentences.columnType(dataset.schema(), getInputCol());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    Broadcast<Lookup> lookup = jsc.broadcast(new Lookup(vectors));
    UserDefinedFunction mean = type.equals(DataTypes.StringType)
        ? functions.udf((UDF1<String, Vector>) s -> lookup.value().mean(Sentences.tokens(s)), SQLDataTypes.VectorType())
        : functions.udf((UDF1<Seq<String>, Vector>) s -> lookup.value().mean(s == null ? null : Sentences.tokenArray(s)),
            SQLDataTypes.VectorType());
    return dataset.withColumn(getOutputCol(), mean.asNonNullable().apply(dataset.col(getInputCol())));
  }

  @Override
  public SparkWord2VecModel copy(ParamMap extra) {
    SparkWord2VecModel m = new SparkWord2VecModel(uid, vectors);
    copyValues(m, extra);
    return m.setParent(parent());
  }

  /** The vectors as the executors see them: a word index and one float array. */
  static final class Lookup implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, Integer> index;
    private final float[] data; // V x dim
    private final int dim;

    Lookup(WordVectors v) {
      index = new HashMap<>(Math.max(16, (int) (v.size() / 0.75f) + 1));
      for (int i = 0; i < v.size(); i++) {
        index.put(v.word(i), i);
      }
      data = v.vectors().data();
      dim = v.dim();
    }

    /** The mean vector of the known words in {@code words} (zero when none, or null). */
    Vector mean(String[] words) {
      double[] sum = new double[dim];
      int n = 0;
      if (words != null) {
        for (String w : words) {
          Integer i = index.get(w);
          if (i == null) {
            continue;
          }
          int at = i * dim;
          for (int k = 0; k < dim; k++) {
            sum[k] += data[at + k];
          }
          n++;
        }
      }
      if (n > 1) {
        for (int k = 0; k < dim; k++) {
          sum[k] /= n;
        }
      }
      return Vectors.dense(sum);
    }
  }
}
