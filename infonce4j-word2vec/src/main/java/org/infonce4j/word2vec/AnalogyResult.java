package org.infonce4j.word2vec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link Analogy#evaluate}: one {@link Section} per {@code ": name"} header in file
 * order, and the totals over all sections. A question is <em>seen</em> when all four of its words
 * are among the candidate words, and then either correct or incorrect; otherwise it is
 * <em>skipped</em> and counts in neither. {@code accuracy = correct / seen} (0 when nothing was
 * seen), gensim's "Total accuracy".
 *
 * @param sections per-section counts, file order
 * @param correct questions answered correctly, all sections
 * @param seen questions evaluated (correct + incorrect), all sections
 * @param skipped questions with a word outside the candidate words, all sections
 * @param accuracy {@code correct / seen}, or 0 when {@code seen == 0}
 */
public record AnalogyResult(List<Section> sections, int correct, int seen, int skipped, double accuracy) {

  /**
   * Copies the section list.
   *
   * @param sections per-section counts, file order (copied)
   * @param correct questions answered correctly, all sections
   * @param seen questions evaluated (correct + incorrect), all sections
   * @param skipped questions with a word outside the candidate words, all sections
   * @param accuracy {@code correct / seen}, or 0 when {@code seen == 0}
   */
  public AnalogyResult {
    sections = List.copyOf(sections);
  }

  /** Sums the sections. */
  static AnalogyResult of(List<Section> sections) {
    int correct = 0;
    int seen = 0;
    int skipped = 0;
    for (Section s : sections) {
      correct += s.correct();
      seen += s.seen();
      skipped += s.skipped();
    }
    return new AnalogyResult(sections, correct, seen, skipped, seen == 0 ? 0.0 : (double) correct / seen);
  }

  /**
   * Questions answered wrongly, all sections.
   *
   * @return {@code seen - correct}
   */
  public int incorrect() {
    return seen - correct;
  }

  /**
   * {@code {"accuracy", "correct", "incorrect", "seen", "skipped", "sections": [{"name",
   * "accuracy", "correct", "incorrect", "seen", "skipped"}, ...]}} (a JSON object).
   *
   * @return the result as a map in that key order, for a JSON writer
   */
  public Map<String, Object> toJson() {
    Map<String, Object> o = new java.util.LinkedHashMap<>();
    o.put("accuracy", accuracy);
    o.put("correct", correct);
    o.put("incorrect", incorrect());
    o.put("seen", seen);
    o.put("skipped", skipped);
    List<Object> list = new ArrayList<>(sections.size());
    for (Section s : sections) {
      list.add(s.toJson());
    }
    o.put("sections", list);
    return o;
  }

  /**
   * One section of the question file.
   *
   * @param name the header text after {@code ": "}, trimmed
   * @param correct questions answered correctly
   * @param incorrect questions answered wrongly
   * @param skipped questions with a word outside the candidate words
   */
  public record Section(String name, int correct, int incorrect, int skipped) {

    /**
     * Questions evaluated in this section.
     *
     * @return {@code correct + incorrect}
     */
    public int seen() {
      return correct + incorrect;
    }

    /**
     * The section's accuracy, as gensim reports it.
     *
     * @return {@code correct / seen()}, or 0 when nothing was seen
     */
    public double accuracy() {
      return seen() == 0 ? 0.0 : (double) correct / seen();
    }

    /**
     * {@code {"name", "accuracy", "correct", "incorrect", "seen", "skipped"}} (a JSON object).
     *
     * @return the section as a map in that key order, for a JSON writer
     */
    public Map<String, Object> toJson() {
      Map<String, Object> o = new java.util.LinkedHashMap<>();
      o.put("name", name);
      o.put("accuracy", accuracy());
      o.put("correct", correct);
      o.put("incorrect", incorrect);
      o.put("seen", seen());
      o.put("skipped", skipped);
      return o;
    }
  }
}
