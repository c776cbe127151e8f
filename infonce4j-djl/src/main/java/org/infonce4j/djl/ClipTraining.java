package org.infonce4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.infonce4j.clip.CaptionedImages;
import org.infonce4j.clip.Retrieval;
import org.infonce4j.clip.Scenes;
import org.infonce4j.clip.Tokenizer;
import org.infonce4j.io.Json;
import org.infonce4j.io.JsonReader;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;

/**
 * CLIP end to end: image-caption pairs (generated scenes, or a user's TSV), both towers and the
 * learned logit scale trained by AdamW on the symmetric InfoNCE loss (the scale clamped at log 100
 * after every step), evaluated after every epoch on held-out data:
 *
 * <ul>
 *   <li>text-to-image and image-to-text recall@1/5/10 in a pool of held-out pairs, with chance and
 *       the ceiling (scenes a caption describes equally well cannot be told apart by any model);
 *   <li>zero-shot colour and shape of single-shape scenes by prompts ("a photo of a red shape", "a
 *       photo of a circle"), on combinations seen in training and on the held-out ones;
 *   <li>the logit scale (1 / temperature) over training.
 * </ul>
 *
 * <p>Large batches two ways: {@code chunk > 0} caches gradients (Gao et al. 2021: the batch is
 * embedded chunk by chunk without a graph, the loss and its embedding gradients computed, then each
 * chunk re-encoded with backward; the same update as the plain step with one chunk's activations);
 * {@link LossEngine#CORE} computes the loss with the core engine tile by tile instead of the full
 * N x N logits. With a run directory, a checkpoint (model, optimiser, step) is written atomically
 * after every epoch and a run resumes exactly: every random choice derives from the seed and the
 * epoch.
 */
public final class ClipTraining {

  /** Where the loss of a step is computed. */
  public enum LossEngine {
    /** The N x N logits in the autograd graph. */
    FULL,
    /** The core engine, tile by tile, its gradients fed back to autograd. */
    CORE;

    public static LossEngine parse(String s) {
      for (LossEngine e : values()) if (e.name().equalsIgnoreCase(s)) return e;
      throw new IllegalArgumentException("loss engine must be full or core, got '" + s + "'");
    }
  }

  /**
   * The recipe's settings.
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
  public record Config(String pairs, int scenes, int side, int tokens, double partial, double grey, List<String> heldOut, int epochs, int batch, double lr,
      double weightDecay, int warmup, int width, int hidden, int embed, double temperature, int chunk, LossEngine loss, int pool, int zeroShot, long seed, int threads) {

    public Config {
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
        throw new IllegalArgumentException(scenes + " scenes of " + side + " pixels are more than one array holds (2^31 bytes); use fewer --scenes or a smaller --side");
      }
      if ((long) pool * pool > Integer.MAX_VALUE) throw new IllegalArgumentException("pool must be at most 46340 (its similarity matrix is pool x pool), got " + pool);
    }

    private static void positive(String name, int v) {
      if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    /**
     * The defaults: 60,000 scenes of 64 pixels (at 32 a small circle and a small square differ by a
     * few pixels, and the shape of held-out combinations was not learned apart from colour), a fifth
     * of them shown in greyscale with colourless captions (without, one seed of two learned a
     * held-out square as a circle), batch 256, 8 epochs, four held-out combinations.
     */
    public static Config defaults() {
      return new Config(null, 60_000, 64, 16, 0.25, 0.2, List.of("red circle", "green square", "blue triangle", "yellow cross"), 8, 256, 2e-3, 0.05,
          200, 32, 128, 64, 0.07, 0, LossEngine.FULL, 1000, 50, 1, 2);
    }

    public Set<Scenes.Combination> heldOutCombinations() {
      return combinations(heldOut);
    }

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

