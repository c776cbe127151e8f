package org.infonce4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
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
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.infonce4j.data.Augment;
import org.infonce4j.data.FashionMnist;
import org.infonce4j.io.Json;
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
    SIMCLR,
    MOCO,
    SUPERVISED
  }

  /**
   * Settings; see {@link #defaults(Method)}.
   *
   * @param epochs       passes over the training images
   * @param batch        images per step (SimCLR sees 2 x batch views)
   * @param temperature  InfoNCE temperature (SimCLR 0.5, MoCo 0.2)
   * @param lr           base learning rate of SGD
   * @param momentum     SGD momentum
   * @param weightDecay  weight decay on weight tensors
   * @param optimizer    SGD with momentum, LARS or AdamW
   * @param warmupEpochs linear warm-up length
   * @param width        encoder width (features are 4 x width)
   * @param blocks       residual blocks per stage
   * @param projection   output size of the projection head (its hidden layer is as wide)
   * @param queue        MoCo's queue length K (need not divide the batch)
   * @param keyMomentum  MoCo's key-encoder EMA momentum
   * @param images       training images used (0: all)
   * @param seed         seed of initialisation, shuffling and augmentation
   * @param threads      PyTorch intra-op threads
   * @param coreLoss     compute the loss with the core engine instead of DJL operations
   * @param minCrop      smallest random-crop area as a share of the image
   * @param jitter       brightness and contrast jitter strength (see {@link Augment})
   * @param stemStride   stride of the encoder's first convolution (1, or 2 for a quarter of the arithmetic)
   * @param viewSize     side of the augmented training views: each random crop is resized to
   *                     {@code viewSize x viewSize} (28, the image's own size, by default; 20 costs about
   *                     half the arithmetic per view). Evaluation always sees whole 28 x 28 images.
   */
  public record Config(Method method, int epochs, int batch, double temperature, double lr, double momentum, double weightDecay, Optimizer.Kind optimizer,
      double warmupEpochs, int width, int blocks, int projection, int queue, double keyMomentum, int images, long seed, int threads,
      boolean coreLoss, double minCrop, double jitter, int stemStride, int viewSize) {

    /** Smallest and largest {@link #viewSize}: three stride-2 stages need 8 pixels; 56 is twice the image. */
    public static final int MIN_VIEW = 8;
    public static final int MAX_VIEW = 56;

    public Config {
      if (viewSize < MIN_VIEW || viewSize > MAX_VIEW) {
        throw new IllegalArgumentException("view size must be in [" + MIN_VIEW + ", " + MAX_VIEW + "] pixels, got " + viewSize);
      }
      if (!(minCrop > 0 && minCrop <= 1) || !(jitter >= 0 && jitter < 1)) {
        throw new IllegalArgumentException("minimum crop in (0, 1] and jitter in [0, 1) required, got " + minCrop + " and " + jitter);
      }
      if (epochs < 1 || batch < 2 || width < 1 || blocks < 1 || projection < 1 || threads < 1 || queue < 1 || images < 0) {
        throw new IllegalArgumentException("epochs >= 1, batch >= 2, width, blocks, projection, queue and threads >= 1, images >= 0 required");
      }
      if (!(temperature > 0) || !(lr > 0) || !(momentum >= 0 && momentum < 1) || !(weightDecay >= 0) || !(warmupEpochs >= 0)
          || !(keyMomentum >= 0 && keyMomentum < 1)) {
        throw new IllegalArgumentException("temperature > 0, lr > 0, momentum and key momentum in [0, 1), weight decay and warm-up >= 0 required");
      }
    }

    /** The settings stored by {@link #toMap()} (a run's config.json). */
    public static Config fromMap(Map<String, Object> m) {
      try {
        return new Config(Method.valueOf(((String) m.get("recipe")).toUpperCase(Locale.ROOT)), integer(m, "epochs"), integer(m, "batch"),
            number(m, "temperature"), number(m, "lr"), number(m, "momentum"), number(m, "weight_decay"),
            Optimizer.Kind.valueOf(((String) m.get("optimizer")).toUpperCase(Locale.ROOT)),
            number(m, "warmup_epochs"), integer(m, "width"), integer(m, "blocks"), integer(m, "projection"), integer(m, "queue"),
            number(m, "key_momentum"), integer(m, "images"), ((Number) m.get("seed")).longValue(), integer(m, "threads"),
            (Boolean) m.get("core_loss"), number(m, "min_crop"), number(m, "jitter"),
            m.containsKey("stem_stride") ? integer(m, "stem_stride") : 1, m.containsKey("view_size") ? integer(m, "view_size") : FashionMnist.SIDE);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not the settings of an image recipe (" + e.getMessage() + "): " + m, e);
      }
    }

    private static int integer(Map<String, Object> m, String key) {
      return ((Number) java.util.Objects.requireNonNull(m.get(key), "missing '" + key + "'")).intValue();
    }

    private static double number(Map<String, Object> m, String key) {
      return ((Number) java.util.Objects.requireNonNull(m.get(key), "missing '" + key + "'")).doubleValue();
    }

    /** Settings with the image's own view size (28). */
    public Config(Method method, int epochs, int batch, double temperature, double lr, double momentum, double weightDecay, Optimizer.Kind optimizer,
        double warmupEpochs, int width, int blocks, int projection, int queue, double keyMomentum, int images, long seed, int threads,
        boolean coreLoss, double minCrop, double jitter, int stemStride) {
      this(method, epochs, batch, temperature, lr, momentum, weightDecay, optimizer, warmupEpochs, width, blocks, projection, queue, keyMomentum,
          images, seed, threads, coreLoss, minCrop, jitter, stemStride, FashionMnist.SIDE);
    }

    /**
     * The same shape, data and seed for another method: that method's temperature, learning rate and
     * optimiser; the supervised baseline also gets its classifier head and full-size views.
     */
    public Config withMethod(Method m) {
      Config d = defaults(m);
      boolean sup = m == Method.SUPERVISED;
      return new Config(m, epochs, batch, d.temperature, d.lr, momentum, d.weightDecay, d.optimizer, warmupEpochs, width, blocks,
          sup ? d.projection : projection, queue, keyMomentum, images, seed, threads, coreLoss, minCrop, jitter, stemStride, sup ? d.viewSize : viewSize);
    }

    /** The same settings with other epochs. */
    public Config withEpochs(int e) {
      return new Config(method, e, batch, temperature, lr, momentum, weightDecay, optimizer, warmupEpochs, width, blocks, projection, queue,
          keyMomentum, images, seed, threads, coreLoss, minCrop, jitter, stemStride, viewSize);
    }

    /** The same settings with another temperature (the temperature sweep). */
    public Config withTemperature(double t) {
      return new Config(method, epochs, batch, t, lr, momentum, weightDecay, optimizer, warmupEpochs, width, blocks, projection, queue,
          keyMomentum, images, seed, threads, coreLoss, minCrop, jitter, stemStride, viewSize);
    }

    /** The same settings with another queue length. */
    public Config withQueue(int k) {
      return new Config(method, epochs, batch, temperature, lr, momentum, weightDecay, optimizer, warmupEpochs, width, blocks, projection, k,
          keyMomentum, images, seed, threads, coreLoss, minCrop, jitter, stemStride, viewSize);
    }

    /** The settings as a JSON-ready map (written to the run's config.json). */
    public Map<String, Object> toMap() {
      Map<String, Object> m = Json.object();
      m.put("recipe", method.name().toLowerCase(Locale.ROOT));
      m.put("epochs", epochs);
      m.put("batch", batch);
      m.put("temperature", temperature);
      m.put("lr", lr);
      m.put("momentum", momentum);
      m.put("weight_decay", weightDecay);
      m.put("optimizer", optimizer.name().toLowerCase(Locale.ROOT));
      m.put("warmup_epochs", warmupEpochs);
      m.put("width", width);
      m.put("blocks", blocks);
      m.put("projection", projection);
      m.put("queue", queue);
      m.put("key_momentum", keyMomentum);
      m.put("images", images);
      m.put("seed", seed);
      m.put("threads", threads);
      m.put("core_loss", coreLoss);
      m.put("min_crop", minCrop);
      m.put("jitter", jitter);
      m.put("stem_stride", stemStride);
      m.put("view_size", viewSize);
      return m;
    }
  }

  /** Default augmentation: crops of 20% to 100% of the image, brightness and contrast factors in [0.6, 1.4]. */
  public static final double MIN_CROP = 0.2;

  public static final double JITTER = 0.4;

  /** Default stride of the encoder's stem (see {@link Networks#encoder}). */
  public static final int STEM_STRIDE = 2;

  /** The default learning rate of an optimiser: AdamW 3e-3; SGD and LARS 0.3 (SimCLR's, at batch 256). */
  public static double defaultLr(Optimizer.Kind kind) {
    return kind == Optimizer.Kind.ADAMW ? 3e-3 : 0.3;
  }

  /** The default weight decay of an optimiser: AdamW 1e-2 (decoupled); SGD and LARS 1e-4. */
  public static double defaultWeightDecay(Optimizer.Kind kind) {
    return kind == Optimizer.Kind.ADAMW ? 1e-2 : 1e-4;
  }

  /** Defaults that train in a few minutes per epoch on two cores. */
  public static Config defaults(Method method) {
    return switch (method) {
      case SIMCLR -> new Config(method, 3, 256, 0.2, defaultLr(Optimizer.Kind.ADAMW), 0.9, defaultWeightDecay(Optimizer.Kind.ADAMW),
          Optimizer.Kind.ADAMW, 0.2, 32, 1, 128, 4096, 0.99, 0, 42, Runtime.getRuntime().availableProcessors(), false, MIN_CROP, JITTER,
          STEM_STRIDE);
      case MOCO -> new Config(method, 3, 256, 0.2, defaultLr(Optimizer.Kind.ADAMW), 0.9, defaultWeightDecay(Optimizer.Kind.ADAMW),
          Optimizer.Kind.ADAMW, 0.2, 32, 1, 128, 4096, 0.99, 0, 42, Runtime.getRuntime().availableProcessors(), false, MIN_CROP, JITTER,
          STEM_STRIDE);
      case SUPERVISED -> new Config(method, 3, 256, 1, 0.1, 0.9, 5e-4, Optimizer.Kind.SGD, 0.2, 32, 1, 10, 4096, 0.99, 0, 42,
          Runtime.getRuntime().availableProcessors(), false, MIN_CROP, JITTER, STEM_STRIDE);
    };
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
    public Map<String, Object> toMap() {
      Map<String, Object> m = Json.object();
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

  /** Batch-norm groups of MoCo's key encoder (see the session's keyForward). */
  static final int KEY_GROUPS = 4;

  /** Steps per point of an epoch's loss trace. */
  public static final int TRACE_WINDOW = 10;

  /**
   * The outcome: the trained encoder (the caller closes it) and the epochs' records (those of earlier
   * sessions included when resumed).
   */
  public record Trained(Encoder encoder, List<EpochLog> epochs) {}

  private Pretraining() {}

  /** A freshly initialised encoder of {@code c}'s shape (the random-initialisation baseline). */
  public static Encoder initial(Config c) {
    DjlEnvironment.start(c.threads());
    Engine.getInstance().setRandomSeed((int) c.seed());
    return new Encoder(c.width(), c.blocks(), c.stemStride(), head(c), c.batch());
  }

  private static SequentialBlock head(Config c) {
    return c.method() == Method.SUPERVISED
        ? new SequentialBlock().add(Linear.builder().setUnits(FashionMnist.CLASSES.length).build())
        : Networks.projector(c.projection(), c.projection());
  }

  /**
   * Trains on {@code data}; with a run directory, checkpoints every epoch and, when the directory
   * holds checkpoints, resumes after the latest.
   */
  public static Trained train(Config c, FashionMnist.Split data, RunDirectory run, Training.Listener<EpochLog> listener) {
    return train(c, data, run, listener, null);
  }

  /**
   * As {@link #train(Config, FashionMnist.Split, RunDirectory, Training.Listener)}, scoring the
   * encoder with {@code monitor} after every epoch (for example kNN accuracy on held-out images);
   * the score is kept in the epoch's record and its checkpoint.
   */
  public static Trained train(Config c, FashionMnist.Split data, RunDirectory run, Training.Listener<EpochLog> listener,
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
   * @return images per second of each of {@code repeats} runs of {@code steps} steps, after
   *         {@code warmup} untimed steps
   */
  public static double[] stepThroughput(Config c, int warmup, int steps, int repeats) {
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
    private final Config c;
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
    // MoCo
    private Encoder keys;
    private NDArray queue; // K x projection, unit rows
    private int queuePointer;
    /** Benchmarks: the views array already holds the images; no augmentation. */
    private boolean fixedViews;
    // The current epoch
    private SplittableRandom rnd;
    private int[] order;
    private double[] trace;
    private float lr;

    Session(Config c, FashionMnist.Split data, Encoder enc, ToDoubleFunction<Encoder> monitor) {
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
      if (c.method() == Method.MOCO) {
        Engine.getInstance().setRandomSeed((int) c.seed());
        keys = new Encoder(c.width(), c.blocks(), c.stemStride(), head(c), c.batch());
        copy(enc, keys);
        keys.network().freezeParameters(true);
        SplittableRandom r = new SplittableRandom(c.seed() ^ 0x9E3779B97F4A7C15L);
        float[] init = new float[c.queue() * c.projection()];
        for (int i = 0; i < init.length; i++) {
          init[i] = (float) r.nextGaussian();
        }
        queue = keys.manager().create(init, new Shape(c.queue(), c.projection())).normalize(2, 1);
      }
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
          momentumUpdate();
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
      NDArray kz = keyForward(step, Encoder.images(step, k, b, vs), b).normalize(2, 1);
      NDArray bank = queue.duplicate();
      bank.attach(step);
      float value;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray qz = enc.forward(new ParameterStore(step, false), Encoder.images(step, q, b, vs), true);
        NDArray loss = core == null ? InfoNceLoss.queue(qz, kz, bank, (float) c.temperature(), true)
            : InfoNceLoss.viaCore(core, LossSpec.cosine(c.temperature()), qz, kz.stopGradient(), bank);
        gc.backward(loss);
        value = loss.getFloat();
      }
      enqueue(kz);
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

    /**
     * The key encoder on the key views, its batch-norm statistics taken over groups of
     * {@link #KEY_GROUPS} consecutive slices while the queries use the whole batch: the single-device
     * stand-in for MoCo's shuffling BN, so that a query and its key never share the statistics the
     * network could use to recognise each other instead of the image.
     */
    private NDArray keyForward(NDManager step, NDArray x, int b) {
      int groups = b >= 4 * KEY_GROUPS ? KEY_GROUPS : 1;
      if (groups == 1) {
        return keys.forward(new ParameterStore(step, false), x, true);
      }
      ai.djl.ndarray.NDList parts = new ai.djl.ndarray.NDList();
      for (int g = 0; g < groups; g++) {
        int from = g * b / groups, to = (g + 1) * b / groups;
        parts.add(keys.forward(new ParameterStore(step, false), x.get(new NDIndex("{}:{}", from, to)), true));
      }
      return ai.djl.ndarray.NDArrays.concat(parts, 0);
    }

    /** Writes the batch's keys into the queue, oldest first out, wrapping around. */
    private void enqueue(NDArray kz) {
      int b = (int) kz.getShape().get(0);
      int cap = c.queue();
      int from = 0;
      while (from < b) {
        int run = Math.min(b - from, cap - queuePointer);
        queue.set(new NDIndex("{}:{}", queuePointer, queuePointer + run), kz.get(new NDIndex("{}:{}", from, from + run)));
        queuePointer = (queuePointer + run) % cap;
        from += run;
      }
    }

    /** key = m key + (1 - m) query, parameter by parameter. */
    private void momentumUpdate() {
      float m = (float) c.keyMomentum();
      List<Parameter> q = allParameters(enc);
      List<Parameter> k = allParameters(keys);
      for (int i = 0; i < q.size(); i++) {
        NDArray kv = k.get(i).getArray();
        NDArray qv = q.get(i).getArray();
        try (NDManager tmp = kv.getManager().newSubManager()) {
          NDArray scaled = qv.mul(1 - m);
          scaled.attach(tmp);
          kv.muli(m).addi(scaled);
        }
      }
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
      enc.save(out);
      sgd.save(out);
      if (keys != null) {
        keys.save(out);
        out.writeInt(queuePointer);
        float[] qd = queue.toFloatArray();
        out.writeInt(qd.length);
        for (float v : qd) {
          out.writeFloat(v);
        }
      }
    }

    @Override
    public void load(DataInputStream in) throws IOException {
      enc.load(in);
      sgd.load(in);
      if (keys != null) {
        keys.load(in);
        queuePointer = in.readInt();
        int len = in.readInt();
        if (len != c.queue() * c.projection()) {
          throw new IOException("the queue holds " + len + " values, the settings say " + c.queue() + " x " + c.projection());
        }
        float[] qd = new float[len];
        for (int i = 0; i < len; i++) {
          qd[i] = in.readFloat();
        }
        queue.set(qd);
      }
    }
  }

  /**
   * The encoder of a run's latest checkpoint (with its settings and epoch records), for evaluation.
   *
   * @throws IllegalArgumentException when the run has no checkpoint or is not an image recipe's
   */
  public static Trained load(RunDirectory run) {
    Config c = Config.fromMap(run.config());
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

  private static List<Parameter> allParameters(Encoder e) {
    List<Parameter> out = new ArrayList<>();
    for (ai.djl.util.Pair<String, Parameter> p : e.network().getParameters()) {
      out.add(p.getValue());
    }
    return out;
  }

  private static void copy(Encoder from, Encoder to) {
    List<Parameter> a = allParameters(from);
    List<Parameter> b = allParameters(to);
    for (int i = 0; i < a.size(); i++) {
      a.get(i).getArray().copyTo(b.get(i).getArray());
    }
  }
}
