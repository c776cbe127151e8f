package org.infonce4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader trusts no size field: a header's claim costs nothing until the bytes behind it are there. */
class IdxTest {

  @TempDir
  Path dir;

  private static byte[] idx(int[] shape, int dataBytes) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(0x0800 | shape.length);
    for (int s : shape) {
      out.writeInt(s);
    }
    for (int i = 0; i < dataBytes; i++) {
      out.writeByte(i);
    }
    return b.toByteArray();
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  @Test
  void aSmallFileClaimingGigabytesIsCalledTruncatedWithoutAllocatingThem() throws IOException {
    byte[] bytes = idx(new int[] {50_000, 200, 200}, 1000); // claims 2 GB of pixels, holds 1000 bytes
    Path plain = dir.resolve("claims.idx");
    Files.write(plain, bytes);
    Path gz = dir.resolve("claims.idx.gz");
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(bytes);
    }
    for (Path p : new Path[] {plain, gz}) {
      long before = allocatedBytes();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.read(p));
      long allocated = allocatedBytes() - before;
      assertTrue(e.getMessage().startsWith(p + ": truncated") && e.getMessage().contains("[50000, 200, 200]"), e.getMessage());
      assertTrue(allocated < 64L << 20, p.getFileName() + ": " + allocated + " bytes allocated to find it truncated");
    }
  }

  @Test
  void aCompleteFileReadsBack() throws IOException {
    Path p = dir.resolve("ok.idx");
    Files.write(p, idx(new int[] {3, 2, 2}, 12));
    Idx.Array a = Idx.read(p);
    assertArrayEquals(new int[] {3, 2, 2}, a.shape());
    assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, a.data());
  }
}
