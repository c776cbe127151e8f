package org.infonce4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * MoCo's key side: a key encoder that follows the query encoder as an exponential moving average,
 * and a FIFO queue of K past keys (unit rows) that serve as negatives. K need not divide the batch.
 */
final class MomentumEncoder implements AutoCloseable {

  /** Batch-norm groups of the key encoder (see {@link #keys}). */
  static final int KEY_GROUPS = 4;

  private final Encoder keys;
  private final NDArray queue; // K x projection, unit rows
  private final int capacity;
  private final float momentum;
  private int pointer;

  /**
   * A key encoder initialised as a copy of {@code query}, and a queue of {@code k} random unit rows
   * drawn from {@code seed}.
   */
  MomentumEncoder(Encoder query, SequentialBlock head, PretrainingConfig c) {
    Engine.getInstance().setRandomSeed((int) c.seed());
    this.keys = new Encoder(c.width(), c.blocks(), c.stemStride(), head, c.batch());
    copy(query, keys);
    keys.network().freezeParameters(true);
    SplittableRandom r = new SplittableRandom(c.seed() ^ 0x9E3779B97F4A7C15L);
    float[] init = new float[c.queue() * c.projection()]; // K x projection
    for (int i = 0; i < init.length; i++) {
      init[i] = (float) r.nextGaussian();
    }
    this.queue = keys.manager().create(init, new Shape(c.queue(), c.projection())).normalize(2, 1);
    this.capacity = c.queue();
    this.momentum = (float) c.keyMomentum();
  }

  /**
   * The unit keys of the views {@code x} (b x 1 x side x side), in {@code step}. The key encoder's
   * batch-norm statistics are taken over {@link #KEY_GROUPS} consecutive slices while the queries
   * use the whole batch: the single-device stand-in for MoCo's shuffling BN, so that a query and its
   * key never share the statistics the network could use to recognise each other instead of the
   * image.
   */
  NDArray keys(NDManager step, NDArray x, int b) {
    int groups = b >= 4 * KEY_GROUPS ? KEY_GROUPS : 1;
    if (groups == 1) {
      return keys.forward(new ParameterStore(step, false), x, true).normalize(2, 1);
    }
    NDList parts = new NDList();
    for (int g = 0; g < groups; g++) {
      int from = g * b / groups;
      int to = (g + 1) * b / groups;
      parts.add(keys.forward(new ParameterStore(step, false), x.get(new NDIndex("{}:{}", from, to)), true));
    }
    return NDArrays.concat(parts, 0).normalize(2, 1);
  }

  /** A copy of the queue in {@code step}: the negatives of this step, unchanged by its enqueue. */
  NDArray bank(NDManager step) {
    NDArray bank = queue.duplicate();
    bank.attach(step);
    return bank;
  }

  /** Writes the batch's keys into the queue, oldest first out, wrapping around. */
  void enqueue(NDArray kz) {
    int b = (int) kz.getShape().get(0);
    int from = 0;
    while (from < b) {
      int run = Math.min(b - from, capacity - pointer);
      queue.set(new NDIndex("{}:{}", pointer, pointer + run), kz.get(new NDIndex("{}:{}", from, from + run)));
      pointer = (pointer + run) % capacity;
      from += run;
    }
  }

  /** key = m key + (1 - m) query, parameter by parameter. */
  void follow(Encoder query) {
    List<Parameter> q = parameters(query);
    List<Parameter> k = parameters(keys);
    for (int i = 0; i < q.size(); i++) {
      NDArray kv = k.get(i).getArray();
      NDArray qv = q.get(i).getArray();
      try (NDManager tmp = kv.getManager().newSubManager()) {
        NDArray scaled = qv.mul(1 - momentum);
        scaled.attach(tmp);
        kv.muli(momentum).addi(scaled);
      }
    }
  }

  void save(DataOutputStream out) throws IOException {
    keys.save(out);
    out.writeInt(pointer);
    float[] qd = queue.toFloatArray();
    out.writeInt(qd.length);
    for (float v : qd) {
      out.writeFloat(v);
    }
  }

  void load(DataInputStream in) throws IOException {
    keys.load(in);
    pointer = in.readInt();
    int len = in.readInt();
    long expected = queue.size();
    if (len != expected || pointer < 0 || pointer >= capacity) {
      throw new IOException("the queue holds " + len + " values at position " + pointer + ", the settings say " + queue.getShape());
    }
    float[] qd = new float[len];
    for (int i = 0; i < len; i++) {
      qd[i] = in.readFloat();
    }
    queue.set(qd);
  }

  @Override
  public void close() {
    keys.close();
  }

  private static List<Parameter> parameters(Encoder e) {
    List<Parameter> out = new ArrayList<>();
    for (ai.djl.util.Pair<String, Parameter> p : e.network().getParameters()) {
      out.add(p.getValue());
    }
    return out;
  }

  private static void copy(Encoder from, Encoder to) {
    List<Parameter> a = parameters(from);
    List<Parameter> b = parameters(to);
    for (int i = 0; i < a.size(); i++) {
      a.get(i).getArray().copyTo(b.get(i).getArray());
    }
  }
}
