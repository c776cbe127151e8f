package org.infonce4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.infonce4j.djl.DjlEnvironment;
import org.infonce4j.djl.MiStaircase;
import org.infonce4j.io.Npy;
import org.infonce4j.io.NpyArray;
import org.infonce4j.mi.MiEstimator;
import org.infonce4j.djl.train.Json;
import org.infonce4j.djl.train.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code infonce4j mi}: the estimators on a score matrix, or Poole et al.'s staircase. */
@Command(name = "mi", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Mutual-information lower bounds (InfoNCE, NWJ, DV/MINE).",
        "--staircase trains a critic per estimator on correlated Gaussians whose true MI steps through 2..10 nats",
        "(Poole et al. 2019) and plots every estimate against the truth and log(batch);",
        "--scores FILE.npy reads an n x n critic score matrix (joint pairs on the diagonal) and prints every estimate."})
final class MiCommand implements Callable<Integer>, EngineOptions.Defaults {
  @Spec
  CommandSpec spec;

  @Option(names = "--staircase", description = "Run the correlated-Gaussians staircase (the default when --scores is not given).")
  boolean staircase;

  @Option(names = "--scores", paramLabel = "FILE", description = "An n x n .npy score matrix f(x_i, y_j) to read the estimates off.")
  Path scores;

  @Option(names = "--estimators", split = ",", paramLabel = "E", description = "Estimators to train, from infonce, nwj, dv (default: all three).")
  List<String> estimators;

  @Option(names = "--critic", paramLabel = "separable|concat", description = "Critic: g(x).h(y) with two MLPs, or one MLP on [x, y] (default: separable).")
  String critic = "separable";

  @Option(names = "--batch", split = ",", paramLabel = "N", description = "Batch sizes, one staircase each (default: 64,128).")
  List<Integer> batches;

  @Option(names = "--stairs", split = ",", paramLabel = "NATS", description = "True MI of each stair (default: 2,4,6,8,10).")
  List<Double> stairs;

  @Option(names = "--steps", paramLabel = "N", description = "Steps per stair (default: 4000).")
  Integer steps;

  @Option(names = "--dim", paramLabel = "D", description = "Dimension of x and y (default: 20).")
  Integer dim;

  @Option(names = "--lr", paramLabel = "LR", description = "Adam's learning rate (default: 5e-4).")
  Double lr;

  @Mixin
  EngineOptions.Seed seed;

  @Mixin
  EngineOptions.Threads threads;

  @Mixin
  RunOptions runOptions;

  @Override
  public long defaultSeed() {
    return MiStaircase.Config.defaults().seed();
  }

