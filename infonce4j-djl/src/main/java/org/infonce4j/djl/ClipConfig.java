package org.infonce4j.djl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.infonce4j.clip.Scenes;

/**
 * The settings of a CLIP run ({@link ClipTraining}), as stored in its {@code config.json}.
 *
 * @param pairs       a TSV of image path and caption, or null for generated scenes
 * @param scenes      generated training scenes (ignored with {@code pairs})
 * @param side        image side in pixels
 * @param tokens      caption length in tokens (longer captions are cut)
 * @param partial     share of training captions replaced by a partial description of the scene
 *                    ("a photo of a red shape"), the form of the zero-shot prompts
 * @param grey        share of training pairs shown as a greyscale image with a caption without
 *                    colours (so that shape is learned apart from colour)
 * @param heldOut     (colour, shape) combinations kept out of training scenes, as "red circle"
 * @param epochs      passes over the training pairs
 * @param batch       pairs per step: batch - 1 in-batch negatives per image and per caption
 * @param lr          AdamW's peak learning rate (linear warm-up, then cosine decay to 0)
 * @param weightDecay AdamW's decoupled weight decay (not on biases, norms or the scale)
 * @param warmup      warm-up steps
 * @param width       CNN width
 * @param hidden      GRU state size
 * @param embed       shared embedding size
 * @param temperature initial temperature (CLIP: 0.07, a logit scale of 1 / 0.07; never below 0.01)
 * @param chunk       gradient-caching chunk (0: the plain step)
 * @param loss        where the loss is computed
 * @param pool        held-out pairs for retrieval
 * @param zeroShot    single-shape images per (colour, shape) for zero-shot accuracy
 * @param seed        seed of data, initialisation and order
 * @param threads     PyTorch threads
 */
