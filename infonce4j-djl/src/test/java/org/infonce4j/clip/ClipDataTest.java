package org.infonce4j.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.infonce4j.clip.Scenes.Colour;
import org.infonce4j.clip.Scenes.Combination;
import org.infonce4j.clip.Scenes.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLIP data: generated scenes, captions, held-out combinations, the tokenizer, the TSV reader. */
class ClipDataTest {

  @TempDir
  Path dir;

  @Test
  void scenesAreSeededAndAvoidHeldOutCombinations() {
    Scenes scenes = new Scenes(32);
    Set<Combination> held = Set.of(new Combination(Colour.RED, Shape.TRIANGLE), new Combination(Colour.BLUE, Shape.CIRCLE));
    List<Scenes.Scene> a = scenes.generate(300, 7, held);
    List<Scenes.Scene> b = scenes.generate(300, 7, held);
    int[] counts = new int[4];
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).caption(), b.get(i).caption());
      assertArrayEquals(a.get(i).pixels(), b.get(i).pixels());
      assertEquals(3 * 32 * 32, a.get(i).pixels().length);
      counts[a.get(i).items().size()]++;
      for (Scenes.Item it : a.get(i).items()) {
        assertTrue(!held.contains(new Combination(it.colour(), it.shape())), "held-out combination in a training scene: " + it);
        assertTrue(a.get(i).caption().contains(it.colour().word() + " " + it.shape().word()), a.get(i).caption() + " names " + it);
      }
    }
    assertTrue(counts[1] > 50 && counts[2] > 50 && counts[3] > 50, "one to three shapes: " + java.util.Arrays.toString(counts));
  }

  @Test
  void captionsNameEveryAttributeAndDescribeOnlyTheirScene() {
    List<Scenes.Scene> a = new Scenes(32).generate(400, 11, Set.of());
    int elsewhere = 0;
    for (int i = 0; i < a.size(); i++) {
      Scenes.Scene s = a.get(i);
      assertTrue(Scenes.describes(s.items(), s.caption()), s.caption());
      for (Scenes.Item it : s.items()) assertTrue(s.caption().contains(it.words(true)), s.caption() + " names " + it.words(true));
      List<Scenes.Item> reversed = new java.util.ArrayList<>(s.items());
      java.util.Collections.reverse(reversed);
      assertTrue(Scenes.describes(reversed, s.caption()), "the order of the items does not matter: " + s.caption());
      for (int j = 0; j < a.size(); j++) if (j != i && Scenes.describes(a.get(j).items(), s.caption())) elsewhere++;
    }
    assertTrue(elsewhere < 400, "captions rarely describe another scene too: " + elsewhere + " of 400 x 399 pairs");
    Scenes.Item left = new Scenes.Item(Shape.CIRCLE, Colour.RED, false, 0.2, 0.8);
    assertEquals("in the bottom left", Scenes.place(left));
    assertTrue(Scenes.describes(List.of(left), "a photo of a small red circle in the bottom left"));
    assertTrue(!Scenes.describes(List.of(left), "a photo of a large red circle in the bottom left"), "size matters");
    assertTrue(!Scenes.describes(List.of(left), "a photo of a small red circle at the top"), "place matters");
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 20; i++) {
      String partial = Scenes.partialCaption(List.of(left), r);
      assertTrue(partial.startsWith("a photo of a ") && !(partial.contains("small") && partial.contains("red") && partial.contains("circle")),
          "a partial caption leaves an attribute out: " + partial);
      String colourless = Scenes.colourlessCaption(List.of(left), r);
      assertTrue(colourless.contains("small circle") && Scenes.describes(List.of(left), colourless.replace("small circle", "small red circle")),
          "the colourless caption is a caption of the scene without its colour: " + colourless);
      for (Colour c : Colour.values()) assertTrue(!colourless.contains(c.word()), colourless);
    }
    float[] px = new Scenes(16).single(Colour.RED, Shape.SQUARE, new SplittableRandom(4)).pixels();
    Scenes.greyscale(px, 0, 16);
    for (int i = 0; i < 256; i++) assertTrue(px[i] == px[256 + i] && px[i] == px[512 + i], "grey: the three channels agree");
    assertArrayEquals(px, Images.channelsFirst(Images.fromChannelsFirst(px, 16)), 0.5f / 255 + 1e-6f, "pixels survive a round trip through an 8-bit image");
    assertEquals("a photo of a red shape", Scenes.colourPrompt(Colour.RED));
    assertEquals("a photo of a cross", Scenes.shapePrompt(Shape.CROSS));
  }

  @Test
  void renderedColourIsWhereTheShapeIs() {
    Scenes scenes = new Scenes(64);
    Scenes.Scene s = scenes.single(Colour.RED, Shape.SQUARE, new SplittableRandom(3));
    Scenes.Item it = s.items().get(0);
    int cx = (int) Math.round(it.x() * 64);
    int cy = (int) Math.round(it.y() * 64);
    float[] p = s.pixels();
    assertTrue(p[cy * 64 + cx] > 0.8f && p[64 * 64 + cy * 64 + cx] < 0.3f, "red at the centre of the square");
    assertTrue(p[0] < 0.15f || (it.x() < 0.25 && it.y() < 0.25), "dark background in the corner");
  }

  @Test
  void relationsFollowPositions() {
    Scenes.Item left = new Scenes.Item(Shape.CIRCLE, Colour.RED, false, 0.2, 0.5);
    Scenes.Item right = new Scenes.Item(Shape.SQUARE, Colour.BLUE, false, 0.8, 0.45);
    Scenes.Item low = new Scenes.Item(Shape.CROSS, Colour.GREEN, false, 0.25, 0.9);
    assertEquals("left of", Scenes.relation(left, right));
    assertEquals("right of", Scenes.relation(right, left));
    assertEquals("above", Scenes.relation(left, low));
    assertEquals("below", Scenes.relation(low, left));
  }

  @Test
  void tokenizerIdsAreStableAndUnknownWordsMapToOne() {
    Tokenizer t = Tokenizer.build(List.of("a red circle", "a blue circle", "A red square!"), 1);
    assertEquals(List.of("a", "circle", "red", "blue", "square"), t.words());
    assertArrayEquals(new int[] {2, 4, 3}, t.encode("A red, circle"));
    assertArrayEquals(new int[] {2, Tokenizer.UNKNOWN, 6}, t.encode("a green square"));
    int[] out = new int[5];
    assertEquals(2, t.encode("blue circle", 5, out, 0));
    assertArrayEquals(new int[] {5, 3, 0, 0, 0}, out);
    assertEquals(1, t.encode("", 5, out, 0));
    assertEquals(Tokenizer.UNKNOWN, out[0]);
    assertEquals(3, t.encode("a red circle a red circle", 3, out, 2));
    assertEquals("<unk>", t.word(1));
    assertEquals(t.words(), Tokenizer.of(t.words()).words());
    assertEquals(1, Tokenizer.build(List.of("x y", "x"), 2).words().size());
  }

  @Test
  void readsPairsAndNamesTheBadLine() throws Exception {
    BufferedImage img = new BufferedImage(10, 20, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xFF0000);
    ImageIO.write(img, "png", dir.resolve("a.png").toFile());
    Files.writeString(dir.resolve("pairs.tsv"), "# image\tcaption\n\na.png\ta red dot\n");
    List<CaptionedImages.Pair> pairs = CaptionedImages.read(dir.resolve("pairs.tsv"), 16);
    assertEquals(1, pairs.size());
    assertEquals("a red dot", pairs.get(0).caption());
    assertEquals(3 * 16 * 16, pairs.get(0).pixels().length);
    Files.writeString(dir.resolve("bad.tsv"), "a.png\tok\nmissing.png\tgone\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaptionedImages.read(dir.resolve("bad.tsv"), 16));
    assertTrue(e.getMessage().contains("bad.tsv line 2") && e.getMessage().contains("not found"), e.getMessage());
    Files.writeString(dir.resolve("notab.tsv"), "a.png a caption without a tab\n");
    e = assertThrows(IllegalArgumentException.class, () -> CaptionedImages.read(dir.resolve("notab.tsv"), 16));
    assertTrue(e.getMessage().contains("notab.tsv line 1") && e.getMessage().contains("<TAB>"), e.getMessage());
    Files.writeString(dir.resolve("text.png"), "not an image");
    Files.writeString(dir.resolve("text.tsv"), "text.png\ta caption\n");
    e = assertThrows(IllegalArgumentException.class, () -> CaptionedImages.read(dir.resolve("text.tsv"), 16));
    assertTrue(e.getMessage().contains("text.tsv line 1"), e.getMessage());
  }
}