    public static Config fromMap(Map<String, Object> m) {
      if (!"clip".equals(m.get("recipe"))) throw new IllegalArgumentException("not a CLIP run (recipe " + m.get("recipe") + ")");
      String p = (String) m.get("pairs");
      List<String> held = new ArrayList<>();
      if (!(m.get("held_out") instanceof List<?> list)) throw new IllegalArgumentException("the run's settings have no list 'held_out' (a run of another version?)");
      for (Object o : list) held.add((String) o);
      return new Config("scenes".equals(p) ? null : p, integer(m, "scenes"), integer(m, "side"), integer(m, "tokens"), number(m, "partial").doubleValue(), number(m, "grey").doubleValue(), held,
          integer(m, "epochs"), integer(m, "batch"), number(m, "lr").doubleValue(), number(m, "weight_decay").doubleValue(), integer(m, "warmup"), integer(m, "width"),
          integer(m, "hidden"), integer(m, "embed"), number(m, "temperature").doubleValue(), integer(m, "chunk"), LossEngine.parse((String) m.get("loss")), integer(m, "pool"),
          integer(m, "zero_shot"), number(m, "seed").longValue(), integer(m, "threads"));
    }

    private static int integer(Map<String, Object> m, String k) {
      return number(m, k).intValue();
    }

