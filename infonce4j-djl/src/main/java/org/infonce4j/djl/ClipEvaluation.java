package org.infonce4j.djl;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.infonce4j.clip.Retrieval;
import org.infonce4j.clip.Scenes;
import org.infonce4j.clip.Tokenizer;

/**
 * CLIP's held-out evaluation after every epoch: recall@1/5/10 both ways in a pool of held-out
 * pairs, with chance and the ceiling (scenes a caption describes equally well cannot be told apart
 * by any model), and zero-shot colour and shape of single-shape scenes by prompts; also the
 * embeddings and the text search the CLI's {@code clip search} uses.
 *
 * @param textToImage each pool caption's image among the pool's images
 * @param imageToText each pool image's caption among the pool's captions
 * @param prompt      zero-shot by one prompt per class ("a photo of a red shape", "a photo of a
 *                    circle"); null without generated scenes or zero-shot images
 * @param ensemble    zero-shot by the mean embedding of each class's prompts ({@link
 *                    #colourPrompts}, {@link #shapePrompts}); null without generated scenes or
 *                    zero-shot images
 */
public record ClipEvaluation(Retrieval.Recall textToImage, Retrieval.Recall imageToText, ZeroShot prompt, ZeroShot ensemble) {
  /**
   * The readouts as stored in a run's metrics: {@code "recall@k"}, {@code "chance@k"} and
   * {@code "ceiling@k"} per direction, then the zero-shot readouts and their chance levels when there
   * are any.
   *
   * @return the readouts by name, in a fixed order
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text_to_image", recall(textToImage));
    m.put("image_to_text", recall(imageToText));
    if (prompt != null) {
      m.put("zero_shot_prompt", prompt.toMap());
      m.put("zero_shot_ensemble", ensemble.toMap());
      m.put("zero_shot_colour_chance", 1.0 / Scenes.Colour.values().length);
      m.put("zero_shot_shape_chance", 1.0 / Scenes.Shape.values().length);
    }
    return m;
  }

  private static Map<String, Object> recall(Retrieval.Recall r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < r.ks().length; i++) {
      m.put("recall@" + r.ks()[i], r.recall()[i]);
      m.put("chance@" + r.ks()[i], r.chance()[i]);
      m.put("ceiling@" + r.ks()[i], r.ceiling()[i]);
    }
    return m;
  }

  static ClipEvaluation fromMap(Map<?, ?> m) {
    return new ClipEvaluation(recall((Map<?, ?>) m.get("text_to_image")), recall((Map<?, ?>) m.get("image_to_text")),
        m.get("zero_shot_prompt") instanceof Map<?, ?> p ? ZeroShot.fromMap(p) : null,
        m.get("zero_shot_ensemble") instanceof Map<?, ?> e ? ZeroShot.fromMap(e) : null);
  }

  private static Retrieval.Recall recall(Map<?, ?> m) {
    int[] ks = m.keySet().stream().map(Object::toString).filter(k -> k.startsWith("recall@")).mapToInt(k -> Integer.parseInt(k.substring(7))).toArray();
    double[] r = new double[ks.length];
    double[] ch = new double[ks.length];
    double[] ce = new double[ks.length];
    for (int i = 0; i < ks.length; i++) {
      r[i] = num(m.get("recall@" + ks[i]));
      ch[i] = num(m.get("chance@" + ks[i]));
      ce[i] = num(m.get("ceiling@" + ks[i]));
    }
    return new Retrieval.Recall(ks, r, ch, ce);
  }

  static final int[] KS = {1, 5, 10};

  /**
   * Zero-shot classification of single-shape images by prompts.
   *
   * @param colourSeen    colour accuracy on combinations seen in training
   * @param colourHeldOut the same on the held-out combinations (NaN when none are held out)
   * @param shapeSeen     shape accuracy on combinations seen in training
   * @param shapeHeldOut  the same on the held-out combinations (NaN when none are held out)
   * @param byCombination {colour, shape} accuracy of each combination, as "red circle"
   */
  public record ZeroShot(double colourSeen, double colourHeldOut, double shapeSeen, double shapeHeldOut, Map<String, double[]> byCombination) {
    /**
     * The accuracies as stored in a run's metrics, {@code "by_combination"} mapping each
     * combination to its {@code "colour"} and {@code "shape"} accuracy.
     *
     * @return the accuracies by name, in a fixed order
     */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("colour_seen", colourSeen);
      m.put("colour_held_out", colourHeldOut);
      m.put("shape_seen", shapeSeen);
      m.put("shape_held_out", shapeHeldOut);
      Map<String, Object> by = new LinkedHashMap<>();
      byCombination.forEach((k, v) -> by.put(k, Map.of("colour", v[0], "shape", v[1])));
      m.put("by_combination", by);
      return m;
    }

