package org.infonce4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.infonce4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench-clip-cache}: the plain and the gradient-cached step write the same gradients. */
class ClipCacheBenchCommandTest {

  @TempDir
  Path dir;

  @Test
  void cachedAndPlainStepsWriteTheSameGradients() {
    String[] common = {"bench-clip-cache", "--batch", "48", "--side", "16", "--width", "4", "--threads", "1"};
    Run plain = Run.of(concat(common, "--chunk", "0", "--grad-out", dir.resolve("p.npy").toString()));
    Run cached = Run.of(concat(common, "--chunk", "12", "--grad-out", dir.resolve("c.npy").toString()));
    assertEquals(0, plain.code(), plain.err());
    assertEquals(0, cached.code(), cached.err());
    Map<String, Object> mp = TestJson.object(plain.out());
    Map<String, Object> mc = TestJson.object(cached.out());
    assertEquals("cached", mc.get("mode"));
    assertEquals(((Number) mp.get("loss")).doubleValue(), ((Number) mc.get("loss")).doubleValue(), 1e-5);
    double[] p = Npy.read(dir.resolve("p.npy")).toDoubleArray();
    double[] c = Npy.read(dir.resolve("c.npy")).toDoubleArray();
    assertEquals(p.length, c.length);
    double worst = 0;
    double largest = 0;
    for (int k = 0; k < p.length; k++) {
      worst = Math.max(worst, Math.abs(p[k] - c[k]));
      largest = Math.max(largest, Math.abs(p[k]));
    }
    assertTrue(largest > 0 && worst <= 1e-4 * Math.max(1, largest), "gradients differ by " + worst + " (largest " + largest + ")");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
