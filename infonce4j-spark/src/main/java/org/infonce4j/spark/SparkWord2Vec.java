package org.infonce4j.spark;

import java.util.Locale;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@link Estimator} for word2vec with negative sampling: fits a
 * {@link SparkWord2VecModel} on a column of sentences (a string, tokenised on white space, or an
 * array&lt;string&gt; of tokens) with {@link DistributedWord2Vec}. Fits a {@code Pipeline}:
 *
 * <pre>{@code
 * SparkWord2Vec w2v = new SparkWord2Vec().setInputCol("text").setOutputCol("features").setVectorSize(100);
 * SparkWord2VecModel model = w2v.fit(sentences);
 * model.transform(sentences);   // adds "features": the mean vector of each sentence's known words
 * model.getVectors();           // DataFrame (word, vector)
 * }</pre>
 *
 * <p>Parameters keep the names of Spark's own {@code Word2Vec} where it has them (vectorSize,
 * windowSize, minCount, maxIter, stepSize, seed, numPartitions, maxSentenceLength, inputCol,
 * outputCol); defaults are infonce4j-word2vec's (the original word2vec's): vectorSize 100, windowSize 5, negative 5,
 * sample 1e-3, minCount 5, maxIter (epochs) 5, stepSize 0.025 (0.05 for CBOW when not set),
 * nsExponent 0.75; and {@link DistributedConfig#defaults()}: one thread per task, 32 rounds per epoch,
 * average; inputCol "value", outputCol "vector".
 *
 * <p>Java serialization is only Spark's way of moving the stage between JVMs of one application;
 * it is not a storage format, so the serialized form is left out of this documentation.
 *
 * @serial exclude
 */
public final class SparkWord2Vec extends SparkWord2VecParams {
  private static final long serialVersionUID = 1L;

  /**
   * An estimator with a random uid and the default parameters.
   */
  public SparkWord2Vec() {
    this(Identifiable.randomUID("infonce4jWord2Vec"));
  }

  /**
   * An estimator with the default parameters.
   *
   * @param uid the stage's unique id
   */
  public SparkWord2Vec(String uid) {
    super(uid);
  }

  // ---- setters ----

  /**
   * Sets {@link #inputCol()}, the column of sentences, a string (split on white space) or
   * array&lt;string&gt;.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setInputCol(String v) {
    set(inputCol(), v);
    return this;
  }

  /**
   * Sets {@link #outputCol()}, the column of sentence vectors that the fitted model adds.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setOutputCol(String v) {
    set(outputCol(), v);
    return this;
  }

  /**
   * Sets {@link #vectorSize()}, the dimension of the word vectors.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setVectorSize(int v) {
    set(vectorSize(), v);
    return this;
  }

  /**
   * Sets {@link #windowSize()}, the largest distance between a word and its context.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setWindowSize(int v) {
    set(windowSize(), v);
    return this;
  }

  /**
   * Sets {@link #negative()}, the number of sampled words per pair.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setNegative(int v) {
    set(negative(), v);
    return this;
  }

  /**
   * Sets {@link #sample()}, the subsampling threshold of frequent words, 0 to disable.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setSample(double v) {
    set(sample(), v);
    return this;
  }

  /**
   * Sets {@link #minCount()}, the fewest occurrences a word needs to stay in the vocabulary.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setMinCount(int v) {
    set(minCount(), v);
    return this;
  }

  /**
   * Sets {@link #maxVocabSize()}, the most words kept, 0 for all.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setMaxVocabSize(int v) {
    set(maxVocabSize(), v);
    return this;
  }

  /**
   * Sets {@link #maxIter()}, the number of epochs (passes over the corpus).
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setMaxIter(int v) {
    set(maxIter(), v);
    return this;
  }

  /**
   * Sets {@link #stepSize()}, the starting learning rate (default 0.025, 0.05 for CBOW).
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setStepSize(double v) {
    set(stepSize(), v);
    return this;
  }

  /**
   * Sets {@link #seed()}, the random seed.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setSeed(long v) {
    set(seed(), v);
    return this;
  }

  /**
   * Sets {@link #model()}, the model, "skipgram" or "cbow".
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setModel(String v) {
    set(model(), v.toLowerCase(Locale.ROOT));
    return this;
  }

  /**
   * Sets {@link #objective()}, the objective, "sgns" (logistic terms) or "infonce" (soft-max over
   * the true word and the negatives).
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setObjective(String v) {
    set(objective(), v.toLowerCase(Locale.ROOT));
    return this;
  }

  /**
   * Sets {@link #sharedNegatives()}, whether the negatives are drawn once per centre word.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setSharedNegatives(boolean v) {
    set(sharedNegatives(), v);
    return this;
  }

  /**
   * Sets {@link #nsExponent()}, the power of the unigram counts that the negatives are drawn from.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setNsExponent(double v) {
    set(nsExponent(), v);
    return this;
  }

  /**
   * Sets {@link #threadsPerTask()}, the number of hogwild threads inside each Spark task.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setThreadsPerTask(int v) {
    set(threadsPerTask(), v);
    return this;
  }

  /**
   * Sets {@link #roundsPerEpoch()}, the number of synchronisations of the partitions per epoch.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setRoundsPerEpoch(int v) {
    set(roundsPerEpoch(), v);
    return this;
  }

  /**
   * Sets {@link #numPartitions()}, the number of training partitions, 0 for Spark's default
   * parallelism.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setNumPartitions(int v) {
    set(numPartitions(), v);
    return this;
  }

  /**
   * Sets {@link #combine()}, how the partitions' updates are combined: "average", "touched-average"
   * or "sum".
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setCombine(String v) {
    set(combine(), DistributedConfig.Combine.parse(v).label());
    return this;
  }

  /**
   * Sets {@link #rateScale()}, the factor of stepSize that each partition trains at; 0 picks it (the
   * number of partitions for the averaging combines, 1 for sum).
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setRateScale(double v) {
    set(rateScale(), v);
    return this;
  }

  /**
   * Sets {@link #maxSentenceLength()}, the length beyond which a sentence is cut into pieces.
   *
   * @param v the value
   * @return this estimator
   */
  public SparkWord2Vec setMaxSentenceLength(int v) {
    set(maxSentenceLength(), v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return SparkWord2VecModel.outputSchema(schema, getInputCol(), getOutputCol());
  }

  @Override
  public SparkWord2VecModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    DistributedWord2Vec.Result r = DistributedWord2Vec.train(dataset, getInputCol(), toConfig(), toDistributedConfig(), null);
    SparkWord2VecModel m = new SparkWord2VecModel(uid(), r.vectors());
    copyValues(m, ParamMap.empty());
    return m.setParent(this);
  }

  @Override
  public SparkWord2Vec copy(ParamMap extra) {
    return defaultCopy(extra);
  }
}
