package org.infonce4j.clip;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Image helpers of the CLIP data: RGB pixels as channels-first floats, resizing. */
public final class Images {

  private Images() {
  }

  /**
   * 3 x h x w values in [0, 1], channels first (R, G, B).
   *
   * @param img the image, w x h
   * @return its {@code 3 x h x w} values, row-major within each channel
   */
  public static float[] channelsFirst(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    float[] out = new float[3 * w * h]; // 3 x h x w
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        out[y * w + x] = ((rgb >> 16) & 0xFF) / 255f;
        out[w * h + y * w + x] = ((rgb >> 8) & 0xFF) / 255f;
        out[2 * w * h + y * w + x] = (rgb & 0xFF) / 255f;
      }
    }
    return out;
  }

  /**
   * The RGB image of 3 x side x side values in [0, 1], channels first (the inverse of {@link #channelsFirst}).
   *
   * @param chw  {@code 3 x side x side} values; those outside [0, 1] are clamped
   * @param side the image's side, in pixels
   * @return a new side x side RGB image
   * @throws IllegalArgumentException when {@code chw} does not hold {@code 3 x side x side} values
   */
  public static BufferedImage fromChannelsFirst(float[] chw, int side) {
    if (chw.length != 3 * side * side) throw new IllegalArgumentException("expected 3 x " + side + " x " + side + " values, got " + chw.length);
    BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int plane = side * side;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int i = y * side + x;
        out.setRGB(x, y, (byte255(chw[i]) << 16) | (byte255(chw[plane + i]) << 8) | byte255(chw[2 * plane + i]));
      }
    }
    return out;
  }

  private static int byte255(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255)));
  }

  /**
   * The image scaled to side x side RGB (bilinear).
   *
   * @param img  the image, any size (the aspect ratio is not kept)
   * @param side the new side, in pixels
   * @return a new side x side RGB image
   */
  public static BufferedImage resize(BufferedImage img, int side) {
    BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, side, side, null);
    g.dispose();
    return out;
  }
}
