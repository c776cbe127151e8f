package org.infonce4j.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.infonce4j.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The {@code infonce4j} command: one entry point, a subcommand per job. */
@Command(
    name = "infonce4j",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Contrastive learning on the JVM, built on the InfoNCE loss.",
    subcommands = {SimclrCommand.class, MocoCommand.class, EvalCommand.class, LossCommand.class, BenchCommand.class, StepBenchCommand.class,
        MiCommand.class, TemperatureCommand.class, DpoCommand.class, ClipCommand.class, ClipCacheBenchCommand.class,
        Word2VecCommand.class, TextCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  /** DJL's informational lines (thread counts, engine loading) are noise on the command line; ours say what matters. */
  private static final java.util.logging.Logger DJL_LOG = java.util.logging.Logger.getLogger("ai.djl");

  /** DJL probes for CUDA on every start and warns when there is no GPU driver; a CPU run needs none. */
  private static final java.util.logging.Logger CUDA_LOG = java.util.logging.Logger.getLogger("ai.djl.util.cuda");

  static {
    DJL_LOG.setLevel(java.util.logging.Level.WARNING);
    CUDA_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its code.
   *
   * @param args the command and its options, as typed after {@code infonce4j}
   */
  public static void main(String[] args) {
    // One short line per log record (the kernel choice, for one), not java.util.logging's two.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%n");
    }
    System.exit(run(args));
  }

  /**
   * Runs the command line and returns its exit code (0 success, 1 failure, 2 usage).
   *
   * @param args the command and its options
   * @return the exit code
   */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The configured command line; tests set its output streams.
   *
   * @return a new command line with this command's error handling
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(Main::failure);
    cl.setDefaultValueProvider(new EngineOptions.Provider());
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Bad input (IllegalArgumentException, including malformed files), an impossible setting
   * (IllegalStateException, e.g. Panama kernels without the vector module) and I/O failures are
   * reported as one line naming the problem, exit code 1; anything else is a bug and keeps its
   * stack trace.
   */
  private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    String command = cl.getCommandName();
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof UncheckedIOException
        || e instanceof java.io.IOException) {
      err.println("infonce4j " + command + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    e.printStackTrace(err);
    err.flush();
    return 1;
  }

  /** The version line: library version and commit. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"infonce4j " + Provenance.version() + " (commit " + Provenance.commit() + ")"};
    }
  }
}
