package org.infonce4j.text;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A BERT encoder's weights under their PyTorch names ({@code encoder.layer.3.attention.self.query.weight}), in PyTorch's layout
 * (a linear layer's weight is out x in), with the ONNX initializer each came from, so that fine-tuned weights can be written back
 * into the same graph.
 */
public final class BertWeights {

  /**
   * One weight: its PyTorch-layout shape and values (row-major), the ONNX initializer it came from and whether that initializer
   * holds it transposed (a MatMul's right operand is in x out).
   *
   * @param shape      the PyTorch shape
   * @param values     row-major values
   * @param onnxName   the ONNX initializer's name
   * @param transposed whether the initializer is the transpose of this weight
   */
  public record Weight(long[] shape, float[] values, String onnxName, boolean transposed) {

    /**
     * Checks that the values fill the shape.
     *
     * @param shape      the PyTorch shape
     * @param values     row-major values
     * @param onnxName   the ONNX initializer's name
     * @param transposed whether the initializer is the transpose of this weight
     * @throws IllegalArgumentException when they do not
     */
    public Weight {
      Objects.requireNonNull(onnxName, "onnxName");
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      if (n != values.length) {
        throw new IllegalArgumentException(onnxName + ": " + values.length + " values for a shape of " + n);
      }
    }
  }

  private final BertConfig config;
  private final Map<String, Weight> weights;

  BertWeights(BertConfig config, Map<String, Weight> weights) {
    this.config = config;
    this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
  }

  /**
   * Reads and maps the ONNX graph of a model source.
   *
   * @param source where the model is
   * @return its configuration and weights
   * @throws ModelFormatException when the file is missing or unreadable, or the graph cannot be mapped
   */
  public static BertWeights read(ModelSource source) {
    return OnnxBertReader.read(source);
  }

  /**
   * The encoder's sizes.
   *
   * @return the configuration read from the graph
   */
  public BertConfig config() {
    return config;
  }

  /**
   * Every weight by PyTorch name, in the order of {@link #parameterNames(BertConfig)}.
   *
   * @return an unmodifiable map
   */
  public Map<String, Weight> weights() {
    return weights;
  }

  /**
   * One weight.
   *
   * @param name its PyTorch name
   * @return the weight
   * @throws IllegalArgumentException when there is none of that name
   */
  public Weight weight(String name) {
    Weight w = weights.get(name);
    if (w == null) {
      throw new IllegalArgumentException("no weight " + name);
    }
    return w;
  }

  /**
   * The PyTorch names of a BERT encoder's parameters (the embeddings, then each layer's), in the order the encoder registers them.
   *
   * @param config the sizes (only the layer count is used)
   * @return the names
   */
  public static java.util.List<String> parameterNames(BertConfig config) {
    return parameterNames(config.layers());
  }

  static java.util.List<String> parameterNames(int layers) {
    java.util.List<String> names = new java.util.ArrayList<>();
    names.add("embeddings.word_embeddings.weight");
    names.add("embeddings.position_embeddings.weight");
    names.add("embeddings.token_type_embeddings.weight");
    names.add("embeddings.LayerNorm.weight");
    names.add("embeddings.LayerNorm.bias");
    for (int l = 0; l < layers; l++) {
      String p = "encoder.layer." + l + ".";
      for (String part : LAYER_PARTS) {
        names.add(p + part + ".weight");
        names.add(p + part + ".bias");
      }
    }
    return names;
  }

  /** The parts of one layer, each with a weight and a bias. */
  static final String[] LAYER_PARTS = {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
      "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"};
}
