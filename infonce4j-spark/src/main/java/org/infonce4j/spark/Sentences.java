package org.infonce4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;

/**
 * Sentences as training reads them: one {@code String[]} of tokens per sentence. Text is cut into
 * tokens at ASCII white space (space, tab, line feed, carriage return, form feed, vertical tab),
 * as infonce4j-word2vec's {@link org.infonce4j.word2vec.Corpus} does; a line is a sentence.
 */
public final class Sentences {

  private static final String[] NONE = new String[0];

  private Sentences() {
  }

  /**
   * The tokens of one line ({@code null} gives none).
   *
   * @param line the line, or {@code null}
   * @return the tokens, none for a blank line
   */
  public static String[] tokens(String line) {
    if (line == null) {
      return NONE;
    }
    List<String> out = null;
    String single = null;
    int n = line.length();
    int start = -1;
    for (int i = 0; i <= n; i++) {
      if (i == n || space(line.charAt(i))) {
        if (start >= 0) {
          String t = line.substring(start, i);
          if (single == null) {
            single = t;
          } else {
            if (out == null) {
              out = new ArrayList<>();
              out.add(single);
            }
            out.add(t);
          }
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (out != null) {
      return out.toArray(NONE);
    }
    return single == null ? NONE : new String[] {single};
  }

  private static boolean space(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == 0x0b;
  }

  /**
   * Lines of text, tokenised.
   *
   * @param lines the lines, one sentence each
   * @return the sentences
   */
  public static JavaRDD<String[]> ofLines(JavaRDD<String> lines) {
    return lines.map(Sentences::tokens);
  }

  /**
   * The text at {@code path}: a file, a directory (read recursively; names starting with '.' or
   * '_' skipped, as Hadoop does), a glob, or several of them separated by commas, on any Hadoop
   * file system; {@code .gz} and the other Hadoop codecs are decompressed by their extension.
   *
   * @param spark the session
   * @param path the path or comma-separated paths
   * @return the sentences, one per line
   * @throws IllegalArgumentException when a path matches nothing
   */
  public static JavaRDD<String[]> ofText(SparkSession spark, String path) {
    requireExists(spark.sparkContext().hadoopConfiguration(), path);
    Dataset<Row> text = spark.read().option("recursiveFileLookup", "true").text(path.split(","));
    return ofColumn(text, "value");
  }

  /** Fails with a message naming the path when one of the comma-separated {@code paths} matches nothing. */
  static void requireExists(Configuration conf, String paths) {
    if (paths == null || paths.isBlank()) {
      throw new IllegalArgumentException("no corpus path given");
    }
    for (String p : paths.split(",")) {
      Path path = new Path(p);
      FileStatus[] found;
      try {
        FileSystem fs = path.getFileSystem(conf);
        found = fs.globStatus(path);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(p + ": cannot read the corpus path: " + e.getMessage(), e);
      }
      if (found == null || found.length == 0) {
        throw new IllegalArgumentException(p + ": no such file or directory");
      }
    }
  }

  /**
   * The sentences in column {@code column} of {@code data}: a string column (one sentence per
   * row, tokenised on white space) or an array&lt;string&gt; column (the tokens; null and empty
   * elements skipped). Null rows are empty sentences.
   *
   * @param data the data set
   * @param column the column's name
   * @return the sentences, one per row
   * @throws IllegalArgumentException when the column is missing or of another type
   */
  public static JavaRDD<String[]> ofColumn(Dataset<?> data, String column) {
    DataType type = columnType(data.schema(), column);
    Dataset<Row> one = data.select(data.col(column));
    if (type.equals(DataTypes.StringType)) {
      return one.javaRDD().map(row -> tokens(row.getString(0)));
    }
    return one.javaRDD().map(row -> row.isNullAt(0) ? NONE : tokenArray(row.<String>getSeq(0)));
  }

  /**
   * A list of sentences held on the driver (for tests and small data), in {@code partitions} slices.
   *
   * @param spark the session
   * @param lines the lines, one sentence each
   * @param partitions the number of slices
   * @return the sentences
   */
  public static JavaRDD<String[]> ofList(SparkSession spark, List<String> lines, int partitions) {
    return ofLines(new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).parallelize(lines, partitions));
  }

  static String[] tokenArray(Seq<String> seq) {
    String[] out = new String[seq.size()];
    int n = 0;
    scala.collection.Iterator<String> it = seq.iterator();
    while (it.hasNext()) {
      String t = it.next();
      if (t != null && !t.isEmpty()) {
        out[n++] = t;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** The type of {@code column}: string or array&lt;string&gt;. */
  static DataType columnType(StructType schema, String column) {
    StructField field = null;
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        field = f;
      }
    }
    if (field == null) {
      throw new IllegalArgumentException("no column '" + column + "' in " + schema.simpleString());
    }
    DataType t = field.dataType();
    if (t.equals(DataTypes.StringType) || t instanceof ArrayType a && a.elementType().equals(DataTypes.StringType)) {
      return t;
    }
    throw new IllegalArgumentException("column '" + column + "' must be a string (a sentence) or array<string> (its tokens), got "
        + t.simpleString());
  }
}
