package org.infonce4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes keep the old file on failure; core's JSON writer and reader round-trip. */
class AtomicFileAndJsonTest {

  @TempDir
  Path dir;

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
  void channelWritesAreAtomicAndLongNamesFit() throws IOException {
    Path f = dir.resolve("x".repeat(240) + ".npy"); // a temporary name built by appending would pass the 255-byte limit
    AtomicFile.writeChannel(f, ch -> ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})));
    assertEquals(3, Files.size(f));
    IOException e = assertThrows(IOException.class, () -> AtomicFile.writeChannel(f, ch -> {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {9}));
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertEquals(3, Files.size(f), "the old content stays");
    RuntimeException r = assertThrows(IllegalStateException.class, () -> AtomicFile.writeChannel(f, ch -> {
      throw new IllegalStateException("bug");
    }));
    assertEquals("bug", r.getMessage());
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary file is left behind");
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
