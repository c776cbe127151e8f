package org.infonce4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.infonce4j.text.ModelSource;
import org.infonce4j.text.TextEncoder;
import org.infonce4j.text.TokenBatch;

/**
 * Corpus encoding throughput of the DJL text encoder beside ONNX Runtime running the model's original ONNX file, in one process,
 * on the same threads, texts, tokenisation, length-sorted batches and pooling. Each engine encodes the documents {@code rounds}
 * times, taking turns going first, after a warm-up; the best round of each is reported with the largest difference between their embeddings.
 *
 * <p>Usage: {@code TextEncodingBench CORPUS.jsonl [DOCS=1000] [THREADS=2] [BATCH=32] [ROUNDS=2]}, where each line of the corpus is
 * a BEIR document ({@code title} and {@code text}; a document is {@code title + " " + text}). Run it through
 * {@code infonce4j-bench/scripts/text-encode.sh}.
 */
public final class TextEncodingBench {
  private TextEncodingBench() {
  }

  /**
   * Runs the comparison and prints one line per round and a summary.
   *
   * @param args corpus path, then optionally documents, threads, batch size and rounds
   * @throws Exception when the corpus cannot be read or an engine fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: TextEncodingBench CORPUS.jsonl [DOCS=1000] [THREADS=2] [BATCH=32] [ROUNDS=2]");
      System.exit(2);
    }
    int docs = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    List<String> texts = corpus(Path.of(args[0]), docs);
    try (TextEncoder djl = TextEncoder.open(ModelSource.allMiniLmL6V2(), threads); Ort ort = new Ort(threads)) {
      long[][] ids = djl.tokenizer().ids(texts);
      long tokens = Arrays.stream(ids).mapToLong(a -> a.length).sum();
      System.out.printf("%d documents, %d tokens (mean %.1f, %d truncated at %d), %d threads, batch %d; %s; ONNX Runtime %s%n",
          texts.size(), tokens, tokens / (double) texts.size(), djl.truncated(), TextEncoder.DEFAULT_MAX_TOKENS, threads, batch,
          djl.engine(), ort.env.getVersion());
      List<String> warm = texts.subList(0, Math.min(64, texts.size()));
      djl.encode(warm, batch);
      ort.encode(djl, warm, batch);
      double bestDjl = 0;
      double bestOrt = 0;
      float[][] a = null;
      float[][] b = null;
      for (int r = 0; r < rounds; r++) {
        // The engines take turns going first, so that neither always meets the other's lingering threads.
        long t0 = System.nanoTime();
        if (r % 2 == 1) b = ort.encode(djl, texts, batch);
        long t1 = System.nanoTime();
        a = djl.encode(texts, batch);
        long t2 = System.nanoTime();
        if (r % 2 == 0) b = ort.encode(djl, texts, batch);
        long t3 = System.nanoTime();
        double d = texts.size() / ((t2 - t1) / 1e9);
        double o = texts.size() / ((r % 2 == 1 ? t1 - t0 : t3 - t2) / 1e9);
        System.out.printf("round %d: DJL %.1f docs/s, ONNX Runtime %.1f docs/s%n", r + 1, d, o);
        bestDjl = Math.max(bestDjl, d);
        bestOrt = Math.max(bestOrt, o);
      }
      double worst = 0;
      for (int i = 0; i < a.length; i++) {
        for (int j = 0; j < a[i].length; j++) worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
      }
      System.out.printf("best: DJL %.1f docs/s, ONNX Runtime %.1f docs/s (DJL/ORT %.2f); largest embedding difference %.2e%n", bestDjl,
          bestOrt, bestDjl / bestOrt, worst);
    }
  }

  /** The first {@code limit} documents, {@code title + " " + text}. */
  static List<String> corpus(Path file, int limit) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file)) {
      for (String line = in.readLine(); line != null && out.size() < limit; line = in.readLine()) {
        if (line.isBlank()) continue;
        JsonNode doc = json.readTree(line);
        out.add((doc.path("title").asText("") + " " + doc.path("text").asText("")).strip());
      }
    }
    return out;
  }

  /** ONNX Runtime on the model's original file, fed the same length-sorted, padded batches, pooled as the DJL encoder pools. */
  private static final class Ort implements AutoCloseable {
    final OrtEnvironment env = OrtEnvironment.getEnvironment();
    final OrtSession session;

    Ort(int threads) throws OrtException, IOException {
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          InputStream model = TextEncodingBench.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(model.readAllBytes(), options);
      }
    }

    float[][] encode(TextEncoder tokens, List<String> texts, int batch) throws OrtException {
      long[][] ids = tokens.tokenizer().ids(texts);
      Integer[] order = new Integer[ids.length];
      for (int i = 0; i < order.length; i++) order[i] = i;
      Arrays.sort(order, Comparator.comparingInt((Integer i) -> ids[i].length).reversed());
      float[][] out = new float[ids.length][];
      for (int start = 0; start < order.length; start += batch) {
        int n = Math.min(batch, order.length - start);
        long[][] rows = new long[n][];
        for (int r = 0; r < n; r++) rows[r] = ids[order[start + r]];
        float[][] pooled = run(TokenBatch.of(rows));
        for (int r = 0; r < n; r++) out[order[start + r]] = pooled[r];
      }
      return out;
    }

    private float[][] run(TokenBatch b) throws OrtException {
      long[] shape = {b.rows(), b.length()};
      try (OnnxTensor ids = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(b.ids()), shape);
          OnnxTensor mask = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(b.attentionMask()), shape);
          OnnxTensor types = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(b.typeIds()), shape);
          OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
        float[][][] hidden = (float[][][]) result.get(0).getValue();
        float[][] out = new float[b.rows()][];
        for (int r = 0; r < b.rows(); r++) out[r] = meanNormalised(hidden[r], b, r);
        return out;
      }
    }

    private static float[] meanNormalised(float[][] hidden, TokenBatch b, int row) {
      int n = b.tokens(row);
      float[] mean = new float[hidden[0].length];
      for (int t = 0; t < n; t++) {
        for (int j = 0; j < mean.length; j++) mean[j] += hidden[t][j];
      }
      double norm = 0;
      for (float v : mean) norm += (double) v * v;
      float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
      for (int j = 0; j < mean.length; j++) mean[j] *= scale;
      return mean;
    }

    @Override
    public void close() throws OrtException {
      session.close();
    }
  }
}
