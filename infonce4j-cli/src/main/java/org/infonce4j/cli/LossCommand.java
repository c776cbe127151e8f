package org.infonce4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.infonce4j.djl.train.Json;
import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;
import org.infonce4j.Provenance;
import org.infonce4j.io.Npy;
import org.infonce4j.loss.Batch;
import org.infonce4j.loss.Diagnostics;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.loss.LossResult;
import org.infonce4j.loss.LossSpec;
import org.infonce4j.loss.Reduction;
import org.infonce4j.loss.Similarity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

/** {@code infonce4j loss}: the loss, its gradients and diagnostics for matrices in .npy files. */
@Command(
    name = "loss",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Computes the InfoNCE loss of anchors against candidates (or SimCLR views) read from .npy files",
        "and prints one JSON object: loss, mi_lower_bound, temperature_grad and the diagnostics."
    })
final class LossCommand implements Callable<Integer>, EngineOptions.Defaults {

  @Spec
  CommandSpec spec;

  @Option(names = "--anchors", required = true, paramLabel = "A.npy",
      description = "Anchors, N x d float32/float64 (with --simclr: the 2N views).")
  Path anchors;

  @Option(names = "--candidates", paramLabel = "C.npy", description = "Candidates, M x d. Required unless --simclr.")
  Path candidates;

  @Option(names = "--queue", paramLabel = "Q.npy", description = "Extra negatives for every anchor, K x d (no gradient).")
  Path queue;

  @Option(names = "--positives", paramLabel = "P.npy",
      description = "Positive of each anchor: an int32/int64 vector of length N, or an N x M bool/uint8 mask. Default: candidate i.")
  Path positives;

  @Option(names = "--mask", paramLabel = "M.npy", description = "Excluded candidates, N x M bool/uint8 (true = excluded).")
  Path mask;

  @Option(names = "--similarity", defaultValue = "cosine", paramLabel = "cosine|dot",
      description = "Similarity (default: ${DEFAULT-VALUE}).")
  String similarity;

  @Option(names = "--temperature", defaultValue = "0.1", paramLabel = "TAU", description = "Temperature tau > 0 (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--reduction", defaultValue = "mean", paramLabel = "mean|sum|none",
      description = "Reduction (default: ${DEFAULT-VALUE}); with none, loss and gradients are those of the sum (add --per-anchor for the losses).")
  String reduction;

  @Option(names = "--symmetric", description = "CLIP's two-way loss (N = M, no queue).")
  boolean symmetric;

  @Option(names = "--simclr", description = "The anchors file holds 2N views; view i's positive is view (i + N) mod 2N.")
  boolean simclr;

  @Option(names = "--grad-out", paramLabel = "DIR",
      description = "Write DIR/anchors.grad.npy and DIR/candidates.grad.npy (float32); with --simclr only anchors.grad.npy, for the views.")
  Path gradOut;

  @Option(names = "--per-anchor", description = "Include the per-anchor (and per-candidate) losses in the JSON.")
  boolean perAnchor;

  @Mixin
  EngineOptions.Threads threads;

  @Option(names = "--engine", defaultValue = "tiled", paramLabel = "tiled|reference",
      description = "tiled (fast, default) or reference (full matrix in double precision, for checking).")
  String engine;

  @Override
  public int defaultThreads() {
    return EngineOptions.processors();
  }

