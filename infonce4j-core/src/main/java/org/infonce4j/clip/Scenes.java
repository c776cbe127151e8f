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
 * position on a dark noisy background, and a caption from one of several templates ("a small red
 * circle left of a blue square"). Seeded: the same seed gives the same scenes and captions.
 *
 * <p>Held-out combinations: a set of (colour, shape) pairs can be kept out of generated training
 * scenes ({@link #generate} with {@code avoid}) and asked for in test scenes ({@link #single}), so
 * zero-shot accuracy can be measured on combinations the model never saw.
 */
public final class Scenes {

  /** The shapes. */
  public enum Shape {
    CIRCLE,
    SQUARE,
    TRIANGLE,
    CROSS;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The colours, with the RGB they are drawn in. */
  public enum Colour {
    RED(0xE0, 0x30, 0x30),
    GREEN(0x30, 0xC0, 0x40),
    BLUE(0x40, 0x60, 0xF0),
    YELLOW(0xF0, 0xE0, 0x30),
    PURPLE(0xA0, 0x40, 0xD0),
    WHITE(0xF0, 0xF0, 0xF0);

    final int r;
    final int g;
    final int b;

    Colour(int r, int g, int b) {
      this.r = r;
      this.g = g;
      this.b = b;
    }

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One shape of a scene: centre (x, y) in [0, 1], large or small. */
  public record Item(Shape shape, Colour colour, boolean large, double x, double y) {
    public String words(boolean withSize) {
      return (withSize ? (large ? "large " : "small ") : "") + colour.word() + " " + shape.word();
    }
  }

  /** A (colour, shape) combination. */
  public record Combination(Colour colour, Shape shape) {}

  /**
   * A scene and its caption.
   *
   * @param pixels side x side RGB in [0, 1], channels first: 3 x side x side
   */
  public record Scene(List<Item> items, String caption, float[] pixels, int side) {}

  private final int side;

  /** @param side image side in pixels, 32 or 64 (16 to 256 accepted) */
  public Scenes(int side) {
    if (side < 16 || side > 256) throw new IllegalArgumentException("image side must be in [16, 256], got " + side);
    this.side = side;
  }

  public int side() {
    return side;
  }

  /**
   * {@code count} scenes of one to three shapes whose (colour, shape) is never in {@code avoid}.
   */
  public List<Scene> generate(int count, long seed, Set<Combination> avoid) {
    if (avoid.size() >= Colour.values().length * Shape.values().length) throw new IllegalArgumentException("every combination is avoided");
    SplittableRandom random = new SplittableRandom(seed);
    List<Scene> out = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      int shapes = 1 + random.nextInt(3);
      List<Item> items = new ArrayList<>();
      while (items.size() < shapes) {
        Item it = item(random, items);
        if (it != null && !avoid.contains(new Combination(it.colour(), it.shape()))) items.add(it);
      }
      out.add(scene(items, caption(items, random)));
    }
    return out;
  }

  /** One scene of a single shape of the given colour and shape (size and place random), captioned. */
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
      if (d < r + radius(o.large()) + 0.02) return null;
    }
    return new Item(Shape.values()[random.nextInt(Shape.values().length)], Colour.values()[random.nextInt(Colour.values().length)], large, x, y);
  }

  private static double radius(boolean large) {
    return large ? 0.2 : 0.12;
  }

  /** The caption: one of several templates for the number of shapes, relations from the positions. */
  static String caption(List<Item> items, SplittableRandom random) {
    boolean size = random.nextBoolean();
    Item a = items.get(0);
    return switch (items.size()) {
      case 1 -> switch (random.nextInt(3)) {
        case 0 -> "a " + a.words(size);
        case 1 -> "a picture of a " + a.words(size);
        default -> "there is a " + a.words(size);
      };
      case 2 -> {
        Item b = items.get(1);
        if (random.nextBoolean()) yield "a " + a.words(size) + " and a " + b.words(size);
        yield "a " + a.words(size) + " " + relation(a, b) + " a " + b.words(size);
      }
      default -> "a " + a.words(size) + ", a " + items.get(1).words(size) + " and a " + items.get(2).words(size);
    };
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
          int s = (int) Math.round(2 * r * 0.85);
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
