package org.infonce4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.infonce4j.djl.ClipConfig;
import org.infonce4j.djl.PreferenceConfig;
import org.infonce4j.djl.Pretraining;
import org.infonce4j.djl.PretrainingConfig;
import org.junit.jupiter.api.Test;

/** {@code --seed} and {@code --threads}: each command's own default in its help, and bounds checked before anything starts. */
class EngineOptionsTest {

  private static String helpLine(String option, String... command) {
    String[] args = java.util.Arrays.copyOf(command, command.length + 1);
    args[command.length] = "--help";
    Run r = Run.of(args);
    assertEquals(0, r.code(), r.err());
    String flat = r.out().replaceAll("\\s+", " ");
    int at = flat.lastIndexOf(option + "="); // the description, after the synopsis
    assertTrue(at >= 0, option + " missing from the help of " + String.join(" ", command));
    int end = flat.indexOf(").", at);
    return flat.substring(at, end + 1);
  }

  @Test
  void eachCommandShowsItsOwnDefaults() {
    assertTrue(helpLine("--seed", "simclr").endsWith("(default: " + PretrainingConfig.defaults(Pretraining.Method.SIMCLR).seed() + ")"));
    assertTrue(helpLine("--threads", "dpo").endsWith("(default: " + PreferenceConfig.defaults().threads() + ")"));
    assertTrue(helpLine("--threads", "clip", "eval").endsWith("(default: " + ClipConfig.defaults().threads() + ")"));
    assertTrue(helpLine("--seed", "bench").endsWith("(default: 42)"));
    assertTrue(helpLine("--threads", "loss").endsWith("(default: " + Runtime.getRuntime().availableProcessors() + ")"));
  }

  @Test
  void absurdThreadCountsAreRefusedByName() {
    for (String t : new String[] {"0", "-3", "1000000"}) {
      Run r = Run.of("mi", "--threads", t);
      assertEquals(2, r.code());
      assertTrue(r.err().startsWith("--threads must be between 1 and " + EngineOptions.MAX_THREADS + ", got " + t), r.err());
    }
    Run r = Run.of("word2vec", "train", "--corpus", "none.txt", "--output", "none.vec", "--threads", "5000");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--threads must be between 1 and " + EngineOptions.MAX_THREADS + ", got 5000"), r.err());
  }
}
