package org.infonce4j.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for the whole test run (starting Spark takes seconds). */
final class SparkTestSession {
  private static SparkSession spark;

  private SparkTestSession() {
  }

  static synchronized SparkSession get() {
    if (spark == null) {
      spark = SparkSession.builder().master("local[2]").appName("infonce4j-spark-tests").config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "2").getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      Runtime.getRuntime().addShutdownHook(new Thread(spark::stop));
    }
    return spark;
  }
}
