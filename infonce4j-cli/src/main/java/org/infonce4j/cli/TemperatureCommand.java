package org.infonce4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.infonce4j.Matrix;
import org.infonce4j.data.FashionMnist;
import org.infonce4j.djl.Encoder;
import org.infonce4j.djl.Evaluation;
import org.infonce4j.djl.Pretraining;
import org.infonce4j.djl.PretrainingConfig;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.io.Npy;
import org.infonce4j.loss.TemperatureProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code infonce4j temperature}: what tau does to which negatives matter; optionally a SimCLR sweep over tau. */
@Command(name = "temperature", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"What the temperature does to which negatives matter, on embeddings (--anchors/--positives .npy, row i's positive",
        "is row i, the other rows its negatives) or synthetic clusters: per tau the entropy of the negatives' soft-max weights,",
        "the share of their gradient on the hardest k, and the check that the positive is pulled as hard as the negatives push.",
        "--sweep-simclr trains SimCLR once per tau (the options of 'simclr' apply) and plots kNN accuracy against tau."})
final class TemperatureCommand implements Callable<Integer>, ImageRecipe.Defaults {
  @Spec
  CommandSpec spec;

  @Option(names = "--taus", split = ",", paramLabel = "TAU", description = "Temperatures (default: 0.02,0.05,0.1,0.2,0.5,1,2).")
  List<Double> taus;

  @Option(names = "--anchors", paramLabel = "FILE", description = "N x d anchors (.npy).")
  Path anchors;

  @Option(names = "--positives", paramLabel = "FILE", description = "N x d positives (.npy), row i the positive of anchor i.")
  Path positives;

  /** The probe compares all pairs: 100,000 is already 10^10 similarities. */
  static final int MAX_PAIRS = 100_000;
  static final int MAX_DIM = 65_536;

  @Option(names = "--pairs", paramLabel = "N", description = "Synthetic pairs when no files are given (default: 2000).")
  int pairs = 2000;

  @Option(names = "--clusters", paramLabel = "C", description = "Synthetic clusters (default: 20).")
  int clusters = 20;

  @Option(names = "--dim", paramLabel = "D", description = "Synthetic dimension (default: 64).")
  int dim = 64;

  @Option(names = "--noise", paramLabel = "S", description = "Synthetic noise around each cluster centre, relative to the centre's length (default: 0.8).")
  double noise = 0.8;

  @Option(names = "--hardest", paramLabel = "K", description = "How many hardest negatives' share to report (default: 10).")
  int hardest = 10;

  @Option(names = "--sweep-simclr", description = "Also train SimCLR once per tau on Fashion-MNIST and report kNN accuracy per tau.")
  boolean sweep;

