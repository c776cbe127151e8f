package org.infonce4j.spark;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.infonce4j.word2vec.Word2VecConfig;

/**
 * The parameters of {@link SparkWord2Vec}, with their defaults, getters and the settings they
 * describe (as Spark's own {@code Word2VecBase} holds those of its {@code Word2Vec}): the
 * estimator adds the setters and {@code fit}.
 *
 * @serial exclude
 */
public abstract class SparkWord2VecParams extends Estimator<SparkWord2VecModel> {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final IntParam vectorSize;
  private final IntParam windowSize;
  private final IntParam negative;
  private final DoubleParam sample;
  private final IntParam minCount;
  private final IntParam maxVocabSize;
  private final IntParam maxIter;
  private final DoubleParam stepSize;
  private final LongParam seed;
  private final Param<String> model;
  private final Param<String> objective;
  private final BooleanParam sharedNegatives;
  private final DoubleParam nsExponent;
  private final IntParam threadsPerTask;
  private final IntParam roundsPerEpoch;
  private final IntParam numPartitions;
  private final Param<String> combine;
  private final DoubleParam rateScale;
  private final IntParam maxSentenceLength;

  /**
   * The parameters with their defaults.
   *
   * @param uid the stage's unique id
   */
  SparkWord2VecParams(String uid) {
    this.uid = uid;
    inputCol = new Param<>(this, "inputCol", "column of sentences: string (split on white space) or array<string>");
    outputCol = new Param<>(this, "outputCol", "output column of sentence vectors");
    vectorSize = new IntParam(this, "vectorSize", "dimension of the word vectors (> 0)", ParamValidators.gt(0));
    windowSize = new IntParam(this, "windowSize", "largest distance between a word and its context (> 0)", ParamValidators.gt(0));
    negative = new IntParam(this, "negative", "sampled words per pair (> 0)", ParamValidators.gt(0));
    sample = new DoubleParam(this, "sample", "subsampling threshold of frequent words, 0 disables (>= 0)", ParamValidators.gtEq(0));
    minCount = new IntParam(this, "minCount", "words seen fewer times are dropped (> 0)", ParamValidators.gt(0));
    maxVocabSize = new IntParam(this, "maxVocabSize", "keep at most this many words, 0 for all (>= 0)", ParamValidators.gtEq(0));
    maxIter = new IntParam(this, "maxIter", "epochs: passes over the corpus (> 0)", ParamValidators.gt(0));
    stepSize = new DoubleParam(this, "stepSize", "starting learning rate (> 0); default 0.025, 0.05 for cbow", ParamValidators.gt(0));
    seed = new LongParam(this, "seed", "random seed");
    model = new Param<>(this, "model", "skipgram or cbow", ParamValidators.inArray(new String[] {"skipgram", "cbow"}));
    objective = new Param<>(this, "objective", "sgns (logistic terms) or infonce (soft-max over the true word and the negatives)",
        ParamValidators.inArray(new String[] {"sgns", "infonce"}));
    sharedNegatives = new BooleanParam(this, "sharedNegatives", "draw the negatives once per centre word");
    nsExponent = new DoubleParam(this, "nsExponent", "negatives are drawn from unigram counts to this power");
    threadsPerTask = new IntParam(this, "threadsPerTask", "hogwild threads inside each Spark task (> 0)", ParamValidators.gt(0));
    roundsPerEpoch = new IntParam(this, "roundsPerEpoch", "synchronisations of the partitions per epoch (> 0)", ParamValidators.gt(0));
    numPartitions = new IntParam(this, "numPartitions", "training partitions, 0 for Spark's default parallelism (>= 0)",
        ParamValidators.gtEq(0));
    combine = new Param<>(this, "combine", "how the partitions' updates are combined: average, touched-average or sum",
        ParamValidators.inArray(new String[] {"average", "touched-average", "sum"}));
    rateScale = new DoubleParam(this, "rateScale",
        "each partition trains at stepSize x rateScale; 0 picks it (the partitions for the averaging combines, 1 for sum)",
        ParamValidators.gtEq(0));
    maxSentenceLength = new IntParam(this, "maxSentenceLength", "longer sentences are cut into pieces of this many words (> 0)",
        ParamValidators.gt(0));
    Word2VecConfig d = Word2VecConfig.defaults();
    DistributedConfig dd = DistributedConfig.defaults();
    setDefault(inputCol, "value");
    setDefault(outputCol, "vector");
    setDefault(vectorSize, d.dim());
    setDefault(windowSize, d.window());
    setDefault(negative, d.negative());
    setDefault(sample, d.sample());
    setDefault(minCount, d.minCount());
    setDefault(maxVocabSize, d.maxVocab());
    setDefault(maxIter, d.epochs());
    setDefault(stepSize, d.alpha());
    setDefault(seed, d.seed());
    setDefault(model, "skipgram");
    setDefault(objective, "sgns");
    setDefault(sharedNegatives, d.sharedNegatives());
    setDefault(nsExponent, d.nsExponent());
    setDefault(threadsPerTask, 1);
    setDefault(roundsPerEpoch, dd.roundsPerEpoch());
    setDefault(numPartitions, dd.partitions());
    setDefault(combine, dd.combine().label());
    setDefault(rateScale, dd.rateScale());
    setDefault(maxSentenceLength, d.maxSentence());
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---- parameters (public no-argument methods returning Param: what Spark's Params lists) ----

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
   * The parameter {@code outputCol}: the column of sentence vectors that the fitted model adds.
   *
   * @return the parameter
   */
  public Param<String> outputCol() {
    return outputCol;
  }

  /**
   * The parameter {@code vectorSize}: the dimension of the word vectors.
   *
   * @return the parameter
   */
  public IntParam vectorSize() {
    return vectorSize;
  }

  /**
   * The parameter {@code windowSize}: the largest distance between a word and its context.
   *
   * @return the parameter
   */
  public IntParam windowSize() {
    return windowSize;
  }

  /**
   * The parameter {@code negative}: the number of sampled words per pair.
   *
   * @return the parameter
   */
  public IntParam negative() {
    return negative;
  }

  /**
   * The parameter {@code sample}: the subsampling threshold of frequent words, 0 to disable.
   *
   * @return the parameter
   */
  public DoubleParam sample() {
    return sample;
  }

  /**
   * The parameter {@code minCount}: the fewest occurrences a word needs to stay in the vocabulary.
   *
   * @return the parameter
   */
  public IntParam minCount() {
    return minCount;
  }

  /**
   * The parameter {@code maxVocabSize}: the most words kept, 0 for all.
   *
   * @return the parameter
   */
  public IntParam maxVocabSize() {
    return maxVocabSize;
  }

  /**
   * The parameter {@code maxIter}: the number of epochs (passes over the corpus).
   *
   * @return the parameter
   */
  public IntParam maxIter() {
    return maxIter;
  }

  /**
   * The parameter {@code stepSize}: the starting learning rate (default 0.025, 0.05 for CBOW).
   *
   * @return the parameter
   */
  public DoubleParam stepSize() {
    return stepSize;
  }

  /**
   * The parameter {@code seed}: the random seed.
   *
   * @return the parameter
   */
  public LongParam seed() {
    return seed;
  }

  /**
   * The parameter {@code model}: the model, "skipgram" or "cbow".
   *
   * @return the parameter
   */
  public Param<String> model() {
    return model;
  }

  /**
   * The parameter {@code objective}: the objective, "sgns" (logistic terms) or "infonce" (soft-max
   * over the true word and the negatives).
   *
   * @return the parameter
   */
  public Param<String> objective() {
    return objective;
  }

  /**
   * The parameter {@code sharedNegatives}: whether the negatives are drawn once per centre word.
   *
   * @return the parameter
   */
  public BooleanParam sharedNegatives() {
    return sharedNegatives;
  }

  /**
   * The parameter {@code nsExponent}: the power of the unigram counts that the negatives are drawn
   * from.
   *
   * @return the parameter
   */
  public DoubleParam nsExponent() {
    return nsExponent;
  }

  /**
   * The parameter {@code threadsPerTask}: the number of hogwild threads inside each Spark task.
   *
   * @return the parameter
   */
  public IntParam threadsPerTask() {
    return threadsPerTask;
  }

  /**
   * The parameter {@code roundsPerEpoch}: the number of synchronisations of the partitions per
   * epoch.
   *
   * @return the parameter
   */
  public IntParam roundsPerEpoch() {
    return roundsPerEpoch;
  }

  /**
   * The parameter {@code numPartitions}: the number of training partitions, 0 for Spark's default
   * parallelism.
   *
   * @return the parameter
   */
  public IntParam numPartitions() {
    return numPartitions;
  }

  /**
   * The parameter {@code combine}: how the partitions' updates are combined: "average", "touched-
   * average" or "sum".
   *
   * @return the parameter
   */
  public Param<String> combine() {
    return combine;
  }

  /**
   * The parameter {@code maxSentenceLength}: the length beyond which a sentence is cut into pieces.
   *
   * @return the parameter
   */
  public IntParam maxSentenceLength() {
    return maxSentenceLength;
  }

  /**
   * The parameter {@code rateScale}: the factor of stepSize that each partition trains at; 0 picks
   * it (the number of partitions for the averaging combines, 1 for sum).
   *
   * @return the parameter
   */
  public DoubleParam rateScale() {
    return rateScale;
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

  private int intParam(IntParam p) {
    return (Integer) getOrDefault(p);
  }

  private double doubleParam(DoubleParam p) {
    return (Double) getOrDefault(p);
  }

  /**
   * The word2vec settings these parameters describe.
   *
   * @return the settings
   */
  public Word2VecConfig toConfig() {
    Word2VecConfig.Model m = Word2VecConfig.Model.parse(getOrDefault(model));
    double alpha = isSet(stepSize) ? doubleParam(stepSize) : Word2VecConfig.defaults(m).alpha();
    return new Word2VecConfig(m, Word2VecConfig.Objective.parse(getOrDefault(objective)), intParam(vectorSize), intParam(windowSize),
        intParam(negative), doubleParam(sample), intParam(minCount), intParam(maxVocabSize), intParam(maxIter), alpha,
        intParam(threadsPerTask), (Long) getOrDefault(seed), doubleParam(nsExponent), (Boolean) getOrDefault(sharedNegatives),
        intParam(maxSentenceLength));
  }

  /**
   * The round settings these parameters describe.
   *
   * @return the settings
   */
  public DistributedConfig toDistributedConfig() {
    return new DistributedConfig(intParam(roundsPerEpoch), intParam(numPartitions), DistributedConfig.Combine.parse(getOrDefault(combine)),
        doubleParam(rateScale));
  }
}
