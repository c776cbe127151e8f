package org.infonce4j.text.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a fine-tuning run (immutable, checked when built; stored as the run's {@code config.json}).
 *
 * @param model        the model folder (model.onnx + tokenizer.json), or null for the bundled all-MiniLM-L6-v2
 * @param data         the BEIR folder, or null for the bundled SciFact
 * @param maxTokens    word pieces per text, special tokens included (default 256)
 * @param epochs       passes over the training pairs (default 1)
 * @param batch        pairs per step: each query's candidates are the batch's documents (default 32)
 * @param chunk        texts per forward pass of the gradient cache; peak memory holds one chunk's graph (default 32)
 * @param lr           AdamW's peak learning rate (default 2e-5)
 * @param warmup       share of the steps spent warming up linearly, after which the rate decays linearly to 0 (default 0.1)
 * @param weightDecay  AdamW's decoupled weight decay on matrices (default 0.01)
 * @param temperature  InfoNCE temperature on cosine similarities (default 0.05, sentence-transformers' scale 20)
 * @param symmetric    also pick each document's query among the batch's queries (default false)
 * @param devShare     share of the training queries held out as the dev split, evaluated after every epoch (default 0.1)
 * @param devPool      BM25 candidates per dev query in the dev ranking pool, beside the dev queries' positives (default 20)
 * @param seed         the seed of the dev split and of the order of the pairs (default 1)
 * @param threads      PyTorch's and the core engine's threads (default: all processors)
 */
public record TextTrainingConfig(String model, String data, int maxTokens, int epochs, int batch, int chunk, double lr, double warmup,
    double weightDecay, double temperature, boolean symmetric, double devShare, int devPool, long seed, int threads) {

  /**
   * Checks every setting, naming the first one out of range.
   *
   * @throws IllegalArgumentException naming the setting
   */
  public TextTrainingConfig {
    within("max tokens", maxTokens, 8, 8192);
    within("epochs", epochs, 1, 10_000);
    within("batch", batch, 2, 65_536);
    within("chunk", chunk, 1, 65_536);
    within("threads", threads, 1, 1024);
    within("dev pool", devPool, 0, 10_000);
    if (!(lr > 0 && lr < 1) || !(warmup >= 0 && warmup <= 1) || !(weightDecay >= 0 && weightDecay < 1) || !(temperature > 0 && temperature <= 10)
        || !(devShare >= 0 && devShare < 1)) {
      throw new IllegalArgumentException("lr in (0, 1), warm-up in [0, 1], weight decay in [0, 1), temperature in (0, 10] and dev share in [0, 1)"
          + " required; got " + lr + ", " + warmup + ", " + weightDecay + ", " + temperature + ", " + devShare);
    }
  }

  private static void within(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must lie in " + min + ".." + max + ", got " + value);
    }
  }

  /**
   * The defaults: all-MiniLM-L6-v2 on SciFact, 256 tokens, one epoch of batches of 32 (sentence-transformers' recipe for its published
   * fine-tuning numbers), chunks of 32, lr 2e-5 with 10% warm-up, weight decay 0.01, temperature 0.05, one-way loss, 10% of the
   * training queries held out, seed 1, all processors.
   *
   * @return the default settings
   */
  public static TextTrainingConfig defaults() {
    return new TextTrainingConfig(null, null, 256, 1, 32, 32, 2e-5, 0.1, 0.01, 0.05, false, 0.1, 20, 1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * {@return the settings by name, for config.json} Threads too: PyTorch's sums may round differently on another count, so a resumed run
   * keeps them to end bit for bit where an uninterrupted one does.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recipe", "text-train");
    m.put("model", model == null ? "all-MiniLM-L6-v2" : model);
    m.put("data", data == null ? "scifact" : data);
    m.put("max_tokens", maxTokens);
    m.put("epochs", epochs);
    m.put("batch", batch);
    m.put("chunk", chunk);
    m.put("lr", lr);
    m.put("warmup", warmup);
    m.put("weight_decay", weightDecay);
    m.put("temperature", temperature);
    m.put("symmetric", symmetric);
    m.put("dev_share", devShare);
    m.put("dev_pool", devPool);
    m.put("seed", seed);
    m.put("threads", threads);
    return m;
  }
}
