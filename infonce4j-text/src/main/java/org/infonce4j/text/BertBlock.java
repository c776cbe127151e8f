package org.infonce4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Embedding;
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
  private static final Shape ONE = new Shape(1);
  private static final Shape ZERO = new Shape(0);

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

  /**
   * One post-LayerNorm transformer layer; {@code w} holds the weights and biases in the order of {@link BertWeights#LAYER_PARTS}.
   *
   * <p>The projections run as 1x1 convolutions over channels-first activations (batch x features x length): PyTorch hands those to
   * oneDNN, whose AVX-512 kernels ran at about 300 GFLOPS on two cores of an AMD EPYC where the BLAS behind {@code linear} ran at
   * about 155 (it takes its AVX2 path on AMD CPUs); the same arithmetic, summed in another order. Query, key and value are one convolution; the attention works on the transposed context
   * so that no layout change is needed between the projections.
   */
  private NDArray layer(NDArray x, NDArray maskBias, NDArray[] w) {
    Shape shape = x.getShape();
    long b = shape.get(0);
    long t = shape.get(1);
    int heads = config.heads();
    int d = config.headSize();
    NDArray weight = NDArrays.concat(new NDList(w[0], w[2], w[4])).expandDims(2);
    NDArray bias = NDArrays.concat(new NDList(w[1], w[3], w[5]));
    NDArray qkv = pointwise(x.transpose(0, 2, 1), weight, bias).reshape(b, 3, heads, d, t); // b x 3 x heads x d x t
    NDArray q = qkv.get(":, 0").transpose(0, 1, 3, 2).mul((float) (1.0 / Math.sqrt(d))); // b x heads x t x d
    NDArray k = qkv.get(":, 1"); // b x heads x d x t
    NDArray v = qkv.get(":, 2"); // b x heads x d x t
    // The mask is added to the scores in place (one batch x heads x length x length tensor fewer per layer).
    NDArray attention = q.matMul(k).addi(maskBias).softmax(-1); // b x heads x t x t
    NDArray context = v.matMul(attention.transpose(0, 1, 3, 2)).reshape(b, config.hidden(), t); // context transposed: b x hidden x t
    NDArray a = layerNorm(x.add(pointwise(context, w[6].expandDims(2), w[7]).transpose(0, 2, 1)), w[8], w[9]);
    NDArray h = Activation.gelu(pointwise(a.transpose(0, 2, 1), w[10].expandDims(2), w[11]));
    return layerNorm(a.add(pointwise(h, w[12].expandDims(2), w[13]).transpose(0, 2, 1)), w[14], w[15]);
  }

  /** A linear layer on channels-first activations: {@code weight} out x in x 1 over batch x in x length, plus the bias. */
  private static NDArray pointwise(NDArray channelsFirst, NDArray weight, NDArray bias) {
    return Conv1d.conv1d(channelsFirst, weight, bias, ONE, ZERO, ONE, 1).singletonOrThrow();
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
