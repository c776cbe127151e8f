package org.infonce4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Truncation at 256 tokens instead of the tokenizer.json's 128, no padding, and the count of truncated texts. */
class TextTokenizerTest {
  private static TextTokenizer tokenizer;
  private static HuggingFaceTokenizer reference;

  @BeforeAll
  static void open() throws Exception {
    tokenizer = TextTokenizer.open(ModelSource.allMiniLmL6V2(), 256);
    try (InputStream in = ModelSource.allMiniLmL6V2().openTokenizer()) {
      reference = HuggingFaceTokenizer.newInstance(in, Map.of("truncation", "false", "padding", "false"));
    }
  }

  private static long[] untruncated(String text) {
    return reference.encode(text).getIds();
  }

  @AfterAll
  static void close() {
    tokenizer.close();
    reference.close();
  }

  @Test
  void truncatesAt256TokensAndCountsTheTextsItCut() {
    List<String> texts = TestSentences.mixed(150);
    long before = tokenizer.truncated();
    long[][] ids = tokenizer.ids(texts);
    long[][] full = texts.stream().map(TextTokenizerTest::untruncated).toArray(long[][]::new);
    int over = 0;
    for (int i = 0; i < texts.size(); i++) {
      if (full[i].length > 256) {
        over++;
        assertEquals(256, ids[i].length, "text " + i);
        assertEquals(102, ids[i][255], "[SEP] ends a truncated text");
        for (int j = 0; j < 255; j++) assertEquals(full[i][j], ids[i][j]);
      } else {
        assertArrayEquals(full[i], ids[i], "text " + i);
      }
    }
    assertTrue(over >= 10, "texts over 256 tokens: " + over);
    assertTrue(java.util.Arrays.stream(full).anyMatch(f -> f.length > 512), "some texts are longer than the model's positions");
    assertTrue(java.util.Arrays.stream(full).anyMatch(f -> f.length > 128 && f.length <= 256), "some texts between 128 and 256 tokens");
    assertEquals(over, tokenizer.truncated() - before);
  }

  @Test
  void doesNotPadAndAddsTheSpecialTokens() {
    long[][] ids = tokenizer.ids(List.of("Hello, world!", "a"));
    assertArrayEquals(new long[] {101, 7592, 1010, 2088, 999, 102}, ids[0]);
    assertEquals(3, ids[1].length);
    TokenBatch batch = TokenBatch.of(ids);
    assertEquals(6, batch.length());
    assertEquals(3, batch.tokens(1));
    assertArrayEquals(new long[] {101, 1037, 102, 0, 0, 0}, java.util.Arrays.copyOfRange(batch.ids(), 6, 12));
  }
}
