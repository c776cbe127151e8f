package org.infonce4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.infonce4j.data.FashionMnist;
import org.infonce4j.djl.DjlEnvironment;
import org.infonce4j.djl.Encoder;
import org.infonce4j.djl.Evaluation;
import org.infonce4j.djl.Optimizer;
import org.infonce4j.djl.Pretraining;
import org.infonce4j.djl.PretrainingConfig;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * What the image recipes ({@code simclr}, {@code moco}) share: the options, training with a
 * progress bar into a run directory, the evaluation of the encoder beside the baselines, the report
 * ({@code metrics.json}, {@code loss.png}, {@code accuracy.png}) and the table printed at the end.
 */
final class ImageRecipe {

  /** Training images of the per-epoch kNN monitor's memory bank. */
  static final int MONITOR_BANK = 10_000;

  /** The image recipes' {@code --seed} and {@code --threads} defaults: those of their configuration. */
  interface Defaults extends EngineOptions.Defaults {
    @Override
    default long defaultSeed() {
      return PretrainingConfig.defaults(Pretraining.Method.SIMCLR).seed();
    }

    @Override
    default int defaultThreads() {
      return PretrainingConfig.defaults(Pretraining.Method.SIMCLR).threads();
    }
  }

  /** The options of every image recipe (a picocli mixin). */
  static final class Options {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = FashionMnist.DEFAULT_DIR,
        description = "Fashion-MNIST IDX files, plain or .gz (default: ${DEFAULT-VALUE}, Debian package dataset-fashion-mnist).")
    Path data;

    @Mixin
    RunOptions run;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training images (default: 3).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", description = "Images per step (default: 256).")
    Integer batch;

