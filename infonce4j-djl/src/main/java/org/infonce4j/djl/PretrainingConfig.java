package org.infonce4j.djl;

import java.util.Locale;
import java.util.Map;
import org.infonce4j.data.Augment;
import org.infonce4j.data.FashionMnist;

/**
 * The settings of an image recipe ({@link Pretraining}: SimCLR, MoCo or the supervised baseline), as
 * stored in its {@code config.json}; see {@link #defaults(Pretraining.Method)}.
 *
 * @param method       SimCLR, MoCo or the supervised baseline
 * @param epochs       passes over the training images
 * @param batch        images per step (SimCLR sees 2 x batch views)
 * @param temperature  InfoNCE temperature (the SimCLR paper's 0.5, MoCo v2's 0.2; default 0.2)
 * @param lr           peak learning rate of the optimiser
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
public record PretrainingConfig(Pretraining.Method method, int epochs, int batch, double temperature, double lr, double momentum, double weightDecay,
    Optimizer.Kind optimizer,
    double warmupEpochs, int width, int blocks, int projection, int queue, double keyMomentum, int images, long seed, int threads,
    boolean coreLoss, double minCrop, double jitter, int stemStride, int viewSize) {

  /** Smallest {@link #viewSize}: three stride-2 stages need 8 pixels. */
  public static final int MIN_VIEW = 8;
  /** Largest {@link #viewSize}: twice the image's side. */
  public static final int MAX_VIEW = 56;

  /**
   * Checks the settings.
   *
   * @param method       SimCLR, MoCo or the supervised baseline
   * @param epochs       passes over the training images, at least 1
   * @param batch        images per step, at least 2
   * @param temperature  InfoNCE temperature, positive
   * @param lr           peak learning rate, positive
   * @param momentum     SGD and LARS momentum, in [0, 1)
   * @param weightDecay  weight decay on weight tensors, at least 0
   * @param optimizer    SGD with momentum, LARS or AdamW
   * @param warmupEpochs linear warm-up length in epochs, at least 0
   * @param width        encoder width, at least 1
   * @param blocks       residual blocks per stage, at least 1
   * @param projection   output size of the head, at least 1
   * @param queue        MoCo's queue length K, at least 1
   * @param keyMomentum  MoCo's key-encoder EMA momentum, in [0, 1)
   * @param images       training images used, 0 for all
   * @param seed         seed of initialisation, shuffling and augmentation
   * @param threads      PyTorch intra-op threads, at least 1
   * @param coreLoss     compute the loss with the core engine
   * @param minCrop      smallest random-crop area share, in (0, 1]
   * @param jitter       brightness and contrast jitter, in [0, 1)
   * @param stemStride   stride of the encoder's first convolution, 1 or 2 (checked when the encoder
   *                     is built)
   * @param viewSize     side of the training views, in [{@value #MIN_VIEW}, {@value #MAX_VIEW}]
   * @throws IllegalArgumentException when a value is out of range
   */
  public PretrainingConfig {
    if (viewSize < MIN_VIEW || viewSize > MAX_VIEW) {
      throw new IllegalArgumentException("view size must be in [" + MIN_VIEW + ", " + MAX_VIEW + "] pixels, got " + viewSize);
    }
    if (!(minCrop > 0 && minCrop <= 1) || !(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("minimum crop in (0, 1] and jitter in [0, 1) required, got " + minCrop + " and " + jitter);
    }
    // Upper bounds far past any sensible run, so that a typing error is named before a network of it is allocated.
    within("epochs", epochs, 1, 100_000);
    within("batch", batch, 2, 65_536);
    within("width", width, 1, 1024);
    within("blocks", blocks, 1, 64);
    within("projection", projection, 1, 65_536);
    within("threads", threads, 1, 1024);
    within("queue", queue, 1, 1 << 20);
    within("images", images, 0, Integer.MAX_VALUE);
    if (!(temperature > 0) || !(lr > 0) || !(momentum >= 0 && momentum < 1) || !(weightDecay >= 0) || !(warmupEpochs >= 0)
        || !(keyMomentum >= 0 && keyMomentum < 1)) {
      throw new IllegalArgumentException("temperature > 0, lr > 0, momentum and key momentum in [0, 1), weight decay and warm-up >= 0 required");
    }
  }

  private static void within(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must lie in " + min + ".." + max + ", got " + value);
    }
  }

  /**
   * The settings stored by {@link #toMap()} (a run's config.json).
   *
   * @param m the stored settings; without {@code stem_stride} or {@code view_size} (older runs) 1 and
   *     28
   * @return the settings
   * @throws IllegalArgumentException when {@code m} is not an image recipe's settings
   */
  public static PretrainingConfig fromMap(Map<String, Object> m) {
    try {
      return new PretrainingConfig(Pretraining.Method.valueOf(((String) m.get("recipe")).toUpperCase(Locale.ROOT)), integer(m, "epochs"), integer(m, "batch"),
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

  /**
   * Settings with the image's own view size (28).
   *
   * @param method       SimCLR, MoCo or the supervised baseline
   * @param epochs       passes over the training images, at least 1
   * @param batch        images per step, at least 2
   * @param temperature  InfoNCE temperature, positive
   * @param lr           peak learning rate, positive
   * @param momentum     SGD and LARS momentum, in [0, 1)
   * @param weightDecay  weight decay on weight tensors, at least 0
   * @param optimizer    SGD with momentum, LARS or AdamW
   * @param warmupEpochs linear warm-up length in epochs, at least 0
   * @param width        encoder width, at least 1
   * @param blocks       residual blocks per stage, at least 1
   * @param projection   output size of the head, at least 1
   * @param queue        MoCo's queue length K, at least 1
   * @param keyMomentum  MoCo's key-encoder EMA momentum, in [0, 1)
   * @param images       training images used, 0 for all
   * @param seed         seed of initialisation, shuffling and augmentation
   * @param threads      PyTorch intra-op threads, at least 1
   * @param coreLoss     compute the loss with the core engine
   * @param minCrop      smallest random-crop area share, in (0, 1]
   * @param jitter       brightness and contrast jitter, in [0, 1)
   * @param stemStride   stride of the encoder's first convolution, 1 or 2 (checked when the encoder
   *                     is built)
   * @throws IllegalArgumentException when a value is out of range
   */
  public PretrainingConfig(Pretraining.Method method, int epochs, int batch, double temperature, double lr, double momentum, double weightDecay,
      Optimizer.Kind optimizer,
      double warmupEpochs, int width, int blocks, int projection, int queue, double keyMomentum, int images, long seed, int threads,
      boolean coreLoss, double minCrop, double jitter, int stemStride) {
    this(method, epochs, batch, temperature, lr, momentum, weightDecay, optimizer, warmupEpochs, width, blocks, projection, queue, keyMomentum,
        images, seed, threads, coreLoss, minCrop, jitter, stemStride, FashionMnist.SIDE);
  }

  /**
   * The same shape, data and seed for another method: that method's temperature, learning rate and
   * optimiser; the supervised baseline also gets its classifier head and full-size views.
   *
   * @param m the other method
   * @return the new settings
   */
  public PretrainingConfig withMethod(Pretraining.Method m) {
    PretrainingConfig d = defaults(m);
    boolean sup = m == Pretraining.Method.SUPERVISED;
    return new PretrainingConfig(m, epochs, batch, d.temperature, d.lr, momentum, d.weightDecay, d.optimizer, warmupEpochs, width, blocks,
        sup ? d.projection : projection, queue, keyMomentum, images, seed, threads, coreLoss, minCrop, jitter, stemStride, sup ? d.viewSize : viewSize);
  }

  /**
   * The same settings with other epochs.
   *
   * @param e passes over the training images, at least 1
   * @return the new settings
   */
  public PretrainingConfig withEpochs(int e) {
    return new PretrainingConfig(method, e, batch, temperature, lr, momentum, weightDecay, optimizer, warmupEpochs, width, blocks, projection, queue,
        keyMomentum, images, seed, threads, coreLoss, minCrop, jitter, stemStride, viewSize);
  }

  /**
   * The same settings with another temperature (the temperature sweep).
   *
   * @param t the InfoNCE temperature, positive
   * @return the new settings
   */
  public PretrainingConfig withTemperature(double t) {
    return new PretrainingConfig(method, epochs, batch, t, lr, momentum, weightDecay, optimizer, warmupEpochs, width, blocks, projection, queue,
        keyMomentum, images, seed, threads, coreLoss, minCrop, jitter, stemStride, viewSize);
  }

  /**
   * The same settings with another queue length.
   *
   * @param k MoCo's queue length, at least 1
   * @return the new settings
   */
  public PretrainingConfig withQueue(int k) {
    return new PretrainingConfig(method, epochs, batch, temperature, lr, momentum, weightDecay, optimizer, warmupEpochs, width, blocks, projection, k,
        keyMomentum, images, seed, threads, coreLoss, minCrop, jitter, stemStride, viewSize);
  }

  /**
   * The settings as a JSON-ready map (written to the run's config.json).
   *
   * @return the settings by name (snake case), the method as {@code "recipe"}, in a fixed order
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
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

  /** Default augmentation: crops of 20% to 100% of the image, brightness and contrast factors in [0.6, 1.4]. */
  public static final double MIN_CROP = 0.2;

  /** Default brightness and contrast jitter: factors in [0.6, 1.4]. */
  public static final double JITTER = 0.4;

  /** Default stride of the encoder's stem (see {@link Networks#encoder}). */
  public static final int STEM_STRIDE = 2;

  /**
   * The default learning rate of an optimiser: AdamW 3e-3; SGD and LARS 0.3 (SimCLR's, at batch 256).
   *
   * @param kind the optimiser
   * @return its default learning rate
   */
  public static double defaultLr(Optimizer.Kind kind) {
    return kind == Optimizer.Kind.ADAMW ? 3e-3 : 0.3;
  }

  /**
   * The default weight decay of an optimiser: AdamW 1e-2 (decoupled); SGD and LARS 1e-4.
   *
   * @param kind the optimiser
   * @return its default weight decay
   */
  public static double defaultWeightDecay(Optimizer.Kind kind) {
    return kind == Optimizer.Kind.ADAMW ? 1e-2 : 1e-4;
  }

  /**
   * Defaults that train in a few minutes per epoch on two cores: 3 epochs, batch 256, width 32, one
   * block per stage, stem stride 2, 28-pixel views, warm-up 0.2 epochs, seed 42, threads the
   * available processors. SimCLR and MoCo: temperature 0.2, AdamW 3e-3 with weight decay 1e-2,
   * projection 128, queue 4096, key momentum 0.99. Supervised: SGD 0.1 with weight decay 5e-4 and
   * a 10-class linear head.
   *
   * @param method the training method
   * @return the default settings
   */
  public static PretrainingConfig defaults(Pretraining.Method method) {
    return switch (method) {
      case SIMCLR -> new PretrainingConfig(method, 3, 256, 0.2, defaultLr(Optimizer.Kind.ADAMW), 0.9, defaultWeightDecay(Optimizer.Kind.ADAMW),
          Optimizer.Kind.ADAMW, 0.2, 32, 1, 128, 4096, 0.99, 0, 42, Runtime.getRuntime().availableProcessors(), false, MIN_CROP, JITTER,
          STEM_STRIDE);
      case MOCO -> new PretrainingConfig(method, 3, 256, 0.2, defaultLr(Optimizer.Kind.ADAMW), 0.9, defaultWeightDecay(Optimizer.Kind.ADAMW),
          Optimizer.Kind.ADAMW, 0.2, 32, 1, 128, 4096, 0.99, 0, 42, Runtime.getRuntime().availableProcessors(), false, MIN_CROP, JITTER,
          STEM_STRIDE);
      case SUPERVISED -> new PretrainingConfig(method, 3, 256, 1, 0.1, 0.9, 5e-4, Optimizer.Kind.SGD, 0.2, 32, 1, 10, 4096, 0.99, 0, 42,
          Runtime.getRuntime().availableProcessors(), false, MIN_CROP, JITTER, STEM_STRIDE);
    };
  }
}
