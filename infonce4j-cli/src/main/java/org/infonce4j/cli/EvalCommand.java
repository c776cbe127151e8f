package org.infonce4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

/** {@code infonce4j eval --run RUNDIR}: evaluates the latest checkpoint of an image recipe's run. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluates the encoder of a simclr or moco run (its latest checkpoint) on the Fashion-MNIST test set:",
        "weighted kNN (k=200, t=0.07), linear probe, alignment and uniformity; writes RUNDIR/eval.json."})
final class EvalCommand implements Callable<Integer>, EngineOptions.Defaults {
  @Spec
  CommandSpec spec;

  @Option(names = "--run", required = true, paramLabel = "RUNDIR", description = "The run directory.")
  Path run;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = FashionMnist.DEFAULT_DIR, description = "Fashion-MNIST (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--baselines", description = "Also evaluate raw pixels and the encoder at random initialisation.")
  boolean baselines;

  @Mixin
  EngineOptions.Threads threads;

  @Override
  public int defaultThreads() {
    return EngineOptions.processors();
  }

  @Override
  public Integer call() {
    RunDirectory dir = RunDirectory.open(run);
    Pretraining.Trained t = Pretraining.load(dir);
    PretrainingConfig c = PretrainingConfig.fromMap(dir.config());
    int th = threads.value();
    FashionMnist fm = FashionMnist.load(data);
    List<Evaluation.Scores> rows = new ArrayList<>();
    String name = c.method().name().toLowerCase(Locale.ROOT) + " (" + t.epochs().size() + " ep)";
    try (Encoder enc = t.encoder()) {
      rows.add(Evaluation.encoder(name, enc, fm, th));
    }
    if (baselines) {
      rows.add(Evaluation.rawPixels(fm, th));
      try (Encoder random = Pretraining.initial(c)) {
        rows.add(Evaluation.encoder("random init", random, fm, th));
      }
    }
    new ImageRecipe(spec.commandLine().getOut(), spec.commandLine().getErr()).printTable(rows);
    dir.writeJson("eval.json", rows.stream().map(Evaluation.Scores::toMap).toList());
    spec.commandLine().getOut().println("report: " + dir.file("eval.json"));
    return 0;
  }
}
