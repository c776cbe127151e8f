package org.infonce4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run directories: start, resume with the same settings only, checksummed atomic checkpoints, fallback past a damaged one. */
class RunDirectoryTest {

  @TempDir
  Path dir;

  private static Map<String, Object> config(double lr) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("recipe", "simclr");
    c.put("lr", lr);
    c.put("epochs", 3);
    c.put("flags", List.of(true, "x"));
    return c;
  }

  private static Map<String, Object> meta(int unit) {
    return Map.of("unit", unit, "records", List.of());
  }

  @Test
  void startResumeAndRefuse() throws IOException {
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

    // A folder of the user's that is not a run is not trained into (its files would be overwritten).
    Path mine = dir.resolve("mine");
    Files.createDirectories(mine);
    Files.writeString(mine.resolve("loss.png"), "the user's own file");
    e = assertThrows(IllegalArgumentException.class, () -> RunDirectory.start(mine, config(0.1), false));
    assertTrue(e.getMessage().contains("not an empty folder"), e.getMessage());
    assertEquals("the user's own file", Files.readString(mine.resolve("loss.png")));
    // An empty folder is fine.
    Files.createDirectories(dir.resolve("empty"));
    RunDirectory.start(dir.resolve("empty"), config(0.1), false);

    // A damaged config.json is named.
    Files.writeString(run.resolve("config.json"), "{\"recipe\": ");
    e = assertThrows(IllegalArgumentException.class, () -> RunDirectory.open(run));
    assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void checkpointsAreAtomicChecksummedAndPruned() throws IOException {
    RunDirectory r = RunDirectory.start(dir.resolve("run"), config(0.1), false);
    assertFalse(r.latestCheckpoint().isPresent());
    for (int unit = 1; unit <= 4; unit++) {
      int u = unit;
      r.writeCheckpoint(unit, meta(unit), out -> {
        out.writeInt(u);
        out.writeUTF("payload " + u);
      });
    }
    RunDirectory.Checkpoint cp = r.latestCheckpoint().orElseThrow();
    assertEquals(4, cp.unit());
    assertEquals(4, ((Number) cp.meta().get("unit")).intValue());
    try (DataInputStream in = cp.payload()) {
      assertEquals(4, in.readInt());
      assertEquals("payload 4", in.readUTF());
      assertEquals(-1, in.read(), "the payload ends before the checksum");
    }
    assertFalse(Files.exists(r.checkpointPath(2)));
    assertTrue(Files.exists(r.checkpointPath(3)));
    // A writer that fails leaves the previous checkpoint and no temporary file.
    assertThrows(UncheckedIOException.class, () -> r.writeCheckpoint(5, meta(5), out -> {
      out.write(1);
      throw new IOException("disk full");
    }));
    assertEquals(4, r.latestCheckpoint().orElseThrow().unit());
    try (var s = Files.list(r.dir().resolve("checkpoints"))) {
      assertEquals(2, s.count());
    }
  }

  @Test
  void aDamagedCheckpointIsWarnedAboutOnceWhileTheFilesStayTheSame() throws IOException {
    RunDirectory r = RunDirectory.start(dir.resolve("run"), config(0.1), false);
    for (int unit = 1; unit <= 2; unit++) {
      r.writeCheckpoint(unit, meta(unit), out -> out.write(new byte[100]));
    }
    Files.write(r.checkpointPath(2), new byte[] {1, 2, 3});
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(RunDirectory.class.getName());
    List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler h = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        warnings.add(record.getMessage());
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    log.addHandler(h);
    try {
      assertEquals(1, r.latestCheckpoint().orElseThrow().unit());
      assertEquals(1, r.latestCheckpoint().orElseThrow().unit(), "the command's note and the training loop both ask");
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains(r.checkpointPath(2).toString()), warnings.get(0));
      r.writeCheckpoint(3, meta(3), out -> out.write(new byte[100]));
      assertEquals(3, r.latestCheckpoint().orElseThrow().unit(), "a new checkpoint is seen");
    } finally {
      log.removeHandler(h);
    }
  }

  @Test
  void aDamagedNewestCheckpointIsNamedAndThePreviousOneUsed() throws IOException {
    RunDirectory r = RunDirectory.start(dir.resolve("run"), config(0.1), false);
    for (int unit = 1; unit <= 2; unit++) {
      int u = unit;
      r.writeCheckpoint(unit, meta(unit), out -> out.write(new byte[1000 * u]));
    }
    Path newest = r.checkpointPath(2);
    byte[] good = Files.readAllBytes(newest);

    // One flipped bit in the payload.
    byte[] flipped = good.clone();
    flipped[flipped.length / 2] ^= 4;
    Files.write(newest, flipped);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunDirectory.verify(newest, 2));
    assertTrue(e.getMessage().contains(newest.toString()) && e.getMessage().contains("checksum"), e.getMessage());
    assertEquals(1, r.latestCheckpoint().orElseThrow().unit());

    // Cut short, as a write without the atomic rename would leave it.
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      Files.write(newest, good);
      ch.truncate(good.length - 100);
    }
    assertEquals(1, r.latestCheckpoint().orElseThrow().unit());
    e = assertThrows(IllegalArgumentException.class, () -> RunDirectory.verify(newest, 2));
    assertTrue(e.getMessage().contains("damaged"), e.getMessage());

    // Restored, it is used again; with both damaged there is none.
    Files.write(newest, good);
    assertEquals(2, r.latestCheckpoint().orElseThrow().unit());
    assertArrayEquals(good, Files.readAllBytes(newest));
    Files.write(r.checkpointPath(1), new byte[] {1, 2, 3});
    Files.write(newest, new byte[0]);
    assertFalse(r.latestCheckpoint().isPresent());
    e = assertThrows(IllegalArgumentException.class, r::requireCheckpoint);
    assertTrue(e.getMessage().contains("no intact checkpoint"), e.getMessage());
  }
}
