package org.infonce4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.loss.Loss;
import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;
import org.infonce4j.loss.Batch;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.loss.LossResult;
import org.infonce4j.loss.LossSpec;
import org.infonce4j.loss.Similarity;

/**
 * The InfoNCE loss as a DJL {@link Loss}, in three layouts, computed with DJL operations (so
 * autograd differentiates it), or by the core engine for batches and queues too large for a full
 * logit matrix ({@link #viaCore}).
 *
 * <ul>
 *   <li>{@link Layout#PAIRS}: predictions {@code [A (N x d), C (N x d)]}, the positive of anchor i
 *       is candidate i (CLIP's in-batch loss; optionally symmetric);</li>
 *   <li>{@link Layout#SIMCLR}: predictions {@code [V (2N x d)]}, view i's positive is view
 *       {@code (i + N) mod 2N}, itself excluded (NT-Xent, 2N - 2 negatives);</li>
 *   <li>{@link Layout#QUEUE}: predictions {@code [Q (N x d), K (N x d), queue (K x d)]}, MoCo: the
 *       positive of query i is key i, the queue holds the negatives (no gradient to it).</li>
 * </ul>
 * The labels of {@link #evaluate} are ignored.
 */
public final class InfoNceLoss extends Loss {

  /** How predictions are laid out. */
  public enum Layout {
    /** {@code [A, C]}: anchor i's positive is candidate i. */
    PAIRS,
    /** {@code [V]}: 2N views, view i's positive is view {@code (i + N) mod 2N}. */
    SIMCLR,
    /** {@code [Q, K, queue]}: MoCo, query i's positive is key i, the queue the negatives. */
    QUEUE
  }

  private final Layout layout;
  private final float temperature;
  private final boolean cosine;
  private final boolean symmetric;

  /**
   * A loss of the given layout and fixed temperature.
   *
   * @param layout      how the predictions are laid out
   * @param temperature tau &gt; 0
   * @param cosine      normalise the embeddings first (cosine similarity) or use raw dot products
   * @param symmetric   {@link Layout#PAIRS} only: average with the candidate-to-anchor direction
   * @throws IllegalArgumentException when the temperature is not finite and positive, or
   *     {@code symmetric} is asked of another layout than {@link Layout#PAIRS}
   */
  public InfoNceLoss(Layout layout, float temperature, boolean cosine, boolean symmetric) {
    super("InfoNCE");
    if (!(temperature > 0) || Float.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number > 0, got " + temperature);
    }
    if (symmetric && layout != Layout.PAIRS) {
      throw new IllegalArgumentException("only the PAIRS layout has a symmetric form");
    }
    this.layout = layout;
    this.temperature = temperature;
    this.cosine = cosine;
    this.symmetric = symmetric;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    return switch (layout) {
      case PAIRS -> pairs(predictions.get(0), predictions.get(1), temperature, cosine, symmetric);
      case SIMCLR -> simclr(predictions.get(0), temperature, cosine);
      case QUEUE -> queue(predictions.get(0), predictions.get(1), predictions.get(2), temperature, cosine);
    };
  }

  /**
   * Mean in-batch loss of anchors {@code a} against candidates {@code c} (both N x d).
   *
   * @param a         anchors, N x d
   * @param c         candidates, N x d; anchor i's positive is candidate i
   * @param tau       the temperature
   * @param cosine    normalise the rows first (cosine similarity) or use raw dot products
   * @param symmetric also the candidate-to-anchor direction, the two losses averaged
   * @return the loss, a scalar in the graph of {@code a} and {@code c}
   */
  public static NDArray pairs(NDArray a, NDArray c, float tau, boolean cosine, boolean symmetric) {
    NDArray an = cosine ? a.normalize(2, 1) : a;
    NDArray cn = cosine ? c.normalize(2, 1) : c;
    NDArray logits = an.matMul(cn.transpose()).div(tau); // N x N
    NDArray rows = diagonalCrossEntropy(logits);
    return symmetric ? rows.add(diagonalCrossEntropy(logits.transpose())).div(2) : rows;
  }

  /** CLIP's cap on the learned logit scale: log(100), so the temperature never drops below 0.01. */
  public static final float MAX_LOG_SCALE = (float) Math.log(100);

  /** CLIP's initial logit scale, log(1/0.07). */
  public static final float INITIAL_LOG_SCALE = (float) Math.log(1 / 0.07);

