package org.infonce4j.clip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A word-level tokenizer built from training captions: lower-cased runs of letters and digits are
 * words; id 0 pads, id 1 stands for every word the training captions did not have, then the words by
 * falling count (ties alphabetical), so the same captions always give the same ids.
 */
public final class Tokenizer {

  public static final int PAD = 0;
  public static final int UNKNOWN = 1;

  private final List<String> words; // id -> word, from 2
  private final Map<String, Integer> ids;

  private Tokenizer(List<String> words) {
    this.words = List.copyOf(words);
    this.ids = new HashMap<>();
    for (int i = 0; i < words.size(); i++) ids.put(words.get(i), i + 2);
  }

  /** The vocabulary of {@code captions}, words seen at least {@code minCount} times. */
  public static Tokenizer build(List<String> captions, int minCount) {
    if (minCount < 1) throw new IllegalArgumentException("min count must be at least 1, got " + minCount);
    Map<String, Integer> counts = new HashMap<>();
    for (String c : captions) for (String w : split(c)) counts.merge(w, 1, Integer::sum);
    List<String> kept = new ArrayList<>();
    for (Map.Entry<String, Integer> e : counts.entrySet()) if (e.getValue() >= minCount) kept.add(e.getKey());
    Collections.sort(kept, (a, b) -> {
      int c = Integer.compare(counts.get(b), counts.get(a));
      return c != 0 ? c : a.compareTo(b);
    });
    return new Tokenizer(kept);
  }

  /** The tokenizer of a saved word list ({@link #words()}). */
  public static Tokenizer of(List<String> words) {
    return new Tokenizer(words);
  }

  /** Ids 0 and 1 plus one per word. */
  public int size() {
    return words.size() + 2;
  }

  /** The words in id order from id 2 (what to save). */
  public List<String> words() {
    return words;
  }

  /** The ids of the caption's words, unknown words as {@link #UNKNOWN}. */
  public int[] encode(String caption) {
    List<String> w = split(caption);
    int[] out = new int[w.size()];
    for (int i = 0; i < out.length; i++) out[i] = ids.getOrDefault(w.get(i), UNKNOWN);
    return out;
  }

  /**
   * The ids cut or padded to {@code length} tokens into {@code out} from {@code offset}; returns the
   * number of real tokens (at least 1: an empty caption is one unknown word).
   */
  public int encode(String caption, int length, int[] out, int offset) {
    if (length < 1) throw new IllegalArgumentException("length must be positive, got " + length);
    int[] ids = encode(caption);
    if (ids.length == 0) ids = new int[] {UNKNOWN};
    int n = Math.min(length, ids.length);
    for (int i = 0; i < length; i++) out[offset + i] = i < n ? ids[i] : PAD;
    return n;
  }

  /** The word of an id ({@code "<pad>"}, {@code "<unk>"} for 0 and 1). */
  public String word(int id) {
    if (id == PAD) return "<pad>";
    if (id == UNKNOWN) return "<unk>";
    return words.get(id - 2);
  }

  static List<String> split(String caption) {
    List<String> out = new ArrayList<>();
    String s = caption.toLowerCase(Locale.ROOT);
    int start = -1;
    for (int i = 0; i <= s.length(); i++) {
      boolean word = i < s.length() && Character.isLetterOrDigit(s.charAt(i));
      if (word && start < 0) start = i;
      if (!word && start >= 0) {
        out.add(s.substring(start, i));
        start = -1;
      }
    }
    return out;
  }
}
