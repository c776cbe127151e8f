package org.infonce4j.djl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.infonce4j.clip.CaptionedImages;
import org.infonce4j.clip.Scenes;
import org.infonce4j.clip.Tokenizer;

/**
 * The data of a CLIP run: the tokenizer, the training pairs (and partial captions of the same images),
 * the held-out pool with its captions and what each caption describes, and the zero-shot images.
 */
public final class ClipData {
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

  private ClipData(Tokenizer tokenizer, Pairs train, Pairs partial, Pairs colourless, Pairs pool, List<String> poolCaptions, List<Set<String>> poolDescriptions,
      Pairs zeroShot,
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

  /**
   * The tokenizer: built from the training captions, or the saved one given to {@link #load}.
   *
   * @return the tokenizer
   */
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

  /**
   * Training pairs (0 when loaded for evaluation).
   *
   * @return the number of training pairs
   */
  public int trainingPairs() {
    return train == null ? 0 : train.n();
  }

  /**
   * The held-out pool's size: {@link ClipConfig#pool()} scenes, or for a TSV at most a fifth of the
   * pairs.
   *
   * @return the number of pool pairs
   */
  public int poolSize() {
    return pool.n();
  }

  /**
   * The caption of pool pair i.
   *
   * @param i a pool pair, below {@link #poolSize()}
   * @return its caption
   */
  public String poolCaption(int i) {
    return poolCaptions.get(i);
  }

  /**
   * The image of pool pair i: 3 x side x side in [0, 1].
   *
   * @param i a pool pair, below {@link #poolSize()}
   * @return its pixels, channels first (a new array; stored as bytes, so in steps of 1/255)
   */
  public float[] poolImage(int i) {
    return pool.image(i);
  }

  /**
   * The image side.
   *
   * @return the side, in pixels
   */
  public int side() {
    return pool.side();
  }

  /**
   * The run's data: generated scenes or the TSV's pairs. With a {@code tokenizer} (a run's saved
   * vocabulary) only the held-out part is built, for evaluation.
   *
   * @param c         the run's settings
   * @param tokenizer the run's saved tokenizer, or null to build one from the training captions
   * @return the data
   * @throws IllegalArgumentException when the TSV cannot be read as pairs or holds too few of them
   *     for a pool of 2 and a batch
   */
  public static ClipData load(ClipConfig c, Tokenizer tokenizer) {
    return c.pairs() == null ? scenes(c, tokenizer) : tsv(c, tokenizer);
  }

  private static ClipData scenes(ClipConfig c, Tokenizer saved) {
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
    return new ClipData(tok, train, partial, colourless, pool, poolCaptions, descriptions, zero, colour, shape, heldOut);
  }

  /** Other captions of {@code train}'s images. */
  private static Pairs sameImages(Pairs train, List<String> captions, Tokenizer tok) {
    int[] tokens = new int[train.n() * train.t()];
    int[] lengths = new int[train.n()];
    for (int i = 0; i < train.n(); i++) lengths[i] = tok.encode(captions.get(i), train.t(), tokens, i * train.t());
    return new Pairs(train.pixels(), train.side(), tokens, lengths, train.n(), train.t());
  }

  private static ClipData tsv(ClipConfig c, Tokenizer saved) {
    List<CaptionedImages.Pair> all = new ArrayList<>(CaptionedImages.read(Path.of(c.pairs()), c.side()));
    int[] order = Pretraining.permutation(all.size(), new SplittableRandom(c.seed()));
    int poolSize = Math.min(c.pool(), all.size() / 5);
    if (poolSize < 2 || all.size() - poolSize < c.batch()) {
      throw new IllegalArgumentException(
          c.pairs() + ": " + all.size() + " pairs are too few: need a held-out pool of at least 2 (a fifth at most) and a batch of "
              + c.batch() + " for training");
    }
    List<CaptionedImages.Pair> train = new ArrayList<>();
    List<CaptionedImages.Pair> pool = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) (i < all.size() - poolSize ? train : pool).add(all.get(order[i]));
    Tokenizer tok = saved != null ? saved : Tokenizer.build(train.stream().map(CaptionedImages.Pair::caption).toList(), 1);
    Pairs tr = saved != null ? null
        : Pairs.of(train.stream().map(CaptionedImages.Pair::pixels).toList(), train.stream().map(CaptionedImages.Pair::caption).toList(), tok, c.side(),
            c.tokens());
    List<String> poolCaptions = pool.stream().map(CaptionedImages.Pair::caption).toList();
    List<Set<String>> descriptions = poolCaptions.stream().map(Set::of).toList(); // identical captions are indistinguishable
    Pairs p = Pairs.of(pool.stream().map(CaptionedImages.Pair::pixels).toList(), poolCaptions, tok, c.side(), c.tokens());
    return new ClipData(tok, tr, null, null, p, poolCaptions, descriptions, null, null, null, null);
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
}
