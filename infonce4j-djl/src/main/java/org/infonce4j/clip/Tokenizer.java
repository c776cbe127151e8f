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

  /** The id that pads a caption to its fixed length. */
  public static final int PAD = 0;
  /** The id of every word the tokenizer does not know. */
  public static final int UNKNOWN = 1;

  private final List<String> words; // id -> word, from 2
  private final Map<String, Integer> ids;

  private Tokenizer(List<String> words) {
    this.words = List.copyOf(words);
    this.ids = new HashMap<>();
    for (int i = 0; i < words.size(); i++) ids.put(words.get(i), i + 2);
  }

  /**
   * The vocabulary of {@code captions}, words seen at least {@code minCount} times.
   *
   * @param captions the training captions
   * @param minCount the fewest occurrences of a kept word, at least 1
   * @return the tokenizer
   * @throws IllegalArgumentException when {@code minCount < 1}
   */
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

  /**
   * The tokenizer of a saved word list ({@link #words()}).
   *
   * @param words the words in id order from id 2
   * @return the tokenizer
   */
  public static Tokenizer of(List<String> words) {
    return new Tokenizer(words);
  }

  /**
   * Ids 0 and 1 plus one per word.
   *
   * @return the number of ids
   */
  public int size() {
    return words.size() + 2;
  }

  /**
   * The words in id order from id 2 (what to save).
   *
   * @return the words, an unmodifiable list
   */
  public List<String> words() {
    return words;
  }

  /**
   * The ids of the caption's words, unknown words as {@link #UNKNOWN}.
   *
   * @param caption the text
   * @return one id per word; empty when the caption has no word
   */
  public int[] encode(String caption) {
    List<String> w = split(caption);
    int[] out = new int[w.size()];
    for (int i = 0; i < out.length; i++) out[i] = ids.getOrDefault(w.get(i), UNKNOWN);
    return out;
  }

  /**
   * The ids cut or padded to {@code length} tokens into {@code out} from {@code offset}; returns the
   * number of real tokens (at least 1: an empty caption is one unknown word).
   *
   * @param caption the text
   * @param length  the fixed number of ids written, at least 1
   * @param out     receives the ids
   * @param offset  where in {@code out} the first id goes
   * @return the number of ids that are not {@link #PAD}
   * @throws IllegalArgumentException when {@code length < 1}
   */
  public int encode(String caption, int length, int[] out, int offset) {
    if (length < 1) throw new IllegalArgumentException("length must be positive, got " + length);
    int[] ids = encode(caption);
    if (ids.length == 0) ids = new int[] {UNKNOWN};
    int n = Math.min(length, ids.length);
    for (int i = 0; i < length; i++) out[offset + i] = i < n ? ids[i] : PAD;
    return n;
  }

  /**
   * The word of an id ({@code "<pad>"}, {@code "<unk>"} for 0 and 1).
   *
   * @param id an id below {@link #size()}
   * @return the word
   */
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
