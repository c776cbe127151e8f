package org.infonce4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.infonce4j.data.Augment;
import org.infonce4j.data.FashionMnist;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.loss.LossSpec;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;

/**
 * Trains an image encoder on Fashion-MNIST by one of three methods, epoch by epoch, with a
 * checkpoint after each (parameters, optimiser state, for MoCo the key encoder and queue) so that
 * {@code --resume} continues exactly where a stopped run left off:
 *
 * <ul>
 *   <li>{@link Method#SIMCLR}: two augmented views per image, NT-Xent with 2N - 2 negatives;</li>
 *   <li>{@link Method#MOCO}: MoCo v2, a key encoder following the query encoder as an exponential
 *       moving average and a FIFO queue of K past keys as negatives;</li>
 *   <li>{@link Method#SUPERVISED}: the same encoder with a linear classifier and cross-entropy on the
 *       labels, the upper-bound baseline.</li>
 * </ul>
 * SGD with momentum (or LARS), linear warm-up then cosine decay, weight decay on weight tensors.
 * Every random choice derives from the seed and the epoch, so a resumed run sees the same batches
 * and augmentations.
 */
public final class Pretraining {

  /** The training method. */
  public enum Method {
    /** SimCLR: NT-Xent over two views of each image. */
    SIMCLR,
    /** MoCo v2: a momentum key encoder and a queue of past keys. */
    MOCO,
    /** Cross-entropy on the labels with a linear classifier, the baseline. */
    SUPERVISED
  }

  /**
   * One epoch's record.
   *
   * @param epoch          1-based
   * @param loss           mean training loss
   * @param imagesPerSecond source images per second of training steps
   * @param lr             learning rate at the end of the epoch
   * @param seconds        wall time of the epoch
   * @param monitor        the monitor's score after the epoch (NaN without a monitor)
   * @param trace          mean loss of consecutive windows of {@link #TRACE_WINDOW} steps
   */
  public record EpochLog(int epoch, double loss, double imagesPerSecond, double lr, double seconds, double monitor, double[] trace) {
    /**
     * The record as stored in {@code epochs.json} and the checkpoints.
     *
     * @return the values by name (snake case), a missing monitor as null, in a fixed order
     */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("loss", loss);
      m.put("images_per_second", imagesPerSecond);
      m.put("lr", lr);
      m.put("seconds", seconds);
      m.put("monitor", Double.isNaN(monitor) ? null : monitor);
      List<Double> t = new ArrayList<>();
      for (double v : trace) {
        t.add(v);
      }
      m.put("trace", t);
      return m;
    }

