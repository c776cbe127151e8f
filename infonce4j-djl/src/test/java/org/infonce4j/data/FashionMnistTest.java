package org.infonce4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.infonce4j.io.Idx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files written here (plain and gzip), a tiny Fashion-MNIST directory, and every malformed case. */
class FashionMnistTest {

  @TempDir
  Path dir;

  private static byte[] idx(int type, int[] shape, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt((type << 8) | shape.length);
    for (int s : shape) {
      out.writeInt(s);
    }
    out.write(data);
    return bytes.toByteArray();
  }

  private static void gzip(Path p, byte[] b) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
      out.write(b);
    }
  }

  @Test
  void readsPlainAndGzip() throws IOException {
    byte[] data = new byte[2 * 3 * 4];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 10);
    }
    byte[] file = idx(0x08, new int[] {2, 3, 4}, data);
    Path plain = dir.resolve("a.idx");
    Files.write(plain, file);
    Path gz = dir.resolve("a.idx.gz");
    gzip(gz, file);
    for (Path p : new Path[] {plain, gz}) {
      Idx.Array a = Idx.read(p);
      assertArrayEquals(new int[] {2, 3, 4}, a.shape());
      assertEquals(12, a.itemSize());
      assertEquals(230, a.get(23));
    }
  }

  @Test
  void malformedFilesAreNamed() throws IOException {
    Path bad = dir.resolve("bad.idx");
    Files.write(bad, new byte[] {1, 2, 3, 4, 5});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.read(bad));
    assertTrue(e.getMessage().contains("bad.idx") && e.getMessage().contains("magic"), e.getMessage());

    Path floats = dir.resolve("f.idx");
    Files.write(floats, idx(0x0D, new int[] {1}, new byte[4]));
    e = assertThrows(IllegalArgumentException.class, () -> Idx.read(floats));
    assertTrue(e.getMessage().contains("0xd"), e.getMessage());

    Path cut = dir.resolve("cut.idx.gz");
    byte[] whole = idx(0x08, new int[] {10, 28, 28}, new byte[10 * 784]);
    gzip(cut, java.util.Arrays.copyOf(whole, whole.length - 100));
    e = assertThrows(IllegalArgumentException.class, () -> Idx.read(cut));
    assertTrue(e.getMessage().contains("cut.idx.gz") && e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void loadsADirectoryAndExplainsAMissingOne() throws IOException {
    for (String split : new String[] {"train", "t10k"}) {
      int n = split.equals("train") ? 5 : 3;
      byte[] pixels = new byte[n * 784];
      byte[] labels = new byte[n];
      for (int i = 0; i < n; i++) {
        labels[i] = (byte) (i % 10);
        pixels[i * 784 + 5] = (byte) 255;
      }
      gzip(dir.resolve(split + "-images-idx3-ubyte.gz"), idx(0x08, new int[] {n, 28, 28}, pixels));
      Files.write(dir.resolve(split + "-labels-idx1-ubyte"), idx(0x08, new int[] {n}, labels));
    }
    FashionMnist f = FashionMnist.load(dir);
    assertEquals(5, f.train().size());
    assertEquals(3, f.test().size());
    assertEquals(1f, f.train().pixel(4, 5));
    assertEquals(0f, f.train().pixel(4, 6));
    assertEquals(2, f.test().labels()[2]);

    Path empty = Files.createDirectory(dir.resolve("none"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(empty));
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist") && e.getMessage().contains("--data"), e.getMessage());
  }
}
