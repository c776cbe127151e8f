package org.infonce4j.text;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.infonce4j.text.onnx.OnnxProto.GraphProto;
import org.infonce4j.text.onnx.OnnxProto.ModelProto;
import org.infonce4j.text.onnx.OnnxProto.NodeProto;
import org.infonce4j.text.onnx.OnnxProto.TensorProto;

/**
 * Maps the ONNX graph of a BERT encoder, as PyTorch's exporter writes it, onto the encoder's PyTorch-named weights. Biases,
 * LayerNorms and embeddings keep their PyTorch names as initializer names; the projection weights are anonymous MatMul operands
 * ({@code onnx::MatMul_787}), whose role is the one of the named bias their MatMul's output is added to. Sizes are read from the
 * weights, the head count from the attention's Reshape and the LayerNorm epsilon from its Add.
 */
final class OnnxBertReader {
  private static final String LAYER_PREFIX = "encoder.layer.";
  private static final String BIAS = ".bias";

  private final GraphProto graph;
  private final String file;
  private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
  private final Map<String, NodeProto> producers = new HashMap<>();
  private final Map<String, List<NodeProto>> consumers = new HashMap<>();

  private OnnxBertReader(GraphProto graph, String file) {
    this.graph = graph;
    this.file = file;
    for (TensorProto t : graph.getInitializerList()) initializers.put(t.getName(), t);
    for (NodeProto n : graph.getNodeList()) {
      for (String out : n.getOutputList()) producers.put(out, n);
      for (String in : n.getInputList()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
    }
  }

  static BertWeights read(ModelSource source) {
    String file = source.modelLocation();
    ModelProto model;
    try (InputStream in = source.openModel()) {
      model = ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException("the model file " + file + " is not an ONNX model: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read the model file " + file + ": " + e.getMessage(), e);
    }
    return map(model, file);
  }

  /**
   * Maps a parsed model.
   *
   * @param model the ONNX model
   * @param file  its location, for messages
   * @return the weights and sizes
   * @throws ModelFormatException naming the first initializer that has no role, or what else is missing
   */
  static BertWeights map(ModelProto model, String file) {
    if (!model.hasGraph() || model.getGraph().getInitializerCount() == 0) {
      throw new ModelFormatException("the model file " + file + " has no graph with weights");
    }
    return new OnnxBertReader(model.getGraph(), file).map();
  }

  private BertWeights map() {
    int layers = layerCount();
    List<String> names = BertWeights.parameterNames(layers);
    Set<String> expected = new HashSet<>(names);
    Map<String, String> anonymous = anonymousRoles();
    Map<String, BertWeights.Weight> found = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      String name = t.getName();
      String role = expected.contains(name) ? name : anonymous.get(name);
      if (ignorable(role == null ? name : role)) continue;
      if (role == null || !expected.contains(role)) {
        throw new ModelFormatException("cannot map the ONNX initializer '" + name + "' of " + file + " onto a BERT encoder's weights"
            + (role == null ? "" : " (it feeds " + role + ")") + ": the first weight without a role");
      }
      BertWeights.Weight previous = found.get(role);
      if (previous != null) {
        throw new ModelFormatException("the ONNX initializers '" + previous.onnxName() + "' and '" + name + "' of " + file + " both hold " + role);
      }
      found.put(role, weight(t, !role.equals(name)));
    }
    for (String n : names) {
      if (!found.containsKey(n)) throw new ModelFormatException("the ONNX graph of " + file + " has no weight for " + n);
    }
    long[] word = found.get("embeddings.word_embeddings.weight").shape();
    int hidden = (int) word[1];
    BertConfig config = new BertConfig(layers, hidden, heads(hidden), found.get("encoder.layer.0.intermediate.dense.bias").values().length,
        (int) word[0], (int) found.get("embeddings.position_embeddings.weight").shape()[0],
        (int) found.get("embeddings.token_type_embeddings.weight").shape()[0], epsilon());
    requireErfGelu();
    Map<String, BertWeights.Weight> ordered = new LinkedHashMap<>();
    for (String n : names) {
      BertWeights.Weight w = found.get(n);
      long[] want = expectedShape(n, config);
      if (!Arrays.equals(want, w.shape())) {
        throw new ModelFormatException("the ONNX initializer '" + w.onnxName() + "' of " + file + " (" + n + ") has shape "
            + Arrays.toString(w.shape()) + ", expected " + Arrays.toString(want) + " for " + config);
      }
      ordered.put(n, w);
    }
    return new BertWeights(config, ordered);
  }

