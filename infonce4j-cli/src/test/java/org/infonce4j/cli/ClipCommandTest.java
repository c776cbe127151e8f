package org.infonce4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clip train}, {@code clip eval} and {@code clip search} end to end on tiny settings, on scenes and on a TSV of pairs. */
class ClipCommandTest {

  @TempDir
  Path dir;

  private static final String[] TINY = {"--side", "16", "--epochs", "2", "--batch", "32", "--width", "8", "--hidden", "32", "--embed", "16", "--pool", "64",
      "--threads", "1"};

  private static String[] args(String[] head, String... tail) {
    String[] out = java.util.Arrays.copyOf(head, head.length + TINY.length + tail.length);
    System.arraycopy(TINY, 0, out, head.length, TINY.length);
    System.arraycopy(tail, 0, out, head.length + TINY.length, tail.length);
    return out;
  }

  @Test
  void trainsEvaluatesAndSearchesScenes() throws Exception {
    Path out = dir.resolve("run");
    Run r = Run.of(args(new String[] {"clip", "train"}, "--scenes", "256", "--zero-shot", "2", "--grey", "0.2", "--out", out.toString()));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("text->image") && r.out().contains("ceiling t->i") && r.out().contains("chance"), r.out());
    assertTrue(r.out().contains("held out (4)"), "the four default held-out combinations: " + r.out());
    assertTrue(r.err().contains("epoch 2:"), r.err());
    Map<String, Object> m = TestJson.object(Files.readString(out.resolve("metrics.json")));
    assertEquals(2, ((List<?>) m.get("epochs")).size());
    Map<?, ?> fin = (Map<?, ?>) m.get("final");
    double r1 = ((Number) ((Map<?, ?>) fin.get("text_to_image")).get("recall@1")).doubleValue();
    assertTrue(r1 >= 0 && r1 <= 1, "recall " + r1);
    for (String png : new String[] {"recall.png", "zero_shot.png", "temperature.png", "loss.png"}) assertTrue(Files.size(out.resolve(png)) > 1000, png);
    assertTrue(Files.isRegularFile(out.resolve("checkpoints/epoch-0002.ckpt")));

    Run again = Run.of(args(new String[] {"clip", "train"}, "--scenes", "256", "--zero-shot", "2", "--grey", "0.2", "--out", out.toString()));
    assertEquals(1, again.code(), "a second run into the same directory needs --resume");
    assertTrue(again.err().contains("--resume"), again.err());

    Run eval = Run.of("clip", "eval", "--run", out.toString(), "--threads", "1");
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().contains("epoch 2 of 2") && eval.out().contains("text->image"), eval.out());
    Map<String, Object> e = TestJson.object(Files.readString(out.resolve("eval.json")));
    assertEquals(((Map<?, ?>) fin.get("text_to_image")).get("recall@1"), ((Map<?, ?>) ((Map<?, ?>) e.get("eval")).get("text_to_image")).get("recall@1"),
        "eval reproduces the last epoch's recall");

    Run search = Run.of("clip", "search", "--run", out.toString(), "--top", "6", "--threads", "1", "a", "red", "zebra");
    assertEquals(0, search.code(), search.err());
    assertTrue(search.err().contains("zebra"), "unknown words named: " + search.err());
    assertEquals(6, search.out().lines().filter(l -> l.matches("\\s+\\d+\\s+-?\\d\\.\\d{3}\\s+#.*")).count(), search.out());
    BufferedImage sheet = ImageIO.read(out.resolve("search-a-red-zebra.png").toFile());
    assertTrue(sheet.getWidth() > 6 * 128 && sheet.getHeight() > 128, sheet.getWidth() + " x " + sheet.getHeight());

    Run notRun = Run.of("clip", "eval", "--run", dir.resolve("nothing").toString());
    assertEquals(1, notRun.code());
    assertTrue(notRun.err().contains("no config.json"), notRun.err());
  }

  @Test
  void trainsOnATsvOfPairsAndNamesABadLine() throws Exception {
    Path data = dir.resolve("pairs");
    Files.createDirectories(data.resolve("img"));
    StringBuilder tsv = new StringBuilder("# image\tcaption\n");
    String[] names = {"red", "green", "blue", "white"};
    Color[] colours = {Color.RED, Color.GREEN, Color.BLUE, Color.WHITE};
    for (int i = 0; i < 200; i++) {
      BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(colours[i % 4]);
      int s = 4 + i % 7;
      g.fillRect(i % 9, i % 5, s, s);
      g.dispose();
      ImageIO.write(img, "png", data.resolve("img/" + i + ".png").toFile());
      tsv.append("img/").append(i).append(".png\ta ").append(s > 7 ? "big " : "little ").append(names[i % 4]).append(" block\n");
    }
    Files.writeString(data.resolve("pairs.tsv"), tsv);
    Path out = dir.resolve("tsv-run");
    Run r = Run.of(args(new String[] {"clip", "train"}, "--pairs", data.resolve("pairs.tsv").toString(), "--out", out.toString()));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("160 training pairs") && r.out().contains("pool of 40"), r.err() + r.out());
    assertTrue(!r.out().contains("zero-shot"), "no zero-shot without scenes: " + r.out());
    assertTrue(Files.size(out.resolve("recall.png")) > 1000);
    Run search = Run.of("clip", "search", "--run", out.toString(), "--top", "3", "--threads", "1", "a red block");
    assertEquals(0, search.code(), search.err());
    assertTrue(search.out().contains("of 40 held-out images"), search.out());

    Run mixed = Run
        .of(args(new String[] {"clip", "train"}, "--pairs", data.resolve("pairs.tsv").toString(), "--grey", "0.2", "--out", dir.resolve("mixed").toString()));
    assertEquals(1, mixed.code());
    assertTrue(mixed.err().contains("not to --pairs"), mixed.err());

    Files.writeString(data.resolve("bad.tsv"), "img/0.png\ta red block\nimg/404.png\ta lost block\n");
    Run bad = Run.of(args(new String[] {"clip", "train"}, "--pairs", data.resolve("bad.tsv").toString(), "--out", dir.resolve("bad-run").toString()));
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("bad.tsv line 2") && bad.err().contains("404.png"), bad.err());
  }
}
