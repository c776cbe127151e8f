package org.infonce4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A BERT encoder as a trainable DJL block, with sentence-transformers' head: word, position and token-type embeddings and their
 * LayerNorm; {@code layers} post-LayerNorm transformer layers (multi-head self-attention under the attention mask, an erf-GELU
 * feed-forward block); the mean of the last hidden states over the real tokens; L2 normalisation.
 *
 * <p>Its parameters carry the PyTorch names of the weights they were read from ({@code encoder.layer.3.attention.self.query.weight},
 * out x in as in PyTorch) and require gradients. Input: token ids, token type ids and attention mask, each batch x length int64;
 * output: batch x hidden unit-length embeddings.
 */
public final class BertBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final BertConfig config;
  private final Map<String, Parameter> byName = new LinkedHashMap<>();
  private final Parameter[][] layerParameters;

  /**
   * Builds the block and sets every parameter from the weights.
   *
   * @param weights the encoder's weights (e.g. {@link BertWeights#read(ModelSource)})
   * @param manager the manager that owns the parameters
   */
  public BertBlock(BertWeights weights, NDManager manager) {
    super(VERSION);
    this.config = weights.config();
    for (Map.Entry<String, BertWeights.Weight> e : weights.weights().entrySet()) {
      String name = e.getKey();
      Parameter p = addParameter(Parameter.builder().setName(name).setType(typeOf(name)).build());
      NDArray array = manager.create(e.getValue().values(), new Shape(e.getValue().shape()));
      p.setArray(array);
      array.setRequiresGradient(true);
      byName.put(name, p);
    }
    String[] parts = BertWeights.LAYER_PARTS;
    layerParameters = new Parameter[config.layers()][2 * parts.length];
    for (int l = 0; l < config.layers(); l++) {
      for (int k = 0; k < parts.length; k++) {
        layerParameters[l][2 * k] = parameter("encoder.layer." + l + "." + parts[k] + ".weight");
        layerParameters[l][2 * k + 1] = parameter("encoder.layer." + l + "." + parts[k] + ".bias");
      }
    }
    inputShapes = new Shape[] {new Shape(1, 1), new Shape(1, 1), new Shape(1, 1)};
    inputNames = java.util.List.of("input_ids", "token_type_ids", "attention_mask");
  }

  private static Parameter.Type typeOf(String name) {
    if (name.contains("LayerNorm")) return name.endsWith(".bias") ? Parameter.Type.BETA : Parameter.Type.GAMMA;
    return name.endsWith(".bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT;
  }

  /**
   * The encoder's sizes.
   *
   * @return its configuration
   */
  public BertConfig config() {
    return config;
  }

  /**
   * A parameter by its PyTorch name.
   *
   * @param name e.g. {@code encoder.layer.0.attention.self.query.weight}
   * @return the parameter
   * @throws IllegalArgumentException when the block has none of that name
   */
  public Parameter parameter(String name) {
    Parameter p = byName.get(name);
    if (p == null) throw new IllegalArgumentException("no parameter " + name);
    return p;
  }

  /**
   * Every parameter by PyTorch name, in the order of {@link BertWeights#parameterNames(BertConfig)}.
   *
   * @return an unmodifiable map
   */
  public Map<String, Parameter> parametersByName() {
    return java.util.Collections.unmodifiableMap(byName);
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray mask = inputs.get(2).toType(DataType.FLOAT32, false);
    NDArray hidden = hiddenStates(store, inputs.get(0), inputs.get(1), mask, training);
    return new NDList(pool(hidden, mask));
  }

  /** The last hidden states, batch x length x hidden. */
  NDArray hiddenStates(ParameterStore store, NDArray ids, NDArray types, NDArray mask, boolean training) {
    long length = ids.getShape().get(1);
    if (length > config.maxPositions()) {
      throw new IllegalArgumentException(length + " tokens exceed the encoder's " + config.maxPositions() + " positions");
    }
    NDArray positions = ids.getManager().arange(0, (int) length, 1, DataType.INT64);
    NDArray x = Embedding.embedding(ids, value(store, "embeddings.word_embeddings.weight", training), SparseFormat.DENSE).singletonOrThrow()
        .add(Embedding.embedding(types, value(store, "embeddings.token_type_embeddings.weight", training), SparseFormat.DENSE).singletonOrThrow())
        .add(Embedding.embedding(positions, value(store, "embeddings.position_embeddings.weight", training), SparseFormat.DENSE).singletonOrThrow());
    x = layerNorm(x, value(store, "embeddings.LayerNorm.weight", training), value(store, "embeddings.LayerNorm.bias", training));
    // 0 on real tokens, the most negative float on padding: added to the attention scores, as in the ONNX graph.
    NDArray maskBias = mask.sub(1f).mul(Float.MAX_VALUE).reshape(mask.getShape().get(0), 1, 1, length);
    for (int l = 0; l < config.layers(); l++) {
      NDArray[] w = new NDArray[layerParameters[l].length];
      for (int k = 0; k < w.length; k++) w[k] = store.getValue(layerParameters[l][k], x.getDevice(), training);
      x = layer(x, maskBias, w);
    }
    return x;
  }

  /** One post-LayerNorm transformer layer; {@code w} holds the weights and biases in the order of {@link BertWeights#LAYER_PARTS}. */
  private NDArray layer(NDArray x, NDArray maskBias, NDArray[] w) {
    Shape shape = x.getShape();
    long b = shape.get(0);
    long t = shape.get(1);
    int heads = config.heads();
    int d = config.headSize();
    NDArray q = Linear.linear(x, w[0], w[1]).singletonOrThrow().mul((float) (1.0 / Math.sqrt(d))).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
    NDArray k = Linear.linear(x, w[2], w[3]).singletonOrThrow().reshape(b, t, heads, d).transpose(0, 2, 3, 1);
    NDArray v = Linear.linear(x, w[4], w[5]).singletonOrThrow().reshape(b, t, heads, d).transpose(0, 2, 1, 3);
    NDArray attention = q.matMul(k).add(maskBias).softmax(-1);
    NDArray context = attention.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * d);
    NDArray a = layerNorm(Linear.linear(context, w[6], w[7]).singletonOrThrow().add(x), w[8], w[9]);
    NDArray h = Activation.gelu(Linear.linear(a, w[10], w[11]).singletonOrThrow());
    return layerNorm(Linear.linear(h, w[12], w[13]).singletonOrThrow().add(a), w[14], w[15]);
  }

  private NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
    return LayerNorm.layerNorm(x, new Shape(config.hidden()), gamma, beta, config.layerNormEps()).singletonOrThrow();
  }

  /** Mean over the real tokens (mask 1), then L2 normalisation: batch x hidden. */
  static NDArray pool(NDArray hidden, NDArray mask) {
    NDArray m = mask.expandDims(2); // b x t x 1
    NDArray sum = hidden.mul(m).sum(new int[] {1});
    NDArray count = mask.sum(new int[] {1}, true).maximum(1e-9f);
    return sum.div(count).normalize(2, 1, 1e-12);
  }

  private NDArray value(ParameterStore store, String name, boolean training) {
    Parameter p = byName.get(name);
    return store.getValue(p, p.getArray().getDevice(), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {new Shape(inputs[0].get(0), config.hidden())};
  }

  @Override
  public String toString() {
    return "BertBlock(" + config + ")";
  }
}
