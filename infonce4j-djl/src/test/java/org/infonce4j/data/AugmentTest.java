package org.infonce4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Augmentations: identity when neutral, seeded, and each transform doing what it says. */
class AugmentTest {

  private static FashionMnist.Split gradient() {
    byte[] img = new byte[2 * 784]; // 2 images: a horizontal ramp and its mirror
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        img[y * 28 + x] = (byte) (x * 9);
        img[784 + y * 28 + x] = (byte) ((27 - x) * 9);
      }
    }
    return new FashionMnist.Split(img, new int[] {0, 1});
  }

  @Test
  void neutralSettingsReproduceTheImage() {
    FashionMnist.Split s = gradient();
    float[] out = new float[784];
    Augment.none().view(s, new int[] {0}, 1, new SplittableRandom(1), out);
    for (int p = 0; p < 784; p++) {
      assertEquals(s.pixel(0, p), out[p], 1e-6, "pixel " + p);
    }
  }

  @Test
  void aCertainFlipMirrors() {
    FashionMnist.Split s = gradient();
    float[] out = new float[784];
    new Augment(1, 1, 0, 0, 0).view(s, new int[] {0}, 1, new SplittableRandom(1), out);
    for (int p = 0; p < 784; p++) {
      assertEquals(s.pixel(1, p), out[p], 1e-6, "pixel " + p);
    }
  }

  @Test
  void seededAndVaried() {
    FashionMnist.Split s = gradient();
    float[] a = new float[2 * 784], b = new float[2 * 784], c = new float[2 * 784];
    Augment aug = Augment.defaults();
    aug.view(s, new int[] {0, 1}, 2, new SplittableRandom(5), a);
    aug.view(s, new int[] {0, 1}, 2, new SplittableRandom(5), b);
    aug.view(s, new int[] {0, 1}, 2, new SplittableRandom(6), c);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void smallerViewsResampleTheImage() {
    // Neutral settings at 14 x 14: view pixel (x, y) samples the image at (2x + 0.5, 2y + 0.5), halfway
    // between two columns of the ramp.
    FashionMnist.Split s = gradient();
    float[] out = new float[14 * 14];
    Augment.none().view(s, new int[] {0}, 1, new SplittableRandom(1), out, 14);
    for (int y = 0; y < 14; y++) {
      for (int x = 0; x < 14; x++) {
        double expected = (s.pixel(0, 2 * y * 28 + 2 * x) + s.pixel(0, 2 * y * 28 + 2 * x + 1)) / 2;
        assertEquals(expected, out[y * 14 + x], 1e-6, "view pixel (" + x + ", " + y + ")");
      }
    }
  }

  @Test
  void fullSizeViewsAreTheShortFormDrawForDraw() {
    FashionMnist.Split s = gradient();
    float[] a = new float[2 * 784], b = new float[2 * 784];
    SplittableRandom ra = new SplittableRandom(11), rb = new SplittableRandom(11);
    Augment.defaults().view(s, new int[] {0, 1}, 2, ra, a);
    Augment.defaults().view(s, new int[] {0, 1}, 2, rb, b, 28);
    assertArrayEquals(a, b);
    assertEquals(ra.nextLong(), rb.nextLong(), "the same number of draws");
    assertThrows(IllegalArgumentException.class, () -> Augment.defaults().view(s, new int[] {0}, 1, new SplittableRandom(1), new float[1], 0));
  }

  @Test
  void cropsZoomIn() {
    // A crop of a ramp is a ramp over a narrower range: its values span less than the full one.
    FashionMnist.Split s = gradient();
    float[] out = new float[784];
    new Augment(0.2, 0, 0, 0, 0).view(s, new int[] {0}, 1, new SplittableRandom(3), out);
    float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
    for (float v : out) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertTrue(max - min < s.pixel(0, 27) - s.pixel(0, 0), "range " + (max - min));
  }

  @Test
  void jitterKeepsBlackBlackAndStaysInRange() {
    // A black background with a mid-grey square: brightness multiplies and contrast is clipped, so
    // the background stays 0 and every value stays in [0, 1]; some views change the square's level.
    byte[] img = new byte[784];
    for (int y = 10; y < 18; y++) {
      for (int x = 10; x < 18; x++) {
        img[y * 28 + x] = (byte) 128;
      }
    }
    FashionMnist.Split s = new FashionMnist.Split(img, new int[] {0});
    Augment jitterOnly = new Augment(1, 0, 0.6, 0, 0);
    SplittableRandom rnd = new SplittableRandom(9);
    boolean changed = false;
    for (int k = 0; k < 20; k++) {
      float[] out = new float[784];
      jitterOnly.view(s, new int[] {0}, 1, rnd, out);
      assertEquals(0f, out[0], 0f, "corner of view " + k);
      for (float v : out) {
        assertTrue(v >= 0 && v <= 1, "value " + v);
      }
      changed |= Math.abs(out[14 * 28 + 14] - 128 / 255f) > 0.05;
    }
    assertTrue(changed, "brightness jitter never changed the square");
    float[] contrast = new float[784];
    new Augment(1, 0, 0, 0.9, 0).view(s, new int[] {0}, 1, new SplittableRandom(2), contrast);
    for (float v : contrast) {
      assertTrue(v >= 0 && v <= 1, "contrast value " + v);
    }
  }

  @Test
  void rejectsNonsense() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Augment(0, 0.5, 0, 0, 0));
    assertTrue(e.getMessage().contains("crop scale"), e.getMessage());
    IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> new Augment(0.5, 0.5, 1.2, 0, 0));
    assertTrue(b.getMessage().contains("brightness"), b.getMessage());
  }
}
