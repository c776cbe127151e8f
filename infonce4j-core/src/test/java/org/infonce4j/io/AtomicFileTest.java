package org.infonce4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes keep the old file on failure and leave no temporary file. */
class AtomicFileTest {

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
}
