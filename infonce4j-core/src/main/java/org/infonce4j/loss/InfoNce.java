package org.infonce4j.loss;

import org.infonce4j.kernels.KernelProvider;
import org.infonce4j.kernels.Kernels;

/**
 * The InfoNCE loss: the entry point that checks inputs and hands them to an engine.
 *
 * <pre>{@code
 * try (InfoNce infoNce = InfoNce.create()) {                 // tiled engine, all processors
 *   LossResult r = infoNce.compute(Batch.of(anchors, candidates), LossSpec.cosine(0.07));
 *   r.loss(); r.anchorGrad(); r.candidateGrad(); r.temperatureGrad(); r.diagnostics();
 * }
 * }</pre>
 *
 * <p>For anchor i with positives P(i) and valid candidates V(i) (positives and negatives, never an
 * excluded candidate), {@code l_i = -(1/|P(i)|) sum_{p in P(i)} log softmax_{V(i)}(z_i)_p} with
 * logits {@code z_ij = s(a_i, c_j) / tau}; the loss reduces the {@code l_i} (see {@link Reduction}).
 *
 * <p>Two engines: {@link #create(int)} is the fast tiled engine (online log-sum-exp, never holds the
 * {@code N x M} matrix, vector kernels when available, {@code threads} workers);
 * {@link #reference()} holds the full matrix in double precision on one thread, for checking.
 * An instance is safe to use from one thread at a time; {@link #close()} stops its workers.
 */
public final class InfoNce implements AutoCloseable {

  private final TiledEngine tiled; // null for the reference engine

  private InfoNce(TiledEngine tiled) {
    this.tiled = tiled;
  }

  /**
   * The fast engine with one worker per available processor and the kernels of {@link KernelProvider#get()}.
   *
   * @return a new instance; close it
   */
  public static InfoNce create() {
    return create(Runtime.getRuntime().availableProcessors());
  }

  /**
   * The fast engine with {@code threads} workers and the kernels of {@link KernelProvider#get()}.
   *
   * @param threads the number of workers
   * @return a new instance; close it
   */
  public static InfoNce create(int threads) {
    return create(KernelProvider.get(), threads);
  }

  /**
   * The fast engine with the given kernels (for example {@link KernelProvider#scalar()}).
   *
   * @param kernels the kernels
   * @param threads the number of workers
   * @return a new instance; close it
   */
  public static InfoNce create(Kernels kernels, int threads) {
    if (kernels == null) {
      throw new IllegalArgumentException("kernels are null");
    }
    return new InfoNce(new TiledEngine(kernels, threads));
  }

  /**
   * The plain reference engine: full logit matrix, double precision, one thread.
   *
   * @return a new instance
   */
  public static InfoNce reference() {
    return new InfoNce(null);
  }

  /**
   * The loss, per-anchor losses, gradients, dL/dtau and diagnostics.
   *
   * @param batch the anchors, candidates and masks
   * @param spec the similarity, temperature and reduction
   * @return the loss with its gradients and diagnostics
   * @throws IllegalArgumentException when the batch and the spec do not fit together
   */
  public LossResult compute(Batch batch, LossSpec spec) {
    Problem p = Problem.of(batch, spec);
    return tiled == null ? ReferenceEngine.compute(p, true) : tiled.compute(p, true);
  }

  /**
   * The loss and per-anchor losses only (a third of the work): gradients are {@code null}, dL/dtau
   * NaN, and of the diagnostics only the mutual-information bound and the mean similarities are set.
   *
   * @param batch the anchors, candidates and masks
   * @param spec the similarity, temperature and reduction
   * @return the loss without gradients
   * @throws IllegalArgumentException when the batch and the spec do not fit together
   */
  public LossResult forward(Batch batch, LossSpec spec) {
    Problem p = Problem.of(batch, spec);
    return tiled == null ? ReferenceEngine.compute(p, false) : tiled.compute(p, false);
  }

  /**
   * "reference" or "tiled, panama (...), 2 threads": what computes, for logs and provenance.
   *
   * @return the description
   */
  public String implementation() {
    return tiled == null ? "reference" : "tiled, " + tiled.kernels().description() + ", " + tiled.threads() + " threads";
  }

  /**
   * The kernels in use ("scalar" or "panama"), or "reference".
   *
   * @return the name
   */
  public String kernelName() {
    return tiled == null ? "reference" : tiled.kernels().name();
  }

  @Override
  public void close() {
    if (tiled != null) {
      tiled.close();
    }
  }
}
