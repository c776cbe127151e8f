package org.infonce4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimisers of the image recipes, updating parameters in place after each backward pass:
 *
 * <ul>
 *   <li>{@link Kind#SGD}: SGD with momentum and L2 weight decay added to the gradient;</li>
 *   <li>{@link Kind#LARS}: the same with each weight tensor's step scaled by the trust ratio
 *       {@code 0.001 |w| / |g|} (You et al. 2017, as SimCLR uses it);</li>
 *   <li>{@link Kind#ADAMW}: Adam with bias correction and decoupled weight decay (Loshchilov and
 *       Hutter 2019), which learns much faster than SGD in the short budgets of a laptop run.</li>
 * </ul>
 * Weight decay (and LARS) skip one-dimensional tensors: biases, batch-norm scales and shifts. The
 * state (momentum or moment buffers, step count) is saved and restored with the checkpoints, so a
 * resumed run continues exactly.
 */
public final class Optimizer {

  /** The update rule. */
  public enum Kind {
    /** SGD with momentum, L2 weight decay in the gradient. */
    SGD,
    /** SGD with momentum and LARS's per-tensor trust ratio. */
    LARS,
    /** Adam with decoupled weight decay. */
    ADAMW
  }

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;
  private static final float TRUST = 0.001f;

  private final Kind kind;
  private final List<Parameter> params;
  private final List<NDArray> first; // momentum (SGD, LARS) or Adam's first moment
  private final List<NDArray> second; // Adam's second moment; empty otherwise
  private final float momentum;
  private final float weightDecay;
  private long steps;

  /**
   * An optimiser with zeroed buffers for {@code params}.
   *
   * @param kind        the update rule
   * @param params      the parameters to train (their arrays must exist: initialise the model first)
   * @param manager     owns the optimiser's buffers
   * @param momentum    SGD/LARS momentum, e.g. 0.9 (Adam uses beta1 0.9, beta2 0.999)
   * @param weightDecay strength on weight tensors: L2 in the gradient for SGD/LARS (e.g. 1e-4),
   *                    decoupled for AdamW (e.g. 1e-2)
   */
  public Optimizer(Kind kind, List<Parameter> params, NDManager manager, float momentum, float weightDecay) {
    this.kind = kind;
    this.params = params;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.first = new ArrayList<>();
    this.second = new ArrayList<>();
    for (Parameter p : params) {
      first.add(manager.zeros(p.getArray().getShape()));
      if (kind == Kind.ADAMW) {
        second.add(manager.zeros(p.getArray().getShape()));
      }
    }
  }

  /** Consecutive steps skipped for non-finite gradients before {@link #step} gives up. */
  static final int MAX_SKIPPED_IN_A_ROW = 10;

  private int skippedInARow;
  private long skipped;

  /**
   * Steps skipped so far because a gradient held NaN or infinity.
   *
   * @return the count since the optimiser was built (not saved with the checkpoints)
   */
  public long skippedSteps() {
    return skipped;
  }

  /**
   * One step with learning rate {@code lr}; zeroes the gradients afterwards. A step whose gradients
   * are not all finite is skipped (weights and moments untouched, gradients cleared), as mixed-precision
   * training does: the native engine has rarely returned a NaN gradient with a finite loss on the
   * first step of a tiny run, and one such gradient would poison the moments for good. Ten skipped
   * steps in a row mean the run diverged.
   *
   * @param lr the learning rate of this step
   * @throws IllegalStateException after {@value #MAX_SKIPPED_IN_A_ROW} skipped steps in a row
   */
  public void step(float lr) {
    if (!gradientsFinite()) {
      for (Parameter p : params) {
        try (NDArray grad = p.getArray().getGradient()) {
          // Zeros written into the gradient's own memory (an indexed fill runs natively, in place).
          // Not grad.set(float[]): that re-points the gradient's storage at a Java buffer which only this
          // temporary handle keeps alive, and later backward passes would write into freed memory.
          // Not subtraction or multiplication by 0: they keep the NaN.
          grad.set(new NDIndex("..."), 0f);
        }
      }
      skipped++;
      if (++skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
        throw new IllegalStateException("gradients held NaN or infinity in " + skippedInARow + " steps in a row; lower the learning rate");
      }
      return;
    }
    skippedInARow = 0;
    steps++;
    for (int i = 0; i < params.size(); i++) {
      NDArray w = params.get(i).getArray();
      // Every temporary is attached to the step's manager: an operation's result lands in its first
      // operand's manager, here the model's, where it would live until the model closes.
      try (NDManager step = w.getManager().newSubManager()) {
        NDArray grad = w.getGradient(); // a new handle on the gradient each call
        grad.attach(step);
        boolean matrix = w.getShape().dimension() > 1;
        if (kind == Kind.ADAMW) {
          adamw(w, grad, i, lr, matrix, step);
        } else {
          sgd(w, grad, i, lr, matrix, step);
        }
        grad.subi(grad); // PyTorch accumulates gradients until they are zeroed
      }
    }
  }

  private boolean gradientsFinite() {
    for (Parameter p : params) {
      NDArray grad = p.getArray().getGradient();
      try (NDArray sum = grad.sum()) {
        if (!Float.isFinite(sum.getFloat())) { // a NaN or infinity anywhere makes the sum NaN or infinite
          return false;
        }
      } finally {
        grad.close();
      }
    }
    return true;
  }

  private void sgd(NDArray w, NDArray grad, int i, float lr, boolean matrix, NDManager step) {
    NDArray g = grad.duplicate();
    g.attach(step);
    if (matrix && weightDecay > 0) {
      NDArray decay = w.mul(weightDecay);
      decay.attach(step);
      g.addi(decay);
    }
    if (matrix && kind == Kind.LARS) {
      NDArray wNorm = w.norm();
      wNorm.attach(step);
      float wn = wNorm.getFloat();
      float gn = g.norm().getFloat();
      if (wn > 0 && gn > 0) {
        g.muli(TRUST * wn / gn);
      }
    }
    NDArray v = first.get(i);
    v.muli(momentum).addi(g);
    NDArray delta = v.mul(lr);
    delta.attach(step);
    w.subi(delta);
  }

  private void adamw(NDArray w, NDArray grad, int i, float lr, boolean matrix, NDManager step) {
    NDArray m = first.get(i);
    NDArray v = second.get(i);
    NDArray g1 = grad.mul(1 - BETA1); // lands in the step's manager (grad is attached there)
    m.muli(BETA1).addi(g1);
    NDArray g2 = grad.square().muli(1 - BETA2);
    v.muli(BETA2).addi(g2);
    double c1 = 1 - Math.pow(BETA1, steps);
    double c2 = 1 - Math.pow(BETA2, steps);
    NDArray denominator = v.sqrt();
    denominator.attach(step);
    denominator.divi((float) Math.sqrt(c2)).addi(EPSILON);
    NDArray update = m.div(denominator);
    update.attach(step);
    update.muli((float) (lr / c1));
    if (matrix && weightDecay > 0) {
      w.muli(1 - lr * weightDecay);
    }
    w.subi(update);
  }

  /**
   * Writes the step count and the buffers.
   *
   * @param out the checkpoint's payload
   * @throws IOException when writing fails
   */
  public void save(DataOutputStream out) throws IOException {
    out.writeUTF(kind.name());
    out.writeLong(steps);
    List<NDArray> all = new ArrayList<>(first);
    all.addAll(second);
    out.writeInt(all.size());
    for (NDArray b : all) {
      float[] data = b.toFloatArray();
      out.writeInt(data.length);
      for (float x : data) {
        out.writeFloat(x);
      }
    }
  }

  /**
   * Restores what {@link #save} wrote.
   *
   * @param in the checkpoint's payload
   * @throws IOException when reading fails, or the state is of another update rule or does not fit
   *     the parameters
   */
  public void load(DataInputStream in) throws IOException {
    String stored = in.readUTF();
    if (!stored.equals(kind.name())) {
      throw new IOException("checkpoint holds the state of " + stored + ", the run uses " + kind);
    }
    steps = in.readLong();
    List<NDArray> all = new ArrayList<>(first);
    all.addAll(second);
    int n = in.readInt();
    if (n != all.size()) {
      throw new IOException("checkpoint holds " + n + " optimiser buffers, the model needs " + all.size());
    }
    for (NDArray b : all) {
      int len = in.readInt();
      if (len != b.size()) {
        throw new IOException("optimiser buffer of " + len + " values for a parameter of " + b.size());
      }
      float[] data = new float[len];
      for (int k = 0; k < len; k++) {
        data[k] = in.readFloat();
      }
      b.set(data);
    }
  }

  /**
   * Linear warm-up over {@code warmup} steps, then cosine decay to 0 at {@code total}.
   *
   * @param base   the peak learning rate
   * @param step   the step, 0-based over the whole run
   * @param warmup warm-up steps, 0 for none
   * @param total  steps of the whole run
   * @return {@code base (step + 1) / warmup} during warm-up, then {@code base (1 + cos(pi t)) / 2}
   *     with {@code t} the share of the remaining steps done (0 from {@code total} on)
   */
  public static float cosineWithWarmup(float base, long step, long warmup, long total) {
    if (step < warmup) {
      return base * (step + 1) / warmup;
    }
    double t = (step - warmup) / (double) Math.max(1, total - warmup);
    return (float) (base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))));
  }
}
