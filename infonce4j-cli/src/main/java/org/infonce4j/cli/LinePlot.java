package org.infonce4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.infonce4j.io.AtomicFile;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart of named series, drawn by XChart and written as PNG with an SVG beside it: lines
 * (solid or dashed, in a ten-colour palette), points with markers (a final score), an optional
 * logarithmic x axis, whole-number x ticks for epochs, and the legend below the plot, clear of the
 * data. Points with a non-finite coordinate (or x <= 0 on a logarithmic axis) are left out.
 */
final class LinePlot {
  private static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b),
      new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
  };
  static final int WIDTH = 900;
  static final int HEIGHT = 600;

  private enum Style {
    SOLID, DASHED, CIRCLES, DIAMONDS
  }

  private record Series(String name, double[] x, double[] y, int color, Style style) {
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private boolean logX;
  private boolean wholeX;

  LinePlot(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** Adds a solid line in the next palette colour. */
  LinePlot add(String name, double[] x, double[] y) {
    return add(name, x, y, series.size(), false);
  }

  /** Adds a line in colour {@code color} of the palette, dashed or solid (e.g. two metrics of one model). */
  LinePlot add(String name, double[] x, double[] y, int color, boolean dashed) {
    return put(name, x, y, color, dashed ? Style.DASHED : Style.SOLID);
  }

  /** Adds points drawn as markers without a line (scores measured once, at the end): circles, or diamonds. */
  LinePlot points(String name, double[] x, double[] y, int color, boolean diamonds) {
    return put(name, x, y, color, diamonds ? Style.DIAMONDS : Style.CIRCLES);
  }

  private LinePlot put(String name, double[] x, double[] y, int color, Style style) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values and " + y.length + " y values");
    }
    series.add(new Series(name, x.clone(), y.clone(), color, style));
    return this;
  }

  /** Logarithmic x axis (for example the number of negatives). */
  LinePlot logX() {
    logX = true;
    return this;
  }

  /** Labels only whole numbers on the x axis (epochs). */
  LinePlot wholeX() {
    wholeX = true;
    return this;
  }

  /** Renders and writes {@code file} (PNG) and the same chart as SVG beside it, each atomically. */
  void write(Path file) {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = chart();
    try {
      byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
      AtomicFile.write(file, out -> out.write(png));
      String name = file.getFileName().toString();
      Path svg = file.resolveSibling((name.endsWith(".png") ? name.substring(0, name.length() - 4) : name) + ".svg");
      AtomicFile.write(svg, out -> VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write the plot: " + e.getMessage(), e);
    }
  }

  private XYChart chart() {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
    var st = chart.getStyler();
    st.setChartBackgroundColor(Color.WHITE);
    st.setPlotBackgroundColor(Color.WHITE);
    st.setPlotGridLinesColor(new Color(0xe6e6e6));
    st.setChartTitleBoxVisible(false);
    st.setLegendPosition(Styler.LegendPosition.OutsideS);
    st.setLegendLayout(Styler.LegendLayout.Vertical);
    st.setLegendBorderColor(Color.WHITE);
    st.setChartFontColor(Color.DARK_GRAY);
    st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    st.setXAxisLogarithmic(logX);
    st.setAntiAlias(true);
    if (wholeX) {
      // XChart cannot lay out an empty label: a space stands for the unlabelled fractional ticks.
      chart.setCustomXAxisTickLabelsFormatter(v -> Math.abs(v - Math.rint(v)) < 1e-9 ? Long.toString(Math.round(v)) : " ");
    }
    boolean any = false;
    for (Series s : series) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i < s.x.length; i++) {
        if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i]) && (!logX || s.x[i] > 0)) {
          xs.add(s.x[i]);
          ys.add(s.y[i]);
        }
      }
      if (xs.isEmpty()) {
        continue;
      }
      any = true;
      XYSeries xy = chart.addSeries(unique(chart, s.name), xs, ys);
      Color c = PALETTE[Math.floorMod(s.color, PALETTE.length)];
      xy.setLineColor(c);
      xy.setMarkerColor(c);
      if (s.style == Style.CIRCLES || s.style == Style.DIAMONDS) {
        xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        xy.setMarker(s.style == Style.DIAMONDS ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
      } else {
        xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        xy.setMarker(xs.size() == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        xy.setLineStyle(s.style == Style.DASHED ? SeriesLines.DASH_DASH : new BasicStroke(2f));
      }
    }
    if (!any) {
      chart.addSeries("(no finite points)", new double[] {logX ? 1 : 0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  /** XChart refuses two series of one name; a repeated name gets a counter. */
  private static String unique(XYChart chart, String name) {
    String n = name;
    for (int k = 2; chart.getSeriesMap().containsKey(n); k++) {
      n = name + " (" + k + ")";
    }
    return n;
  }

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
}
