package org.infonce4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DJL encoder is exactly the published all-MiniLM-L6-v2: against ONNX Runtime on the original ONNX file (same token ids), and
 * against langchain4j's own embedding model (its own tokenisation and pooling).
 */
class EncoderParityTest {
  private static final double TOLERANCE = 1e-4;
  private static TextEncoder encoder;

  @BeforeAll
  static void open() {
    encoder = TextEncoder.open(ModelSource.allMiniLmL6V2(), 2);
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  @Test
  void everyComponentMatchesOnnxRuntimeOnTheOriginalFile() throws Exception {
    List<String> texts = TestSentences.mixed(220);
    long truncatedBefore = encoder.truncated();
    float[][] djl = encoder.encode(texts, 16);
    assertTrue(encoder.truncated() - truncatedBefore >= 20, "the test set must hold texts over 256 word pieces");
    long[][] ids = encoder.tokenizer().ids(texts);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(2);
      try (OrtSession session = env.createSession(modelBytes(), options)) {
        double worst = 0;
        int longest = 0;
        for (int i = 0; i < texts.size(); i++) {
          double[] ort = ortEmbedding(env, session, ids[i]);
          longest = Math.max(longest, ids[i].length);
          assertEquals(ort.length, djl[i].length);
          for (int j = 0; j < ort.length; j++) {
            worst = Math.max(worst, Math.abs(ort[j] - djl[i][j]));
            assertEquals(ort[j], djl[i][j], TOLERANCE, "text " + i + " component " + j + ": " + texts.get(i));
          }
        }
        assertEquals(TextEncoder.DEFAULT_MAX_TOKENS, longest);
        System.out.printf("DJL vs ONNX Runtime on %d texts: largest difference %.2e%n", texts.size(), worst);
      }
    }
  }

  @Test
  void langchain4jsOwnModelGivesTheSameVectorsOnShortTexts() {
    List<String> texts = new ArrayList<>();
    for (String t : TestSentences.mixed(200)) {
      if (encoder.tokenizer().ids(List.of(t))[0].length <= 100) texts.add(t);
    }
    assertTrue(texts.size() >= 80, "short texts: " + texts.size());
    float[][] djl = encoder.encode(texts, 32);
    AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
    double worst = 0;
    for (int i = 0; i < texts.size(); i++) {
      float[] theirs = reference.embed(texts.get(i)).content().vector();
      assertEquals(theirs.length, djl[i].length);
      for (int j = 0; j < theirs.length; j++) {
        worst = Math.max(worst, Math.abs(theirs[j] - djl[i][j]));
        assertEquals(theirs[j], djl[i][j], TOLERANCE, "text " + i + " component " + j + ": " + texts.get(i));
      }
    }
    System.out.printf("DJL vs langchain4j on %d texts: largest difference %.2e%n", texts.size(), worst);
  }

  @Test
  void batchingAndOrderDoNotChangeAnEmbedding() {
    List<String> texts = TestSentences.mixed(40);
    float[][] batched = encoder.encode(texts, 7);
    for (int i : new int[] {0, 9, 39}) {
      float[] alone = encoder.encode(List.of(texts.get(i)), 1)[0];
      for (int j = 0; j < alone.length; j++) assertEquals(alone[j], batched[i][j], 1e-5, "text " + i);
    }
    double norm = 0;
    for (float v : batched[3]) norm += v * v;
    assertEquals(1.0, Math.sqrt(norm), 1e-5);
  }

  @Test
  void forwardKeepsGradientsForTraining() {
    encoder.encode(TestSentences.mixed(30), 4); // inference first, as between training epochs
    try (NDManager m = encoder.manager().newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      TokenBatch batch = encoder.tokenize(List.of("A query about proteins.", "A much longer document about the proteins of the cell cycle."));
      NDArray e = encoder.forward(m, batch, true);
      assertEquals(new Shape(2, 384), e.getShape());
      gc.backward(e.get(0).mul(e.get(1)).sum()); // cosine similarity of the pair
      for (String name : List.of("encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.value.weight",
          "encoder.layer.0.attention.output.dense.weight", "encoder.layer.5.intermediate.dense.bias",
          "embeddings.word_embeddings.weight", "embeddings.LayerNorm.weight")) {
        NDArray g = encoder.block().parameter(name).getArray().getGradient();
        float norm = g.norm().getFloat();
        assertTrue(norm > 0 && Float.isFinite(norm), name + " gradient norm " + norm);
        g.subi(g); // leave the encoder's gradients at zero for the other tests
      }
    }
  }

  static byte[] modelBytes() throws IOException {
    try (InputStream in = ModelSource.class.getClassLoader().getResourceAsStream(ModelSource.MINILM_MODEL)) {
      return in.readAllBytes();
    }
  }

  /** ONNX Runtime's last hidden states of one unpadded text, mean-pooled and normalised in double precision. */
  static double[] ortEmbedding(OrtEnvironment env, OrtSession session, long[] ids) throws OrtException {
    long[][] input = {ids};
    long[][] mask = {new long[ids.length]};
    java.util.Arrays.fill(mask[0], 1L);
    long[][] types = {new long[ids.length]};
    try (OnnxTensor a = OnnxTensor.createTensor(env, input); OnnxTensor b = OnnxTensor.createTensor(env, mask);
        OnnxTensor c = OnnxTensor.createTensor(env, types);
        OrtSession.Result result = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
      float[][] hidden = ((float[][][]) result.get(0).getValue())[0];
      double[] mean = new double[hidden[0].length];
      for (float[] token : hidden) {
        for (int j = 0; j < mean.length; j++) mean[j] += token[j] / (double) hidden.length;
      }
      double norm = 0;
      for (double v : mean) norm += v * v;
      norm = Math.max(Math.sqrt(norm), 1e-12);
      for (int j = 0; j < mean.length; j++) mean[j] /= norm;
      return mean;
    }
  }
}
