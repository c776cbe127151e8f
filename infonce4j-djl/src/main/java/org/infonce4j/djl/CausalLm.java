package org.infonce4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.GRU;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small causal language model over a tiny vocabulary: one-hot tokens, a GRU (one layer), a linear
 * read-out to next-token logits. Enough for the synthetic tasks of the preference recipe, where the
 * vocabulary has a dozen tokens (an embedding table would be the one-hot product itself).
 */
final class CausalLm implements AutoCloseable {
  private final int vocabulary;
  private final int hidden;
  private final NDManager manager;
  private final GRU gru;
  private final SequentialBlock readout;

  /** A new model, parameters initialised from the engine's random seed. */
  CausalLm(int vocabulary, int hidden, int maxLength) {
    this.vocabulary = vocabulary;
    this.hidden = hidden;
    this.manager = NDManager.newBaseManager();
    this.gru = GRU.builder().setNumLayers(1).setStateSize(hidden).optBatchFirst(true).optReturnState(false).build();
    this.readout = new SequentialBlock().add(Linear.builder().setUnits(vocabulary).build());
    gru.initialize(manager, DataType.FLOAT32, new Shape(2, maxLength, vocabulary));
    readout.initialize(manager, DataType.FLOAT32, new Shape(2, hidden));
  }

  NDManager manager() {
    return manager;
  }

  List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : gru.getParameters()) out.add(p.getValue());
    for (Pair<String, Parameter> p : readout.getParameters()) out.add(p.getValue());
    return out;
  }

  /** Next-token logits for every position: tokens {@code b x t} (row-major ids) give {@code b x t x V}. */
  NDArray logits(NDManager m, int[] tokens, int b, int t, boolean training) {
    float[] oneHot = new float[b * t * vocabulary]; // b x t x V
    for (int k = 0; k < b * t; k++) oneHot[k * vocabulary + tokens[k]] = 1f;
    ParameterStore store = new ParameterStore(m, false);
    NDArray x = m.create(oneHot, new Shape(b, t, vocabulary));
    NDArray h = gru.forward(store, new NDList(x), training).singletonOrThrow(); // b x t x H
    NDArray flat = h.reshape((long) b * t, hidden);
    return readout.forward(store, new NDList(flat), training).singletonOrThrow().reshape(b, t, vocabulary);
  }

  /**
   * log p(token_s | tokens before s) for s = 1 .. t-1 of {@code b} sequences of {@code t} tokens:
   * {@code b x (t - 1)}.
   */
  NDArray tokenLogProbs(NDManager m, int[] seqs, int b, int t, boolean training) {
    int[] inputs = new int[b * (t - 1)];
    float[] targets = new float[b * (t - 1) * vocabulary]; // b x (t-1) x V one-hot
    for (int i = 0; i < b; i++) {
      System.arraycopy(seqs, i * t, inputs, i * (t - 1), t - 1);
      for (int s = 1; s < t; s++) targets[(i * (t - 1) + s - 1) * vocabulary + seqs[i * t + s]] = 1f;
    }
    NDArray logp = logits(m, inputs, b, t - 1, training).logSoftmax(2);
    return logp.mul(m.create(targets, new Shape(b, t - 1, vocabulary))).sum(new int[] {2});
  }

  /** Sum of the log-probabilities of tokens {@code from .. t-1} of each sequence: {@code b}. */
  NDArray sequenceLogProbs(NDManager m, int[] seqs, int b, int t, int from, boolean training) {
    float[] mask = new float[b * (t - 1)]; // b x (t-1): 1 where the predicted token is at position >= from
    for (int i = 0; i < b; i++) for (int s = from; s < t; s++) mask[i * (t - 1) + s - 1] = 1f;
    return tokenLogProbs(m, seqs, b, t, training).mul(m.create(mask, new Shape(b, t - 1))).sum(new int[] {1});
  }

  /**
   * Completes each of {@code b} sequences of {@code t} tokens whose first {@code from} tokens are set,
   * sampling every later token at {@code temperature} (0: the most likely) with {@code random}. The
   * prefix is re-encoded at each position (the sequences are a dozen tokens).
   */
  void sample(int[] seqs, int b, int t, int from, double temperature, SplittableRandom random) {
    double[] p = new double[vocabulary];
    for (int s = from; s < t; s++) {
      float[] logits;
      try (NDManager m = manager.newSubManager()) {
        int[] prefix = new int[b * s];
        for (int i = 0; i < b; i++) System.arraycopy(seqs, i * t, prefix, i * s, s);
        NDArray all = logits(m, prefix, b, s, false); // b x s x V
        logits = all.get(":, -1, :").toFloatArray(); // b x V
      }
      for (int i = 0; i < b; i++) {
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocabulary; v++) {
          double z = logits[i * vocabulary + v];
          if (z > max) {
            max = z;
            best = v;
          }
        }
        if (temperature == 0) {
          seqs[i * t + s] = best;
          continue;
        }
        double sum = 0;
        for (int v = 0; v < vocabulary; v++) {
          p[v] = Math.exp((logits[i * vocabulary + v] - max) / temperature);
          sum += p[v];
        }
        double u = random.nextDouble() * sum;
        int pick = vocabulary - 1;
        for (int v = 0; v < vocabulary; v++) {
          u -= p[v];
          if (u < 0) {
            pick = v;
            break;
          }
        }
        seqs[i * t + s] = pick;
      }
    }
  }

  /** Copies every parameter of {@code from} (same shape) into this model. */
  void copyFrom(CausalLm from) {
    List<Parameter> a = from.parameters();
    List<Parameter> b = parameters();
    for (int i = 0; i < a.size(); i++) a.get(i).getArray().copyTo(b.get(i).getArray());
  }

  void save(DataOutputStream out) throws IOException {
    gru.saveParameters(out);
    readout.saveParameters(out);
  }

  void load(DataInputStream in) throws IOException {
    try {
      gru.loadParameters(manager, in);
      readout.loadParameters(manager, in);
    } catch (ai.djl.MalformedModelException e) {
      throw new IOException("the checkpoint does not match this language model: " + e.getMessage(), e);
    }
    for (Parameter p : parameters()) p.getArray().setRequiresGradient(true);
  }

  @Override
  public void close() {
    manager.close();
  }
}