  /**
   * CLIP's symmetric loss with a learned temperature: image i and caption i are the positive pair,
   * the other captions (images) of the batch the negatives of an image (caption); logits
   * {@code exp(logScale) * cos(image_i, text_j)}; the mean of the image-to-text and text-to-image
   * cross-entropies. {@code logScale} is a one-element array that may require a gradient; clamp it at
   * {@link #MAX_LOG_SCALE} after each optimiser step ({@link #clampLogScale}).
   *
   * @param image    N x d image embeddings
   * @param text     N x d caption embeddings
   * @param logScale 1 element: log(1 / tau)
   * @return the loss, a scalar in the graph of the embeddings and {@code logScale}
   */
  public static NDArray clip(NDArray image, NDArray text, NDArray logScale) {
    NDArray scale = logScale.exp();
    scale.attach(image.getManager()); // not the model's manager, which would keep one scalar per step
    NDArray logits = image.normalize(2, 1).matMul(text.normalize(2, 1).transpose()).mul(scale); // N x N
    return diagonalCrossEntropy(logits).add(diagonalCrossEntropy(logits.transpose())).div(2);
  }

  /**
   * {@link #clip} computed by the core engine, tile by tile, never holding the N x N logits: the value
   * is the loss, and autograd receives the core's gradients for both embedding matrices and for the
   * log scale ({@code -tau dL/dtau}), through {@code L + sum(E * G) + s * g - stopgrad(...)}. For
   * batches whose logit matrix does not fit in memory (or is slow to materialise).
   *
   * @param engine   the core engine
   * @param image    N x d image embeddings
   * @param text     N x d caption embeddings
   * @param logScale 1 element: log(1 / tau)
   * @return the loss, a scalar whose gradient is the core's
   */
  public static NDArray clipViaCore(InfoNce engine, NDArray image, NDArray text, NDArray logScale) {
    LossSpec spec = LossSpec.cosine(LossSpec.DEFAULT_TEMPERATURE).withLogitScale(logScale.getFloat()).withSymmetric(true).withDiagnostics(false);
    LossResult r = engine.compute(Batch.of(matrix(image), matrix(text)), spec);
    NDManager m = image.getManager();
    NDArray surrogate = image.mul(m.create(r.anchorGrad().data(), image.getShape())).sum()
        .add(text.mul(m.create(r.candidateGrad().data(), text.getShape())).sum())
        .add(scaleTerm(logScale, (float) r.logitScaleGrad(), m));
    return surrogate.sub(surrogate.stopGradient()).add((float) r.loss());
  }

  /** {@code sum(logScale * grad)} in the batch's manager {@code m}, not the model's. */
  private static NDArray scaleTerm(NDArray logScale, float grad, NDManager m) {
    NDArray t = logScale.mul(grad);
    t.attach(m);
    return t.sum();
  }

  /**
   * Clamps a learned log logit scale at {@link #MAX_LOG_SCALE}, in place; returns the value after.
   *
   * @param logScale 1 element: log(1 / tau)
   * @return the log scale after clamping
   */
  public static float clampLogScale(NDArray logScale) {
    float v = logScale.getFloat();
    if (v > MAX_LOG_SCALE) {
      logScale.set(new float[] {MAX_LOG_SCALE});
      return MAX_LOG_SCALE;
    }
    return v;
  }

  /**
   * NT-Xent of {@code 2N x d} views: view i's positive is view (i + N) mod 2N, itself excluded.
   *
   * @param views  2N x d: the first views of N images, then their second views
   * @param tau    the temperature
   * @param cosine normalise the rows first (cosine similarity) or use raw dot products
   * @return the mean loss over the 2N views, a scalar in the graph of {@code views}
   * @throws IllegalArgumentException when the number of views is odd
   */
  public static NDArray simclr(NDArray views, float tau, boolean cosine) {
    long twoN = views.getShape().get(0);
    if (twoN % 2 != 0) {
      throw new IllegalArgumentException("the SimCLR layout needs an even number of views (2N), got " + twoN);
    }
    NDManager m = views.getManager();
    NDArray z = cosine ? views.normalize(2, 1) : views;
    NDArray logits = z.matMul(z.transpose()).div(tau); // 2N x 2N
    NDArray self = m.eye((int) twoN).mul(-1e9f); // a view is not its own candidate
    NDArray logp = logits.add(self).logSoftmax(1);
    int n = (int) (twoN / 2);
    int[] partner = new int[(int) twoN];
    for (int i = 0; i < twoN; i++) {
      partner[i] = i < n ? i + n : i - n;
    }
    NDArray target = m.create(partner).oneHot((int) twoN); // 2N x 2N
    return logp.mul(target).sum(new int[] {1}).neg().mean();
  }

