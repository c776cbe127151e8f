package org.infonce4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simclr}, {@code moco} and {@code eval} end to end on a tiny synthetic Fashion-MNIST (IDX
 * files of bright squares whose position is the class): run directory, checkpoints, report, plots,
 * resume, the queue sweep and the errors.
 */
class ImageRecipeCommandTest {

  @TempDir
  Path dir;

  private static Run run(String... args) {
    return Run.of(args);
  }

  /** Writes train (n) and t10k (m) IDX files of the squares, the training images gzipped, into {@code dir/data}. */
  static Path data(Path dir, int n, int m) throws IOException {
    Path d = dir.resolve("data");
    Files.createDirectories(d);
    Random rnd = new Random(5);
    for (String split : new String[] {"train", "t10k"}) {
      int count = split.equals("train") ? n : m;
      byte[] img = new byte[count * 784];
      byte[] lab = new byte[count];
      for (int i = 0; i < count; i++) {
        int c = rnd.nextInt(4);
        lab[i] = (byte) c;
        int x0 = 3 + (c % 2) * 14 + rnd.nextInt(3), y0 = 3 + (c / 2) * 14 + rnd.nextInt(3);
        for (int p = 0; p < 784; p++) {
          int x = p % 28, y = p / 28;
          boolean in = x >= x0 && x < x0 + 8 && y >= y0 && y < y0 + 8;
          img[i * 784 + p] = (byte) (in ? 200 + rnd.nextInt(56) : rnd.nextInt(40));
        }
      }
      boolean gz = split.equals("train");
      String suffix = gz ? ".gz" : "";
      try (OutputStream raw = Files.newOutputStream(d.resolve(split + "-images-idx3-ubyte" + suffix));
          DataOutputStream o = new DataOutputStream(gz ? new GZIPOutputStream(raw) : raw)) {
        o.writeInt(0x0803);
        o.writeInt(count);
        o.writeInt(28);
        o.writeInt(28);
        o.write(img);
      }
      try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(d.resolve(split + "-labels-idx1-ubyte")))) {
        o.writeInt(0x0801);
        o.writeInt(count);
        o.write(lab);
      }
    }
    return d;
  }

  private static final String[] TINY = {"--batch", "32", "--width", "4", "--projection", "16", "--threads", "1", "--lr", "0.05",
      "--warmup", "0"};

  private static String[] args(String[] head, String... more) {
    String[] a = new String[head.length + TINY.length + more.length];
    System.arraycopy(head, 0, a, 0, head.length);
    System.arraycopy(TINY, 0, a, head.length, TINY.length);
    System.arraycopy(more, 0, a, head.length + TINY.length, more.length);
    return a;
  }

  private static void assertPng(Path p) throws IOException {
    BufferedImage img = ImageIO.read(p.toFile());
    assertNotNull(img, p + " is not an image");
    assertTrue(img.getWidth() > 100 && img.getHeight() > 100, p + " is " + img.getWidth() + "x" + img.getHeight());
  }

  @Test
  @SuppressWarnings("unchecked")
  void simclrTrainsEvaluatesAgainstBaselinesAndReports() throws IOException {
    Path data = data(dir, 192, 96);
    Path out = dir.resolve("run");
    String[] argv = args(new String[] {"simclr", "--data", data.toString(), "--out", out.toString(), "--epochs", "2"});
    Run r = run(argv);
    assertEquals(0, r.code(), r.err());
    for (String name : new String[] {"simclr (2 ep)", "raw pixels", "random init", "supervised (2 ep)"}) {
      assertTrue(r.out().contains(name), "table row " + name + ": " + r.out());
    }
    Map<String, Object> m = TestJson.object(Files.readString(out.resolve("metrics.json")));
    // The report says what ran: the command line as typed and the versions, so a number is traceable.
    assertEquals("infonce4j " + String.join(" ", argv), m.get("command"));
    assertTrue(((Map<String, Object>) m.get("provenance")).containsKey("commit"), m.toString());
    assertTrue(r.out().contains("report: " + out.resolve("metrics.json") + ", " + out.resolve("loss.png") + ", " + out.resolve("accuracy.png")), r.out());
    List<Object> rows = (List<Object>) m.get("evaluation");
    assertEquals(4, rows.size());
    for (Object o : rows) {
      Map<String, Object> row = (Map<String, Object>) o;
      double knn = ((Number) row.get("knn_accuracy")).doubleValue();
      double linear = ((Number) row.get("linear_probe_accuracy")).doubleValue();
      assertTrue(knn >= 0 && knn <= 1 && linear >= 0 && linear <= 1, row.toString());
    }
    // The squares are easy: raw pixels separate them, and so must the supervised encoder.
    assertTrue(((Number) ((Map<String, Object>) rows.get(1)).get("linear_probe_accuracy")).doubleValue() > 0.9, rows.toString());
    List<Object> epochs = (List<Object>) m.get("epochs");
    assertEquals(2, epochs.size());
    assertNotNull(((Map<String, Object>) epochs.get(1)).get("monitor"), "per-epoch kNN recorded");
    assertPng(out.resolve("loss.png"));
    assertPng(out.resolve("accuracy.png"));
    assertTrue(Files.isRegularFile(out.resolve("checkpoints/epoch-0002.ckpt")));
    assertTrue(Files.isRegularFile(out.resolve("supervised/checkpoints/epoch-0002.ckpt")));

    // Evaluation of the stored run reproduces the trained encoder's scores (same checkpoint, same data).
    Run e = run("eval", "--run", out.toString(), "--data", data.toString(), "--threads", "1");
    assertEquals(0, e.code(), e.err());
    List<Object> again = (List<Object>) TestJson.parse(Files.readString(out.resolve("eval.json")));
    assertEquals(((Map<String, Object>) rows.get(0)).get("knn_accuracy"), ((Map<String, Object>) again.get(0)).get("knn_accuracy"));

    // Starting over in the same directory is refused; --resume with other settings is refused.
    Run twice = run(args(new String[] {"simclr", "--data", data.toString(), "--out", out.toString(), "--epochs", "2"}));
    assertEquals(1, twice.code());
    assertTrue(twice.err().contains("already holds a run"), twice.err());
    Run other = run(args(new String[] {"simclr", "--data", data.toString(), "--out", out.toString(), "--epochs", "3", "--resume"}));
    assertEquals(1, other.code());
    assertTrue(other.err().contains("other settings"), other.err());
  }

  @Test
  @SuppressWarnings("unchecked")
  void mocoQueueSweepPlotsAccuracyAgainstK() throws IOException {
    Path data = data(dir, 160, 64);
    Path out = dir.resolve("sweep");
    Run r = run(args(new String[] {"moco", "--data", data.toString(), "--out", out.toString(), "--epochs", "1", "--sweep-queue", "16,50",
        "--no-monitor"}));
    assertEquals(0, r.code(), r.err());
    Map<String, Object> m = TestJson.object(Files.readString(out.resolve("sweep.json")));
    List<Object> points = (List<Object>) m.get("points");
    assertEquals(2, points.size());
    assertEquals(50, ((Number) ((Map<String, Object>) points.get(1)).get("queue")).intValue());
    assertPng(out.resolve("sweep.png"));
    assertTrue(Files.isRegularFile(out.resolve("queue-16/checkpoints/epoch-0001.ckpt")));
    String epochs = Files.readString(out.resolve("queue-16/epochs.json"));
    assertTrue(epochs.contains("\"monitor\": null"), "--no-monitor: no per-epoch kNN: " + epochs);
  }

  @Test
  void noEvalTrainsOnlyAndEvalCommandScoresLater() throws IOException {
    Path data = data(dir, 96, 48);
    Path out = dir.resolve("plain");
    Run r = run(args(new String[] {"moco", "--data", data.toString(), "--out", out.toString(), "--epochs", "1", "--queue", "40",
        "--no-eval"}));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("infonce4j eval --run"), r.out());
    assertTrue(Files.notExists(out.resolve("metrics.json")), "nothing evaluated");
    assertTrue(Files.notExists(out.resolve("supervised")), "no baseline trained");
    Run e = run("eval", "--run", out.toString(), "--data", data.toString(), "--threads", "1", "--baselines");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("moco (1 ep)") && e.out().contains("raw pixels") && e.out().contains("random init"), e.out());
  }

  @Test
  void absurdNetworkSizesAreNamedBeforeAnythingIsBuilt() {
    for (String[] bad : new String[][] {{"--width", "100000", "width must lie in 1..1024, got 100000"}, {"--batch", "1", "batch must lie in 2.."},
        {"--projection", "0", "projection must lie in 1.."}, {"--epochs", "0", "epochs must lie in 1.."}}) {
      Path out = dir.resolve("never");
      Run r = run("simclr", bad[0], bad[1], "--out", out.toString(), "--data", dir.resolve("no-data").toString());
      assertEquals(1, r.code(), r.err());
      assertTrue(r.err().contains(bad[2]) && !r.err().contains("Exception"), r.err());
      assertTrue(Files.notExists(out), "nothing written");
    }
  }

  @Test
  void benchStepTimesEveryRecipe() {
    for (String recipe : new String[] {"simclr", "moco", "supervised"}) {
      Run r = run("bench-step", "--recipe", recipe, "--batch", "8", "--width", "4", "--threads", "1", "--warmup", "1", "--steps", "2",
          "--repeats", "2", "--json");
      assertEquals(0, r.code(), r.err());
      Map<String, Object> m = TestJson.object(r.out().trim());
      assertEquals(recipe, m.get("recipe"));
      assertTrue(((Number) m.get("images_per_second")).doubleValue() > 0, r.out());
      assertEquals(2, ((List<?>) m.get("images_per_second_all")).size());
    }
    Run bad = run("bench-step", "--recipe", "byol");
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("--recipe must be simclr, moco or supervised"), bad.err());
  }

  @Test
  void missingDataSaysHowToInstallIt() {
    Run r = run("simclr", "--data", dir.resolve("nowhere").toString(), "--out", dir.resolve("x").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("dataset-fashion-mnist"), r.err());
  }

  @Test
  void evalOfANonRunIsAClearError() {
    Run r = run("eval", "--run", dir.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("not a run directory"), r.err());
  }
}