    @Option(names = "--temperature", paramLabel = "T",
        description = "InfoNCE temperature (default: 0.2; the SimCLR paper used 0.5 with its much longer training).")
    Double temperature;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: see --optimizer).")
    Double lr;

    @Option(names = "--momentum", paramLabel = "M", description = "SGD and LARS momentum (default: 0.9; AdamW uses betas 0.9 and 0.999).")
    Double momentum;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Weight decay on weight tensors (default: see --optimizer).")
    Double weightDecay;

    @Option(names = "--optimizer", paramLabel = "sgd|lars|adamw",
        description = "AdamW, SGD with momentum or LARS (per-layer trust ratio) (default: adamw with --lr 3e-3 --weight-decay 0.01; "
            + "sgd and lars default to --lr 0.3 --weight-decay 1e-4).")
    String optimizer;

    @Option(names = "--warmup", paramLabel = "EPOCHS", description = "Linear warm-up, in epochs (default: 0.2).")
    Double warmup;

    @Option(names = "--width", paramLabel = "W", description = "Encoder width; features are 4 x W (default: 32).")
    Integer width;

    @Option(names = "--blocks", paramLabel = "B", description = "Residual blocks per stage (default: 1).")
    Integer blocks;

    @Option(names = "--stem-stride", paramLabel = "S",
        description = "Stride of the first convolution: 2 starts the stages at 14x14, a quarter of the arithmetic (default: 2).")
    Integer stemStride;

    @Option(names = "--projection", paramLabel = "D", description = "Projection head output size (default: 128).")
    Integer projection;

    @Option(names = "--min-crop", paramLabel = "S", description = "Smallest random crop, as a share of the image area (default: 0.2).")
    Double minCrop;

    @Option(names = "--jitter", paramLabel = "J", description = "Brightness and contrast jitter: factors in [1-J, 1+J] (default: 0.4).")
    Double jitter;

    @Option(names = "--view-size", paramLabel = "PX",
        description = "Side of the training views: each random crop is resized to PX x PX (8 to 56; default: 28). 20 halves the arithmetic "
            + "of a step; evaluation still sees whole 28x28 images.")
    Integer viewSize;

    @Option(names = "--images", paramLabel = "N", description = "Train on the first N training images only (default: all).")
    Integer images;

    @Mixin
    EngineOptions.Seed seed;

    @Mixin
    EngineOptions.Threads threads;

    @Option(names = "--core-loss", description = "Compute the loss with the core engine (tiled, pure Java) instead of DJL operations.")
    boolean coreLoss;

    @Option(names = "--baselines", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Also evaluate raw pixels, the encoder at random initialisation and the supervised encoder (default: on).")
    boolean baselines;

    @Option(names = "--eval", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Evaluate after training (default: on; without it, evaluate later with 'infonce4j eval --run RUNDIR').")
    boolean eval;

    @Option(names = "--supervised-epochs", paramLabel = "N", description = "Epochs of the supervised baseline (default: --epochs).")
    Integer supervisedEpochs;

    @Option(names = "--monitor", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "kNN accuracy after every epoch (memory bank: 10000 training images), for the accuracy curve (default: on).")
    boolean monitor;

    /** The recipe's defaults with the given options applied. */
    PretrainingConfig config(Pretraining.Method method, Integer queue, Double keyMomentum) {
      PretrainingConfig d = PretrainingConfig.defaults(method);
      Optimizer.Kind kind = d.optimizer();
      if (optimizer != null) {
        try {
          kind = Optimizer.Kind.valueOf(optimizer.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--optimizer must be sgd, lars or adamw, got '" + optimizer + "'");
        }
      }
      boolean same = kind == d.optimizer();
      return new PretrainingConfig(method, or(epochs, d.epochs()), or(batch, d.batch()), or(temperature, d.temperature()),
          or(lr, same ? d.lr() : PretrainingConfig.defaultLr(kind)),
          or(momentum, d.momentum()), or(weightDecay, same ? d.weightDecay() : PretrainingConfig.defaultWeightDecay(kind)), kind, or(warmup, d.warmupEpochs()),
          or(width, d.width()),
          or(blocks, d.blocks()), or(projection, d.projection()), or(queue, d.queue()), or(keyMomentum, d.keyMomentum()),
          or(images, d.images()), seed.value, threads.value(), coreLoss, or(minCrop, d.minCrop()), or(jitter, d.jitter()),
          or(stemStride, d.stemStride()), or(viewSize, d.viewSize()));
    }
  }

  /** {@code given}, or {@code fallback} when the option was not given. */
  static <T> T or(T given, T fallback) {
    return given != null ? given : fallback;
  }

  private final PrintWriter out;
  private final PrintWriter err;

  ImageRecipe(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Trains {@code c} in {@code run} (after its latest checkpoint, if any) with a progress bar.
   *
   * @param label what the progress line calls this run
   */
  Pretraining.Trained train(String label, PretrainingConfig c, FashionMnist data, RunDirectory run, boolean monitor) {
    ProgressBar bar = new ProgressBar(err, "img", 500);
    Training.Listener<Pretraining.EpochLog> progress = s -> {
      if (s.step() == 1) {
        bar.start(String.format(Locale.ROOT, "%s epoch %d/%d", label, s.unit(), c.epochs()), s.steps() * c.batch(), 0);
      }
      bar.update(s.step() * c.batch(), s.loss());
      if (s.step() == s.steps()) {
        bar.finish();
      }
    };
    var mon = monitor ? Evaluation.monitor(data, MONITOR_BANK, c.threads()) : null;
    java.util.function.ToDoubleFunction<Encoder> reporting = mon == null ? null : enc -> {
      double a = mon.applyAsDouble(enc);
      err.println(String.format(Locale.ROOT, "%s: kNN accuracy (10k bank) %.2f%%", label, 100 * a));
      err.flush();
      return a;
    };
    // --images and a batch larger than the images are Pretraining's to apply and to refuse.
    return Pretraining.train(c, data.train(), run, progress, reporting);
  }

  /** Evaluates the trained encoder and (optionally) the baselines; prints the table; returns the rows. */
  List<Evaluation.Scores> evaluate(String name, Encoder enc, PretrainingConfig c, FashionMnist data, boolean baselines,
      Integer supervisedEpochs, Path dir) {
    List<Evaluation.Scores> rows = new ArrayList<>();
    err.println("evaluating " + name + " (kNN k=200 t=0.07 and a linear probe, on the 10000 test images) ...");
    err.flush();
    rows.add(Evaluation.encoder(name, enc, data, c.threads()));
    if (baselines) {
      err.println("evaluating the baselines: raw pixels, random initialisation, supervised ...");
      err.flush();
      rows.add(Evaluation.rawPixels(data, c.threads()));
      try (Encoder random = Pretraining.initial(c)) {
        rows.add(Evaluation.encoder("random init", random, data, c.threads()));
      }
      PretrainingConfig sup = c.withMethod(Pretraining.Method.SUPERVISED).withEpochs(supervisedEpochs != null ? supervisedEpochs : c.epochs());
      Pretraining.Trained s = train("supervised", sup, data, RunOptions.startOrContinue(dir.resolve("supervised"), "supervised", sup.toMap(), err), false);
      try (Encoder e = s.encoder()) {
        rows.add(Evaluation.encoder("supervised (" + sup.epochs() + " ep)", e, data, c.threads()));
      }
    }
    printTable(rows);
    return rows;
  }

  /** Writes metrics.json, loss.png and accuracy.png of a finished run. */
  void report(CommandSpec spec, RunDirectory run, PretrainingConfig c, Pretraining.Trained t, List<Evaluation.Scores> rows) {
    Report report = new Report(run.dir(), c.method().name().toLowerCase(Locale.ROOT), spec);
    Map<String, Object> m = report.metrics();
    m.put("engine", DjlEnvironment.description());
    m.put("config", c.toMap());
    double seconds = 0;
    for (Pretraining.EpochLog e : t.epochs()) {
      seconds += e.seconds();
    }
    m.put("training_seconds", seconds);
    m.put("images_per_second", t.epochs().isEmpty() ? null : t.epochs().get(t.epochs().size() - 1).imagesPerSecond());
    m.put("encoder_parameters", t.encoder().encoderParameters());
    m.put("epochs", t.epochs().stream().map(e -> {
      Map<String, Object> x = e.toMap();
      x.remove("trace");
      return x;
    }).toList());
    m.put("evaluation", rows.stream().map(Evaluation.Scores::toMap).toList());
    report.plot("loss.png", trainingLoss(c.method().name().toLowerCase(Locale.ROOT), t.epochs()));
    LinePlot acc = new LinePlot(c.method().name().toLowerCase(Locale.ROOT) + ": test accuracy (final scores: circles kNN, diamonds linear probe)",
        "epoch", "accuracy").wholeX();
    int epochs = t.epochs().size();
    double[] x = new double[epochs];
    double[] y = new double[epochs];
    for (int i = 0; i < epochs; i++) {
      x[i] = t.epochs().get(i).epoch();
      y[i] = t.epochs().get(i).monitor();
    }
    acc.add("kNN, 10k bank (per epoch)", x, y);
    double[] end = {Math.max(1, epochs)};
    for (int i = 0; i < rows.size(); i++) {
      Evaluation.Scores s = rows.get(i);
      acc.points(s.name() + " kNN", end, new double[] {s.knn()}, i + 1, false);
      acc.points(s.name() + " linear probe", end, new double[] {s.linear()}, i + 1, true);
    }
    report.plot("accuracy.png", acc).write("metrics.json", out);
  }

  /** The training loss of every epoch's windows of {@link Pretraining#TRACE_WINDOW} steps. */
  static LinePlot trainingLoss(String label, List<Pretraining.EpochLog> epochs) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Pretraining.EpochLog e : epochs) {
      int k = e.trace().length;
      for (int i = 0; i < k; i++) {
        xs.add(e.epoch() - 1 + (i + 0.5) / k);
        ys.add(e.trace()[i]);
      }
    }
    return new LinePlot(label + ": training loss", "epoch", "loss").wholeX()
        .add("loss (mean of " + Pretraining.TRACE_WINDOW + " steps)", xs.stream().mapToDouble(Double::doubleValue).toArray(),
            ys.stream().mapToDouble(Double::doubleValue).toArray());
  }

  void printTable(List<Evaluation.Scores> rows) {
    out.println(String.format(Locale.ROOT, "%-26s %8s %8s %10s %10s", "representation", "kNN", "linear", "alignment", "uniformity"));
    for (Evaluation.Scores s : rows) {
      out.println(String.format(Locale.ROOT, "%-26s %7.2f%% %7.2f%% %10.3f %10.3f", s.name(), 100 * s.knn(), 100 * s.linear(), s.alignment(),
          s.uniformity()));
    }
    out.flush();
  }
}
