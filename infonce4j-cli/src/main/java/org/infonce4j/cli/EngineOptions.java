package org.infonce4j.cli;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The two options every computing command shares, {@code --seed} and {@code --threads}, as picocli mixins. A command says its own
 * defaults by implementing {@link Defaults} (the recipe's configuration record is where they live); {@link Provider} hands them to
 * picocli, so the help shows each command's default and the command reads a plain value.
 */
final class EngineOptions {

  /** More threads than this is a typing error, not a machine: refused before any pool or native engine is started. */
  static final int MAX_THREADS = 1024;

  private EngineOptions() {
  }

  /** The defaults of a command that mixes in {@link Seed} or {@link Threads}. */
  interface Defaults {
    /** @return the seed when {@code --seed} is not given */
    default long defaultSeed() {
      return 1;
    }

    /** @return the threads when {@code --threads} is not given */
    int defaultThreads();
  }

  /** {@code --seed S}. */
  static final class Seed {
    @Option(names = "--seed", paramLabel = "S", description = "Seed of initialisation, data order and sampling (default: ${DEFAULT-VALUE}).")
    long value;
  }

  /** {@code --threads T}, checked to lie in 1..{@value EngineOptions#MAX_THREADS}. */
  static final class Threads {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private int value;

    @Option(names = "--threads", paramLabel = "T", description = "Threads (default: ${DEFAULT-VALUE}).")
    void set(int threads) {
      if (threads < 1 || threads > MAX_THREADS) {
        throw new ParameterException(mixee.commandLine(), "--threads must be between 1 and " + MAX_THREADS + ", got " + threads);
      }
      value = threads;
    }

    int value() {
      return value;
    }
  }

  /** Picocli's source of the {@code --seed} and {@code --threads} defaults: the command's {@link Defaults}. */
  static final class Provider implements IDefaultValueProvider {
    @Override
    public String defaultValue(ArgSpec arg) {
      if (!(arg instanceof OptionSpec option) || arg.command() == null || !(arg.command().userObject() instanceof Defaults d)) {
        return null;
      }
      return switch (option.longestName()) {
        case "--seed" -> Long.toString(d.defaultSeed());
        case "--threads" -> Integer.toString(d.defaultThreads());
        default -> null;
      };
    }
  }

  /** @return the processors the JVM may use, the default of the commands that use them all */
  static int processors() {
    return Runtime.getRuntime().availableProcessors();
  }
}
