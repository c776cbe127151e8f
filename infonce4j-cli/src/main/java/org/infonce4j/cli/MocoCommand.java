package org.infonce4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.infonce4j.data.FashionMnist;
import org.infonce4j.djl.Encoder;
import org.infonce4j.djl.Evaluation;
import org.infonce4j.djl.Pretraining;
import org.infonce4j.djl.PretrainingConfig;
import org.infonce4j.djl.train.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code infonce4j moco}: MoCo v2 on Fashion-MNIST, or the sweep over the queue length. */
@Command(name = "moco", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"MoCo v2 on Fashion-MNIST: a momentum key encoder and a FIFO queue of K past keys as negatives.",
        "Trains into a run directory (checkpoint every epoch, --resume), then evaluates as simclr does.",
        "--sweep-queue K1,K2,... trains one run per K at the same budget and plots kNN accuracy against K."})
final class MocoCommand implements Callable<Integer>, ImageRecipe.Defaults {
  @Spec
  CommandSpec spec;

  @Mixin
  ImageRecipe.Options options;

  @Option(names = "--queue", paramLabel = "K", description = "Queue length K, need not divide the batch (default: 4096).")
  Integer queue;

  @Option(names = "--key-momentum", paramLabel = "M", description = "EMA momentum of the key encoder (default: 0.99).")
  Double keyMomentum;

  @Option(names = "--sweep-queue", split = ",", paramLabel = "K", description = "Train and evaluate one run per queue length, e.g. 16,256,4096,16384.")
  List<Integer> sweep;

  @Override
  public Integer call() {
    PretrainingConfig c = options.config(Pretraining.Method.MOCO, queue, keyMomentum);
    if (sweep == null || sweep.isEmpty()) {
      return SimclrCommand.run(spec, options, c, "moco");
    }
    return sweep(c);
  }

  /** One run per K under out/queue-K (each resumable); kNN and linear accuracy against K. */
  private int sweep(PretrainingConfig base) {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    ImageRecipe r = new ImageRecipe(out, err);
    FashionMnist data = FashionMnist.load(options.data);
    Path dir = options.run.dir("moco-sweep");
    if (java.nio.file.Files.exists(dir) && !options.run.resume) {
      throw new IllegalArgumentException(dir + " already exists; pass --resume to continue the sweep in it, or choose another --out directory");
    }
    err.println("moco queue sweep: run directory " + dir);
    List<Map<String, Object>> points = new ArrayList<>();
    List<Evaluation.Scores> rows = new ArrayList<>();
    double[] ks = new double[sweep.size()];
    double[] knn = new double[sweep.size()];
    double[] linear = new double[sweep.size()];
    for (int i = 0; i < sweep.size(); i++) {
      int k = sweep.get(i);
      PretrainingConfig c = base.withQueue(k);
      RunDirectory run = RunOptions.startOrContinue(dir.resolve("queue-" + k), "moco K=" + k, c.toMap(), err);
      Pretraining.Trained t = r.train("moco K=" + k, c, data, run, options.monitor);
      try (Encoder enc = t.encoder()) {
        Evaluation.Scores s = Evaluation.encoder("moco K=" + k, enc, data, c.threads());
        rows.add(s);
        r.report(spec, run, c, t, List.of(s));
        Map<String, Object> p = s.toMap();
        p.put("queue", k);
        p.put("training_seconds", t.epochs().stream().mapToDouble(Pretraining.EpochLog::seconds).sum());
        points.add(p);
        ks[i] = k;
        knn[i] = s.knn();
        linear[i] = s.linear();
      }
      err.println(String.format(Locale.ROOT, "moco K=%d: kNN %.2f%%, linear %.2f%%", k, 100 * knn[i], 100 * linear[i]));
    }
    r.printTable(rows);
    new Report(dir, "moco-queue-sweep", spec).put("config", base.toMap()).put("points", points)
        .plot("sweep.png", new LinePlot("MoCo on Fashion-MNIST: accuracy against the number of negatives (" + base.epochs() + " epochs each)",
            "queue length K", "test accuracy").logX().add("kNN (k=200)", ks, knn).add("linear probe", ks, linear))
        .write("sweep.json", out);
    return 0;
  }
}
