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
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's two towers and its temperature: an image encoder (the CNN of the
 * image recipes on 3-channel images with per-image layer norm instead of batch norm, so that an
 * image's embedding does not depend on its batch and gradient caching is exact; then a linear
 * projection) and a caption encoder (one-hot word
 * ids, a GRU, the mean of its states over the caption's real tokens, a linear projection) into one
 * {@code embed}-d space, and the learned log logit scale (CLIP initialises it to log(1/0.07)).
 */
public final class ClipModel implements AutoCloseable {
  private final NDManager manager;
  private final SequentialBlock image;
  private final GRU text;
  private final SequentialBlock textProjection;
  private final Parameter logScale;
  private final int vocabulary;
  private final int hidden;
  private final int embed;

  /**
   * @param vocabulary tokenizer size (ids 0 and 1 included)
   * @param tokens     caption length in tokens (padded)
   * @param side       image side
   * @param width      CNN width (features 4 x width)
   * @param hidden     GRU state size
   * @param embed      shared embedding size
   * @param initialLogScale initial log logit scale ({@link InfoNceLoss#INITIAL_LOG_SCALE} in CLIP)
   */
  ClipModel(int vocabulary, int tokens, int side, int width, int hidden, int embed, float initialLogScale) {
    this.manager = NDManager.newBaseManager();
    this.vocabulary = vocabulary;
    this.hidden = hidden;
    this.embed = embed;
    this.image = new SequentialBlock().add(Networks.encoder(width, 1, 2, false)).add(Linear.builder().setUnits(embed).build());
    image.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
    image.initialize(manager, DataType.FLOAT32, new Shape(2, 3, side, side));
    this.text = GRU.builder().setNumLayers(1).setStateSize(hidden).optBatchFirst(true).optReturnState(false).build();
    text.initialize(manager, DataType.FLOAT32, new Shape(2, tokens, vocabulary));
    this.textProjection = new SequentialBlock().add(Linear.builder().setUnits(embed).build());
    textProjection.initialize(manager, DataType.FLOAT32, new Shape(2, hidden));
    this.logScale = Parameter.builder().setName("logScale").setType(Parameter.Type.OTHER).optShape(new Shape(1)).build();
    logScale.setInitializer(new ConstantInitializer(initialLogScale));
    logScale.initialize(manager, DataType.FLOAT32);
  }

  List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : image.getParameters()) if (p.getValue().requiresGradient()) out.add(p.getValue());
    for (Pair<String, Parameter> p : text.getParameters()) out.add(p.getValue());
    for (Pair<String, Parameter> p : textProjection.getParameters()) out.add(p.getValue());
    out.add(logScale);
    return out;
  }

  /**
   * The shared embedding size.
   *
   * @return the width of both towers' embeddings
   */
  public int embed() {
    return embed;
  }

  NDManager manager() {
    return manager;
  }

  NDArray logScale() {
    return logScale.getArray();
  }

  /** Image embeddings of {@code n} images, 3 x side x side in [0, 1]: {@code n x embed}. */
  NDArray images(NDManager m, float[] pixels, int n, int side, boolean training) {
    NDArray x = m.create(pixels, new Shape(n, 3, side, side)).sub(0.5f).div(0.25f);
    return image.forward(new ParameterStore(m, false), new NDList(x), training).singletonOrThrow();
  }

  /**
   * Caption embeddings: {@code tokens} n x t word ids (padded), {@code lengths} the real tokens of each
   * (at least 1): {@code n x embed}.
   */
  NDArray captions(NDManager m, int[] tokens, int[] lengths, int n, int t, boolean training) {
    float[] oneHot = new float[n * t * vocabulary]; // n x t x V
    float[] mask = new float[n * t]; // n x t: 1 / length on real tokens
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < t; s++) {
        oneHot[(i * t + s) * vocabulary + tokens[i * t + s]] = 1f;
        if (s < lengths[i]) mask[i * t + s] = 1f / lengths[i];
      }
    }
    ParameterStore store = new ParameterStore(m, false);
    NDArray h = text.forward(store, new NDList(m.create(oneHot, new Shape(n, t, vocabulary))), training).singletonOrThrow(); // n x t x H
    NDArray pooled = h.mul(m.create(mask, new Shape(n, t, 1))).sum(new int[] {1}); // n x H
    return textProjection.forward(store, new NDList(pooled), training).singletonOrThrow();
  }

  /** Writes every parameter (both towers and the log scale). */
  void save(java.io.DataOutputStream out) throws java.io.IOException {
    image.saveParameters(out);
    text.saveParameters(out);
    textProjection.saveParameters(out);
    float[] s = logScale.getArray().toFloatArray();
    out.writeFloat(s[0]);
  }

  /** Reads what {@link #save} wrote into a model of the same shape. */
  void load(java.io.DataInputStream in) throws java.io.IOException {
    try {
      image.loadParameters(manager, in);
      text.loadParameters(manager, in);
      textProjection.loadParameters(manager, in);
    } catch (ai.djl.MalformedModelException e) {
      throw new java.io.IOException("the checkpoint does not match this CLIP model: " + e.getMessage(), e);
    }
    logScale.getArray().set(new float[] {in.readFloat()});
    for (Parameter p : parameters()) p.getArray().setRequiresGradient(true);
  }

  @Override
  public void close() {
    manager.close();
  }
}