  /** Buffers and parts the sentence encoder does not use: the position ids and BERT's pooler. */
  private static boolean ignorable(String name) {
    return name.equals("embeddings.position_ids") || name.startsWith("pooler.");
  }

  private int layerCount() {
    int layers = 0;
    for (String name : initializers.keySet()) {
      if (name.startsWith(LAYER_PREFIX)) {
        int end = name.indexOf('.', LAYER_PREFIX.length());
        try {
          layers = Math.max(layers, Integer.parseInt(name.substring(LAYER_PREFIX.length(), end < 0 ? name.length() : end)) + 1);
        } catch (NumberFormatException e) {
          throw new ModelFormatException("cannot map the ONNX initializer '" + name + "' of " + file + " onto a BERT layer", e);
        }
      }
    }
    if (layers == 0) throw new ModelFormatException("the ONNX graph of " + file + " has no weights named " + LAYER_PREFIX + "N...");
    return layers;
  }

  /** Anonymous MatMul weights: initializer name to the PyTorch name of the weight whose bias the product is added to. */
  private Map<String, String> anonymousRoles() {
    Map<String, String> roles = new HashMap<>();
    for (NodeProto n : graph.getNodeList()) {
      if (!n.getOpType().equals("MatMul") || n.getInputCount() != 2 || !initializers.containsKey(n.getInput(1))) continue;
      for (NodeProto add : consumers.getOrDefault(n.getOutput(0), List.of())) {
        if (!add.getOpType().equals("Add") || add.getInputCount() != 2) continue;
        String other = add.getInput(0).equals(n.getOutput(0)) ? add.getInput(1) : add.getInput(0);
        if (other.endsWith(BIAS) && initializers.containsKey(other)) {
          roles.put(n.getInput(1), other.substring(0, other.length() - BIAS.length()) + ".weight");
        }
      }
    }
    return roles;
  }

  private BertWeights.Weight weight(TensorProto t, boolean transposed) {
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    float[] values = floats(t);
    if (!transposed) return new BertWeights.Weight(dims, values, t.getName(), false);
    if (dims.length != 2) throw new ModelFormatException("the MatMul weight '" + t.getName() + "' of " + file + " is not a matrix");
    int rows = (int) dims[0];
    int cols = (int) dims[1];
    float[] out = new float[values.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
    }
    return new BertWeights.Weight(new long[] {cols, rows}, out, t.getName(), true);
  }