  @Override
  public int defaultThreads() {
    return MiStaircase.Config.defaults().threads();
  }

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    if (scores != null) {
      if (staircase) throw new IllegalArgumentException("choose --staircase or --scores, not both");
      return readScores(o);
    }
    return runStaircase(o, spec.commandLine().getErr());
  }

  private int readScores(PrintWriter o) {
    NpyArray a = Npy.read(scores);
    if (a.ndim() != 2 || a.shape()[0] != a.shape()[1]) {
      throw new IllegalArgumentException(scores + ": expected an n x n score matrix, got shape " + Arrays.toString(a.shape()));
    }
    int n = a.shape()[0];
    double[] f = a.toDoubleArray();
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("file", scores.toString());
    m.put("n", n);
    m.put("log_n", Math.log(n));
    for (MiEstimator e : chosen()) {
      try {
        m.put(e.name().toLowerCase(Locale.ROOT), e.value(f, n));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(scores + ": " + ex.getMessage(), ex);
      }
    }
    o.println(Json.write(m));
    o.flush();
    return 0;
  }

  private List<MiEstimator> chosen() {
    return estimators == null ? List.of(MiEstimator.values()) : estimators.stream().map(MiEstimator::parse).toList();
  }

  private int runStaircase(PrintWriter o, PrintWriter err) {
    MiStaircase.Config d = MiStaircase.Config.defaults();
    MiStaircase.Critic kind = switch (critic.toLowerCase(Locale.ROOT)) {
      case "separable" -> MiStaircase.Critic.SEPARABLE;
      case "concat", "concatenated" -> MiStaircase.Critic.CONCAT;
      default -> throw new IllegalArgumentException("--critic must be separable or concat, got '" + critic + "'");
    };
    double[] st = stairs == null ? d.stairs() : stairs.stream().mapToDouble(Double::doubleValue).toArray();
    List<Integer> bs = batches == null ? List.of(64, 128) : batches;
    Path dir = runOptions.dir("mi");
    DjlEnvironment.start(threads.value());
    err.println("mi staircase: run directory " + dir);
    List<Map<String, Object>> all = new ArrayList<>();
    for (int b : bs) {
      MiStaircase.Config c = new MiStaircase.Config(chosen(), kind, b, dim != null ? dim : d.dim(), st, steps != null ? steps : d.stepsPerStair(),
          lr != null ? lr : d.lr(), d.hidden(), d.embedding(), seed.value, threads.value());
      Path sub = dir.resolve("batch-" + b);
      boolean started = java.nio.file.Files.isRegularFile(sub.resolve("config.json"));
      if (started && !runOptions.resume)
        throw new IllegalArgumentException(sub + " already holds a run; pass --resume to continue it, or choose another --out");
      RunDirectory run = RunOptions.startOrContinue(sub, "mi batch " + b, c.toMap(), err);
      ProgressBar bar = new ProgressBar(err, "steps", 500);
      long[] last = {Long.MAX_VALUE};
      int stairCount = c.stairs().length;
      MiStaircase.Result r = MiStaircase.run(c, run, s -> {
        long step = MiStaircase.stairOf(c, s.unit()) * s.steps() + s.step(); // within the estimator's staircase
        long total = stairCount * s.steps();
        if (step < last[0]) { // a new estimator, or the first step after a resume
          bar.start(String.format(Locale.ROOT, "mi batch %d %s", b, MiStaircase.estimatorOf(c, s.unit()).name().toLowerCase(Locale.ROOT)), total, step - 1);
        }
        last[0] = step;
        bar.update(step, String.format(Locale.ROOT, "true %.0f nats, estimate %.2f", c.stairs()[MiStaircase.stairOf(c, s.unit())], -s.loss()));
        if (step == total) bar.finish();
      });
      all.add(report(o, new Report(run.dir(), "mi-staircase", spec), r));
    }
    if (bs.size() > 1) {
      new Report(dir, "mi-staircase", spec).put("runs", all).write("metrics.json", o);
    }
    return 0;
  }

  /** Table, metrics.json and staircase.png of one batch size. */
  private static Map<String, Object> report(PrintWriter o, Report report, MiStaircase.Result r) {
    MiStaircase.Config c = r.config();
    double logN = Math.log(c.batch());
    double[] truth = c.stairs();
    o.println(String.format(Locale.ROOT, "batch %d (log %d = %.3f nats), %s critic; mean ± std of each stair's last quarter, [the same estimator "
        + "with the optimal critic]:", c.batch(), c.batch(), logN, c.critic().name().toLowerCase(Locale.ROOT)));
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%10s", "true MI"));
    for (MiStaircase.Trace t : r.traces()) head.append(String.format(Locale.ROOT, " %26s", t.estimator().name().toLowerCase(Locale.ROOT)));
    o.println(head);
    for (int s = 0; s < truth.length; s++) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%10.2f", truth[s]));
      for (MiStaircase.Trace t : r.traces()) {
        row.append(String.format(Locale.ROOT, " %8.3f ± %5.3f [%7.3f]", t.stairMean()[s], t.stairStd()[s], t.optimalMean()[s]));
      }
      o.println(row);
    }
    for (MiStaircase.Trace t : r.traces()) {
      if (t.estimator() == MiEstimator.INFONCE) {
        o.println(String.format(Locale.ROOT, "infonce: largest estimate %.4f, log %d = %.4f (the bound cannot exceed it)", t.max(), c.batch(), logN));
      }
    }
    Map<String, Object> m = report.metrics();
    m.put("engine", DjlEnvironment.description());
    m.put("config", c.toMap());
    m.put("log_batch", logN);
    m.put("estimators", r.traces().stream().map(t -> t.toMap(truth)).toList());
    int total = truth.length * c.stepsPerStair();
    double[] x = new double[total];
    double[] tr = new double[total];
    double[] cap = new double[total];
    for (int i = 0; i < total; i++) {
      x[i] = i + 1;
      tr[i] = truth[i / c.stepsPerStair()];
      cap[i] = logN;
    }
    LinePlot plot = new LinePlot("MI estimates, batch " + c.batch() + ", " + c.critic().name().toLowerCase(Locale.ROOT) + " critic (EMA of 200 steps)",
        "training step", "nats");
    int colour = 0;
    for (MiStaircase.Trace t : r.traces()) plot.add(t.estimator().name().toLowerCase(Locale.ROOT), x, LinePlot.ema(t.estimates(), 200), colour++, false);
    plot.add("true MI", x, tr, 7, false).add("log batch", x, cap, 7, true);
    report.plot("staircase.png", plot).write("metrics.json", o);
    return m;
  }
}