    private static Number number(Map<String, Object> m, String k) {
      if (!(m.get(k) instanceof Number n)) throw new IllegalArgumentException("the run's settings have no number '" + k + "' (a run of another version?)");
      return n;
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

  /**
   * The pairs: n images (3 x side x side each, as bytes: a quarter of the memory of floats) and their
   * captions (n x t token ids, real lengths).
   */
  record Pairs(byte[] pixels, int side, int[] tokens, int[] lengths, int n, int t) {
    float[] images(int[] index, int from, int b) {
      int px = 3 * side * side;
      float[] out = new float[b * px];
      for (int i = 0; i < b; i++) {
        int at = index[from + i] * px;
        for (int k = 0; k < px; k++) out[i * px + k] = (pixels[at + k] & 0xFF) / 255f;
      }
      return out;
    }

    /** Image i's pixels in [0, 1] written as bytes into {@code pixels}. */
    static void put(byte[] pixels, int i, float[] image) {
      int px = image.length;
      for (int k = 0; k < px; k++) pixels[i * px + k] = (byte) Math.round(Math.max(0, Math.min(1, image[k])) * 255);
    }

    int[] captions(int[] index, int from, int b, int[] lengthsOut) {
      int[] out = new int[b * t];
      for (int i = 0; i < b; i++) {
        System.arraycopy(tokens, index[from + i] * t, out, i * t, t);
        lengthsOut[i] = lengths[index[from + i]];
      }
      return out;
    }

    /** One image, 3 x side x side. */
    public float[] image(int i) {
      return images(new int[] {i}, 0, 1);
    }

    static Pairs of(List<float[]> images, List<String> captions, Tokenizer tok, int side, int t) {
      int n = images.size();
      int px = 3 * side * side;
      byte[] pixels = new byte[n * px];
      int[] tokens = new int[n * t];
      int[] lengths = new int[n];
      for (int i = 0; i < n; i++) {
        put(pixels, i, images.get(i));
        if (captions != null) lengths[i] = tok.encode(captions.get(i), t, tokens, i * t);
      }
      return new Pairs(pixels, side, tokens, lengths, n, t);
    }
  }

  /**
   * The data of a run: the tokenizer, the training pairs (and partial captions of the same images),
   * the held-out pool with its captions and what each caption describes, and the zero-shot images.
   */
  public static final class Data {
    final Tokenizer tokenizer;
    final Pairs train; // null when loaded for evaluation only
    final Pairs partial; // null without partial captions
    final Pairs colourless; // captions without colours, for greyscale views; null without them
    final Pairs pool;
    final List<String> poolCaptions;
    final List<String> poolKeys; // each pool caption as the model reads it: its token ids, cut
    final List<Set<String>> poolDescriptions; // per pool image: every caption that describes it, as token ids
    final Pairs zeroShot; // null for a TSV
    final int[] zeroColour;
    final int[] zeroShape;
    final boolean[] zeroHeldOut;

    private Data(Tokenizer tokenizer, Pairs train, Pairs partial, Pairs colourless, Pairs pool, List<String> poolCaptions, List<Set<String>> poolDescriptions, Pairs zeroShot,
        int[] zeroColour, int[] zeroShape, boolean[] zeroHeldOut) {
      this.tokenizer = tokenizer;
      this.train = train;
      this.partial = partial;
      this.colourless = colourless;
      this.pool = pool;
      this.poolCaptions = poolCaptions;
      this.poolKeys = poolCaptions.stream().map(x -> key(tokenizer, x, pool.t())).toList();
      this.poolDescriptions = poolDescriptions.stream().map(set -> {
        Set<String> keys = new HashSet<>();
        for (String x : set) keys.add(key(tokenizer, x, pool.t()));
        return keys;
      }).toList();
      this.zeroShot = zeroShot;
      this.zeroColour = zeroColour;
      this.zeroShape = zeroShape;
      this.zeroHeldOut = zeroHeldOut;
    }

    public Tokenizer tokenizer() {
      return tokenizer;
    }

    /**
     * A caption as the model reads it (its token ids cut at {@code t}): captions that differ only in
     * case, punctuation, unknown words or past the cut are the same to it, so they count alike in the
     * recall ceiling.
     */
    static String key(Tokenizer tok, String caption, int t) {
      int[] ids = new int[t];
      int n = tok.encode(caption, t, ids, 0);
      return Arrays.toString(Arrays.copyOf(ids, n));
    }

    /** Training pairs (0 when loaded for evaluation). */
    public int trainingPairs() {
      return train == null ? 0 : train.n();
    }

    public int poolSize() {
      return pool.n();
    }

    /** The caption of pool pair i. */
    public String poolCaption(int i) {
      return poolCaptions.get(i);
    }

    /** The image of pool pair i: 3 x side x side in [0, 1]. */
    public float[] poolImage(int i) {
      return pool.image(i);
    }

    public int side() {
      return pool.side();
    }

    /**
     * The run's data: generated scenes or the TSV's pairs. With a {@code tokenizer} (a run's saved
     * vocabulary) only the held-out part is built, for evaluation.
     */
    public static Data load(Config c, Tokenizer tokenizer) {
      return c.pairs() == null ? scenes(c, tokenizer) : tsv(c, tokenizer);
    }

    private static Data scenes(Config c, Tokenizer saved) {
      Scenes gen = new Scenes(c.side());
      Set<Scenes.Combination> held = c.heldOutCombinations();
      Tokenizer tok = saved;
      Pairs train = null;
      Pairs partial = null;
      Pairs colourless = null;
      if (saved == null) {
        SplittableRandom r = new SplittableRandom(c.seed() * 31 + 7);
        List<String> captions = new ArrayList<>();
        List<String> partials = new ArrayList<>();
        List<String> greys = new ArrayList<>();
        byte[] pixels = new byte[c.scenes() * 3 * c.side() * c.side()];
        gen.generate(c.scenes(), c.seed(), held, s -> { // one scene at a time: only the bytes are kept
          Pairs.put(pixels, captions.size(), s.pixels());
          captions.add(s.caption());
          partials.add(Scenes.partialCaption(s.items(), r));
          greys.add(Scenes.colourlessCaption(s.items(), r));
        });
        List<String> all = new ArrayList<>(captions);
        if (c.partial() > 0) all.addAll(partials);
        tok = Tokenizer.build(all, 1);
        train = sameImages(new Pairs(pixels, c.side(), new int[0], new int[0], c.scenes(), c.tokens()), captions, tok);
        if (c.partial() > 0) partial = sameImages(train, partials, tok);
        if (c.grey() > 0) colourless = sameImages(train, greys, tok);
      }
      List<Scenes.Scene> held1 = gen.generate(c.pool(), c.seed() + 1_000_003L, held);
      List<String> poolCaptions = held1.stream().map(Scenes.Scene::caption).toList();
      List<Set<String>> descriptions = held1.stream().map(s -> Scenes.allCaptions(s.items())).toList();
      Pairs pool = Pairs.of(held1.stream().map(Scenes.Scene::pixels).toList(), poolCaptions, tok, c.side(), c.tokens());
      List<float[]> zImages = new ArrayList<>();
      int combos = Scenes.Colour.values().length * Scenes.Shape.values().length;
      int[] colour = new int[combos * c.zeroShot()];
      int[] shape = new int[colour.length];
      boolean[] heldOut = new boolean[colour.length];
      SplittableRandom zr = new SplittableRandom(c.seed() + 2_000_003L);
      int k = 0;
      for (Scenes.Colour col : Scenes.Colour.values()) {
        for (Scenes.Shape sh : Scenes.Shape.values()) {
          for (int i = 0; i < c.zeroShot(); i++, k++) {
            zImages.add(gen.single(col, sh, zr).pixels());
            colour[k] = col.ordinal();
            shape[k] = sh.ordinal();
            heldOut[k] = held.contains(new Scenes.Combination(col, sh));
          }
        }
      }
      Pairs zero = c.zeroShot() == 0 ? null : Pairs.of(zImages, null, tok, c.side(), c.tokens()); // --zero-shot 0: none
      return new Data(tok, train, partial, colourless, pool, poolCaptions, descriptions, zero, colour, shape, heldOut);
    }

    /** Other captions of {@code train}'s images. */
    private static Pairs sameImages(Pairs train, List<String> captions, Tokenizer tok) {
      int[] tokens = new int[train.n() * train.t()];
      int[] lengths = new int[train.n()];
      for (int i = 0; i < train.n(); i++) lengths[i] = tok.encode(captions.get(i), train.t(), tokens, i * train.t());
      return new Pairs(train.pixels(), train.side(), tokens, lengths, train.n(), train.t());
    }

    private static Data tsv(Config c, Tokenizer saved) {
      List<CaptionedImages.Pair> all = new ArrayList<>(CaptionedImages.read(Path.of(c.pairs()), c.side()));
      int[] order = Pretraining.permutation(all.size(), new SplittableRandom(c.seed()));
      int poolSize = Math.min(c.pool(), all.size() / 5);
      if (poolSize < 2 || all.size() - poolSize < c.batch()) {
        throw new IllegalArgumentException(c.pairs() + ": " + all.size() + " pairs are too few: need a held-out pool of at least 2 (a fifth at most) and a batch of "
            + c.batch() + " for training");
      }
      List<CaptionedImages.Pair> train = new ArrayList<>();
      List<CaptionedImages.Pair> pool = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) (i < all.size() - poolSize ? train : pool).add(all.get(order[i]));
      Tokenizer tok = saved != null ? saved : Tokenizer.build(train.stream().map(CaptionedImages.Pair::caption).toList(), 1);
      Pairs tr = saved != null ? null
          : Pairs.of(train.stream().map(CaptionedImages.Pair::pixels).toList(), train.stream().map(CaptionedImages.Pair::caption).toList(), tok, c.side(), c.tokens());
      List<String> poolCaptions = pool.stream().map(CaptionedImages.Pair::caption).toList();
      List<Set<String>> descriptions = poolCaptions.stream().map(Set::of).toList(); // identical captions are indistinguishable
      Pairs p = Pairs.of(pool.stream().map(CaptionedImages.Pair::pixels).toList(), poolCaptions, tok, c.side(), c.tokens());
      return new Data(tok, tr, null, null, p, poolCaptions, descriptions, null, null, null, null);
    }
  }