  @Override
  public Integer call() {
    if (simclr == (candidates != null)) {
      throw new IllegalArgumentException(simclr
          ? "--simclr takes the views in --anchors only; do not also give --candidates"
          : "give --candidates C.npy, or --simclr when --anchors holds the 2N views of a SimCLR batch");
    }
    LossSpec lossSpec = new LossSpec(parseSimilarity(similarity), temperature, parseReduction(reduction), symmetric, true);
    Matrix a = Npy.readMatrix(anchors);
    Batch batch = batch(a);

    int t = threads.value();
    LossResult r;
    String implementation;
    long t0 = System.nanoTime();
    try (InfoNce infoNce = switch (engine.toLowerCase(Locale.ROOT)) {
      case "tiled" -> InfoNce.create(t);
      case "reference" -> InfoNce.reference();
      default -> throw new IllegalArgumentException("--engine must be tiled or reference, got '" + engine + "'");
    }) {
      r = infoNce.compute(batch, lossSpec);
      implementation = infoNce.implementation();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> out = report(a, batch, lossSpec, r);
    out.put("engine", implementation);
    out.put("threads", t);
    out.put("seconds", seconds);
    out.put("provenance", Provenance.describe());
    spec.commandLine().getOut().println(Json.write(out));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** The batch the files describe: anchors and candidates (or SimCLR's views), queue, positives, mask. */
  private Batch batch(Matrix a) {
    Batch batch = simclr ? Batch.simclr(a) : Batch.of(a, Npy.readMatrix(candidates));
    if (queue != null) {
      batch = batch.withQueue(Npy.readMatrix(queue));
    }
    int m = simclr ? a.rows() : batch.candidates().rows();
    if (positives != null) {
      if (simclr) {
        throw new IllegalArgumentException("--simclr fixes the positives; do not give --positives");
      }
      if (Npy.isMask(positives)) {
        batch = batch.withPositiveMask(checkShape(Npy.readMask(positives), positives, a.rows(), m));
      } else if (Npy.readHeader(positives).isIndexVector()) {
        batch = batch.withPositives(Npy.readIndices(positives));
      } else {
        throw new IllegalArgumentException(positives + ": positives must be an int32/int64 vector of length N or an N x M bool/uint8 "
            + "mask, got dtype " + Npy.readHeader(positives).dtype() + " and shape " + java.util.Arrays.toString(Npy.readHeader(positives).shape()));
      }
    }
    if (mask != null) {
      batch = batch.withExcluded(checkShape(Npy.readMask(mask), mask, a.rows(), m));
    }
    return batch;
  }

  /** The loss, its diagnostics and the batch's shape as JSON-ready values; writes the gradients when asked. */
  private Map<String, Object> report(Matrix a, Batch batch, LossSpec lossSpec, LossResult r) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("loss", r.loss());
    Diagnostics d = r.diagnostics();
    out.put("mi_lower_bound", d.miLowerBound());
    out.put("mi_ceiling", d.miCeiling());
    out.put("mi_saturated", d.miSaturated());
    out.put("temperature", r.temperature());
    out.put("temperature_grad", r.temperatureGrad());
    out.put("logit_scale_grad", r.logitScaleGrad());
    out.put("mean_positive_similarity", d.meanPositiveSimilarity());
    out.put("mean_negative_similarity", d.meanNegativeSimilarity());
    out.put("negative_entropy", d.negativeEntropy());
    out.put("max_negative_entropy", d.maxNegativeEntropy());
    out.put("hard_negative_share", d.hardNegativeShare());
    out.put("hard_negative_fraction", d.hardNegativeFraction());
    out.put("anchors", a.rows());
    out.put("candidates", simclr ? a.rows() : r.candidateGrad().rows());
    out.put("queue", batch.queue() == null ? 0 : batch.queue().rows());
    out.put("dim", a.cols());
    out.put("similarity", lossSpec.similarity().name().toLowerCase(Locale.ROOT));
    out.put("reduction", lossSpec.reduction().name().toLowerCase(Locale.ROOT));
    out.put("symmetric", symmetric);
    out.put("simclr", simclr);
    if (perAnchor) {
      out.put("per_anchor", r.perAnchor());
      if (r.perCandidate() != null) {
        out.put("per_candidate", r.perCandidate());
      }
    }
    if (gradOut != null) {
      try {
        Files.createDirectories(gradOut);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot create " + gradOut + ": " + e.getMessage(), e);
      }
      Path ga = gradOut.resolve("anchors.grad.npy");
      Npy.write(ga, r.anchorGrad());
      Map<String, Object> files = new java.util.LinkedHashMap<>();
      files.put("anchors", ga.toString());
      if (r.candidateGrad() != null) {
        Path gc = gradOut.resolve("candidates.grad.npy");
        Npy.write(gc, r.candidateGrad());
        files.put("candidates", gc.toString());
      }
      out.put("grad_files", files);
    }
    return out;
  }

  private static BitMatrix checkShape(BitMatrix mask, Path file, int n, int m) {
    if (mask.rows() != n || mask.cols() != m) {
      throw new IllegalArgumentException(file + ": the mask is " + mask.rows() + " x " + mask.cols() + " but the batch has " + n
          + " anchors and " + m + " candidates");
    }
    return mask;
  }

  static Similarity parseSimilarity(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "cosine" -> Similarity.COSINE;
      case "dot" -> Similarity.DOT;
      default -> throw new IllegalArgumentException("--similarity must be cosine or dot, got '" + s + "'");
    };
  }

  static Reduction parseReduction(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "mean" -> Reduction.MEAN;
      case "sum" -> Reduction.SUM;
      case "none" -> Reduction.NONE;
      default -> throw new IllegalArgumentException("--reduction must be mean, sum or none, got '" + s + "'");
    };
  }
}
