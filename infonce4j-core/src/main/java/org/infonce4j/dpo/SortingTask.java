package org.infonce4j.dpo;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A synthetic task with a programmatic judge, for preference training: the prompt is a list of
 * {@code length} decimal digits, the right answer the same digits sorted ascending.
 *
 * <p>Token ids: digits 0-9, {@link #SEPARATOR} ("="), {@link #BEGIN}; a sequence is
 * {@code BEGIN p_1 .. p_L = a_1 .. a_L}, {@link #sequenceLength()} tokens, answers always exactly L
 * digits. The judge scores an answer by the number of positions that agree with the sorted prompt
 * (0 to L; L is right).
 *
 * @param length digits per prompt, e.g. 6
 */
public record SortingTask(int length) {

  /**
   * Token id of the "=" between prompt and answer.
   */
  public static final int SEPARATOR = 10;
  /**
   * Token id that starts every sequence.
   */
  public static final int BEGIN = 11;
  /**
   * Number of token ids: the ten digits, {@link #SEPARATOR} and {@link #BEGIN}.
   */
  public static final int VOCABULARY = 12;

  /**
   * Checks that prompts have 1 to 18 digits (a prompt's key must fit in a {@code long}).
   *
   * @param length digits per prompt, 1 to 18
   */
  public SortingTask {
    if (length < 1 || length > 18) throw new IllegalArgumentException("prompt length must be in [1, 18], got " + length);
  }

  /**
   * Tokens of a whole sequence, {@code 2 L + 2}.
   *
   * @return {@code 2 * length + 2}
   */
  public int sequenceLength() {
    return 2 * length + 2;
  }

  /**
   * Position of the first answer token in a sequence.
   *
   * @return {@code length + 2}
   */
  public int answerStart() {
    return length + 2;
  }

  /**
   * A random prompt.
   *
   * @param random the source of the digits
   * @return {@code length} digits, each uniform in 0-9
   */
  public int[] prompt(SplittableRandom random) {
    int[] p = new int[length];
    for (int i = 0; i < length; i++) p[i] = random.nextInt(10);
    return p;
  }

  /**
   * {@code count} distinct prompts, none of which is in {@code exclude} (their keys), drawn with
   * {@code random}.
   *
   * @param count how many prompts
   * @param random the source of the digits
   * @param exclude keys ({@link #key}) of prompts not to draw, e.g. those of a held-out set
   * @return the prompts
   * @throws IllegalArgumentException when there are too few possible prompts for {@code count}
   */
  public int[][] prompts(int count, SplittableRandom random, Set<Long> exclude) {
    if (Math.pow(10, length) < 2.0 * (count + exclude.size())) {
      throw new IllegalArgumentException(count + " distinct prompts of " + length + " digits are too many");
    }
    int[][] out = new int[count][];
    Set<Long> seen = new HashSet<>(exclude);
    for (int i = 0; i < count;) {
      int[] p = prompt(random);
      if (seen.add(key(p))) out[i++] = p;
    }
    return out;
  }

  /**
   * The prompt's digits as one number, its identity.
   *
   * @param prompt the digits
   * @return the number they spell, most significant digit first
   */
  public static long key(int[] prompt) {
    long k = 0;
    for (int d : prompt) k = 10 * k + d;
    return k;
  }

  /**
   * The right answer.
   *
   * @param prompt the digits
   * @return a new array of them sorted ascending
   */
  public int[] solve(int[] prompt) {
    int[] s = prompt.clone();
    Arrays.sort(s);
    return s;
  }

  /**
   * The judge: positions of {@code answer} that agree with the sorted prompt, 0 to L.
   *
   * @param prompt the prompt
   * @param answer the answer to judge
   * @return how many positions of the answer are right
   */
  public int score(int[] prompt, int[] answer) {
    if (prompt.length != length || answer.length != length) {
      throw new IllegalArgumentException("prompt and answer must have " + length + " digits, got " + prompt.length + " and " + answer.length);
    }
    int[] right = solve(prompt);
    int s = 0;
    for (int i = 0; i < length; i++) if (answer[i] == right[i]) s++;
    return s;
  }

  /**
   * Writes {@code BEGIN prompt = answer} into {@code out} from {@code offset}.
   *
   * @param prompt the prompt
   * @param answer the answer
   * @param out where to write, {@link #sequenceLength()} tokens
   * @param offset the index of the first token written
   */
  public void sequence(int[] prompt, int[] answer, int[] out, int offset) {
    out[offset] = BEGIN;
    System.arraycopy(prompt, 0, out, offset + 1, length);
    out[offset + length + 1] = SEPARATOR;
    System.arraycopy(answer, 0, out, offset + length + 2, length);
  }

  /**
   * "3 1 4 1 5 9 = 1 1 3 4 5 9"
   *
   * @param prompt the prompt
   * @param answer the answer
   * @return the digits separated by spaces, "=" between prompt and answer
   */
  public String format(int[] prompt, int[] answer) {
    StringBuilder b = new StringBuilder();
    for (int d : prompt) b.append(d).append(' ');
    b.append('=');
    for (int d : answer) b.append(' ').append(d);
    return b.toString();
  }
}
