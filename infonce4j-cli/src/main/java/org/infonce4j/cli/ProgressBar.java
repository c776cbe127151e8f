package org.infonce4j.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The command's progress line on the error stream, drawn by {@code me.tongfei:progressbar}: task,
 * percentage, bar, count, elapsed and remaining time, rate, and an extra message (the loss). One
 * bar is one phase ({@link #start}); {@link #finish} ends its line.
 */
final class ProgressBar {
  private final PrintWriter err;
  private final String unit;
  private final int intervalMillis;
  private me.tongfei.progressbar.ProgressBar bar;

  /**
   * @param unit           what is counted ("img", "words")
   * @param intervalMillis time between redraws
   */
  ProgressBar(PrintWriter err, String unit, int intervalMillis) {
    this.err = err;
    this.unit = unit;
    this.intervalMillis = Math.max(50, intervalMillis);
  }

  /** Starts a phase of {@code total} units called {@code task}, {@code done} of them done already (a resumed run). */
  void start(String task, long total, long done) {
    finish();
    bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(1, total)).setUnit(" " + unit, 1).showSpeed()
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(intervalMillis).setConsumer(new Line(err)).startsFrom(done, Duration.ZERO)
        .build();
  }

  /** {@code done} units of the phase are done; the loss (NaN: none) shows beside the bar. */
  void update(long done, double loss) {
    update(done, Double.isNaN(loss) ? "" : String.format(Locale.ROOT, "loss %.4f", loss));
  }

  /** {@code done} units of the phase are done; {@code message} shows beside the bar. */
  void update(long done, String message) {
    if (bar == null) {
      throw new IllegalStateException("start a phase first");
    }
    bar.stepTo(done);
    bar.setExtraMessage(message.isEmpty() ? "" : " " + message);
  }

  /** Draws the phase's last state and ends its line. */
  void finish() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  /** Writes each redraw over the line before it. */
  private static final class Line implements ProgressBarConsumer {
    private final PrintWriter err;

    Line(PrintWriter err) {
      this.err = err;
    }

    @Override
    public int getMaxRenderedLength() {
      return 150;
    }

    @Override
    public void accept(String rendered) {
      synchronized (err) {
        err.print('\r');
        err.print(rendered);
        err.flush();
      }
    }

    @Override
    public void close() {
      synchronized (err) {
        err.println();
        err.flush();
      }
    }
  }
}
