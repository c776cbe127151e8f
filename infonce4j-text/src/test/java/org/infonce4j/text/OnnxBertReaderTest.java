package org.infonce4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infonce4j.text.onnx.OnnxProto.GraphProto;
import org.infonce4j.text.onnx.OnnxProto.ModelProto;
import org.infonce4j.text.onnx.OnnxProto.NodeProto;
import org.infonce4j.text.onnx.OnnxProto.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading ONNX graphs: all-MiniLM-L6-v2's roles and sizes, and the errors of graphs and files that cannot be used. */
class OnnxBertReaderTest {

  @Test
  void mapsAllMiniLmsAnonymousProjectionsThroughTheirBiases() {
    BertWeights w = BertWeights.read(ModelSource.allMiniLmL6V2());
    assertEquals(new BertConfig(6, 384, 12, 1536, 30522, 512, 2, 1e-12f), w.config());
    assertEquals(BertWeights.parameterNames(w.config()), List.copyOf(w.weights().keySet()));
    assertEquals(5 + 6 * 16, w.weights().size());
    BertWeights.Weight query = w.weight("encoder.layer.0.attention.self.query.weight");
    assertEquals("onnx::MatMul_787", query.onnxName());
    assertTrue(query.transposed());
    assertArrayEquals(new long[] {384, 384}, query.shape());
    BertWeights.Weight up = w.weight("encoder.layer.5.intermediate.dense.weight");
    assertEquals("onnx::MatMul_863", up.onnxName());
    assertArrayEquals(new long[] {1536, 384}, up.shape()); // PyTorch's out x in; the ONNX initializer is 384 x 1536
    BertWeights.Weight bias = w.weight("encoder.layer.3.attention.self.query.bias");
    assertEquals("encoder.layer.3.attention.self.query.bias", bias.onnxName());
    assertTrue(!bias.transposed());
  }

  @Test
  void anUnmappableGraphNamesTheFirstUnmappedWeight() {
    GraphProto.Builder g = GraphProto.newBuilder();
    g.addInitializer(tensor("embeddings.word_embeddings.weight", 4, 2));
    g.addInitializer(tensor("encoder.layer.0.attention.self.query.bias", 2));
    g.addInitializer(tensor("onnx::MatMul_42", 2, 2)); // a MatMul whose product is added to nothing named
    g.addInitializer(tensor("onnx::MatMul_43", 2, 2));
    g.addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("x").addInput("onnx::MatMul_42").addOutput("y"));
    g.addNode(NodeProto.newBuilder().setOpType("Add").addInput("y").addInput("z").addOutput("w"));
    ModelProto model = ModelProto.newBuilder().setGraph(g).build();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxBertReader.map(model, "bad.onnx"));
    assertTrue(e.getMessage().contains("'onnx::MatMul_42'"), e.getMessage());
    assertTrue(e.getMessage().contains("bad.onnx"), e.getMessage());
  }

  @Test
  void aWeightWithAnUnknownNameIsNamed() {
    GraphProto.Builder g = GraphProto.newBuilder();
    g.addInitializer(tensor("encoder.layer.0.attention.self.query.bias", 2));
    g.addInitializer(tensor("encoder.layer.0.attention.rotary.inv_freq", 2));
    ModelProto model = ModelProto.newBuilder().setGraph(g).build();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxBertReader.map(model, "bad.onnx"));
    assertTrue(e.getMessage().contains("'encoder.layer.0.attention.rotary.inv_freq'"), e.getMessage());
  }

  @Test
  void aGraphMissingAWeightNamesIt() {
    GraphProto.Builder g = GraphProto.newBuilder();
    g.addInitializer(tensor("embeddings.word_embeddings.weight", 4, 2));
    g.addInitializer(tensor("encoder.layer.0.attention.self.query.bias", 2));
    ModelProto model = ModelProto.newBuilder().setGraph(g).build();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxBertReader.map(model, "small.onnx"));
    assertTrue(e.getMessage().contains("embeddings.position_embeddings.weight"), e.getMessage());
  }

  @Test
  void aMissingOrUnreadableModelFileIsNamed(@TempDir Path dir) throws Exception {
    ModelSource missing = ModelSource.directory(dir);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> BertWeights.read(missing));
    assertTrue(e.getMessage().contains(dir.resolve("model.onnx").toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    Files.write(dir.resolve("model.onnx"), new byte[] {(byte) 0xff, 0x13, 0x37});
    e = assertThrows(ModelFormatException.class, () -> BertWeights.read(missing));
    assertTrue(e.getMessage().contains(dir.resolve("model.onnx").toString()) && e.getMessage().contains("not an ONNX model"), e.getMessage());
    e = assertThrows(ModelFormatException.class, () -> TextTokenizer.open(missing, 256));
    assertTrue(e.getMessage().contains(dir.resolve("tokenizer.json").toString()), e.getMessage());
  }

  private static TensorProto tensor(String name, long... dims) {
    int n = 1;
    for (long d : dims) n *= (int) d;
    ByteBuffer raw = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) raw.putFloat(0.5f * i);
    raw.flip();
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(raw));
    for (long d : dims) t.addDims(d);
    return t.build();
  }
}
