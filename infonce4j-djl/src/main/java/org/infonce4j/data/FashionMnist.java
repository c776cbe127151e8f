package org.infonce4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.infonce4j.io.Idx;

/**
 * Fashion-MNIST (Xiao et al. 2017): 60000 training and 10000 test images of 28 x 28 grey levels in
 * 10 classes, read from the IDX files of the Debian package {@code dataset-fashion-mnist}
 * ({@value #DEFAULT_DIR}) or any directory holding the four standard files, gzip or plain.
 */
public final class FashionMnist {

  /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
  public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

  /** The class names, by label. */
  public static final String[] CLASSES = {
      "t-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"
  };

  /** Image side in pixels. */
  public static final int SIDE = 28;

  /**
   * One split.
   *
   * @param images {@code n x 784} grey levels 0..255, row-major per image
   * @param labels {@code n} class indices 0..9
   */
  public record Split(byte[] images, int[] labels) {
    /**
     * The number of images.
     *
     * @return n
     */
    public int size() {
      return labels.length;
    }

    /**
     * Pixel {@code p} (0..783) of image {@code i} as a float in [0, 1].
     *
     * @param i the image, below {@link #size()}
     * @param p the pixel, row-major
     * @return its grey level / 255
     */
    public float pixel(int i, int p) {
      return (images[i * SIDE * SIDE + p] & 0xff) / 255f;
    }

    /**
     * The first {@code n} images (a copy).
     *
     * @param n how many, at most {@link #size()}
     * @return a split of those images and their labels
     * @throws IllegalArgumentException when {@code n > size()}
     */
    public Split head(int n) {
      if (n > size()) {
        throw new IllegalArgumentException("asked for " + n + " images of " + size());
      }
      return new Split(java.util.Arrays.copyOf(images, n * SIDE * SIDE), java.util.Arrays.copyOf(labels, n));
    }
  }

  private final Split train;
  private final Split test;

  private FashionMnist(Split train, Split test) {
    this.train = train;
    this.test = test;
  }

  /**
   * A dataset of the given splits (images of 28 x 28), for tests and other sources.
   *
   * @param train the training split
   * @param test  the test split
   * @return the dataset (the splits are not copied)
   */
  public static FashionMnist of(Split train, Split test) {
    return new FashionMnist(train, test);
  }

  /**
   * The training split.
   *
   * @return 60000 images for the real data
   */
  public Split train() {
    return train;
  }

  /**
   * The test split.
   *
   * @return 10000 images for the real data
   */
  public Split test() {
    return test;
  }

  /**
   * Loads from {@link #DEFAULT_DIR}.
   *
   * @return the dataset
   * @throws IllegalArgumentException when a file is missing or malformed
   */
  public static FashionMnist load() {
    return load(Path.of(DEFAULT_DIR));
  }

  /**
   * Loads the four files from {@code dir} ({@code train-images-idx3-ubyte[.gz]} and so on).
   *
   * @param dir the directory holding the files
   * @return the dataset
   * @throws IllegalArgumentException when a file is missing (the message says how to install the
   *                                  data) or malformed (naming the file)
   * @throws java.io.UncheckedIOException when a file cannot be read
   */
  public static FashionMnist load(Path dir) {
    return new FashionMnist(split(dir, "train"), split(dir, "t10k"));
  }

  private static Split split(Path dir, String prefix) {
    Idx.Array images = Idx.read(find(dir, prefix + "-images-idx3-ubyte"));
    Idx.Array labels = Idx.read(find(dir, prefix + "-labels-idx1-ubyte"));
    if (images.shape().length != 3 || images.shape()[1] != SIDE || images.shape()[2] != SIDE) {
      throw new IllegalArgumentException(dir + ": " + prefix + " images have shape " + java.util.Arrays.toString(images.shape())
          + ", expected [n, 28, 28]");
    }
    if (labels.shape().length != 1 || labels.items() != images.items()) {
      throw new IllegalArgumentException(dir + ": " + images.items() + " " + prefix + " images but labels of shape "
          + java.util.Arrays.toString(labels.shape()));
    }
    int[] y = new int[labels.items()];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels.get(i);
      if (y[i] >= CLASSES.length) {
        throw new IllegalArgumentException(dir + ": " + prefix + " label " + i + " is " + y[i] + ", expected 0..9");
      }
    }
    return new Split(images.data(), y);
  }

  private static Path find(Path dir, String name) {
    for (String candidate : new String[] {name + ".gz", name}) {
      Path p = dir.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new IllegalArgumentException("Fashion-MNIST not found: " + dir.resolve(name + ".gz") + " is missing. Install it with "
        + "'sudo apt-get install dataset-fashion-mnist' (files in " + DEFAULT_DIR + ") or pass --data DIR with the four IDX files");
  }
}
