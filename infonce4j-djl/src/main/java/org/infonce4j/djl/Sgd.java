package org.infonce4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with momentum and decoupled-from-bias weight decay, optionally LARS (You et al. 2017, as
 * SimCLR uses it): each weight tensor's step is scaled by {@code trust * |w| / |g|}. Weight decay
 * and LARS skip one-dimensional tensors (biases, batch-norm scales and shifts). Its state (the
 * momentum buffers) is saved and restored with the checkpoints, so a resumed run continues exactly.
 */
public final class Sgd {
  private final List<Parameter> params;
  private final List<NDArray> velocity;
  private final float momentum;
  private final float weightDecay;
  private final boolean lars;
  private final float trust;

  /**
   * @param params      the parameters to train (their arrays must exist: initialise the model first)
   * @param manager     owns the momentum buffers
   * @param momentum    e.g. 0.9
   * @param weightDecay L2 strength on weight tensors, e.g. 1e-4 or 5e-4
   * @param lars        scale each weight tensor's step by LARS's trust ratio
   */
  public Sgd(List<Parameter> params, NDManager manager, float momentum, float weightDecay, boolean lars) {
    this.params = params;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.lars = lars;
    this.trust = 0.001f;
    this.velocity = new ArrayList<>();
    for (Parameter p : params) {
      velocity.add(manager.zeros(p.getArray().getShape()));
    }
  }

  /** One step with learning rate {@code lr}; zeroes the gradients afterwards. */
  public void step(float lr) {
    for (int i = 0; i < params.size(); i++) {
      NDArray w = params.get(i).getArray();
      NDArray grad = w.getGradient();
      try (NDManager step = w.getManager().newSubManager()) {
        NDArray g = grad.duplicate();
        g.attach(step);
        boolean matrix = w.getShape().dimension() > 1;
        if (matrix && weightDecay > 0) {
          g.addi(w.mul(weightDecay));
        }
        if (matrix && lars) {
          float wn = w.norm().getFloat();
          float gn = g.norm().getFloat();
          if (wn > 0 && gn > 0) {
            g.muli(trust * wn / gn);
          }
        }
        NDArray v = velocity.get(i);
        v.muli(momentum).addi(g);
        w.subi(v.mul(lr));
      }
      grad.subi(grad); // PyTorch accumulates gradients until they are zeroed
    }
  }

  /** Writes the momentum buffers. */
  public void save(DataOutputStream out) throws IOException {
    out.writeInt(velocity.size());
    for (NDArray v : velocity) {
      float[] data = v.toFloatArray();
      out.writeInt(data.length);
      for (float x : data) {
        out.writeFloat(x);
      }
    }
  }

  /** Restores the momentum buffers written by {@link #save}. */
  public void load(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n != velocity.size()) {
      throw new IOException("checkpoint holds " + n + " momentum buffers, the model has " + velocity.size() + " parameters");
    }
    for (NDArray v : velocity) {
      int len = in.readInt();
      if (len != v.size()) {
        throw new IOException("momentum buffer of " + len + " values for a parameter of " + v.size());
      }
      float[] data = new float[len];
      for (int k = 0; k < len; k++) {
        data[k] = in.readFloat();
      }
      v.set(data);
    }
  }

  /** Linear warm-up over {@code warmup} steps, then cosine decay to 0 at {@code total}. */
  public static float cosineWithWarmup(float base, long step, long warmup, long total) {
    if (step < warmup) {
      return base * (step + 1) / warmup;
    }
    double t = (step - warmup) / (double) Math.max(1, total - warmup);
    return (float) (base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))));
  }
}