  /**
   * MoCo: logits {@code [q_i . k_i, q_i . queue_j]} / tau, cross-entropy picking the first. The
   * queue is treated as a constant.
   *
   * @param q      queries, N x d
   * @param k      keys, N x d; query i's positive is key i
   * @param queue  the negatives, K x d
   * @param tau    the temperature
   * @param cosine normalise the rows first (cosine similarity) or use raw dot products
   * @return the mean loss over the queries, a scalar in the graph of {@code q} and {@code k}
   */
  public static NDArray queue(NDArray q, NDArray k, NDArray queue, float tau, boolean cosine) {
    NDArray qn = cosine ? q.normalize(2, 1) : q;
    NDArray kn = cosine ? k.normalize(2, 1) : k;
    NDArray bank = (cosine ? queue.normalize(2, 1) : queue).stopGradient();
    NDArray pos = qn.mul(kn).sum(new int[] {1}, true); // N x 1
    NDArray neg = qn.matMul(bank.transpose()); // N x K
    NDArray logits = pos.concat(neg, 1).div(tau); // N x (1 + K)
    return logits.logSoftmax(1).get(":, 0").neg().mean();
  }

  /**
   * MoCo's loss as a recipe computes it: in the graph ({@link #queue}) when {@code core} is null, else on the core engine with the
   * same candidates: the query's own key its positive, the queue its negatives, and the other queries' keys excluded (MoCo's logits
   * have no column for them; left in, they would be extra negatives and a different loss).
   *
   * @param core  the core engine, or null for the graph form
   * @param spec  similarity and temperature
   * @param q     queries, N x d
   * @param k     keys, N x d (constants in MoCo: the momentum encoder's)
   * @param queue the negatives, K x d
   * @return the mean loss over the queries
   */
  public static NDArray moco(InfoNce core, LossSpec spec, NDArray q, NDArray k, NDArray queue) {
    if (core == null) {
      return queue(q, k, queue, (float) spec.temperature(), cosine(spec));
    }
    int n = (int) q.getShape().get(0);
    BitMatrix.Builder others = BitMatrix.builder(n, n); // N x N: true where key j is not query i's own
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          others.set(i, j);
        }
      }
    }
    return viaCore(core, spec, Batch.of(matrix(q), matrix(k)).withExcluded(others.build()).withQueue(matrix(queue)), q, k);
  }

  /** Mean over rows of -log softmax(logits)_ii. */
  private static NDArray diagonalCrossEntropy(NDArray logits) {
    int n = (int) logits.getShape().get(0);
    NDArray target = logits.getManager().eye(n);
    return logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
  }

  /**
   * The loss computed by the core engine (tiles, never the full logit matrix) with its gradient fed
   * back to autograd: returns {@code L + sum(E * G) - stopgrad(sum(E * G))} where {@code G} is the
   * core's gradient for each embedding matrix {@code E}, so the value is the loss and the gradient
   * reaching {@code anchors} and {@code candidates} is the core's. {@code candidates} is null for
   * the SimCLR layout; {@code queue} may be null.
   *
   * @param engine     the core engine
   * @param spec       similarity, temperature, reduction and symmetry (diagnostics are turned off)
   * @param anchors    N x d (2N x d views for SimCLR)
   * @param candidates M x d, or null for SimCLR
   * @param queue      K x d negatives shared by every anchor, or null
   * @return the loss, a scalar whose gradient is the core's
   * @throws IllegalArgumentException when an array is not 2-D, or the core rejects the batch
   */
  public static NDArray viaCore(InfoNce engine, LossSpec spec, NDArray anchors, NDArray candidates, NDArray queue) {
    Matrix a = matrix(anchors);
    Batch batch = candidates == null ? Batch.simclr(a) : Batch.of(a, matrix(candidates));
    if (queue != null) {
      batch = batch.withQueue(matrix(queue));
    }
    return viaCore(engine, spec, batch, anchors, candidates);
  }

  /** The core's loss of {@code batch} (whose anchors and candidates are those arrays' values) with its gradient fed to autograd. */
  private static NDArray viaCore(InfoNce engine, LossSpec spec, Batch batch, NDArray anchors, NDArray candidates) {
    LossResult r = engine.compute(batch, spec.withDiagnostics(false));
    NDManager m = anchors.getManager();
    NDArray ga = m.create(r.anchorGrad().data(), anchors.getShape());
    NDArray surrogate = anchors.mul(ga).sum();
    if (candidates != null) {
      NDArray gc = m.create(r.candidateGrad().data(), candidates.getShape());
      surrogate = surrogate.add(candidates.mul(gc).sum());
    }
    return surrogate.sub(surrogate.stopGradient()).add((float) r.loss());
  }

  /** The similarity a spec asks for, as the {@code cosine} flag of the DJL forms. */
  static boolean cosine(LossSpec spec) {
    return spec.similarity() == Similarity.COSINE;
  }

  private static Matrix matrix(NDArray x) {
    long[] s = x.getShape().getShape();
    if (s.length != 2) {
      throw new IllegalArgumentException("embeddings must be 2-D (rows x dim), got shape " + x.getShape());
    }
    return new Matrix((int) s[0], (int) s[1], x.toFloatArray());
  }
}