    /**
     * A record from {@link #toMap()}, as read back from JSON (null numbers read as NaN, a missing
     * trace as empty).
     *
     * @param m the stored values
     * @return the record
     */
    public static EpochLog fromMap(Map<?, ?> m) {
      List<?> t = m.get("trace") instanceof List<?> l ? l : List.of();
      double[] trace = new double[t.size()];
      for (int i = 0; i < trace.length; i++) {
        trace[i] = num(t.get(i));
      }
      return new EpochLog(((Number) m.get("epoch")).intValue(), num(m.get("loss")), num(m.get("images_per_second")), num(m.get("lr")),
          num(m.get("seconds")), num(m.get("monitor")), trace);
    }
  }

  /** Steps per point of an epoch's loss trace. */
  public static final int TRACE_WINDOW = 10;

  /**
   * The outcome: the trained encoder (the caller closes it) and the epochs' records (those of earlier
   * sessions included when resumed).
   *
   * @param encoder the trained encoder, with its head
   * @param epochs  one record per epoch
   */
  public record Trained(Encoder encoder, List<EpochLog> epochs) {
  }

  private Pretraining() {
  }

  /**
   * A freshly initialised encoder of {@code c}'s shape (the random-initialisation baseline).
   *
   * @param c the settings: shape, head, seed and threads
   * @return the encoder, initialised from {@code c}'s seed; the caller closes it
   */
  public static Encoder initial(PretrainingConfig c) {
    DjlEnvironment.start(c.threads());
    Engine.getInstance().setRandomSeed((int) c.seed());
    return new Encoder(c.width(), c.blocks(), c.stemStride(), head(c), c.batch());
  }

  private static SequentialBlock head(PretrainingConfig c) {
    return c.method() == Method.SUPERVISED
        ? new SequentialBlock().add(Linear.builder().setUnits(FashionMnist.CLASSES.length).build())
        : Networks.projector(c.projection(), c.projection());
  }

  /**
   * Trains on {@code data}; with a run directory, checkpoints every epoch and, when the directory
   * holds checkpoints, resumes after the latest.
   *
   * @param c        the settings
   * @param data     the training images (the first {@link PretrainingConfig#images()} of them, or
   *                 all)
   * @param run      the run directory, or null to train without checkpoints
   * @param listener hears of progress, or null
   * @return the encoder and the epochs' records
   * @throws IllegalArgumentException when the batch is larger than the training images
   * @throws IllegalStateException    when a step's loss is not finite
   */
  public static Trained train(PretrainingConfig c, FashionMnist.Split data, RunDirectory run, Training.Listener<EpochLog> listener) {
    return train(c, data, run, listener, null);
  }

  /**
   * As {@link #train(PretrainingConfig, FashionMnist.Split, RunDirectory, Training.Listener)}, scoring the
   * encoder with {@code monitor} after every epoch (for example kNN accuracy on held-out images);
   * the score is kept in the epoch's record and its checkpoint.
   *
   * @param c        the settings
   * @param data     the training images (the first {@link PretrainingConfig#images()} of them, or
   *                 all)
   * @param run      the run directory, or null to train without checkpoints
   * @param listener hears of progress, or null
   * @param monitor  scores the encoder after every epoch, or null
   * @return the encoder and the epochs' records
   * @throws IllegalArgumentException when the batch is larger than the training images
   * @throws IllegalStateException    when a step's loss is not finite
   */
  public static Trained train(PretrainingConfig c, FashionMnist.Split data, RunDirectory run, Training.Listener<EpochLog> listener,
      ToDoubleFunction<Encoder> monitor) {
    Encoder enc = initial(c);
    try (Session s = new Session(c, data, enc, monitor)) {
      return new Trained(enc, Training.run(s, run, listener).records());
    } catch (RuntimeException | Error e) {
      enc.close();
      throw e;
    }
  }

  /**
   * Times training steps alone (forward, loss, backward, SGD update; for MoCo also the key encoder,
   * momentum update and enqueue) on fixed random views, without augmentation: the number to set
   * beside the same model's step in another framework.
   *
   * @param c       the settings (method, shape, batch, view size, seed)
   * @param warmup  untimed steps first, at least 0
   * @param steps   steps per timed run, at least 1
   * @param repeats timed runs, at least 1
   * @return images per second of each of {@code repeats} runs of {@code steps} steps, after
   *         {@code warmup} untimed steps
   * @throws IllegalArgumentException when a count is out of range
   */
  public static double[] stepThroughput(PretrainingConfig c, int warmup, int steps, int repeats) {
    if (warmup < 0 || steps < 1 || repeats < 1) {
      throw new IllegalArgumentException("warm-up >= 0, steps >= 1 and repeats >= 1 required");
    }
    SplittableRandom r = new SplittableRandom(c.seed());
    int b = c.batch(), px = FashionMnist.SIDE * FashionMnist.SIDE, vpx = c.viewSize() * c.viewSize();
    byte[] img = new byte[b * px];
    int[] labels = new int[b];
    for (int i = 0; i < img.length; i++) {
      img[i] = (byte) r.nextInt(256);
    }
    for (int i = 0; i < b; i++) {
      labels[i] = r.nextInt(FashionMnist.CLASSES.length);
    }
    try (Encoder enc = initial(c)) {
      Session s = new Session(c, new FashionMnist.Split(img, labels), enc, null);
      s.fixedViews = true;
      int[] index = new int[b];
      for (int i = 0; i < b; i++) {
        index[i] = i;
      }
      float[] views = new float[2 * b * vpx];
      for (int i = 0; i < views.length; i++) {
        views[i] = (float) r.nextDouble();
      }
      for (int i = 0; i < warmup; i++) {
        s.step(index, views, r, 0.01f);
      }
      double[] out = new double[repeats];
      for (int k = 0; k < repeats; k++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          s.step(index, views, r, 0.01f);
        }
        out[k] = (double) steps * b / ((System.nanoTime() - t0) / 1e9);
      }
      s.close();
      return out;
    }
  }

  /** One training session's state: the recipe the training loop runs. */
  private static final class Session implements Training.Recipe<EpochLog>, AutoCloseable {
    private final PretrainingConfig c;
    private final FashionMnist.Split data;
    private final Encoder enc;
    private final ToDoubleFunction<Encoder> monitor;
    private final Optimizer sgd;
    private final int n;
    private final long stepsPerEpoch;
    private final Augment augment;
    private final InfoNce core;
    private final float[] views; // 2B x side^2: first views then second views
    private final int[] index;
    private final MomentumEncoder keys; // MoCo only
    /** Benchmarks: the views array already holds the images; no augmentation. */
    private boolean fixedViews;
    // The current epoch
    private SplittableRandom rnd;
    private int[] order;
    private double[] trace;
    private float lr;

    Session(PretrainingConfig c, FashionMnist.Split data, Encoder enc, ToDoubleFunction<Encoder> monitor) {
      this.c = c;
      this.monitor = monitor;
      this.augment = Augment.of(c.minCrop(), c.jitter());
      this.data = data;
      this.enc = enc;
      this.n = c.images() > 0 ? Math.min(c.images(), data.size()) : data.size();
      if (n < c.batch()) {
        throw new IllegalArgumentException("the batch (" + c.batch() + ") is larger than the training images (" + n + ")");
      }
      this.stepsPerEpoch = n / c.batch(); // the last partial batch is dropped: shapes stay fixed
      this.views = new float[2 * c.batch() * c.viewSize() * c.viewSize()];
      this.index = new int[c.batch()];
      this.sgd = new Optimizer(c.optimizer(), enc.trainable(), enc.manager(), (float) c.momentum(), (float) c.weightDecay());
      this.core = c.coreLoss() ? InfoNce.create(c.threads()) : null;
      this.keys = c.method() == Method.MOCO ? new MomentumEncoder(enc, head(c), c) : null;
    }

    @Override
    public int units() {
      return c.epochs();
    }

    @Override
    public long steps(int epoch) {
      return stepsPerEpoch;
    }

    @Override
    public void beginUnit(int epoch) {
      rnd = new SplittableRandom(c.seed() * 1_000_003L + epoch);
      order = permutation(n, rnd);
      trace = new double[(int) ((stepsPerEpoch + TRACE_WINDOW - 1) / TRACE_WINDOW)];
    }

    @Override
    public double step(int epoch, long s) {
      int b = c.batch();
      System.arraycopy(order, (int) (s * b), index, 0, b);
      long global = (epoch - 1) * stepsPerEpoch + s;
      lr = Optimizer.cosineWithWarmup((float) c.lr(), global, Math.round(c.warmupEpochs() * stepsPerEpoch), c.epochs() * stepsPerEpoch);
      float loss = step(index, views, rnd, lr);
      trace[(int) (s / TRACE_WINDOW)] += loss / (double) Math.min(TRACE_WINDOW, stepsPerEpoch - s / TRACE_WINDOW * TRACE_WINDOW);
      return loss;
    }

    @Override
    public EpochLog endUnit(Training.Unit u) {
      double score = monitor == null ? Double.NaN : monitor.applyAsDouble(enc);
      return new EpochLog(u.unit(), u.meanLoss(), u.steps() * c.batch() / u.seconds(), lr, u.seconds(), score, trace);
    }

    @Override
    public Map<String, Object> toMap(EpochLog log) {
      return log.toMap();
    }

    @Override
    public EpochLog fromMap(Map<String, Object> m) {
      return EpochLog.fromMap(m);
    }

    /** One optimisation step on the images {@code index}; returns the loss. */
    float step(int[] index, float[] views, SplittableRandom rnd, float lr) {
      try (NDManager step = enc.manager().newSubManager()) {
        float loss = switch (c.method()) {
          case SIMCLR -> simclrStep(step, index, views, rnd);
          case MOCO -> mocoStep(step, index, views, rnd);
          case SUPERVISED -> supervisedStep(step, index, views, rnd);
        };
        sgd.step(lr);
        if (keys != null) {
          keys.follow(enc);
        }
        return loss;
      }
    }

    @Override
    public void close() {
      if (core != null) {
        core.close();
      }
      if (keys != null) {
        keys.close();
      }
    }

    private float simclrStep(NDManager step, int[] index, float[] views, SplittableRandom rnd) {
      int b = index.length, vs = c.viewSize(), px = vs * vs;
      if (!fixedViews) {
        float[] one = new float[b * px];
        augment.view(data, index, b, rnd, one, vs);
        System.arraycopy(one, 0, views, 0, b * px);
        augment.view(data, index, b, rnd, one, vs);
        System.arraycopy(one, 0, views, b * px, b * px);
      }
      NDArray x = Encoder.images(step, views, 2 * b, vs);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray z = enc.forward(new ParameterStore(step, false), x, true); // 2B x projection
        NDArray loss = core == null ? InfoNceLoss.simclr(z, (float) c.temperature(), true)
            : InfoNceLoss.viaCore(core, LossSpec.cosine(c.temperature()), z, null, null);
        gc.backward(loss);
        return loss.getFloat();
      }
    }

    private float mocoStep(NDManager step, int[] index, float[] views, SplittableRandom rnd) {
      int b = index.length, vs = c.viewSize(), px = vs * vs;
      float[] q = new float[b * px], k = new float[b * px];
      if (fixedViews) {
        System.arraycopy(views, 0, q, 0, b * px);
        System.arraycopy(views, b * px, k, 0, b * px);
      } else {
        augment.view(data, index, b, rnd, q, vs);
        augment.view(data, index, b, rnd, k, vs);
      }
      NDArray kz = keys.keys(step, Encoder.images(step, k, b, vs), b);
      NDArray bank = keys.bank(step);
      float value;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray qz = enc.forward(new ParameterStore(step, false), Encoder.images(step, q, b, vs), true);
        NDArray loss = InfoNceLoss.moco(core, LossSpec.cosine(c.temperature()), qz, kz.stopGradient(), bank);
        gc.backward(loss);
        value = loss.getFloat();
      }
      keys.enqueue(kz);
      return value;
    }

    private float supervisedStep(NDManager step, int[] index, float[] views, SplittableRandom rnd) {
      int b = index.length, vs = c.viewSize(), px = vs * vs;
      float[] x = new float[b * px];
      if (fixedViews) {
        System.arraycopy(views, 0, x, 0, b * px);
      } else {
        augment.view(data, index, b, rnd, x, vs);
      }
      float[] y = new float[b];
      for (int i = 0; i < b; i++) {
        y[i] = data.labels()[index[i]];
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = enc.forward(new ParameterStore(step, false), Encoder.images(step, x, b, vs), true);
        NDArray target = step.create(y).toType(ai.djl.ndarray.types.DataType.INT32, false).oneHot(FashionMnist.CLASSES.length);
        NDArray loss = logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
        gc.backward(loss);
        return loss.getFloat();
      }
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
      enc.save(out);
      sgd.save(out);
      if (keys != null) {
        keys.save(out);
      }
    }

    @Override
    public void load(DataInputStream in) throws IOException {
      enc.load(in);
      sgd.load(in);
      if (keys != null) {
        keys.load(in);
      }
    }
  }

  /**
   * The encoder of a run's latest checkpoint (with its settings and epoch records), for evaluation.
   *
   * @param run the run directory
   * @return the encoder and the epochs' records; the caller closes the encoder
   * @throws IllegalArgumentException when the run has no checkpoint or is not an image recipe's
   * @throws UncheckedIOException     when the checkpoint cannot be read
   */
  public static Trained load(RunDirectory run) {
    PretrainingConfig c = PretrainingConfig.fromMap(run.config());
    RunDirectory.Checkpoint cp = run.requireCheckpoint();
    Encoder enc = initial(c);
    try (DataInputStream in = cp.payload()) {
      List<EpochLog> logs = Training.records(EpochLog::fromMap, cp);
      enc.load(in);
      return new Trained(enc, List.copyOf(logs));
    } catch (IOException e) {
      enc.close();
      throw new UncheckedIOException(cp.file() + ": cannot read the checkpoint: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      enc.close();
      throw e;
    }
  }

  /** 0 .. n-1 in a random order (Fisher-Yates, n - 1 draws from {@code random}). */
  static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static double num(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }
}
