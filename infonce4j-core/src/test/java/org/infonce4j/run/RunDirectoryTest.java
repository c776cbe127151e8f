package org.infonce4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.infonce4j.io.AtomicFile;
import org.infonce4j.io.Json;
import org.infonce4j.io.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run directories: start, resume with the same settings only, atomic checkpoints, JSON round trips. */
class RunDirectoryTest {

  @TempDir
  Path dir;

  private static Map<String, Object> config(double lr) {
    Map<String, Object> c = Json.object();
    c.put("recipe", "simclr");
    c.put("lr", lr);
    c.put("epochs", 3);
    c.put("flags", List.of(true, "x"));
    return c;
  }

  @Test
  void startResumeAndRefuse() {
    Path run = dir.resolve("run");
    RunDirectory r = RunDirectory.start(run, config(0.1), false);
    assertTrue(Files.isRegularFile(run.resolve("config.json")));
    assertTrue(Files.isRegularFile(run.resolve("provenance.json")));
    assertEquals("simclr", r.config().get("recipe"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunDirectory.start(run, config(0.1), false));
    assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RunDirectory.start(run, config(0.2), true));
    assertTrue(e.getMessage().contains("other settings"), e.getMessage());
    RunDirectory again = RunDirectory.start(run, config(0.1), true);
    assertEquals(0.1, ((Number) again.config().get("lr")).doubleValue());
    e = assertThrows(IllegalArgumentException.class, () -> RunDirectory.start(dir.resolve("none"), config(0.1), true));
    assertTrue(e.getMessage().contains("no run to resume"), e.getMessage());
  }

  @Test
  void checkpointsAreAtomicAndPruned() throws IOException {
    RunDirectory r = RunDirectory.start(dir.resolve("run"), config(0.1), false);
    assertFalse(r.latestCheckpoint().isPresent());
    for (int epoch = 1; epoch <= 4; epoch++) {
      int e = epoch;
      r.writeCheckpoint(epoch, out -> out.write(new byte[] {(byte) e}));
    }
    assertEquals(4, r.latestCheckpoint().getAsInt());
    assertFalse(Files.exists(r.checkpoint(2)));
    assertTrue(Files.exists(r.checkpoint(3)));
    // A writer that fails leaves the previous checkpoint and no temporary file.
    assertThrows(UncheckedIOException.class, () -> r.writeCheckpoint(5, out -> {
      out.write(1);
      throw new IOException("disk full");
    }));
    assertEquals(4, r.latestCheckpoint().getAsInt());
    try (var s = Files.list(r.dir().resolve("checkpoints"))) {
      assertEquals(2, s.count());
    }
  }

  @Test
  void atomicWriteKeepsTheOldFileOnFailure() throws IOException {
    Path f = dir.resolve("a.txt");
    AtomicFile.writeString(f, "old");
    assertThrows(UncheckedIOException.class, () -> AtomicFile.write(f, out -> {
      out.write('n');
      throw new IOException("boom");
    }));
    assertEquals("old", Files.readString(f));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void jsonRoundTrip() {
    Map<String, Object> m = Json.object();
    m.put("a", 1.5);
    m.put("b", List.of(1L, "two \"quoted\"\n", false));
    m.put("c", null);
    m.put("nested", Map.of("x", -3L));
    Map<String, Object> back = JsonReader.parseObject(Json.pretty(m));
    assertEquals(1.5, back.get("a"));
    assertEquals(List.of(1L, "two \"quoted\"\n", false), back.get("b"));
    assertTrue(back.containsKey("c") && back.get("c") == null);
    assertEquals(Map.of("x", -3L), back.get("nested"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("{\"a\": 1,}"));
    assertTrue(e.getMessage().contains("character"), e.getMessage());
  }
}