    static ZeroShot fromMap(Map<?, ?> m) {
      Map<String, double[]> by = new LinkedHashMap<>();
      ((Map<?, ?>) m.get("by_combination"))
          .forEach((k, v) -> by.put((String) k, new double[] {num(((Map<?, ?>) v).get("colour")), num(((Map<?, ?>) v).get("shape"))}));
      return new ZeroShot(num(m.get("colour_seen")), num(m.get("colour_held_out")), num(m.get("shape_seen")), num(m.get("shape_held_out")), by);
    }
  }

  private static double num(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }

  /** Unit-length image embeddings of all {@code p}'s images, {@code n x embed} row-major, in chunks. */
  static float[] imageEmbeddings(ClipModel model, ClipData.Pairs p) {
    int[] all = identity(p.n());
    List<float[]> parts = new ArrayList<>();
    for (int from = 0; from < p.n(); from += EVAL_CHUNK) {
      int b = Math.min(EVAL_CHUNK, p.n() - from);
      try (NDManager m = model.manager().newSubManager()) {
        parts.add(model.images(m, p.images(all, from, b), b, p.side(), false).normalize(2, 1).toFloatArray());
      }
    }
    return concat(parts);
  }

  /** Unit-length caption embeddings of {@code p}'s captions. */
  static float[] captionEmbeddings(ClipModel model, ClipData.Pairs p) {
    int[] all = identity(p.n());
    List<float[]> parts = new ArrayList<>();
    for (int from = 0; from < p.n(); from += EVAL_CHUNK) {
      int b = Math.min(EVAL_CHUNK, p.n() - from);
      int[] lengths = new int[b];
      int[] tokens = p.captions(all, from, b, lengths);
      try (NDManager m = model.manager().newSubManager()) {
        parts.add(model.captions(m, tokens, lengths, b, p.t(), false).normalize(2, 1).toFloatArray());
      }
    }
    return concat(parts);
  }

  /** Unit-length embeddings of arbitrary texts (prompts, queries). */
  static float[] textEmbeddings(ClipModel model, Tokenizer tok, List<String> texts, int t) {
    int n = texts.size();
    int[] tokens = new int[n * t];
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) lengths[i] = tok.encode(texts.get(i), t, tokens, i * t);
    return captionEmbeddings(model, new ClipData.Pairs(new byte[0], 16, tokens, lengths, n, t));
  }

  private static final int EVAL_CHUNK = 500;

  /**
   * Held-out recall both ways, and zero-shot colour and shape (generated scenes only).
   *
   * @param model the trained model
   * @param d     the run's data (its pool and zero-shot images)
   * @return recall@1, 5 and 10 both ways, and the zero-shot readouts or null
   */
  public static ClipEvaluation evaluate(ClipModel model, ClipData d) {
    int n = d.pool.n();
    int e = model.embed();
    float[] img = imageEmbeddings(model, d.pool);
    float[] txt = captionEmbeddings(model, d.pool);
    float[] t2i = new float[n * n];
    float[] i2t = new float[n * n];
    for (int q = 0; q < n; q++) {
      for (int c = 0; c < n; c++) {
        float s = 0;
        for (int k = 0; k < e; k++) s += txt[q * e + k] * img[c * e + k];
        t2i[q * n + c] = s;
        i2t[c * n + q] = s;
      }
    }
    int[] target = identity(n);
    Retrieval.Recall tr = Retrieval.recall(t2i, n, n, target, KS, (q, c) -> d.poolDescriptions.get(c).contains(d.poolKeys.get(q)));
    Retrieval.Recall ir = Retrieval.recall(i2t, n, n, target, KS, (q, c) -> d.poolDescriptions.get(q).contains(d.poolKeys.get(c)));
    if (d.zeroShot == null) return new ClipEvaluation(tr, ir, null, null);
    float[] z = imageEmbeddings(model, d.zeroShot);
    List<List<String>> colourSingle = new ArrayList<>();
    List<List<String>> colourAll = new ArrayList<>();
    for (Scenes.Colour c : Scenes.Colour.values()) {
      colourSingle.add(List.of(Scenes.colourPrompt(c)));
      colourAll.add(colourPrompts(c));
    }
    List<List<String>> shapeSingle = new ArrayList<>();
    List<List<String>> shapeAll = new ArrayList<>();
    for (Scenes.Shape s : Scenes.Shape.values()) {
      shapeSingle.add(List.of(Scenes.shapePrompt(s)));
      shapeAll.add(shapePrompts(s));
    }
    return new ClipEvaluation(tr, ir, zeroShot(model, d, z, colourSingle, shapeSingle), zeroShot(model, d, z, colourAll, shapeAll));
  }

  /**
   * A colour's prompts for the ensemble: "a photo of a red shape" and "a photo of a red " + each shape.
   *
   * @param c the colour
   * @return the prompts, the single prompt first
   */
  public static List<String> colourPrompts(Scenes.Colour c) {
    List<String> out = new ArrayList<>(List.of(Scenes.colourPrompt(c)));
    for (Scenes.Shape s : Scenes.Shape.values()) out.add("a photo of a " + c.word() + " " + s.word());
    return out;
  }

  /**
   * A shape's prompts for the ensemble: "a photo of a circle", with each size, and with each colour.
   *
   * @param s the shape
   * @return the prompts, the single prompt first
   */
  public static List<String> shapePrompts(Scenes.Shape s) {
    List<String> out = new ArrayList<>(List.of(Scenes.shapePrompt(s), "a photo of a small " + s.word(), "a photo of a large " + s.word()));
    for (Scenes.Colour c : Scenes.Colour.values()) out.add("a photo of a " + c.word() + " " + s.word());
    return out;
  }

  /** Each class's embedding: the normalised mean of its prompts' unit embeddings. */
  private static float[] classEmbeddings(ClipModel model, Tokenizer tok, List<List<String>> prompts, int t) {
    int e = model.embed();
    float[] out = new float[prompts.size() * e];
    for (int k = 0; k < prompts.size(); k++) {
      float[] p = textEmbeddings(model, tok, prompts.get(k), t);
      double norm = 0;
      for (int i = 0; i < e; i++) {
        float v = 0;
        for (int j = 0; j < prompts.get(k).size(); j++) v += p[j * e + i];
        out[k * e + i] = v;
        norm += v * v;
      }
      for (int i = 0; i < e; i++) out[k * e + i] /= (float) Math.sqrt(norm);
    }
    return out;
  }

  private static ZeroShot zeroShot(ClipModel model, ClipData d, float[] z, List<List<String>> colours, List<List<String>> shapes) {
    int e = model.embed();
    float[] cp = classEmbeddings(model, d.tokenizer, colours, d.pool.t());
    float[] sp = classEmbeddings(model, d.tokenizer, shapes, d.pool.t());
    double[] right = new double[4]; // colour seen, colour held out, shape seen, shape held out
    double[] count = new double[2];
    Map<String, double[]> by = new LinkedHashMap<>(); // colour right, shape right, images
    for (int i = 0; i < d.zeroShot.n(); i++) {
      int h = d.zeroHeldOut[i] ? 1 : 0;
      count[h]++;
      double[] combo = by.computeIfAbsent(Scenes.Colour.values()[d.zeroColour[i]].word() + " " + Scenes.Shape.values()[d.zeroShape[i]].word(),
          k -> new double[3]);
      combo[2]++;
      if (argmax(z, i, cp, colours.size(), e) == d.zeroColour[i]) {
        right[h]++;
        combo[0]++;
      }
      if (argmax(z, i, sp, shapes.size(), e) == d.zeroShape[i]) {
        right[2 + h]++;
        combo[1]++;
      }
    }
    Map<String, double[]> accuracy = new LinkedHashMap<>();
    by.forEach((k, v) -> accuracy.put(k, new double[] {v[0] / v[2], v[1] / v[2]}));
    return new ZeroShot(right[0] / count[0], right[1] / count[1], right[2] / count[0], right[3] / count[1], accuracy);
  }

  private static int argmax(float[] x, int row, float[] prompts, int k, int e) {
    int best = 0;
    double top = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      double s = 0;
      for (int i = 0; i < e; i++) s += x[row * e + i] * prompts[j * e + i];
      if (s > top) {
        top = s;
        best = j;
      }
    }
    return best;
  }

  /**
   * One search result: a pool index and its cosine similarity to the query.
   *
   * @param index      the image's index in the pool
   * @param similarity its cosine similarity to the query, in [-1, 1]
   */
  public record Hit(int index, double similarity) {
  }

  /**
   * The {@code top} pool images closest to {@code query}, best first.
   *
   * @param t     the trained model and its tokenizer
   * @param d     the run's data (its pool)
   * @param query the text searched for
   * @param top   how many images to return, at least 0
   * @return at most {@code top} hits, best first
   * @throws IllegalArgumentException when the query is blank
   */
  public static List<Hit> search(ClipTraining.Trained t, ClipData d, String query, int top) {
    if (query.isBlank()) throw new IllegalArgumentException("the query is empty");
    int e = t.model().embed();
    float[] q = textEmbeddings(t.model(), t.tokenizer(), List.of(query), d.pool.t());
    float[] img = imageEmbeddings(t.model(), d.pool);
    List<Hit> hits = new ArrayList<>();
    for (int i = 0; i < d.pool.n(); i++) {
      double s = 0;
      for (int k = 0; k < e; k++) s += q[k] * img[i * e + k];
      hits.add(new Hit(i, s));
    }
    hits.sort((a, b) -> Double.compare(b.similarity(), a.similarity()));
    return List.copyOf(hits.subList(0, Math.min(top, hits.size())));
  }

  /**
   * Words of {@code query} the run's vocabulary does not know (they read as one unknown word).
   *
   * @param tok   the run's tokenizer
   * @param query the text searched for
   * @return the unknown words, lower case, in query order
   */
  public static List<String> unknownWords(Tokenizer tok, String query) {
    List<String> out = new ArrayList<>();
    for (String w : query.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty() && tok.encode(w)[0] == Tokenizer.UNKNOWN) out.add(w);
    }
    return out;
  }

  static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }

  private static float[] concat(List<float[]> parts) {
    int total = 0;
    for (float[] p : parts) total += p.length;
    float[] out = new float[total];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
