package org.infonce4j.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.infonce4j.Matrix;
import org.infonce4j.data.FashionMnist;

/**
 * An image encoder with a head on top (a projection head for contrastive training, a linear
 * classifier for the supervised baseline): owns its DJL model and parameters. Images enter as
 * {@code n x 1 x 28 x 28} grey levels in [0, 1], standardised here with Fashion-MNIST's mean and
 * deviation. {@link #features} runs the encoder alone in inference mode, the representation that
 * evaluation sees.
 */
public final class Encoder implements AutoCloseable {

  /** Fashion-MNIST's pixel mean and standard deviation (grey levels in [0, 1]). */
  static final float MEAN = 0.2860f;
  static final float STD = 0.3530f;

  private final Model model;
  private final SequentialBlock encoder;
  private final SequentialBlock head;
  private final SequentialBlock net;
  private final NDManager manager;
  private final int featureSize;

  /**
   * A new encoder (width, blocks per stage) with a head, parameters initialised (Xavier) from the
   * engine's random seed.
   */
  Encoder(int width, int blocks, int stemStride, SequentialBlock head, int batch) {
    this.encoder = Networks.encoder(width, blocks, stemStride);
    this.head = head;
    this.net = new SequentialBlock().add(encoder).add(head);
    this.model = Model.newInstance("infonce4j-encoder");
    this.model.setBlock(net);
    this.manager = model.getNDManager();
    this.featureSize = Networks.featureSize(width);
    net.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
    net.initialize(manager, DataType.FLOAT32, new Shape(batch, 1, FashionMnist.SIDE, FashionMnist.SIDE));
  }

  /** The encoder and head together. */
  SequentialBlock network() {
    return net;
  }

  /** The encoder alone. */
  SequentialBlock encoder() {
    return encoder;
  }

  NDManager manager() {
    return manager;
  }

  /**
   * Size of the representation (the encoder's output).
   *
   * @return the number of features per image
   */
  public int featureSize() {
    return featureSize;
  }

  /** The trainable parameters of the encoder and head, in a fixed order. */
  List<Parameter> trainable() {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : net.getParameters()) {
      if (p.getValue().requiresGradient()) {
        out.add(p.getValue());
      }
    }
    return out;
  }

  /**
   * Number of trainable parameters of the encoder alone.
   *
   * @return the count of trainable values, the head's not included
   */
  public long encoderParameters() {
    long n = 0;
    for (Pair<String, Parameter> p : encoder.getParameters()) {
      if (p.getValue().requiresGradient()) {
        n += p.getValue().getArray().size();
      }
    }
    return n;
  }

  /** Standardised images as an NDArray of {@code n x 1 x 28 x 28} in {@code m}. */
  static NDArray images(NDManager m, float[] pixels, int n) {
    return images(m, pixels, n, FashionMnist.SIDE);
  }

  /** Standardised {@code side x side} images as an NDArray of {@code n x 1 x side x side} in {@code m}. */
  static NDArray images(NDManager m, float[] pixels, int n, int side) {
    NDArray x = m.create(pixels, new Shape(n, 1, side, side));
    return x.sub(MEAN).div(STD);
  }

  /** Forward through encoder and head. */
  NDArray forward(ParameterStore store, NDArray x, boolean training) {
    return net.forward(store, new NDList(x), training).singletonOrThrow();
  }

  /**
   * The encoder's features of every image of {@code split}, in inference mode ({@code n x featureSize}).
   *
   * @param split the images, computed in batches of 500
   * @return one row of {@link #featureSize()} features per image
   */
  public Matrix features(FashionMnist.Split split) {
    int n = split.size(), side = FashionMnist.SIDE;
    int batch = 500;
    float[] out = new float[n * featureSize]; // n x featureSize
    float[] pixels = new float[batch * side * side];
    for (int b0 = 0; b0 < n; b0 += batch) {
      int nb = Math.min(batch, n - b0);
      for (int i = 0; i < nb; i++) {
        for (int p = 0; p < side * side; p++) {
          pixels[i * side * side + p] = split.pixel(b0 + i, p);
        }
      }
      try (NDManager step = manager.newSubManager()) {
        NDArray x = images(step, nb == batch ? pixels : java.util.Arrays.copyOf(pixels, nb * side * side), nb);
        NDArray f = encoder.forward(new ParameterStore(step, false), new NDList(x), false).singletonOrThrow();
        System.arraycopy(f.toFloatArray(), 0, out, b0 * featureSize, nb * featureSize);
      }
    }
    return new Matrix(n, featureSize, out);
  }

  /**
   * The features of already augmented images ({@code n x 784} in [0, 1]).
   *
   * @param pixels {@code n x 28 x 28} grey levels in [0, 1]
   * @param n      how many images
   * @return one row of {@link #featureSize()} features per image ({@code n x featureSize}), in
   *     inference mode
   */
  public Matrix features(float[] pixels, int n) {
    try (NDManager step = manager.newSubManager()) {
      NDArray f = encoder.forward(new ParameterStore(step, false), new NDList(images(step, pixels, n)), false).singletonOrThrow();
      return new Matrix(n, featureSize, f.toFloatArray());
    }
  }

  /** Writes every parameter (batch-norm statistics included). */
  void save(DataOutputStream out) throws IOException {
    net.saveParameters(out);
  }

  /** Restores parameters written by {@link #save}. */
  void load(DataInputStream in) throws IOException {
    try {
      net.loadParameters(manager, in);
    } catch (ai.djl.MalformedModelException e) {
      throw new IOException("the checkpoint does not match this network: " + e.getMessage(), e);
    }
    // Loading replaces the arrays; trainable ones must collect gradients again.
    for (Pair<String, Parameter> p : net.getParameters()) {
      if (p.getValue().requiresGradient()) {
        p.getValue().getArray().setRequiresGradient(true);
      }
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