  /** Loss per step (a window's mean is logged), the scale and timing of one epoch, and its evaluation. */
  public record EpochLog(int epoch, double loss, double scale, double lr, double pairsPerSecond, double seconds, Evaluation eval, double[] scaleTrace) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("loss", loss);
      m.put("logit_scale", scale);
      m.put("temperature", 1 / scale);
      m.put("lr", lr);
      m.put("pairs_per_second", pairsPerSecond);
      m.put("seconds", seconds);
      m.put("eval", eval.toMap());
      List<Double> t = new ArrayList<>();
      for (double v : scaleTrace) t.add(v);
      m.put("logit_scale_trace", t);
      return m;
    }

    public static EpochLog fromMap(Map<?, ?> m) {
      List<?> t = (List<?>) m.get("logit_scale_trace");
      double[] trace = new double[t.size()];
      for (int i = 0; i < trace.length; i++) trace[i] = ((Number) t.get(i)).doubleValue();
      return new EpochLog(((Number) m.get("epoch")).intValue(), num(m.get("loss")), num(m.get("logit_scale")), num(m.get("lr")), num(m.get("pairs_per_second")),
          num(m.get("seconds")), Evaluation.fromMap((Map<?, ?>) m.get("eval")), trace);
    }
  }

  /** Steps between entries of an epoch's logit-scale trace. */
  public static final int TRACE_EVERY = 10;

  /**
   * Zero-shot classification of single-shape images by prompts.
   *
   * @param colourSeen    colour accuracy on combinations seen in training
   * @param colourHeldOut the same on the held-out combinations (NaN when none are held out)
   * @param byCombination {colour, shape} accuracy of each combination, as "red circle"
   */
  public record ZeroShot(double colourSeen, double colourHeldOut, double shapeSeen, double shapeHeldOut, Map<String, double[]> byCombination) {
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
      ((Map<?, ?>) m.get("by_combination")).forEach((k, v) -> by.put((String) k, new double[] {num(((Map<?, ?>) v).get("colour")), num(((Map<?, ?>) v).get("shape"))}));
      return new ZeroShot(num(m.get("colour_seen")), num(m.get("colour_held_out")), num(m.get("shape_seen")), num(m.get("shape_held_out")), by);
    }
  }

  /**
   * Held-out evaluation.
   *
   * @param textToImage each pool caption's image among the pool's images
   * @param imageToText each pool image's caption among the pool's captions
   * @param prompt      zero-shot by one prompt per class ("a photo of a red shape", "a photo of a
   *                    circle"); null without generated scenes
   * @param ensemble    zero-shot by the mean embedding of each class's prompts ({@link
   *                    #colourPrompts}, {@link #shapePrompts}); null without generated scenes
   */
  public record Evaluation(Retrieval.Recall textToImage, Retrieval.Recall imageToText, ZeroShot prompt, ZeroShot ensemble) {
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

    static Evaluation fromMap(Map<?, ?> m) {
      return new Evaluation(recall((Map<?, ?>) m.get("text_to_image")), recall((Map<?, ?>) m.get("image_to_text")),
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
  }

  private static double num(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }

  /** A trained (or loaded) model with its settings, tokenizer and epoch records; close it. */
  public record Trained(Config config, ClipModel model, Tokenizer tokenizer, List<EpochLog> epochs) implements AutoCloseable {
    @Override
    public void close() {
      model.close();
    }
  }

  static final int[] KS = {1, 5, 10};

  private ClipTraining() {}

  static ClipModel model(Config c, int vocabulary) {
    Engine.getInstance().setRandomSeed((int) c.seed());
    return new ClipModel(vocabulary, c.tokens(), c.side(), c.width(), c.hidden(), c.embed(), (float) Math.log(1 / c.temperature()));
  }

  /**
   * Trains on {@code data}; with a run directory writes the vocabulary, a checkpoint and {@code
   * epochs.json} after every epoch, and resumes after the latest checkpoint when there is one.
   */
  public static Trained train(Config c, Data data, RunDirectory run, Training.Listener<EpochLog> listener) {
    if (data.train == null) throw new IllegalArgumentException("the data was loaded for evaluation only");
    if (data.train.n() < c.batch()) throw new IllegalArgumentException("the batch (" + c.batch() + ") is larger than the training pairs (" + data.train.n() + ")");
    ClipModel model = model(c, data.tokenizer.size());
    try (InfoNce engine = c.loss() == LossEngine.CORE ? InfoNce.create(c.threads()) : null) {
      if (run != null) run.writeJson("vocabulary.json", data.tokenizer.words());
      Session session = new Session(c, data, model, engine);
      return new Trained(c, model, data.tokenizer, Training.run(session, run, listener).records());
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** One training run's state: the recipe the training loop runs. */
  private static final class Session implements Training.Recipe<EpochLog> {
    private final Config c;
    private final Data data;
    private final ClipModel model;
    private final Optimizer opt;
    private final StepLoss lossFn;
    private final int steps;
    private final int[] lengths;
    private int[] order;
    private SplittableRandom pick;
    private double[] trace;
    private float lr;

    Session(Config c, Data data, ClipModel model, InfoNce engine) {
      this.c = c;
      this.data = data;
      this.model = model;
      this.opt = new Optimizer(Optimizer.Kind.ADAMW, model.parameters(), model.manager(), 0.9f, (float) c.weightDecay());
      this.lossFn = engine != null ? (i, t, s) -> InfoNceLoss.clipViaCore(engine, i, t, s) : InfoNceLoss::clip;
      this.steps = data.train.n() / c.batch();
      this.lengths = new int[c.batch()];
    }

    @Override
    public int units() {
      return c.epochs();
    }

    @Override
    public long steps(int epoch) {
      return steps;
    }

    @Override
    public void beginUnit(int e) {
      order = Pretraining.permutation(data.train.n(), new SplittableRandom(c.seed() * 1_000_003L + e));
      pick = new SplittableRandom(c.seed() * 7_000_003L + e);
      trace = new double[(steps + TRACE_EVERY - 1) / TRACE_EVERY];
    }

    @Override
    public double step(int e, long step) {
      int s = (int) step;
      int from = s * c.batch();
      float[] images = data.train.images(order, from, c.batch());
      int[] captions = data.train.captions(order, from, c.batch(), lengths);
      if (data.partial != null || data.colourless != null) mixViews(data, c, order, from, images, captions, lengths, pick);
      float l = c.chunk() > 0 ? cachedStep(model, lossFn, images, captions, lengths, c.batch(), c.chunk(), data.train)
          : plainStep(model, lossFn, images, captions, lengths, c.batch(), data.train);
      if (!Float.isFinite(l)) return l; // the loop stops the run; no update from it
      long global = (long) (e - 1) * steps + s;
      lr = Optimizer.cosineWithWarmup((float) c.lr(), global, c.warmup(), (long) c.epochs() * steps);
      opt.step(lr);
      if (s % TRACE_EVERY == 0) trace[s / TRACE_EVERY] = Math.exp(InfoNceLoss.clampLogScale(model.logScale()));
      return l;
    }

    @Override
    public EpochLog endUnit(Training.Unit u) {
      Evaluation ev = evaluate(model, data);
      return new EpochLog(u.unit(), u.meanLoss(), Math.exp(model.logScale().getFloat()), lr, u.steps() * (double) c.batch() / u.seconds(), u.seconds(), ev,
          trace);
    }

    @Override
    public Map<String, Object> toMap(EpochLog log) {
      return log.toMap();
    }

    @Override
    public EpochLog fromMap(Map<String, Object> m) {
      return EpochLog.fromMap(m);
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
      model.save(out);
      opt.save(out);
    }

    @Override
    public void load(DataInputStream in) throws IOException {
      model.load(in);
      opt.load(in);
    }
  }

  /**
   * Replaces a {@code partial} share of the batch's captions by partial descriptions of the same
   * scenes, and shows a {@code grey} share as greyscale images with captions without colours.
   */
  private static void mixViews(Data data, Config c, int[] order, int from, float[] images, int[] captions, int[] lengths, SplittableRandom pick) {
    int t = c.tokens();
    int px = 3 * c.side() * c.side();
    for (int i = 0; i < c.batch(); i++) {
      double u = pick.nextDouble();
      Pairs other = u < c.partial() ? data.partial : u < c.partial() + c.grey() ? data.colourless : null;
      if (other == null) continue;
      int j = order[from + i];
      System.arraycopy(other.tokens(), j * t, captions, i * t, t);
      lengths[i] = other.lengths()[j];
      if (other == data.colourless) Scenes.greyscale(images, i * px, c.side());
    }
  }

  /** The model of a run's latest checkpoint, with its settings, tokenizer and epoch records. */
  public static Trained load(RunDirectory run) {
    Config c = Config.fromMap(run.config());
    if (!Files.isRegularFile(run.file("vocabulary.json"))) throw new IllegalArgumentException(run.dir() + ": no vocabulary.json");
    List<String> words = new ArrayList<>();
    if (!(run.readJsonValue("vocabulary.json") instanceof List<?> list)) throw new IllegalArgumentException(run.file("vocabulary.json") + ": expected a list of words");
    for (Object o : list) words.add(String.valueOf(o));
    Tokenizer tok = Tokenizer.of(words);
    RunDirectory.Checkpoint cp = run.requireCheckpoint();
    ClipModel model = model(c, tok.size());
    try (DataInputStream in = cp.payload()) {
      List<EpochLog> logs = Training.records(EpochLog::fromMap, cp);
      model.load(in);
      return new Trained(c, model, tok, List.copyOf(logs));
    } catch (IOException e) {
      model.close();
      throw new UncheckedIOException(cp.file() + ": cannot read the checkpoint: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The loss of a batch's embeddings and log scale. */
  interface StepLoss {
    NDArray loss(NDArray image, NDArray text, NDArray logScale);
  }

  /**
   * One plain step: both towers on the whole batch with one graph, the symmetric loss, backward.
   * Gradients land in the parameters; the caller steps the optimiser. Returns the loss.
   */
  static float plainStep(ClipModel model, StepLoss lossFn, float[] images, int[] captions, int[] lengths, int b, Pairs shape) {
    try (NDManager m = model.manager().newSubManager()) {
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray img = model.images(m, images, b, shape.side(), true);
        NDArray txt = model.captions(m, captions, lengths, b, shape.t(), true);
        NDArray loss = lossFn.loss(img, txt, model.logScale());
        gc.backward(loss);
        return loss.getFloat();
      }
    }
  }

  /**
   * One gradient-cached step (Gao et al. 2021) with the same gradients as {@link #plainStep}: embed
   * the batch chunk by chunk without a graph; compute the loss and its gradient with respect to every
   * embedding (and the logit scale) on the embeddings alone; then re-encode each chunk with a graph
   * and back-propagate {@code sum(embedding * cached gradient)}. Peak memory holds one chunk's
   * activations instead of the batch's.
   */
  static float cachedStep(ClipModel model, StepLoss lossFn, float[] images, int[] captions, int[] lengths, int b, int chunk, Pairs shape) {
    int px = 3 * shape.side() * shape.side();
    int t = shape.t();
    int e;
    float[] imgEmb;
    float[] txtEmb;
    try (NDManager m = model.manager().newSubManager()) { // 1. embeddings without a graph
      List<NDArray> is = new ArrayList<>();
      List<NDArray> ts = new ArrayList<>();
      for (int c0 = 0; c0 < b; c0 += chunk) {
        int nb = Math.min(chunk, b - c0);
        is.add(model.images(m, Arrays.copyOfRange(images, c0 * px, (c0 + nb) * px), nb, shape.side(), true).stopGradient());
        ts.add(model.captions(m, Arrays.copyOfRange(captions, c0 * t, (c0 + nb) * t), Arrays.copyOfRange(lengths, c0, c0 + nb), nb, t, true).stopGradient());
      }
      NDArray img = NDArrays.concat(new NDList(is));
      e = (int) img.getShape().get(1);
      imgEmb = img.toFloatArray();
      txtEmb = NDArrays.concat(new NDList(ts)).toFloatArray();
    }
    float loss;
    float[] gImg;
    float[] gTxt;
    try (NDManager m = model.manager().newSubManager()) { // 2. the loss on the embeddings alone
      NDArray img = m.create(imgEmb, new Shape(b, e));
      NDArray txt = m.create(txtEmb, new Shape(b, e));
      img.setRequiresGradient(true);
      txt.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray l = lossFn.loss(img, txt, model.logScale()); // the logit scale's gradient lands in its parameter here
        gc.backward(l);
        loss = l.getFloat();
      }
      gImg = img.getGradient().toFloatArray();
      gTxt = txt.getGradient().toFloatArray();
    }
    for (int c0 = 0; c0 < b; c0 += chunk) { // 3. each chunk again, with a graph
      int nb = Math.min(chunk, b - c0);
      try (NDManager m = model.manager().newSubManager()) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray img = model.images(m, Arrays.copyOfRange(images, c0 * px, (c0 + nb) * px), nb, shape.side(), true);
          NDArray txt = model.captions(m, Arrays.copyOfRange(captions, c0 * t, (c0 + nb) * t), Arrays.copyOfRange(lengths, c0, c0 + nb), nb, t, true);
          NDArray gi = m.create(Arrays.copyOfRange(gImg, c0 * e, (c0 + nb) * e), new Shape(nb, e));
          NDArray gt = m.create(Arrays.copyOfRange(gTxt, c0 * e, (c0 + nb) * e), new Shape(nb, e));
          gc.backward(img.mul(gi).sum().add(txt.mul(gt).sum()));
        }
      }
    }
    return loss;
  }

  /** One step's loss, every parameter's gradient (concatenated in parameter order) and its wall time. */
  public record StepGradients(float loss, float[] gradients, double seconds) {}

  /**
   * One training step on {@code b} generated scenes ({@code side} pixels, captions of up to 16
   * tokens), plain ({@code chunk} = 0) or gradient-cached in chunks of {@code chunk}, from a model
   * initialised with {@code seed}, the loss in the graph or from the core engine: what the
   * gradient-caching benchmark compares (run each mode in its own process to compare peak memory).
   */
  public static StepGradients benchmarkStep(int b, int chunk, int side, int width, long seed, LossEngine engine) {
    List<Scenes.Scene> scenes = new Scenes(side).generate(b, seed, Set.of());
    List<String> texts = scenes.stream().map(Scenes.Scene::caption).toList();
    Tokenizer tok = Tokenizer.build(texts, 1);
    Pairs data = Pairs.of(scenes.stream().map(Scenes.Scene::pixels).toList(), texts, tok, side, 16);
    float[] images = data.images(identity(b), 0, b);
    Config c = new Config(null, b, side, 16, 0, 0, List.of(), 1, b, 1e-3, 0, 0, width, 128, 64, 0.07, 0, LossEngine.FULL, 1, 0, seed, 1);
    try (ClipModel model = model(c, tok.size()); InfoNce core = engine == LossEngine.CORE ? InfoNce.create(2) : null) {
      StepLoss fn = engine == LossEngine.CORE ? (i, t, s) -> InfoNceLoss.clipViaCore(core, i, t, s) : InfoNceLoss::clip;
      long t0 = System.nanoTime();
      float loss = chunk > 0 ? cachedStep(model, fn, images, data.tokens(), data.lengths(), b, chunk, data)
          : plainStep(model, fn, images, data.tokens(), data.lengths(), b, data);
      double seconds = (System.nanoTime() - t0) / 1e9;
      List<float[]> parts = new ArrayList<>();
      int total = 0;
      for (Parameter p : model.parameters()) {
        float[] g = p.getArray().getGradient().toFloatArray();
        parts.add(g);
        total += g.length;
      }
      float[] all = new float[total];
      int at = 0;
      for (float[] g : parts) {
        System.arraycopy(g, 0, all, at, g.length);
        at += g.length;
      }
      return new StepGradients(loss, all, seconds);
    }
  }

  /** Unit-length image embeddings of all {@code p}'s images, {@code n x embed} row-major, in chunks. */
  static float[] imageEmbeddings(ClipModel model, Pairs p) {
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
  static float[] captionEmbeddings(ClipModel model, Pairs p) {
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
    return captionEmbeddings(model, new Pairs(new byte[0], 16, tokens, lengths, n, t));
  }

  private static final int EVAL_CHUNK = 500;

  /** Held-out recall both ways, and zero-shot colour and shape (generated scenes only). */
  public static Evaluation evaluate(ClipModel model, Data d) {
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
    if (d.zeroShot == null) return new Evaluation(tr, ir, null, null);
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
    return new Evaluation(tr, ir, zeroShot(model, d, z, colourSingle, shapeSingle), zeroShot(model, d, z, colourAll, shapeAll));
  }

  /** A colour's prompts for the ensemble: "a photo of a red shape" and "a photo of a red " + each shape. */
  public static List<String> colourPrompts(Scenes.Colour c) {
    List<String> out = new ArrayList<>(List.of(Scenes.colourPrompt(c)));
    for (Scenes.Shape s : Scenes.Shape.values()) out.add("a photo of a " + c.word() + " " + s.word());
    return out;
  }

  /** A shape's prompts for the ensemble: "a photo of a circle", with each size, and with each colour. */
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

  private static ZeroShot zeroShot(ClipModel model, Data d, float[] z, List<List<String>> colours, List<List<String>> shapes) {
    int e = model.embed();
    float[] cp = classEmbeddings(model, d.tokenizer, colours, d.pool.t());
    float[] sp = classEmbeddings(model, d.tokenizer, shapes, d.pool.t());
    double[] right = new double[4]; // colour seen, colour held out, shape seen, shape held out
    double[] count = new double[2];
    Map<String, double[]> by = new LinkedHashMap<>(); // colour right, shape right, images
    for (int i = 0; i < d.zeroShot.n(); i++) {
      int h = d.zeroHeldOut[i] ? 1 : 0;
      count[h]++;
      double[] combo = by.computeIfAbsent(Scenes.Colour.values()[d.zeroColour[i]].word() + " " + Scenes.Shape.values()[d.zeroShape[i]].word(), k -> new double[3]);
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

  /** One search result: a pool index and its cosine similarity to the query. */
  public record Hit(int index, double similarity) {}

  /** The {@code top} pool images closest to {@code query}, best first. */
  public static List<Hit> search(Trained t, Data d, String query, int top) {
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

  /** Words of {@code query} the run's vocabulary does not know (they read as one unknown word). */
  public static List<String> unknownWords(Tokenizer tok, String query) {
    List<String> out = new ArrayList<>();
    for (String w : query.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty() && tok.encode(w)[0] == Tokenizer.UNKNOWN) out.add(w);
    }
    return out;
  }

  private static int[] identity(int n) {
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
