package org.infonce4j.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model's word-piece tokenizer (its Hugging Face {@code tokenizer.json}, run by DJL's binding of Hugging Face's tokenizers), with
 * the truncation the published scores use and no padding: each text becomes {@code [CLS] pieces [SEP]} of at most
 * {@code maxTokens} ids, special tokens included. The truncation and padding written in the tokenizer.json are overridden (the
 * all-MiniLM-L6-v2 file sets both to 128). Counts the texts it truncated.
 */
public final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int maxTokens;
  private final AtomicLong truncated = new AtomicLong();

  private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxTokens) {
    this.tokenizer = tokenizer;
    this.maxTokens = maxTokens;
  }

  /**
   * Reads a model's tokenizer.
   *
   * @param source    where the tokenizer.json is
   * @param maxTokens the most tokens per text, special tokens included (at least 3)
   * @return the tokenizer
   * @throws ModelFormatException when the file is missing or unreadable
   */
  public static TextTokenizer open(ModelSource source, int maxTokens) {
    if (maxTokens < 3) throw new IllegalArgumentException("at least 3 tokens per text (two special tokens), got " + maxTokens);
    Map<String, String> options = Map.of("truncation", "true", "maxLength", Integer.toString(maxTokens), "padding", "false",
        "addSpecialTokens", "true");
    try (InputStream in = source.openTokenizer()) {
      return new TextTokenizer(HuggingFaceTokenizer.newInstance(in, options), maxTokens);
    } catch (IOException | RuntimeException e) {
      if (e instanceof ModelFormatException m) throw m;
      throw new ModelFormatException("cannot read the tokenizer file " + source.tokenizerLocation() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The most tokens per text.
   *
   * @return the truncation length, special tokens included
   */
  public int maxTokens() {
    return maxTokens;
  }

  /**
   * Token ids of each text, truncated to {@link #maxTokens()}, not padded.
   *
   * @param texts the texts
   * @return one id array per text, in order
   */
  public long[][] ids(List<String> texts) {
    if (texts.isEmpty()) return new long[0][];
    Encoding[] encodings = tokenizer.batchEncode(texts);
    long[][] out = new long[encodings.length][];
    int cut = 0;
    for (int i = 0; i < encodings.length; i++) {
      out[i] = encodings[i].getIds();
      if (encodings[i].exceedMaxLength()) cut++;
    }
    truncated.addAndGet(cut);
    return out;
  }

  /**
   * How many texts were truncated since this tokenizer was opened (or since {@link #resetTruncated()}).
   *
   * @return the count
   */
  public long truncated() {
    return truncated.get();
  }

  /**
   * Sets the truncation count back to 0.
   *
   * @return the count before
   */
  public long resetTruncated() {
    return truncated.getAndSet(0);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
