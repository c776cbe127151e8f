package org.infonce4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.infonce4j.mi.CorrelatedGaussians;
import org.infonce4j.mi.MiEstimator;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;

/**
 * The mutual-information staircase of Poole et al. 2019: correlated Gaussians whose true mutual
 * information steps through 2, 4, 6, 8, 10 nats, a critic trained from scratch for each estimator
 * by Adam to maximise that estimator, and every step's estimate recorded beside the truth.
 *
 * <p>Critics: {@link Critic#SEPARABLE} scores {@code g(x) . h(y)} with two MLPs (two hidden layers,
 * ReLU) into a shared embedding; {@link Critic#CONCAT} runs one MLP on {@code [x, y]} for all
 * n x n pairs (n times the arithmetic). The estimator's value and gradient with respect to the
 * n x n score matrix come from the core ({@link MiEstimator}) and enter autograd as
 * {@code sum(f * stopgrad(dI/df))}, the same bridge as the InfoNCE loss.
 *
 * <p>Every random draw derives from (seed, estimator, stair): a run checkpointed after each stair and
 * resumed gives the same numbers as an uninterrupted one, and on one thread the same numbers every
 * time.
 */
public final class MiStaircase {

  /** How the critic scores a pair. */
  public enum Critic {
    /** {@code g(x) . h(y)}: two MLPs into a shared embedding. */
    SEPARABLE,
    /** One MLP on {@code [x, y]}, run for all n x n pairs. */
    CONCAT
  }

  /**
   * Settings; defaults follow Poole et al.
   *
   * @param estimators    one critic is trained per estimator, in this order
   * @param critic        separable (default) or concatenated
   * @param batch         pairs per step n, e.g. 128; the InfoNCE estimate can never exceed log n
   * @param dim           dimension of x and y, 20
   * @param stairs        true MI of each stair, nats: 2, 4, 6, 8, 10
   * @param stepsPerStair 4000
   * @param lr            Adam's learning rate, 5e-4
   * @param hidden        hidden units of each MLP layer, 256
   * @param embedding     separable critic's embedding size, 32
   * @param seed          seed of initialisation and sampling
   * @param threads       PyTorch threads; 1 makes runs bit-reproducible
   */
  public record Config(List<MiEstimator> estimators, Critic critic, int batch, int dim, double[] stairs, int stepsPerStair, double lr,
      int hidden, int embedding, long seed, int threads) {

    /**
     * Copies the lists and checks the settings.
     * @param estimators    at least one
     * @param critic        separable or concatenated
     * @param batch         pairs per step, at least 2
     * @param dim           dimension of x and y, at least 1
     * @param stairs        true MI of each stair in nats, finite and at least 0; at least one
     * @param stepsPerStair steps per stair, at least 1
     * @param lr            Adam's learning rate, positive
     * @param hidden        hidden units of each MLP layer, at least 1
     * @param embedding     separable critic's embedding size, at least 1
     * @param seed          seed of initialisation and sampling
     * @param threads       PyTorch threads, at least 1
     * @throws IllegalArgumentException when a value is out of range
     */
    public Config {
      estimators = List.copyOf(estimators);
      stairs = stairs.clone();
      if (estimators.isEmpty()) throw new IllegalArgumentException("no estimator chosen");
      if (batch < 2) throw new IllegalArgumentException("batch must be at least 2, got " + batch);
      if (dim < 1 || hidden < 1 || embedding < 1) throw new IllegalArgumentException("dim, hidden and embedding must be positive");
      if (stairs.length == 0) throw new IllegalArgumentException("no stairs given");
      for (double s : stairs) if (!(s >= 0) || Double.isInfinite(s)) throw new IllegalArgumentException("stair MI must be finite and >= 0, got " + s);
      if (stepsPerStair < 1) throw new IllegalArgumentException("steps per stair must be positive, got " + stepsPerStair);
      if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
      if (threads < 1) throw new IllegalArgumentException("threads must be positive, got " + threads);
    }

    /** {@return the true MI of each stair (a copy)} */
    @Override
    public double[] stairs() {
      return stairs.clone();
    }

    /** {@return Poole et al.'s settings: InfoNCE, NWJ and DV; separable critic; batch 128; 2..10 nats; 4000 steps each; Adam 5e-4} */
    public static Config defaults() {
      return new Config(List.of(MiEstimator.INFONCE, MiEstimator.NWJ, MiEstimator.DV), Critic.SEPARABLE, 128, 20,
          new double[] {2, 4, 6, 8, 10}, 4000, 5e-4, 256, 32, 1, 1);
    }

    /** {@return the settings as stored in the run's {@code config.json}, by name, with {@code "recipe": "mi-staircase"}} */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("recipe", "mi-staircase");
      m.put("estimators", estimators.stream().map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
      m.put("critic", critic.name().toLowerCase(Locale.ROOT));
      m.put("batch", batch);
      m.put("dim", dim);
      m.put("stairs", Arrays.stream(stairs).boxed().toList());
      m.put("steps_per_stair", stepsPerStair);
      m.put("lr", lr);
      m.put("hidden", hidden);
      m.put("embedding", embedding);
      m.put("seed", seed);
      m.put("threads", threads);
      return m;
    }
  }

