package org.infonce4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A small line chart written as PNG with Java2D (no dependency): one or more named series of
 * (x, y) points, linear axes with rounded ticks, a legend. Enough for loss and accuracy curves.
 */
final class LinePlot {
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b),
    new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
  };
  private static final int WIDTH = 800;
  private static final int HEIGHT = 500;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private boolean logX;

  private record Series(String name, double[] x, double[] y, int color, boolean dashed) {}

  LinePlot(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** Adds a series; points with a non-finite coordinate are skipped when drawing. */
  LinePlot add(String name, double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values and " + y.length + " y values");
    }
    series.add(new Series(name, x.clone(), y.clone(), series.size(), false));
    return this;
  }

  /** Adds a series in colour {@code color} of the palette, dashed or solid (e.g. two metrics of one model). */
  LinePlot add(String name, double[] x, double[] y, int color, boolean dashed) {
    add(name, x, y);
    Series s = series.remove(series.size() - 1);
    series.add(new Series(s.name(), s.x(), s.y(), color, dashed));
    return this;
  }

  /** Logarithmic x axis (for example the number of negatives). */
  LinePlot logX() {
    logX = true;
    return this;
  }

  /** Renders and writes the PNG atomically. */
  void write(Path file) {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        double x = tx(s.x[i]);
        if (Double.isFinite(x) && Double.isFinite(s.y[i])) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, s.y[i]);
          y1 = Math.max(y1, s.y[i]);
        }
      }
    }
    if (!(x0 <= x1)) {
      x0 = 0;
      x1 = 1;
      y0 = 0;
      y1 = 1;
    }
    if (x1 == x0) {
      x1 = x0 + 1;
    }
    double[] yt = ticks(y0, y1);
    y0 = Math.min(y0, yt[0]);
    y1 = Math.max(y1, yt[yt.length - 1]);
    if (y1 == y0) {
      y1 = y0 + 1;
    }
    int pw = WIDTH - LEFT - RIGHT, ph = HEIGHT - TOP - BOTTOM;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    // grid and y ticks
    for (double t : yt) {
      int py = TOP + (int) Math.round(ph * (1 - (t - y0) / (y1 - y0)));
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(LEFT, py, LEFT + pw, py);
      g.setColor(Color.DARK_GRAY);
      String label = format(t);
      g.drawString(label, LEFT - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
    }
    // x ticks
    double[] xt = logX ? logTicks(x0, x1) : ticks(x0, x1);
    for (double t : xt) {
      if (t < x0 - 1e-12 || t > x1 + 1e-12) {
        continue;
      }
      int px = LEFT + (int) Math.round(pw * (t - x0) / (x1 - x0));
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(px, TOP, px, TOP + ph);
      g.setColor(Color.DARK_GRAY);
      String label = format(logX ? Math.pow(10, t) : t);
      g.drawString(label, px - fm.stringWidth(label) / 2, TOP + ph + fm.getAscent() + 6);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, pw, ph);
    // series
    BasicStroke solid = new BasicStroke(2f);
    BasicStroke dashed = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {7f, 5f}, 0f);
    for (int si = 0; si < series.size(); si++) {
      Series s = series.get(si);
      g.setStroke(s.dashed() ? dashed : solid);
      g.setColor(PALETTE[s.color() % PALETTE.length]);
      int prevX = 0, prevY = 0;
      boolean have = false;
      for (int i = 0; i < s.x.length; i++) {
        double x = tx(s.x[i]);
        if (!Double.isFinite(x) || !Double.isFinite(s.y[i])) {
          have = false;
          continue;
        }
        int px = LEFT + (int) Math.round(pw * (x - x0) / (x1 - x0));
        int py = TOP + (int) Math.round(ph * (1 - (s.y[i] - y0) / (y1 - y0)));
        if (have) {
          g.drawLine(prevX, prevY, px, py);
        }
        if (s.x.length <= 30) {
          g.fillOval(px - 3, py - 3, 7, 7);
        }
        prevX = px;
        prevY = py;
        have = true;
      }
    }
    // labels and legend
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, LEFT, TOP - 18);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    fm = g.getFontMetrics();
    g.drawString(xLabel, LEFT + pw / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 15);
    Graphics2D gy = (Graphics2D) g.create();
    gy.rotate(-Math.PI / 2);
    gy.drawString(yLabel, -(TOP + ph / 2 + fm.stringWidth(yLabel) / 2), 18);
    gy.dispose();
    // Legend in a white box at the lower right, where accuracy curves rarely go.
    int widest = 0;
    for (Series s : series) {
      widest = Math.max(widest, fm.stringWidth(s.name()));
    }
    int boxW = widest + 44, boxH = series.size() * 18 + 8;
    int bx = LEFT + pw - boxW - 8, by = TOP + ph - boxH - 8;
    g.setColor(new Color(255, 255, 255, 235));
    g.fillRect(bx, by, boxW, boxH);
    g.setColor(new Color(0xcccccc));
    g.setStroke(new BasicStroke(1f));
    g.drawRect(bx, by, boxW, boxH);
    for (int si = 0; si < series.size(); si++) {
      Series s = series.get(si);
      int ly = by + 14 + si * 18;
      g.setColor(PALETTE[s.color() % PALETTE.length]);
      g.setStroke(s.dashed() ? dashed : solid);
      g.drawLine(bx + 8, ly - 4, bx + 30, ly - 4);
      g.setColor(Color.BLACK);
      g.drawString(s.name(), bx + 36, ly);
    }
    g.dispose();
    org.infonce4j.io.AtomicFile.write(file, out -> ImageIO.write(img, "png", out));
  }

  private double tx(double x) {
    return logX ? (x > 0 ? Math.log10(x) : Double.NaN) : x;
  }

  /** About five round ticks covering [lo, hi]. */
  /** Exponential moving average with span s (alpha = 2 / (s + 1)), as Poole et al. plot their estimates. */
  static double[] ema(double[] v, int span) {
    double alpha = 2.0 / (span + 1);
    double[] out = new double[v.length];
    double m = v.length > 0 ? v[0] : 0;
    for (int i = 0; i < v.length; i++) {
      m = alpha * v[i] + (1 - alpha) * m;
      out[i] = m;
    }
    return out;
  }

  static double[] ticks(double lo, double hi) {
    if (!(hi > lo)) {
      return new double[] {lo};
    }
    double raw = (hi - lo) / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    double start = Math.floor(lo / step) * step;
    List<Double> t = new ArrayList<>();
    for (double v = start; v <= hi + step * 0.999; v += step) {
      t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[] logTicks(double lo, double hi) {
    List<Double> t = new ArrayList<>();
    for (double v = Math.floor(lo); v <= Math.ceil(hi); v++) {
      t.add(v);
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e7) {
      return String.format(Locale.ROOT, "%d", (long) v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 0.01 ? "%.2f" : "%.2g", v);
  }
}
