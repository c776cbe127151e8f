/**
 * word2vec with negative sampling (or its InfoNCE form) on Apache Spark, which the application
 * provides. Each round, every partition trains its share of the corpus from the same broadcast
 * weights and the driver combines their changes ({@link org.infonce4j.spark.DistributedConfig}).
 * Entry points: {@link org.infonce4j.spark.DistributedWord2Vec} on an RDD or a column of
 * sentences, the Spark ML estimator {@link org.infonce4j.spark.SparkWord2Vec} and its model, and
 * {@link org.infonce4j.spark.TrainJob}, a whole run from a corpus path to a vectors file and the
 * main class for {@code spark-submit}. {@link org.infonce4j.spark.HadoopVectors} reads and writes
 * the word2vec formats on any Hadoop file system.
 */
package org.infonce4j.spark;