public record ClipConfig(String pairs, int scenes, int side, int tokens, double partial, double grey, List<String> heldOut, int epochs, int batch, double lr,
    double weightDecay, int warmup, int width, int hidden, int embed, double temperature, int chunk, LossEngine loss, int pool, int zeroShot, long seed,
    int threads) {

  /**
   * Normalises the held-out combinations (trimmed, lower case, duplicates dropped) and checks the
   * settings.
   *
   * @param pairs       a TSV of image path and caption, or null for generated scenes
   * @param scenes      generated training scenes, positive
   * @param side        image side in pixels, in [16, 256]
   * @param tokens      caption length in tokens, positive
   * @param partial     share of partial captions, in [0, 1]
   * @param grey        share of greyscale pairs, in [0, 1 - partial]
   * @param heldOut     held-out combinations, each a colour and a shape
   * @param epochs      passes over the training pairs, positive
   * @param batch       pairs per step, at least 2
   * @param lr          peak learning rate, positive
   * @param weightDecay weight decay, at least 0
   * @param warmup      warm-up steps, at least 0
   * @param width       CNN width, positive
   * @param hidden      GRU state size, positive
   * @param embed       shared embedding size, positive
   * @param temperature initial temperature, in [0.01, 100]
   * @param chunk       gradient-caching chunk, 0 or below {@code batch}
   * @param loss        where the loss is computed
   * @param pool        held-out pairs for retrieval, positive, at most 46340
   * @param zeroShot    zero-shot images per combination, at least 0
   * @param seed        seed of data, initialisation and order
   * @param threads     PyTorch threads, positive
   * @throws IllegalArgumentException when a check fails, or when the scenes would not fit one array
   */
  public ClipConfig {
    heldOut = List.copyOf(new java.util.LinkedHashSet<>(heldOut.stream().map(h -> h.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")).toList()));
    positive("scenes", scenes);
    positive("tokens", tokens);
    positive("epochs", epochs);
    positive("width", width);
    positive("hidden", hidden);
    positive("embed", embed);
    positive("pool", pool);
    positive("threads", threads);
    if (side < 16 || side > 256) throw new IllegalArgumentException("image side must be in [16, 256], got " + side);
    if (batch < 2) throw new IllegalArgumentException("batch must be at least 2 (one positive and a negative), got " + batch);
    if (!(partial >= 0 && partial <= 1)) throw new IllegalArgumentException("partial caption share must be in [0, 1], got " + partial);
    if (!(grey >= 0 && grey + partial <= 1)) throw new IllegalArgumentException("greyscale share must be in [0, 1 - partial], got " + grey);
    if (!(temperature >= 0.01 && temperature <= 100)) throw new IllegalArgumentException("initial temperature must be in [0.01, 100], got " + temperature);
    if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be non-negative, got " + weightDecay);
    if (warmup < 0 || chunk < 0 || zeroShot < 0) throw new IllegalArgumentException("warmup, chunk and zero-shot count must be non-negative");
    if (chunk >= batch) throw new IllegalArgumentException("gradient-caching chunk (" + chunk + ") must be smaller than the batch (" + batch + ")");
    combinations(heldOut); // validates
    if ((long) scenes * 3 * side * side > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          scenes + " scenes of " + side + " pixels are more than one array holds (2^31 bytes); use fewer --scenes or a smaller --side");
    }
    if ((long) pool * pool > Integer.MAX_VALUE)
      throw new IllegalArgumentException("pool must be at most 46340 (its similarity matrix is pool x pool), got " + pool);
  }

  private static void positive(String name, int v) {
    if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
  }

  /**
   * The defaults: 60,000 scenes of 64 pixels (at 32 a small circle and a small square differ by a
   * few pixels, and the shape of held-out combinations was not learned apart from colour), a fifth
   * of them shown in greyscale with colourless captions (without, one seed of two learned a
   * held-out square as a circle), batch 256, 8 epochs, four held-out combinations.
   *
   * @return the default settings
   */
  public static ClipConfig defaults() {
    return new ClipConfig(null, 60_000, 64, 16, 0.25, 0.2, List.of("red circle", "green square", "blue triangle", "yellow cross"), 8, 256, 2e-3, 0.05,
        200, 32, 128, 64, 0.07, 0, LossEngine.FULL, 1000, 50, 1, 2);
  }

  /**
   * The held-out combinations, parsed.
   *
   * @return the (colour, shape) pairs of {@link #heldOut()}
   */
  public Set<Scenes.Combination> heldOutCombinations() {
    return combinations(heldOut);
  }

  /**
   * The settings as stored in {@code config.json}, with {@code "recipe": "clip"}.
   *
   * @return the settings by name (snake case), in a fixed order
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recipe", "clip");
    m.put("pairs", pairs == null ? "scenes" : pairs);
    m.put("scenes", scenes);
    m.put("side", side);
    m.put("tokens", tokens);
    m.put("partial", partial);
    m.put("grey", grey);
    m.put("held_out", heldOut);
    m.put("epochs", epochs);
    m.put("batch", batch);
    m.put("lr", lr);
    m.put("weight_decay", weightDecay);
    m.put("warmup", warmup);
    m.put("width", width);
    m.put("hidden", hidden);
    m.put("embed", embed);
    m.put("temperature", temperature);
    m.put("chunk", chunk);
    m.put("loss", loss.name().toLowerCase(Locale.ROOT));
    m.put("pool", pool);
    m.put("zero_shot", zeroShot);
    m.put("seed", seed);
    m.put("threads", threads);
    return m;
  }

  /**
   * The settings of a stored {@code config.json}, the inverse of {@link #toMap()}.
   *
   * @param m the parsed settings
   * @return the settings
   * @throws IllegalArgumentException when the recipe is not CLIP, a setting is missing or a check
   *     fails
   */
  public static ClipConfig fromMap(Map<String, Object> m) {
    if (!"clip".equals(m.get("recipe"))) throw new IllegalArgumentException("not a CLIP run (recipe " + m.get("recipe") + ")");
    String p = (String) m.get("pairs");
    List<String> held = new ArrayList<>();
    if (!(m.get("held_out") instanceof List<?> list))
      throw new IllegalArgumentException("the run's settings have no list 'held_out' (a run of another version?)");
    for (Object o : list) held.add((String) o);
    return new ClipConfig("scenes".equals(p) ? null : p, integer(m, "scenes"), integer(m, "side"), integer(m, "tokens"), number(m, "partial").doubleValue(),
        number(m, "grey").doubleValue(), held,
        integer(m, "epochs"), integer(m, "batch"), number(m, "lr").doubleValue(), number(m, "weight_decay").doubleValue(), integer(m, "warmup"),
        integer(m, "width"),
        integer(m, "hidden"), integer(m, "embed"), number(m, "temperature").doubleValue(), integer(m, "chunk"), LossEngine.parse((String) m.get("loss")),
        integer(m, "pool"),
        integer(m, "zero_shot"), number(m, "seed").longValue(), integer(m, "threads"));
  }

  private static int integer(Map<String, Object> m, String k) {
    return number(m, k).intValue();
  }

  private static Number number(Map<String, Object> m, String k) {
    if (!(m.get(k) instanceof Number n)) throw new IllegalArgumentException("the run's settings have no number '" + k + "' (a run of another version?)");
    return n;
  }

  /** Where the loss of a step is computed. */
  public enum LossEngine {
    /** The N x N logits in the autograd graph. */
    FULL,
    /** The core engine, tile by tile, its gradients fed back to autograd. */
    CORE;

    /**
     * Parses "full" or "core" (any case).
     *
     * @param s the name
     * @return the engine
     * @throws IllegalArgumentException for any other name
     */
    public static LossEngine parse(String s) {
      for (LossEngine e : values()) if (e.name().equalsIgnoreCase(s)) return e;
      throw new IllegalArgumentException("loss engine must be full or core, got '" + s + "'");
    }
  }

  /** Parses "red circle" combinations, naming the bad one. */
  static Set<Scenes.Combination> combinations(List<String> names) {
    Set<Scenes.Combination> out = new HashSet<>();
    for (String s : names) {
      String[] w = s.trim().toLowerCase(Locale.ROOT).split("\\s+");
      if (w.length != 2) throw new IllegalArgumentException("held-out combination '" + s + "' must be a colour and a shape, as 'red circle'");
      try {
        out.add(new Scenes.Combination(Scenes.Colour.valueOf(w[0].toUpperCase(Locale.ROOT)), Scenes.Shape.valueOf(w[1].toUpperCase(Locale.ROOT))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("held-out combination '" + s + "': colours are " + Arrays.toString(Scenes.Colour.values()).toLowerCase(Locale.ROOT)
            + ", shapes " + Arrays.toString(Scenes.Shape.values()).toLowerCase(Locale.ROOT), e);
      }
    }
    return out;
  }
}