  /**
   * One stair of one estimator, the unit the training loop checkpoints after.
   *
   * @param unit      1-based over all estimators' stairs, estimator-major
   * @param estimator the estimator
   * @param stair     0-based
   * @param truth     the stair's true mutual information, nats
   * @param mean      the mean estimate over the stair's steps
   * @param seconds   wall time of the stair's steps
   */
  public record StairLog(int unit, MiEstimator estimator, int stair, double truth, double mean, double seconds) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("unit", unit);
      m.put("estimator", estimator.name().toLowerCase(Locale.ROOT));
      m.put("stair", stair);
      m.put("true_mi", truth);
      m.put("mean_estimate", mean);
      m.put("seconds", seconds);
      return m;
    }

    static StairLog fromMap(Map<String, Object> m) {
      return new StairLog(((Number) m.get("unit")).intValue(), MiEstimator.valueOf(((String) m.get("estimator")).toUpperCase(Locale.ROOT)),
          ((Number) m.get("stair")).intValue(), ((Number) m.get("true_mi")).doubleValue(), ((Number) m.get("mean_estimate")).doubleValue(),
          ((Number) m.get("seconds")).doubleValue());
    }
  }

  /**
   * {@return the estimator of a 1-based unit of {@code c}'s run}
   * @param c    the run's settings
   * @param unit the unit, 1-based, estimator-major
   */
  public static MiEstimator estimatorOf(Config c, int unit) {
    return c.estimators().get((unit - 1) / c.stairs().length);
  }

  /**
   * {@return the 0-based stair of a 1-based unit}
   * @param c    the run's settings
   * @param unit the unit, 1-based, estimator-major
   */
  public static int stairOf(Config c, int unit) {
    return (unit - 1) % c.stairs().length;
  }

  /**
   * One estimator's run: the estimate after every step, and per stair the mean and standard
   * deviation of the estimates over the stair's last quarter (bias = mean - truth), beside the same
   * estimator with the optimal critic (the true log density ratio) on {@link #OPTIMAL_BATCHES} fresh
   * batches: the best any critic can read at this batch size.
   * @param estimator   the estimator
   * @param estimates   the estimate after every step, stair by stair (stairs x steps per stair)
   * @param stairMean   per stair, the mean estimate over its last quarter
   * @param stairStd    per stair, the standard deviation over its last quarter
   * @param max         the largest estimate of the run
   * @param optimalMean per stair, the optimal critic's mean estimate
   * @param optimalStd  per stair, the optimal critic's standard deviation over the batches
   */
  public record Trace(MiEstimator estimator, double[] estimates, double[] stairMean, double[] stairStd, double max, double[] optimalMean,
      double[] optimalStd) {

    /**
     * {@return per stair the truth, mean, bias, standard deviation and optimal critic's readout, and the maximum}
     * @param truth the true MI of each stair
     */
    public Map<String, Object> toMap(double[] truth) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("estimator", estimator.name().toLowerCase(Locale.ROOT));
      List<Object> stairs = new ArrayList<>();
      for (int s = 0; s < truth.length; s++) {
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("true_mi", truth[s]);
        st.put("mean", stairMean[s]);
        st.put("bias", stairMean[s] - truth[s]);
        st.put("std", stairStd[s]);
        st.put("optimal_critic_mean", optimalMean[s]);
        st.put("optimal_critic_std", optimalStd[s]);
        stairs.add(st);
      }
      m.put("stairs", stairs);
      m.put("max_estimate", max);
      return m;
    }
  }

  /**
   * Everything a run measured.
   * @param config the settings
   * @param traces one per estimator, in the settings' order
   */
  public record Result(Config config, List<Trace> traces) {
  }

  /** Batches the optimal critic's estimate is averaged over, per stair. */
  public static final int OPTIMAL_BATCHES = 200;

  private MiStaircase() {
  }

  /**
   * Runs the staircase for every estimator. With a run directory: a checkpoint after every stair,
   * and a directory that holds checkpoints is resumed after the latest. The listener hears the
   * negated estimate as each step's loss.
   * @param c        the settings
   * @param run      the run directory, or null to run without checkpoints
   * @param listener hears of progress, or null
   * @return every estimator's trace
   * @throws IllegalStateException when a step's loss is not finite
   */
  public static Result run(Config c, RunDirectory run, Training.Listener<StairLog> listener) {
    DjlEnvironment.start(c.threads());
    try (Staircase staircase = new Staircase(c)) {
      Training.run(staircase, run, listener);
      List<Trace> traces = new ArrayList<>();
      for (int e = 0; e < c.estimators().size(); e++) traces.add(summarise(c, c.estimators().get(e), staircase.estimates[e]));
      return new Result(c, traces);
    }
  }

  /** Every estimator's staircase as the units of one training loop; one critic at a time. */
  private static final class Staircase implements Training.Recipe<StairLog>, AutoCloseable {
    private final Config c;
    private final double[][] estimates; // estimator x (stairs x steps per stair)
    private Session session;
    private int stair;
    private SplittableRandom random;
    private CorrelatedGaussians data;
    private float[] x;
    private float[] y;

    Staircase(Config c) {
      this.c = c;
      this.estimates = new double[c.estimators().size()][c.stairs().length * c.stepsPerStair()];
    }

    @Override
    public String unitName() {
      return "stair";
    }

    @Override
    public int units() {
      return c.estimators().size() * c.stairs().length;
    }

    @Override
    public long steps(int unit) {
      return c.stepsPerStair();
    }

    /** The session of {@code unit}'s estimator, a fresh critic when the estimator changes. */
    private void sessionFor(int unit) {
      int e = (unit - 1) / c.stairs().length;
      if (session == null || session.index != e) {
        if (session != null) session.close();
        session = null;
        session = new Session(c, e);
      }
    }

    @Override
    public void beginUnit(int unit) {
      sessionFor(unit);
      stair = stairOf(c, unit);
      data = CorrelatedGaussians.withMi(c.dim(), c.stairs()[stair]);
      random = new SplittableRandom(c.seed() * 1_000_003L + session.index * 1009L + stair);
      x = new float[c.batch() * c.dim()]; // n x d
      y = new float[c.batch() * c.dim()]; // n x d
    }

    @Override
    public double step(int unit, long t) {
      data.sample(c.batch(), random, x, y);
      double value = session.step(x, y);
      estimates[session.index][(int) ((long) stair * c.stepsPerStair() + t)] = value;
      return -value;
    }

    @Override
    public StairLog endUnit(Training.Unit u) {
      return new StairLog(u.unit(), session.estimator, stair, c.stairs()[stair], -u.meanLoss(), u.seconds());
    }

    @Override
    public Map<String, Object> toMap(StairLog r) {
      return r.toMap();
    }

    @Override
    public StairLog fromMap(Map<String, Object> m) {
      return StairLog.fromMap(m);
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
      out.writeInt(session.index);
      out.writeInt(stair);
      int per = estimates[0].length;
      int steps = session.index * per + (stair + 1) * c.stepsPerStair(); // estimates recorded so far, estimator-major
      out.writeInt(steps);
      for (int k = 0; k < steps; k++) out.writeDouble(estimates[k / per][k % per]);
      session.save(out);
    }

    @Override
    public void load(DataInputStream in) throws IOException {
      int e = in.readInt();
      int st = in.readInt();
      int per = estimates[0].length;
      int steps = in.readInt();
      if (e < 0 || e >= c.estimators().size() || st < 0 || st >= c.stairs().length || steps != e * per + (st + 1) * c.stepsPerStair()) {
        throw new IOException("the checkpoint's estimator " + e + ", stair " + st + " and " + steps + " estimates do not fit the settings");
      }
      for (int k = 0; k < steps; k++) estimates[k / per][k % per] = in.readDouble();
      sessionFor(e * c.stairs().length + st + 1);
      session.load(in);
    }

    @Override
    public void close() {
      if (session != null) session.close();
    }
  }

  private static Trace summarise(Config c, MiEstimator estimator, double[] est) {
    int stairs = c.stairs().length;
    double[] mean = new double[stairs];
    double[] std = new double[stairs];
    int window = Math.max(1, c.stepsPerStair() / 4);
    for (int s = 0; s < stairs; s++) {
      int end = (s + 1) * c.stepsPerStair();
      double sum = 0;
      double sq = 0;
      for (int t = end - window; t < end; t++) {
        sum += est[t];
        sq += est[t] * est[t];
      }
      mean[s] = sum / window;
      std[s] = Math.sqrt(Math.max(0, sq / window - mean[s] * mean[s]));
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : est) max = Math.max(max, v);
    double[] optMean = new double[stairs];
    double[] optStd = new double[stairs];
    for (int s = 0; s < stairs; s++) {
      double[] o = CorrelatedGaussians.withMi(c.dim(), c.stairs()[s])
          .optimalCriticEstimate(estimator, c.batch(), OPTIMAL_BATCHES, new SplittableRandom(c.seed() + 31L * s));
      optMean[s] = o[0];
      optStd[s] = o[1];
    }
    return new Trace(estimator, est, mean, std, max, optMean, optStd);
  }

  /** One estimator's critic and optimiser. */
  private static final class Session implements AutoCloseable {
    private final Config c;
    private final MiEstimator estimator;
    private final int index;
    private final NDManager manager;
    private final SequentialBlock g; // separable: x -> embedding; concat: [x, y] -> score
    private final SequentialBlock h; // separable: y -> embedding; concat: null
    private final Optimizer optimizer;
    private final float[] grad; // dI/df of a step: n x n
    private final double[] scores; // the critic's scores of a step: n x n

    Session(Config c, int index) {
      this.c = c;
      this.index = index;
      this.estimator = c.estimators().get(index);
      this.manager = NDManager.newBaseManager();
      Engine.getInstance().setRandomSeed((int) (c.seed() * 31 + index));
      if (c.critic() == Critic.SEPARABLE) {
        g = mlp(c.hidden(), c.embedding());
        h = mlp(c.hidden(), c.embedding());
        g.initialize(manager, DataType.FLOAT32, new Shape(c.batch(), c.dim()));
        h.initialize(manager, DataType.FLOAT32, new Shape(c.batch(), c.dim()));
      } else {
        g = mlp(c.hidden(), 1);
        h = null;
        g.initialize(manager, DataType.FLOAT32, new Shape((long) c.batch() * c.batch(), 2L * c.dim()));
      }
      this.optimizer = new Optimizer(Optimizer.Kind.ADAMW, parameters(), manager, 0.9f, 0f);
      this.grad = new float[c.batch() * c.batch()];
      this.scores = new double[c.batch() * c.batch()];
    }

    List<Parameter> parameters() {
      List<Parameter> out = new ArrayList<>();
      for (SequentialBlock b : h == null ? List.of(g) : List.of(g, h)) {
        for (Pair<String, Parameter> p : b.getParameters()) out.add(p.getValue());
      }
      return out;
    }

    /** One step of the critic on the batch (x, y); returns the estimate before the update. */
    double step(float[] x, float[] y) {
      int n = c.batch();
      try (NDManager step = manager.newSubManager()) {
        NDArray xa = step.create(x, new Shape(n, c.dim())); // n x d
        NDArray ya = step.create(y, new Shape(n, c.dim())); // n x d
        double value;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray f = scores(step, xa, ya); // n x n
          float[] fv = f.toFloatArray();
          for (int k = 0; k < fv.length; k++) scores[k] = fv[k];
          MiEstimator.Estimate e = estimator.estimate(scores, n);
          value = e.value();
          for (int k = 0; k < grad.length; k++) grad[k] = (float) -e.gradient()[k]; // ascend I: descend -I
          gc.backward(f.mul(step.create(grad, new Shape(n, n))).sum());
        }
        optimizer.step((float) c.lr());
        return value;
      }
    }

    /** The critic's n x n scores, f[i][j] = f(x_i, y_j). */
    private NDArray scores(NDManager step, NDArray x, NDArray y) {
      ParameterStore store = new ParameterStore(step, false);
      int n = c.batch();
      if (h != null) {
        NDArray gx = g.forward(store, new NDList(x), true).singletonOrThrow(); // n x e
        NDArray hy = h.forward(store, new NDList(y), true).singletonOrThrow(); // n x e
        return gx.matMul(hy.transpose());
      }
      NDArray xs = x.expandDims(1).broadcast(n, n, c.dim()); // [i][j] = x_i
      NDArray ys = y.expandDims(0).broadcast(n, n, c.dim()); // [i][j] = y_j
      NDArray pairs = xs.concat(ys, 2).reshape((long) n * n, 2L * c.dim()); // n^2 x 2d
      return g.forward(store, new NDList(pairs), true).singletonOrThrow().reshape(n, n);
    }

    void save(DataOutputStream out) throws IOException {
      g.saveParameters(out);
      if (h != null) h.saveParameters(out);
      optimizer.save(out);
    }

    void load(DataInputStream in) throws IOException {
      try {
        g.loadParameters(manager, in);
        if (h != null) h.loadParameters(manager, in);
      } catch (ai.djl.MalformedModelException e) {
        throw new IOException("the checkpoint does not match this critic: " + e.getMessage(), e);
      }
      for (Parameter p : parameters()) p.getArray().setRequiresGradient(true);
      optimizer.load(in);
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  /** Two hidden ReLU layers; Glorot-uniform weights (Keras' default, as in Poole et al.'s critics), zero biases. */
  private static SequentialBlock mlp(int hidden, int out) {
    SequentialBlock b = new SequentialBlock()
        .add(Linear.builder().setUnits(hidden).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(hidden).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(out).build());
    b.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3), Parameter.Type.WEIGHT);
    return b;
  }
}