  @Mixin
  ImageRecipe.Options options;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    double[] ts = (taus == null ? List.of(0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0) : taus).stream().mapToDouble(Double::doubleValue).toArray();
    Path dir = options.run.dir("temperature");
    Matrix[] pair;
    String source;
    if (anchors != null || positives != null) {
      if (anchors == null || positives == null) throw new IllegalArgumentException("--anchors and --positives go together");
      pair = new Matrix[] {Npy.readMatrix(anchors), Npy.readMatrix(positives)};
      source = anchors + " / " + positives;
    } else {
      if (pairs < 2 || pairs > MAX_PAIRS || dim < 1 || dim > MAX_DIM || clusters < 1 || clusters > pairs) {
        throw new IllegalArgumentException("--pairs must lie in 2.." + MAX_PAIRS + " (every pair is compared with every other), --dim in 1.." + MAX_DIM
            + " and --clusters in 1..--pairs; got " + pairs + ", " + dim + ", " + clusters);
      }
      long seed = options.seed.value;
      pair = TemperatureProbe.clusters(pairs, dim, clusters, noise, seed);
      source = String.format(Locale.ROOT, "synthetic: %d pairs, %d clusters in %d dimensions, noise %.2f, seed %d", pairs, clusters, dim, noise, seed);
    }
    List<TemperatureProbe.Row> rows = TemperatureProbe.probe(pair[0], pair[1], ts, Math.min(hardest, pair[0].rows() - 1));
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(dir + ": cannot create the output directory: " + e.getMessage(), e);
    }
    o.println("embeddings: " + source + " (N = " + pair[0].rows() + ", " + (pair[0].rows() - 1) + " negatives per anchor)");
    o.println(String.format(Locale.ROOT, "%8s %9s %9s %15s %12s %12s %12s", "tau", "loss", "MI bound", "entropy/max", "hardest " + rows.get(0).hardest(),
        "pos. weight", "|pos - neg|"));
    double[] x = new double[rows.size()];
    double[] ent = new double[rows.size()];
    double[] hard = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      TemperatureProbe.Row r = rows.get(i);
      o.println(String.format(Locale.ROOT, "%8.3f %9.4f %9.4f %15.4f %11.2f%% %12.4f %12.1e", r.temperature(), r.loss(), r.miBound(),
          r.negativeEntropy() / r.maxNegativeEntropy(), 100 * r.hardestShare(), r.positiveWeight(), r.balanceError()));
      x[i] = r.temperature();
      ent[i] = r.negativeEntropy() / r.maxNegativeEntropy();
      hard[i] = r.hardestShare();
    }
    double uniform = rows.get(0).hardest() / (double) (pair[0].rows() - 1);
    o.println(String.format(Locale.ROOT, "(uniform weights would give the hardest %d a share of %.2f%%)", rows.get(0).hardest(), 100 * uniform));
    Report report = new Report(dir, "temperature", spec);
    Map<String, Object> m = report.metrics();
    m.put("source", source);
    m.put("pairs", pair[0].rows());
    m.put("rows", rows.stream().map(TemperatureCommand::toMap).toList());
    double[] flat = new double[rows.size()];
    java.util.Arrays.fill(flat, uniform);
    report.plot("temperature.png", new LinePlot("What the temperature does to the negatives (" + pair[0].rows() + " pairs)", "temperature tau", "share")
        .logX()
        .add("entropy of negatives' weights / log(#negatives)", x, ent)
        .add("share of the negatives' gradient on the hardest " + rows.get(0).hardest(), x, hard)
        .add("hardest-" + rows.get(0).hardest() + " share under uniform weights", x, flat, 1, true));
    if (sweep) {
      m.put("simclr_sweep", simclrSweep(ts, dir, report));
    }
    report.write("temperature.json", o);
    return 0;
  }

  private static Map<String, Object> toMap(TemperatureProbe.Row r) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("temperature", r.temperature());
    m.put("loss", r.loss());
    m.put("mi_bound", r.miBound());
    m.put("negative_entropy", r.negativeEntropy());
    m.put("max_negative_entropy", r.maxNegativeEntropy());
    m.put("hardest_k", r.hardest());
    m.put("hardest_share", r.hardestShare());
    m.put("positive_weight", r.positiveWeight());
    m.put("negative_weight_sum", r.negativeWeight());
    m.put("balance_error", r.balanceError());
    return m;
  }

  /** One SimCLR run per tau (each resumable under dir/simclr-tau-T), kNN on the full bank after training. */
  private List<Map<String, Object>> simclrSweep(double[] ts, Path dir, Report report) {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ImageRecipe r = new ImageRecipe(o, err);
    FashionMnist data = FashionMnist.load(options.data);
    List<Map<String, Object>> points = new ArrayList<>();
    double[] knn = new double[ts.length];
    for (int i = 0; i < ts.length; i++) {
      PretrainingConfig base = options.config(Pretraining.Method.SIMCLR, null, null);
      PretrainingConfig c = base.withTemperature(ts[i]);
      String label = String.format(Locale.ROOT, "simclr tau=%s", ts[i]);
      RunDirectory run = RunOptions.startOrContinue(dir.resolve(String.format(Locale.ROOT, "simclr-tau-%s", ts[i])), label, c.toMap(), err);
      Pretraining.Trained t = r.train(label, c, data, run, false);
      try (Encoder enc = t.encoder()) {
        knn[i] = Evaluation.knn(enc, data, c.threads());
      }
      Map<String, Object> p = new java.util.LinkedHashMap<>();
      p.put("temperature", ts[i]);
      p.put("knn_accuracy", knn[i]);
      p.put("epochs", c.epochs());
      p.put("images", c.images());
      p.put("training_seconds", t.epochs().stream().mapToDouble(Pretraining.EpochLog::seconds).sum());
      points.add(p);
      err.println(String.format(Locale.ROOT, "simclr tau=%s: kNN %.2f%%", ts[i], 100 * knn[i]));
    }
    report.plot("sweep.png", new LinePlot("SimCLR on Fashion-MNIST: kNN accuracy against the temperature", "temperature tau", "kNN accuracy (k=200)")
        .logX().add("kNN accuracy", ts, knn));
    o.println(String.format(Locale.ROOT, "%8s %10s", "tau", "kNN"));
    for (int i = 0; i < ts.length; i++) o.println(String.format(Locale.ROOT, "%8.3f %9.2f%%", ts[i], 100 * knn[i]));
    return points;
  }
}
