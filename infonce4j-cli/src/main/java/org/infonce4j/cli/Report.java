package org.infonce4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.infonce4j.Provenance;
import org.infonce4j.djl.train.Json;
import org.infonce4j.io.AtomicFile;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The report of a command: one metrics file ({@code metrics.json} in a run directory) that says
 * what ran (recipe, the command line as typed, versions and commit) and what it measured, and the
 * plots beside it, all written atomically and listed in one line at the end. The numbers in the
 * documentation are read from these files ({@code docs/results}).
 */
final class Report {
  private final Path dir;
  private final Map<String, Object> metrics = new LinkedHashMap<>();
  private final List<Path> files = new ArrayList<>();

  /** A report into {@code dir} for {@code recipe}, run by the command of {@code spec}. */
  Report(Path dir, String recipe, CommandSpec spec) {
    this.dir = dir;
    metrics.put("recipe", recipe);
    metrics.put("command", commandLine(spec));
    metrics.put("provenance", Provenance.describe());
  }

  /** Adds a measured value (maps, lists, numbers, strings). */
  Report put(String key, Object value) {
    metrics.put(key, value);
    return this;
  }

  /** Writes {@code plot} as {@code dir/name}. */
  Report plot(String name, LinePlot plot) {
    Path file = dir.resolve(name);
    plot.write(file);
    files.add(file);
    return this;
  }

  /** Writes the metrics as {@code dir/name} and prints the report's files. */
  Path write(String name, PrintWriter out) {
    Path file = dir.resolve(name);
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(dir + ": cannot create: " + e.getMessage(), e);
    }
    AtomicFile.writeString(file, Json.write(metrics) + "\n");
    files.add(0, file);
    out.println("report: " + files.stream().map(Path::toString).collect(Collectors.joining(", ")));
    out.flush();
    return file;
  }

  /** The metrics so far. */
  Map<String, Object> metrics() {
    return metrics;
  }

  /** "infonce4j simclr --epochs 50 ..." as typed (the arguments of the whole command line). */
  static String commandLine(CommandSpec spec) {
    List<String> args = spec.root().commandLine().getParseResult() == null ? List.of()
        : spec.root().commandLine().getParseResult().originalArgs();
    StringBuilder sb = new StringBuilder("infonce4j");
    for (String a : args) {
      sb.append(' ').append(a.isEmpty() || a.matches(".*[\\s'\"\\\\$`].*") ? "'" + a.replace("'", "'\\''") + "'" : a);
    }
    return sb.toString();
  }
}
