package org.infonce4j.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * The networks of the image recipes: a small ResNet-style encoder for 1 x 28 x 28 images and the
 * two-layer projection head that evaluation drops.
 */
public final class Networks {

  private Networks() {
  }

  /**
   * Stem conv 3x3 (width w) then three stages of {@code blocks} basic residual blocks at widths
   * w, 2w, 4w (the second and third downsample by 2), global average pooling: a {@code 4w}-d
   * feature. Width 32, one block per stage: 307k parameters. A stem of stride 2 starts the stages
   * at 14 x 14 instead of 28 x 28: the same parameters for about a quarter of the arithmetic.
   *
   * @param width      the stem's and first stage's channels w, at least 1
   * @param blocks     residual blocks per stage, at least 1
   * @param stemStride the stem's stride, 1 or 2
   * @return the encoder, with batch norm, not initialised
   * @throws IllegalArgumentException when a size is out of range
   */
  public static SequentialBlock encoder(int width, int blocks, int stemStride) {
    return encoder(width, blocks, stemStride, true);
  }

  /**
   * As {@link #encoder(int, int, int)}; {@code batchNorm} false normalises each image's feature maps
   * on their own (layer norm over channels and positions) instead of over the batch, so an image's
   * output does not depend on the other images of its batch: what gradient caching needs to re-encode
   * a batch chunk by chunk and get the plain step's gradient.
   *
   * @param width      the stem's and first stage's channels w, at least 1
   * @param blocks     residual blocks per stage, at least 1
   * @param stemStride the stem's stride, 1 or 2
   * @param batchNorm  batch norm (true) or per-image layer norm (false)
   * @return the encoder, not initialised
   * @throws IllegalArgumentException when a size is out of range
   */
  public static SequentialBlock encoder(int width, int blocks, int stemStride, boolean batchNorm) {
    if (width < 1 || blocks < 1 || stemStride < 1 || stemStride > 2) {
      throw new IllegalArgumentException("encoder width and blocks per stage must be positive and the stem stride 1 or 2, got " + width + ", "
          + blocks + " and " + stemStride);
    }
    SequentialBlock net = new SequentialBlock().add(convBn(width, 3, stemStride, batchNorm)).add(Activation.reluBlock());
    int in = width;
    int[] widths = {width, 2 * width, 4 * width};
    for (int stage = 0; stage < widths.length; stage++) {
      for (int b = 0; b < blocks; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        net.add(residual(in, widths[stage], stride, batchNorm));
        in = widths[stage];
      }
    }
    return net.add(Pool.globalAvgPool2dBlock());
  }

  /**
   * The feature size of {@link #encoder(int, int, int)}.
   *
   * @param width the encoder's width w
   * @return {@code 4w}
   */
  public static int featureSize(int width) {
    return 4 * width;
  }

  /**
   * Linear, ReLU, linear: {@code hidden} then {@code out} units.
   *
   * @param hidden units of the first layer
   * @param out    units of the second layer, the projection's size
   * @return the head, not initialised
   */
  public static SequentialBlock projector(int hidden, int out) {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(hidden).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(out).build());
  }

  private static Block convBn(int filters, int kernel, int stride, boolean batchNorm) {
    return new SequentialBlock()
        .add(Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel)).optStride(new Shape(stride, stride))
            .optPadding(new Shape(kernel / 2, kernel / 2)).optBias(false).build())
        .add(batchNorm ? BatchNorm.builder().build() : ai.djl.nn.norm.LayerNorm.builder().axis(1, 2, 3).build());
  }

  /** relu(conv-bn-relu-conv-bn(x) + shortcut(x)), the shortcut a 1x1 conv when the shape changes. */
  private static Block residual(int in, int out, int stride, boolean batchNorm) {
    Block body = new SequentialBlock().add(convBn(out, 3, stride, batchNorm)).add(Activation.reluBlock()).add(convBn(out, 3, 1, batchNorm));
    Block shortcut = stride != 1 || in != out ? convBn(out, 1, stride, batchNorm) : new LambdaBlock(x -> x, "identity");
    return new SequentialBlock()
        .add(new ParallelBlock(parts -> new NDList(parts.get(0).singletonOrThrow().add(parts.get(1).singletonOrThrow())),
            List.of(body, shortcut)))
        .add(Activation.reluBlock());
  }
}