  private float[] floats(TensorProto t) {
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new ModelFormatException("the ONNX initializer '" + t.getName() + "' of " + file + " is not float32 (data type " + t.getDataType() + ")");
    }
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new ModelFormatException("the ONNX initializer '" + t.getName() + "' of " + file + " is stored in an external file, which is not supported");
    }
    long n = 1;
    for (long d : t.getDimsList()) n *= d;
    float[] out = new float[Math.toIntExact(n)];
    if (t.hasRawData()) {
      FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      if (fb.remaining() != n) throw sizeMismatch(t, fb.remaining(), n);
      fb.get(out);
    } else {
      if (t.getFloatDataCount() != n) throw sizeMismatch(t, t.getFloatDataCount(), n);
      for (int i = 0; i < out.length; i++) out[i] = t.getFloatData(i);
    }
    return out;
  }

  private ModelFormatException sizeMismatch(TensorProto t, long have, long want) {
    return new ModelFormatException("the ONNX initializer '" + t.getName() + "' of " + file + " holds " + have + " values for its shape of " + want);
  }

  /** The head count: the third entry of the shape the first layer's query is reshaped to (batch, length, heads, head size). */
  private int heads(int hidden) {
    String bias = LAYER_PREFIX + "0.attention.self.query.bias";
    for (NodeProto add : consumers.getOrDefault(bias, List.of())) {
      for (NodeProto reshape : consumers.getOrDefault(add.getOutput(0), List.of())) {
        if (!reshape.getOpType().equals("Reshape") || reshape.getInputCount() < 2) continue;
        long[] shape = constantInts(reshape.getInput(1));
        if (shape != null && shape.length == 4 && shape[2] > 0 && shape[2] * shape[3] == hidden) return (int) shape[2];
      }
    }
    throw new ModelFormatException("cannot find the attention heads in the ONNX graph of " + file
        + " (no Reshape of the first layer's query to batch x length x heads x head size)");
  }

  /** The values of a constant int64 vector, a Concat of such (a computed entry reads -1), or null. */
  private long[] constantInts(String name) {
    TensorProto t = constant(name);
    if (t != null) {
      if (t.getDataType() != TensorProto.DataType.INT64_VALUE) return null;
      if (t.hasRawData()) {
        java.nio.LongBuffer lb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        long[] out = new long[lb.remaining()];
        lb.get(out);
        return out;
      }
      return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }
    NodeProto p = producers.get(name);
    if (p == null || !p.getOpType().equals("Concat")) return null;
    List<Long> out = new ArrayList<>();
    for (String in : p.getInputList()) {
      long[] part = constantInts(in);
      if (part == null) {
        out.add(-1L);
      } else {
        for (long v : part) out.add(v);
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** The tensor of an initializer or a Constant node's value, or null. */
  private TensorProto constant(String name) {
    TensorProto t = initializers.get(name);
    if (t != null) return t;
    NodeProto p = producers.get(name);
    if (p == null || !p.getOpType().equals("Constant")) return null;
    for (var a : p.getAttributeList()) {
      if (a.getName().equals("value") && a.hasT()) return a.getT();
    }
    return null;
  }

  /** The embeddings LayerNorm's epsilon: a LayerNormalization node's attribute, or the constant added to the variance. */
  private float epsilon() {
    for (NodeProto n : consumers.getOrDefault("embeddings.LayerNorm.weight", List.of())) {
      if (n.getOpType().equals("LayerNormalization")) {
        for (var a : n.getAttributeList()) {
          if (a.getName().equals("epsilon")) return a.getF();
        }
        return 1e-5f; // the operator's default
      }
      if (n.getOpType().equals("Mul")) {
        NodeProto div = producers.get(n.getInput(0).equals("embeddings.LayerNorm.weight") ? n.getInput(1) : n.getInput(0));
        NodeProto sqrt = div != null && div.getOpType().equals("Div") ? producers.get(div.getInput(1)) : null;
        NodeProto add = sqrt != null && sqrt.getOpType().equals("Sqrt") ? producers.get(sqrt.getInput(0)) : null;
        if (add != null && add.getOpType().equals("Add")) {
          for (String in : add.getInputList()) {
            TensorProto c = constant(in);
            if (c != null && c.getDataType() == TensorProto.DataType.FLOAT_VALUE) return floats(c)[0];
          }
        }
      }
    }
    throw new ModelFormatException("cannot find the LayerNorm epsilon in the ONNX graph of " + file + " (embeddings.LayerNorm)");
  }

  private void requireErfGelu() {
    for (NodeProto n : graph.getNodeList()) {
      if (n.getOpType().equals("Erf") || n.getOpType().equals("Gelu")) return;
    }
    throw new ModelFormatException("the ONNX graph of " + file + " has no Erf: its feed-forward activation is not the erf GELU this encoder implements");
  }

  private static long[] expectedShape(String name, BertConfig c) {
    long h = c.hidden();
    long i = c.intermediate();
    boolean weight = name.endsWith(".weight");
    if (name.startsWith("embeddings.")) {
      if (name.contains("LayerNorm")) return new long[] {h};
      long rows = name.contains("word") ? c.vocabulary() : name.contains("position") ? c.maxPositions() : c.typeVocabulary();
      return new long[] {rows, h};
    }
    if (name.contains("LayerNorm")) return new long[] {h};
    if (name.contains("intermediate.dense")) return weight ? new long[] {i, h} : new long[] {i};
    if (name.contains(".output.dense") && !name.contains("attention")) return weight ? new long[] {h, i} : new long[] {h};
    return weight ? new long[] {h, h} : new long[] {h};
  }
}
