package org.infonce4j.clip;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A user's own image-caption pairs: a UTF-8 TSV file, one pair a line, {@code image path <TAB>
 * caption}; relative paths are resolved against the file's directory; blank lines and lines starting
 * with '#' are skipped. Images (any format ImageIO reads: PNG, JPEG, BMP, GIF) are scaled to
 * side x side RGB. Every problem names the file and the line.
 */
public final class CaptionedImages {

  /**
   * One pair: 3 x side x side pixels in [0, 1] and the caption.
   *
   * @param image   the image file, resolved
   * @param caption the caption, trimmed
   * @param pixels  the image scaled to {@code 3 x side x side} values in [0, 1], channels first
   */
  public record Pair(Path image, String caption, float[] pixels) {
  }

  private CaptionedImages() {
  }

  /**
   * Reads every pair of the file, in file order, and loads and scales its image.
   *
   * @param tsv  the pairs file
   * @param side the side of the scaled images, in pixels
   * @return the pairs, at least one
   * @throws IllegalArgumentException for a malformed line, a missing or unreadable image (naming the
   *     file and line), or a file with no pair
   * @throws UncheckedIOException     if the pairs file cannot be read
   */
  public static List<Pair> read(Path tsv, int side) {
    List<Pair> out = new ArrayList<>();
    Path base = tsv.toAbsolutePath().getParent();
    try (BufferedReader in = Files.newBufferedReader(tsv, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line; (line = in.readLine()) != null;) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) continue;
        int tab = line.indexOf('\t');
        if (tab <= 0 || line.substring(tab + 1).isBlank()) {
          throw new IllegalArgumentException(tsv + " line " + lineNo + ": expected 'image path<TAB>caption', got '" + abbreviate(line) + "'");
        }
        Path image = base.resolve(line.substring(0, tab).trim());
        if (!Files.isRegularFile(image)) {
          throw new IllegalArgumentException(tsv + " line " + lineNo + ": image " + image + " not found");
        }
        BufferedImage img;
        try {
          img = ImageIO.read(image.toFile());
        } catch (IOException e) {
          throw new IllegalArgumentException(tsv + " line " + lineNo + ": cannot read image " + image + ": " + e.getMessage(), e);
        }
        if (img == null) throw new IllegalArgumentException(tsv + " line " + lineNo + ": " + image + " is not an image format this JVM reads");
        out.add(new Pair(image, line.substring(tab + 1).trim(), Images.channelsFirst(Images.resize(img, side))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(tsv + ": cannot read the pairs file: " + e.getMessage(), e);
    }
    if (out.isEmpty()) throw new IllegalArgumentException(tsv + ": no image-caption pairs");
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
