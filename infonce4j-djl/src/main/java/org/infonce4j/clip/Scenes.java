package org.infonce4j.clip;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Captioned scenes for CLIP, drawn with Java2D: one to three shapes of a colour, a shape, a size and a
 * position on a dark background, and a caption from one of several templates ("a small red circle
 * left of a large blue square", "a photo of a large green cross in the top left"); {@link
 * #partialCaption} describes a scene with fewer attributes ("a photo of a red shape"), the form of
 * the zero-shot prompts. Seeded: the same seed gives the same scenes and captions.
 *
 * <p>Held-out combinations: a set of (colour, shape) pairs can be kept out of generated training
 * scenes ({@link #generate} with {@code avoid}) and asked for in test scenes ({@link #single}), so
 * zero-shot accuracy can be measured on combinations the model never saw.
 */
public final class Scenes {

  /** The shapes. */
  public enum Shape {
    /** A filled disc. */
    CIRCLE,
    /** A filled square, as wide as a circle of the same size. */
    SQUARE,
    /** A filled triangle, pointing up. */
    TRIANGLE,
    /** An upright cross of two strokes. */
    CROSS;

    /**
     * The shape's word in captions.
     *
     * @return the name in lower case, e.g. "circle"
     */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The colours, with the RGB they are drawn in. */
  public enum Colour {
    /** Red. */
    RED(0xE0, 0x30, 0x30),
    /** Green. */
    GREEN(0x30, 0xC0, 0x40),
    /** Blue. */
    BLUE(0x40, 0x60, 0xF0),
    /** Yellow. */
    YELLOW(0xF0, 0xE0, 0x30),
    /** Purple. */
    PURPLE(0xA0, 0x40, 0xD0),
    /** White (a light grey, 0xF0 in each channel). */
    WHITE(0xF0, 0xF0, 0xF0),
    /** Orange. */
    ORANGE(0xF0, 0x90, 0x20),
    /** Pink. */
    PINK(0xF8, 0x98, 0xC8),
    /** Cyan. */
    CYAN(0x30, 0xD8, 0xE0),
    /** Brown. */
    BROWN(0xA0, 0x68, 0x30);

    final int r;
    final int g;
    final int b;

    Colour(int r, int g, int b) {
      this.r = r;
      this.g = g;
      this.b = b;
    }

    /**
     * The colour's word in captions.
     *
     * @return the name in lower case, e.g. "red"
     */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One shape of a scene: centre (x, y) in [0, 1], large or small.
   *
   * @param shape  the kind of shape
   * @param colour its colour
   * @param large  large (radius 0.2 of the side) or small (0.12)
   * @param x      the centre's horizontal position, 0 at the left edge, 1 at the right
   * @param y      the centre's vertical position, 0 at the top edge, 1 at the bottom
   */
  public record Item(Shape shape, Colour colour, boolean large, double x, double y) {
    /**
     * The item's words in a caption.
     *
     * @param withSize whether to start with "large" or "small"
     * @return e.g. "large red circle", or "red circle" without the size
     */
    public String words(boolean withSize) {
      return (withSize ? (large ? "large " : "small ") : "") + colour.word() + " " + shape.word();
    }
  }

  /**
   * A (colour, shape) combination.
   *
   * @param colour the colour
   * @param shape  the shape
   */
  public record Combination(Colour colour, Shape shape) {
  }

  /**
   * A scene and its caption.
   *
   * @param items   its one to three shapes
   * @param caption the caption drawn for it
   * @param pixels side x side RGB in [0, 1], channels first: 3 x side x side
   * @param side    the image side, in pixels
   */
  public record Scene(List<Item> items, String caption, float[] pixels, int side) {
  }

  private final int side;

  /**
   * A generator of side x side scenes.
   *
   * @param side image side in pixels, 32 or 64 (16 to 256 accepted)
   * @throws IllegalArgumentException when {@code side} is outside [16, 256]
   */
  public Scenes(int side) {
    if (side < 16 || side > 256) throw new IllegalArgumentException("image side must be in [16, 256], got " + side);
    this.side = side;
  }

  /**
   * The image side.
   *
   * @return the side, in pixels
   */
  public int side() {
    return side;
  }

  /**
   * {@code count} scenes of one to three shapes whose (colour, shape) is never in {@code avoid}.
   *
   * @param count how many scenes
   * @param seed  the random seed: the same seed gives the same scenes
   * @param avoid combinations no shape may have
   * @return the scenes, in the order drawn
   * @throws IllegalArgumentException when every combination is avoided
   */
  public List<Scene> generate(int count, long seed, Set<Combination> avoid) {
    List<Scene> out = new ArrayList<>(count);
    generate(count, seed, avoid, out::add);
    return out;
  }

  /**
   * The scenes of {@link #generate(int, long, Set)} one at a time, so that they need not all be held.
   *
   * @param count how many scenes
   * @param seed  the random seed: the same seed gives the same scenes
   * @param avoid combinations no shape may have
   * @param sink  receives each scene, in the order drawn
   * @throws IllegalArgumentException when every combination is avoided
   */
  public void generate(int count, long seed, Set<Combination> avoid, java.util.function.Consumer<Scene> sink) {
    if (avoid.size() >= Colour.values().length * Shape.values().length) throw new IllegalArgumentException("every combination is avoided");
    SplittableRandom random = new SplittableRandom(seed);
    for (int n = 0; n < count; n++) {
      int shapes = 1 + random.nextInt(3);
      List<Item> items = new ArrayList<>();
      while (items.size() < shapes) {
        Item it = item(random, items);
        if (it != null && !avoid.contains(new Combination(it.colour(), it.shape()))) items.add(it);
      }
      sink.accept(scene(items, caption(items, random)));
    }
  }

  /**
   * One scene of a single shape of the given colour and shape (size and place random), captioned.
   *
   * @param colour the shape's colour
   * @param shape  the kind of shape
   * @param random draws the size, place and caption
   * @return the scene
   */
  public Scene single(Colour colour, Shape shape, SplittableRandom random) {
    Item it;
    do {
      it = item(random, List.of());
    } while (it == null);
    Item fixed = new Item(shape, colour, it.large(), it.x(), it.y());
    return scene(List.of(fixed), caption(List.of(fixed), random));
  }

  /** A random item that does not overlap {@code others}, or null when the draw collides. */
  private Item item(SplittableRandom random, List<Item> others) {
    boolean large = random.nextBoolean();
    double r = radius(large);
    double x = r + random.nextDouble() * (1 - 2 * r);
    double y = r + random.nextDouble() * (1 - 2 * r);
    for (Item o : others) {
      double d = Math.hypot(o.x() - x, o.y() - y);
      if (d < 1.2 * (r + radius(o.large())) + 0.02) return null; // circles never touch; a square's corner (r sqrt 2 out) may
    }
    return new Item(Shape.values()[random.nextInt(Shape.values().length)], Colour.values()[random.nextInt(Colour.values().length)], large, x, y);
  }

  private static double radius(boolean large) {
    return large ? 0.2 : 0.12;
  }

  /**
   * The caption: one of the templates for the number of shapes, drawn uniformly from {@link
   * #captions(List)} (so the generator and the test of what a caption describes cannot disagree). Every
   * template names each shape's size, colour and kind; one shape gets its place in a 3 x 3 grid ("in
   * the top left"), two shapes their relation ("left of") or "and".
   */
  static String caption(List<Item> items, SplittableRandom random) {
    List<String> options = captions(items);
    return options.get(random.nextInt(options.size()));
  }

  /**
   * Every caption the templates give for the items in this order.
   *
   * @param items one to three items
   * @return the captions
   * @throws IllegalArgumentException for no item or more than three
   */
  public static List<String> captions(List<Item> items) {
    return captions(items, true);
  }

  /**
   * A caption without colours ("a small circle left of a large square"), for a greyscale view of the
   * scene.
   *
   * @param items  one to three items
   * @param random draws the template
   * @return the caption
   * @throws IllegalArgumentException for no item or more than three
   */
  public static String colourlessCaption(List<Item> items, SplittableRandom random) {
    List<String> options = captions(items, false);
    return options.get(random.nextInt(options.size()));
  }

  private static List<String> captions(List<Item> items, boolean colour) {
    java.util.function.Function<Item, String> w = it -> colour ? it.words(true) : (it.large() ? "large " : "small ") + it.shape().word();
    List<String> out = new ArrayList<>();
    Item a = items.get(0);
    switch (items.size()) {
      case 1 -> {
        for (String p : ONE_PREFIXES) out.add(p + " " + w.apply(a) + " " + place(a));
      }
      case 2 -> {
        Item b = items.get(1);
        for (String p : PREFIXES) {
          out.add(p + " " + w.apply(a) + " and a " + w.apply(b));
          out.add(p + " " + w.apply(a) + " " + relation(a, b) + " a " + w.apply(b));
        }
      }
      case 3 -> {
        for (String p : PREFIXES) out.add(p + " " + w.apply(a) + ", a " + w.apply(items.get(1)) + " and a " + w.apply(items.get(2)));
      }
      default -> throw new IllegalArgumentException("scenes have one to three shapes, got " + items.size());
    }
    return out;
  }

  /**
   * Whether {@code caption} is one the templates give for these items in some order: what makes two
   * scenes indistinguishable by a caption, and so the best recall any model can reach in a pool.
   *
   * @param items   one to three items
   * @param caption the caption tested
   * @return true when a template gives exactly {@code caption} for some order of the items
   */
  public static boolean describes(List<Item> items, String caption) {
    return allCaptions(items).contains(caption);
  }

  /**
   * Every caption the templates give for the items in any order.
   *
   * @param items one to three items
   * @return the distinct captions
   * @throws IllegalArgumentException for no item or more than three
   */
  public static Set<String> allCaptions(List<Item> items) {
    Set<String> out = new java.util.HashSet<>();
    for (List<Item> o : orders(items)) out.addAll(captions(o));
    return out;
  }

  /**
   * A partial description ("a photo of a red shape", "a photo of a small circle"): one attribute or two.
   *
   * @param items  the scene's items, each described with the same attributes
   * @param random draws which attributes
   * @return the caption
   */
  public static String partialCaption(List<Item> items, SplittableRandom random) {
    int mode = random.nextInt(4);
    StringBuilder out = new StringBuilder("a photo of a ");
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      if (i > 0) out.append(" and a ");
      out.append(switch (mode) {
        case 0 -> it.colour().word() + " shape";
        case 1 -> it.shape().word();
        case 2 -> (it.large() ? "large " : "small ") + it.shape().word();
        default -> it.colour().word() + " " + it.shape().word();
      });
    }
    return out.toString();
  }

  /**
   * The zero-shot prompt of a colour: "a photo of a red shape" (a partial caption's form).
   *
   * @param c the colour
   * @return the prompt
   */
  public static String colourPrompt(Colour c) {
    return "a photo of a " + c.word() + " shape";
  }

  /**
   * The zero-shot prompt of a shape: "a photo of a circle".
   *
   * @param s the shape
   * @return the prompt
   */
  public static String shapePrompt(Shape s) {
    return "a photo of a " + s.word();
  }

  private static final String[] ONE_PREFIXES = {"a", "a photo of a", "there is a", "an image of a"};
  private static final String[] PREFIXES = {"a", "a photo of a"};

  /** Where one shape is, on a 3 x 3 grid of the image. */
  static String place(Item a) {
    int col = a.x() < 1 / 3.0 ? 0 : a.x() < 2 / 3.0 ? 1 : 2;
    int row = a.y() < 1 / 3.0 ? 0 : a.y() < 2 / 3.0 ? 1 : 2;
    return PLACES[row * 3 + col];
  }

  private static final String[] PLACES = {
      "in the top left", "at the top", "in the top right", "on the left", "in the centre", "on the right", "in the bottom left", "at the bottom",
      "in the bottom right"
  };

  private static List<List<Item>> orders(List<Item> items) {
    List<List<Item>> out = new ArrayList<>();
    permute(new ArrayList<>(items), 0, out);
    return out;
  }

  private static void permute(List<Item> items, int k, List<List<Item>> out) {
    if (k == items.size()) {
      out.add(List.copyOf(items));
      return;
    }
    for (int i = k; i < items.size(); i++) {
      java.util.Collections.swap(items, k, i);
      permute(items, k + 1, out);
      java.util.Collections.swap(items, k, i);
    }
  }

  /** Where a is relative to b: the larger of the horizontal and vertical offsets decides. */
  static String relation(Item a, Item b) {
    double dx = a.x() - b.x();
    double dy = a.y() - b.y();
    if (Math.abs(dx) >= Math.abs(dy)) return dx < 0 ? "left of" : "right of";
    return dy < 0 ? "above" : "below";
  }

  private Scene scene(List<Item> items, String caption) {
    return new Scene(List.copyOf(items), caption, render(items), side);
  }

  /**
   * The greyscale of 3 x side x side channels-first pixels (ITU-R BT.601 luma in all three channels), in place.
   *
   * @param pixels holds the image at {@code from}
   * @param from   the offset of the image's first value in {@code pixels}
   * @param side   the image side, in pixels
   */
  public static void greyscale(float[] pixels, int from, int side) {
    int plane = side * side;
    for (int i = 0; i < plane; i++) {
      int r = from + i;
      float y = 0.299f * pixels[r] + 0.587f * pixels[r + plane] + 0.114f * pixels[r + 2 * plane];
      pixels[r] = y;
      pixels[r + plane] = y;
      pixels[r + 2 * plane] = y;
    }
  }

  /** Draws the items; returns 3 x side x side values in [0, 1]. */
  float[] render(List<Item> items) {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(new Color(0x18, 0x18, 0x20));
    g.fillRect(0, 0, side, side);
    for (Item it : items) {
      g.setColor(new Color(it.colour().r, it.colour().g, it.colour().b));
      double r = radius(it.large()) * side;
      int cx = (int) Math.round(it.x() * side);
      int cy = (int) Math.round(it.y() * side);
      int d = (int) Math.round(2 * r);
      switch (it.shape()) {
        case CIRCLE -> g.fillOval(cx - d / 2, cy - d / 2, d, d);
        case SQUARE -> {
          int s = d; // the full box: its corners set it apart from a circle even at 32 pixels
          g.fillRect(cx - s / 2, cy - s / 2, s, s);
        }
        case TRIANGLE -> g.fillPolygon(new Polygon(new int[] {cx, cx - d / 2, cx + d / 2}, new int[] {cy - d / 2, cy + d / 2, cy + d / 2}, 3));
        case CROSS -> {
          g.setStroke(new BasicStroke(Math.max(2f, (float) r * 0.6f)));
          g.drawLine(cx - d / 2, cy, cx + d / 2, cy);
          g.drawLine(cx, cy - d / 2, cx, cy + d / 2);
        }
        default -> throw new AssertionError(it.shape());
      }
    }
    g.dispose();
    return Images.channelsFirst(img);
  }
}
