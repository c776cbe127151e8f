package org.infonce4j.data;

import java.util.SplittableRandom;

/**
 * SimCLR-style augmentations of small grey images, in plain Java on whole batches (a 28 x 28
 * image is too small for per-image native calls to pay): random resized crop, horizontal flip,
 * brightness and contrast jitter, Gaussian noise. Every random choice comes from the generator
 * passed in, so a seed gives the same views.
 *
 * @param minScale   smallest crop area as a share of the image (SimCLR on small images: 0.2)
 * @param flip       probability of a horizontal flip (0.5)
 * @param brightness brightness jitter: multiply by a factor in [1 - b, 1 + b] (0.4), so black stays black
 * @param contrast   contrast jitter: scale around the mean by a factor in [1 - c, 1 + c] (0.4); the
 *                   result is clipped to [0, 1] before the noise
 * @param noise      standard deviation of added Gaussian noise (0.05); 0 for none
 */
public record Augment(double minScale, double flip, double brightness, double contrast, double noise) {

  /**
   * Checks the ranges.
   *
   * @param minScale   smallest crop area share, in (0, 1]
   * @param flip       flip probability, in [0, 1]
   * @param brightness brightness jitter, in [0, 1)
   * @param contrast   contrast jitter, in [0, 1)
   * @param noise      noise standard deviation, at least 0
   * @throws IllegalArgumentException when a value is out of range
   */
  public Augment {
    if (!(minScale > 0 && minScale <= 1)) {
      throw new IllegalArgumentException("minimum crop scale must be in (0, 1], got " + minScale);
    }
    if (!(flip >= 0 && flip <= 1) || !(brightness >= 0 && brightness < 1) || !(contrast >= 0 && contrast < 1) || !(noise >= 0)) {
      throw new IllegalArgumentException("flip in [0, 1], brightness and contrast in [0, 1) and noise >= 0 required");
    }
  }

  /**
   * The defaults for Fashion-MNIST: crop scale 0.2 to 1, flip 0.5, brightness and contrast 0.4, noise 0.05.
   *
   * @return the default augmentations
   */
  public static Augment defaults() {
    return new Augment(0.2, 0.5, 0.4, 0.4, 0.05);
  }

  /**
   * The defaults with another smallest crop area and brightness and contrast strength.
   *
   * @param minScale smallest crop area share, in (0, 1]
   * @param jitter   brightness and contrast jitter, in [0, 1)
   * @return the augmentations, flip 0.5 and noise 0.05
   */
  public static Augment of(double minScale, double jitter) {
    return new Augment(minScale, 0.5, jitter, jitter, 0.05);
  }

  /**
   * No change at all (crop of the whole image, nothing else).
   *
   * @return the identity augmentation
   */
  public static Augment none() {
    return new Augment(1, 0, 0, 0, 0);
  }

  /**
   * One augmented view of images {@code index[0..n)} of {@code split}, written to {@code out}
   * ({@code n x side x side} floats, grey levels scaled to [0, 1] before jitter, not clipped after
   * noise).
   *
   * @param split the images
   * @param index the images' indices in {@code split}; the first {@code n} are used
   * @param n     how many views
   * @param rnd   every random choice
   * @param out   receives the views, {@code n x 28 x 28} floats
   */
  public void view(FashionMnist.Split split, int[] index, int n, SplittableRandom rnd, float[] out) {
    view(split, index, n, rnd, out, FashionMnist.SIDE);
  }

  /**
   * As {@link #view(FashionMnist.Split, int[], int, SplittableRandom, float[])}, the crops resized to
   * {@code size x size} instead of the image's 28 x 28 ({@code out} holds {@code n x size x size}
   * floats): smaller views make a training step cheaper while the network, convolutional with global
   * pooling, still takes whole images at evaluation. With {@code size} 28 the views are those of the
   * shorter form, draw for draw.
   *
   * @param split the images
   * @param index the images' indices in {@code split}; the first {@code n} are used
   * @param n     how many views
   * @param rnd   every random choice
   * @param out   receives the views, {@code n x size x size} floats
   * @param size  the side of a view, in pixels
   * @throws IllegalArgumentException when {@code size < 1}
   */
  public void view(FashionMnist.Split split, int[] index, int n, SplittableRandom rnd, float[] out, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("view size must be positive, got " + size);
    }
    int side = FashionMnist.SIDE;
    float[] src = new float[side * side]; // one image
    for (int b = 0; b < n; b++) {
      int base = index[b] * side * side;
      for (int p = 0; p < side * side; p++) {
        src[p] = (split.images()[base + p] & 0xff) / 255f;
      }
      one(src, side, size, rnd, out, b * size * size);
    }
  }

  /** Augments one {@code side x side} image {@code src} into a {@code size x size} view at {@code out[off ..]}. */
  private void one(float[] src, int side, int size, SplittableRandom rnd, float[] out, int off) {
    // Random resized crop: area share in [minScale, 1], aspect ratio in [3/4, 4/3] (log-uniform).
    double area = minScale + (1 - minScale) * rnd.nextDouble();
    double logRatio = Math.log(3.0 / 4) + (Math.log(4.0 / 3) - Math.log(3.0 / 4)) * rnd.nextDouble();
    double ratio = Math.exp(logRatio);
    double w = Math.min(side, Math.sqrt(area * side * side * ratio));
    double h = Math.min(side, Math.sqrt(area * side * side / ratio));
    double x0 = (side - w) * rnd.nextDouble();
    double y0 = (side - h) * rnd.nextDouble();
    boolean mirror = rnd.nextDouble() < flip;
    double gain = 1 + brightness * (2 * rnd.nextDouble() - 1);
    double scale = 1 + contrast * (2 * rnd.nextDouble() - 1);
    double mean = 0;
    for (int y = 0; y < size; y++) {
      double sy = y0 + (y + 0.5) * h / size - 0.5;
      for (int x = 0; x < size; x++) {
        int tx = mirror ? size - 1 - x : x;
        double sx = x0 + (tx + 0.5) * w / size - 0.5;
        float v = (float) (bilinear(src, side, sx, sy) * gain);
        out[off + y * size + x] = v;
        mean += v;
      }
    }
    mean /= size * size;
    for (int p = 0; p < size * size; p++) {
      double v = Math.max(0, Math.min(1, (out[off + p] - mean) * scale + mean));
      if (noise > 0) {
        v += noise * rnd.nextGaussian();
      }
      out[off + p] = (float) v;
    }
  }

  private static float bilinear(float[] img, int side, double x, double y) {
    x = Math.max(0, Math.min(side - 1, x));
    y = Math.max(0, Math.min(side - 1, y));
    int x0 = (int) x, y0 = (int) y;
    int x1 = Math.min(side - 1, x0 + 1), y1 = Math.min(side - 1, y0 + 1);
    double fx = x - x0, fy = y - y0;
    double top = img[y0 * side + x0] * (1 - fx) + img[y0 * side + x1] * fx;
    double bottom = img[y1 * side + x0] * (1 - fx) + img[y1 * side + x1] * fx;
    return (float) (top * (1 - fy) + bottom * fy);
  }
}
