package org.infonce4j.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on the error stream, redrawn in place at most every {@code interval}
 * milliseconds: bar, percent, rate, the latest loss and the time left.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final String unit;
  private final long intervalNanos;
  private long last;
  private boolean drawn;
  private String label = "";

  ProgressBar(PrintWriter err, String unit, long intervalMillis) {
    this.err = err;
    this.unit = unit;
    this.intervalNanos = intervalMillis * 1_000_000L;
  }

  /** Text shown before the bar (for example "simclr epoch 2/5"). */
  void label(String text) {
    label = text.isEmpty() ? "" : text + " ";
  }

  private long startNanos = System.nanoTime();
  private long startDone;

  /** Starts timing afresh, {@code done} units in (a new phase): the rate shown counts from here. */
  void restart(long done) {
    startNanos = System.nanoTime();
    startDone = done;
  }

  /** As {@link #update(long, long, double, double, boolean)}, with the rate measured since the last {@link #restart}. */
  void update(long done, long total, double loss, boolean force) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    update(done, total, seconds > 0 ? (done - startDone) / seconds : 0, loss, force);
  }

  /** Redraws when the interval has passed (or {@code force}). */
  void update(long done, long total, double perSecond, double loss, boolean force) {
    long now = System.nanoTime();
    if (!force && drawn && now - last < intervalNanos) {
      return;
    }
    last = now;
    drawn = true;
    double f = total > 0 ? Math.min(1, done / (double) total) : 0;
    int filled = (int) Math.round(f * WIDTH);
    StringBuilder bar = new StringBuilder("[");
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    bar.append(']');
    double eta = perSecond > 0 ? (total - done) / perSecond : Double.NaN;
    err.print(String.format(Locale.ROOT, "\r%s%s %5.1f%% %,.0f %s/s%s  ETA %s   ", label, bar, 100 * f, perSecond, unit,
        Double.isNaN(loss) ? "" : String.format(Locale.ROOT, "  loss %.4f", loss), duration(eta)));
    err.flush();
  }

  /** Ends the line. */
  void finish() {
    if (drawn) {
      err.println();
      err.flush();
    }
  }

  static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return "--";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
