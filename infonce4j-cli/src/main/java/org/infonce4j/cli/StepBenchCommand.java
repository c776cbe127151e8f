package org.infonce4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.infonce4j.djl.train.Json;
import org.infonce4j.Provenance;
import org.infonce4j.djl.DjlEnvironment;
import org.infonce4j.djl.Pretraining;
import org.infonce4j.djl.PretrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code infonce4j bench-step}: images per second of an image recipe's training step (forward,
 * loss, backward, update) on fixed random views, to set beside the same model's step in PyTorch
 * ({@code infonce4j-bench/scripts/simclr-step-vs-pytorch.sh}).
 */
@Command(name = "bench-step", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Times training steps of an image recipe (forward, loss, backward, SGD update) on fixed random",
        "28x28 views, augmentation excluded; prints images/s (the median of the repeats)."})
final class StepBenchCommand implements Callable<Integer>, EngineOptions.Defaults {
  @Spec
  CommandSpec spec;

  @Option(names = "--recipe", defaultValue = "simclr", paramLabel = "simclr|moco|supervised", description = "Recipe (default: ${DEFAULT-VALUE}).")
  String recipe;

  @Option(names = "--batch", defaultValue = "256", description = "Images per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--width", defaultValue = "32", description = "Encoder width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--stem-stride", defaultValue = "2", description = "Stride of the encoder's first convolution (default: ${DEFAULT-VALUE}).")
  int stemStride;

  @Option(names = "--core-loss", description = "The core engine computes the loss.")
  boolean coreLoss;

  @Mixin
  EngineOptions.Threads threads;

  @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--steps", defaultValue = "10", description = "Steps per timed run (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed runs (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Override
  public int defaultThreads() {
    return PretrainingConfig.defaults(Pretraining.Method.SIMCLR).threads();
  }

  @Override
  public Integer call() {
    Pretraining.Method method;
    try {
      method = Pretraining.Method.valueOf(recipe.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--recipe must be simclr, moco or supervised, got '" + recipe + "'");
    }
    PretrainingConfig d = PretrainingConfig.defaults(method);
    int t = threads.value();
    PretrainingConfig c = new PretrainingConfig(method, 1, batch, d.temperature(), d.lr(), d.momentum(), d.weightDecay(), d.optimizer(),
        d.warmupEpochs(), width, d.blocks(), d.projection(), d.queue(), d.keyMomentum(), 0, d.seed(), t, coreLoss, d.minCrop(),
        d.jitter(), stemStride);
    double[] rates = Pretraining.stepThroughput(c, warmup, steps, repeats);
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    double median = sorted[rates.length / 2];
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> o = new java.util.LinkedHashMap<>();
      o.put("recipe", recipe);
      o.put("batch", batch);
      o.put("width", width);
      o.put("threads", t);
      o.put("core_loss", coreLoss);
      o.put("engine", DjlEnvironment.description());
      o.put("images_per_second", median);
      o.put("images_per_second_all", rates);
      o.put("provenance", Provenance.describe());
      out.println(Json.writeCompact(o));
    } else {
      out.printf(Locale.ROOT, "%s step, batch %d, width %d, %s: %.1f images/s (median of %s)%n", recipe, batch, width,
          DjlEnvironment.description(), median, Arrays.toString(Arrays.stream(rates).map(v -> Math.round(v * 10) / 10.0).toArray()));
    }
    out.flush();
    return 0;
  }
}
