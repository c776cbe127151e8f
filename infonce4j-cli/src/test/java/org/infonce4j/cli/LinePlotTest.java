package org.infonce4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PNG line plots: drawn series, log axis, bad input. */
class LinePlotTest {

  @TempDir
  Path dir;

  private static int count(BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xffffff) == rgb) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void drawsEverySeriesInItsColour() throws IOException {
    Path file = dir.resolve("p.png");
    new LinePlot("t", "x", "y").add("a", new double[] {1, 2, 3}, new double[] {0.1, 0.5, 0.3})
        .add("b", new double[] {1, 3}, new double[] {0.2, 0.2}, 2, true).write(file);
    BufferedImage img = ImageIO.read(file.toFile());
    assertEquals(LinePlot.WIDTH, img.getWidth());
    assertTrue(count(img, 0x1f77b4) > 100, "first series in the first colour");
    assertTrue(count(img, 0x2ca02c) > 100, "the styled series in palette colour 2");
    assertEquals(0, count(img, 0xd62728), "palette colour 1 unused");
    String svg = Files.readString(dir.resolve("p.svg"));
    assertTrue(svg.startsWith("<?xml") && svg.contains("<svg"), "an SVG beside the PNG");
    try (var s = Files.list(dir)) {
      assertEquals(2, s.count(), "the PNG and the SVG, no temporary file left behind");
    }
  }

  @Test
  void logAxisSkipsNonPositiveAndNonFinitePoints() throws IOException {
    Path file = dir.resolve("log.png");
    new LinePlot("t", "K", "acc").logX().add("knn", new double[] {0, 16, 256, 4096}, new double[] {0.5, 0.6, Double.NaN, 0.7}).write(file);
    assertTrue(count(ImageIO.read(file.toFile()), 0x1f77b4) > 20);
  }

  @Test
  void pointsAndWholeEpochTicks() throws IOException {
    Path file = dir.resolve("acc.png");
    new LinePlot("t", "epoch", "accuracy").wholeX().add("monitor", new double[] {1, 1.5, 2, 2.5, 3}, new double[] {0.5, 0.55, 0.6, 0.65, 0.7}, 0, false)
        .points("final kNN", new double[] {3}, new double[] {0.75}, 3, false).write(file);
    BufferedImage img = ImageIO.read(file.toFile());
    assertTrue(count(img, 0xff7f0e) > 20, "the final score's marker in palette colour 3");
    assertTrue(count(img, 0x1f77b4) > 100, "the monitor's line");
  }

  @Test
  void mismatchedSeriesIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LinePlot("t", "x", "y").add("bad", new double[] {1, 2}, new double[] {1}));
    assertTrue(e.getMessage().contains("'bad'"), e.getMessage());
  }
}
