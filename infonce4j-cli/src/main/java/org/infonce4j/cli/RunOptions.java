package org.infonce4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.infonce4j.djl.train.RunDirectory;
import picocli.CommandLine.Option;

/** The options of every command that trains into a run directory (a picocli mixin): {@code --out} and {@code --resume}. */
final class RunOptions {

  @Option(names = "--out", paramLabel = "RUNDIR", description = "Run directory (default: runs/<command>-<date>-<time>).")
  Path out;

  @Option(names = "--resume", description = "Continue the run in --out from its last intact checkpoint (same settings required).")
  boolean resume;

  /** The run directory: {@code --out}, or runs/<name>-<date>-<time>; without --out, --resume is refused (it must name the run). */
  Path dir(String name) {
    if (out != null) {
      return out;
    }
    if (resume) {
      throw new IllegalArgumentException("--resume needs --out RUNDIR, the run to continue");
    }
    return Path.of("runs", name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  /** Starts (or with --resume continues) the run in {@link #dir}, and says where it is and from which checkpoint it goes on. */
  RunDirectory start(String name, Map<String, Object> config, PrintWriter err) {
    Path dir = dir(name);
    RunDirectory run = RunDirectory.start(dir, config, resume);
    err.println(name + ": run directory " + dir);
    resumeNote(name, run, err);
    return run;
  }

  /**
   * A run of a sweep or a baseline inside the command's directory: started, or continued when it
   * was begun before (the command's own --resume already decided whether its directory may be
   * reused).
   */
  static RunDirectory startOrContinue(Path dir, String name, Map<String, Object> config, PrintWriter err) {
    RunDirectory run = RunDirectory.start(dir, config, Files.isRegularFile(dir.resolve("config.json")));
    resumeNote(name, run, err);
    return run;
  }

  private static void resumeNote(String name, RunDirectory run, PrintWriter err) {
    run.latestCheckpoint().ifPresent(cp -> err.println(name + ": resuming after " + cp.unit() + " finished units (" + cp.file().getFileName() + ")"));
    err.flush();
  }
}
