package org.infonce4j.cli;

import static org.infonce4j.cli.ImageRecipe.or;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.infonce4j.clip.Images;
import org.infonce4j.clip.Retrieval;
import org.infonce4j.clip.Scenes;
import org.infonce4j.djl.ClipTraining;
import org.infonce4j.djl.ClipEvaluation;
import org.infonce4j.djl.ClipData;
import org.infonce4j.djl.ClipConfig;
import org.infonce4j.djl.DjlEnvironment;
import org.infonce4j.io.AtomicFile;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code infonce4j clip train|eval|search}: CLIP on captioned scenes (or a TSV of pairs), evaluated by retrieval and zero-shot prompts. */
@Command(name = "clip", mixinStandardHelpOptions = true, subcommands = {ClipCommand.Train.class, ClipCommand.Eval.class, ClipCommand.Search.class},
    description = {"CLIP: an image encoder and a caption encoder trained together with the symmetric InfoNCE loss and a learned temperature.",
        "  clip train             trains on generated captioned scenes (or --pairs FILE.tsv), reports retrieval and zero-shot accuracy",
        "  clip eval --run DIR    evaluates a run's latest checkpoint again",
        "  clip search --run DIR \"a red circle\"   the held-out images closest to a query, as a PNG contact sheet"})
final class ClipCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Trains CLIP and evaluates it after every epoch on held-out data: text-to-image and image-to-text recall@1/5/10 in a pool",
          "of held-out pairs (with chance and the ceiling: scenes a caption describes equally well), zero-shot colour and shape of",
          "single-shape scenes by prompts (\"a photo of a red shape\", \"a photo of a circle\") on seen and held-out combinations, and the",
          "learned temperature. Checkpoints every epoch; --resume continues a stopped run."})
  static final class Train implements Callable<Integer>, EngineOptions.Defaults {
    @Spec
    CommandSpec spec;

    @Option(names = "--pairs", paramLabel = "FILE.tsv",
        description = "Train on your own pairs: one 'image path<TAB>caption' a line (paths relative to the file); a fifth at most held out (default: generated scenes).")
    Path pairs;

    @Option(names = "--scenes", paramLabel = "N", description = "Generated training scenes (default: 60000).")
    Integer scenes;

    @Option(names = "--held-out", split = ",", paramLabel = "COMBO",
        description = "Colour-shape combinations kept out of training, as 'red circle' (default: red circle,green square,blue triangle,yellow cross).")
    List<String> heldOut;

    @Option(names = "--partial", paramLabel = "P",
        description = "Share of training captions replaced by partial ones, 'a photo of a red shape' (default: 0.25).")
    Double partial;

    @Option(names = "--grey", paramLabel = "G",
        description = "Share of training pairs shown as greyscale images with captions without colours, so shape is learned apart from colour (default: 0.2).")
    Double grey;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 8).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", description = "Pairs per step; batch - 1 negatives per image and per caption (default: 256).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "LR", description = "AdamW's peak learning rate, warm-up then cosine decay (default: 2e-3).")
    Double lr;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "AdamW's weight decay (default: 0.05).")
    Double weightDecay;

    @Option(names = "--warmup", paramLabel = "STEPS", description = "Warm-up steps (default: 200).")
    Integer warmup;

    @Option(names = "--temperature", paramLabel = "T", description = "Initial temperature of the learned logit scale, clamped at 0.01 (default: 0.07).")
    Double temperature;

    @Option(names = "--side", paramLabel = "PX", description = "Image side (default: 64).")
    Integer side;

    @Option(names = "--tokens", paramLabel = "N", description = "Caption length in words; longer captions are cut (default: 16).")
    Integer tokens;

    @Option(names = "--width", paramLabel = "W", description = "CNN width (default: 32).")
    Integer width;

    @Option(names = "--hidden", paramLabel = "H", description = "GRU state size of the caption encoder (default: 128).")
    Integer hidden;

    @Option(names = "--embed", paramLabel = "D", description = "Shared embedding size (default: 64).")
    Integer embed;

    @Option(names = "--chunk", paramLabel = "C",
        description = "Gradient caching in chunks of C pairs: the plain step's update with one chunk's memory; 0 off (default: 0).")
    Integer chunk;

    @Option(names = "--loss", paramLabel = "full|core",
        description = "Where the loss is computed: the N x N logits in the autograd graph, or the core engine tile by tile (default: full).")
    String loss;

    @Option(names = "--pool", paramLabel = "N", description = "Held-out pairs in the retrieval pool (default: 1000).")
    Integer pool;

    @Option(names = "--zero-shot", paramLabel = "N", description = "Single-shape test images per colour-shape combination (default: 50).")
    Integer zeroShot;

    @Mixin
    EngineOptions.Seed seed;

    @Mixin
    EngineOptions.Threads threads;

    @Mixin
    RunOptions runOptions;

    ClipConfig config() {
      ClipConfig d = ClipConfig.defaults();
      return new ClipConfig(pairs == null ? null : pairs.toString(), or(scenes, d.scenes()), or(side, d.side()), or(tokens, d.tokens()),
          or(partial, pairs == null ? d.partial() : 0.0), or(grey, pairs == null ? d.grey() : 0.0), pairs == null ? or(heldOut, d.heldOut()) : List.of(),
          or(epochs, d.epochs()), or(batch, d.batch()),
          or(lr, d.lr()), or(weightDecay, d.weightDecay()), or(warmup, d.warmup()), or(width, d.width()), or(hidden, d.hidden()), or(embed, d.embed()),
          or(temperature, d.temperature()), or(chunk, d.chunk()), loss == null ? d.loss() : ClipConfig.LossEngine.parse(loss), or(pool, d.pool()),
          or(zeroShot, d.zeroShot()), seed.value, threads.value());
    }

    @Override
    public long defaultSeed() {
      return ClipConfig.defaults().seed();
    }

    @Override
    public int defaultThreads() {
      return ClipConfig.defaults().threads();
    }

    @Override
    public Integer call() {
      PrintWriter o = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ClipConfig c = config();
      if (pairs != null && (scenes != null || heldOut != null || partial != null || grey != null || zeroShot != null)) {
        throw new IllegalArgumentException("--scenes, --held-out, --partial, --grey and --zero-shot belong to generated scenes, not to --pairs");
      }
      DjlEnvironment.start(c.threads());
      RunDirectory run = runOptions.start("clip", c.toMap(), err);
      long t0 = System.nanoTime();
      ClipData data = ClipData.load(c, null);
      err.println(String.format(Locale.ROOT, "clip: %,d training pairs (%s), %,d held-out, vocabulary %d words; data ready in %.1f s", data.trainingPairs(),
          c.pairs() == null ? "generated scenes" : c.pairs(), data.poolSize(), data.tokenizer().size() - 2, (System.nanoTime() - t0) / 1e9));
      ProgressBar bar = new ProgressBar(err, "pairs", 500);
      Training.Listener<ClipTraining.EpochLog> progress = new Training.Listener<>() {
        @Override
        public void step(Training.Step s) {
          if (s.step() == 1) {
            bar.start("clip epoch " + s.unit() + "/" + c.epochs(), s.steps() * c.batch(), 0);
          }
          bar.update(s.step() * c.batch(), s.loss());
          if (s.step() == s.steps()) bar.finish();
        }

        @Override
        public void unit(ClipTraining.EpochLog log) {
          ClipEvaluation e = log.eval();
          err.println(String.format(Locale.ROOT, "  epoch %d: loss %.4f, logit scale %.1f (temperature %.4f), text->image R@1 %.1f%% R@10 %.1f%%%s, %.0f s",
              log.epoch(), log.loss(), log.scale(), 1 / log.scale(), 100 * e.textToImage().recall()[0], 100 * e.textToImage().recall()[2],
              e.ensemble() == null ? "" : String.format(Locale.ROOT, ", zero-shot (prompt ensembles) colour %.1f/%.1f%% shape %.1f/%.1f%% (seen/held-out)",
                  100 * e.ensemble().colourSeen(), 100 * e.ensemble().colourHeldOut(), 100 * e.ensemble().shapeSeen(), 100 * e.ensemble().shapeHeldOut()),
              log.seconds()));
          err.flush();
        }
      };
      try (ClipTraining.Trained t = ClipTraining.train(c, data, run, progress)) {
        double minutes = t.epochs().stream().mapToDouble(ClipTraining.EpochLog::seconds).sum() / 60;
        o.println(String.format(Locale.ROOT, "trained %d epochs in %.1f min of training steps (%s)", t.epochs().size(), minutes, DjlEnvironment.description()));
        report(o, c, data, t.epochs().get(t.epochs().size() - 1).eval(), t.epochs());
        writeReport(new Report(run.dir(), "clip", spec), c, data, t.epochs()).write("metrics.json", o);
      }
      o.flush();
      return 0;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Evaluates a CLIP run's latest checkpoint on its held-out data again (retrieval and zero-shot); writes eval.json.")
  static final class Eval implements Callable<Integer>, EngineOptions.Defaults {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "RUNDIR", description = "A clip train run directory.")
    Path runDir;

    @Mixin
    EngineOptions.Threads threads;

    @Override
    public int defaultThreads() {
      return ClipConfig.defaults().threads();
    }

    @Override
    public Integer call() {
      PrintWriter o = spec.commandLine().getOut();
      DjlEnvironment.start(threads.value());
      RunDirectory run = RunDirectory.open(runDir);
      try (ClipTraining.Trained t = ClipTraining.load(run)) {
        ClipData d = ClipData.load(t.config(), t.tokenizer());
        ClipEvaluation e = ClipEvaluation.evaluate(t.model(), d);
        o.println("run " + runDir + ", epoch " + t.epochs().size() + " of " + t.config().epochs());
        report(o, t.config(), d, e, t.epochs());
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("recipe", "clip");
        m.put("epoch", t.epochs().size());
        m.put("eval", e.toMap());
        run.writeJson("eval.json", m);
        o.println("written: " + run.file("eval.json"));
      }
      o.flush();
      return 0;
    }
  }

  @Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
      description = "The held-out images closest to a text query by a CLIP run's latest checkpoint: printed, and drawn as a PNG contact sheet.")
  static final class Search implements Callable<Integer>, EngineOptions.Defaults {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "RUNDIR", description = "A clip train run directory.")
    Path runDir;

    @Option(names = "--top", paramLabel = "K", description = "Images to show (default: 16).")
    int top = 16;

    @Option(names = "--sheet", paramLabel = "FILE.png", description = "Contact sheet (default: RUNDIR/search-<query>.png).")
    Path sheet;

    @Mixin
    EngineOptions.Threads threads;

    @Parameters(arity = "1..*", paramLabel = "QUERY", description = "The text, as \"a red circle\".")
    List<String> words;

    @Override
    public int defaultThreads() {
      return ClipConfig.defaults().threads();
    }

    @Override
    public Integer call() {
      if (top < 1) throw new IllegalArgumentException("--top must be positive, got " + top);
      PrintWriter o = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String query = String.join(" ", words);
      DjlEnvironment.start(threads.value());
      RunDirectory run = RunDirectory.open(runDir);
      try (ClipTraining.Trained t = ClipTraining.load(run)) {
        List<String> unknown = ClipEvaluation.unknownWords(t.tokenizer(), query);
        if (!unknown.isEmpty()) err.println("clip search: not in the run's vocabulary (read as one unknown word): " + String.join(", ", unknown));
        ClipData d = ClipData.load(t.config(), t.tokenizer());
        List<ClipEvaluation.Hit> hits = ClipEvaluation.search(t, d, query, top);
        o.println(String.format(Locale.ROOT, "\"%s\": the %d closest of %d held-out images", query, hits.size(), d.poolSize()));
        for (int i = 0; i < hits.size(); i++) {
          ClipEvaluation.Hit h = hits.get(i);
          o.println(String.format(Locale.ROOT, "%3d  %.3f  #%-5d %s", i + 1, h.similarity(), h.index(), d.poolCaption(h.index())));
        }
        Path file = sheet != null ? sheet : run.file("search-" + slug(query) + ".png");
        contactSheet(file, query, d, hits);
        o.println("contact sheet: " + file);
      }
      o.flush();
      return 0;
    }
  }

  static String slug(String s) {
    String x = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    return x.isEmpty() ? "query" : x.length() > 60 ? x.substring(0, 60) : x;
  }

  /** The hits in a grid of up to 8 columns, each image enlarged to 128 pixels with its rank and similarity. */
  static void contactSheet(Path file, String query, ClipData d, List<ClipEvaluation.Hit> hits) {
    int cell = 128;
    int cols = Math.min(8, hits.size());
    int rows = (hits.size() + cols - 1) / cols;
    int head = 34;
    int label = 20;
    BufferedImage img = new BufferedImage(cols * (cell + 8) + 8, head + rows * (cell + label + 8), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString("\"" + query + "\"", 8, 22);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    for (int i = 0; i < hits.size(); i++) {
      int x = 8 + (i % cols) * (cell + 8);
      int y = head + (i / cols) * (cell + label + 8);
      g.drawImage(Images.fromChannelsFirst(d.poolImage(hits.get(i).index()), d.side()), x, y, cell, cell, null);
      g.drawString(String.format(Locale.ROOT, "%d.  %.3f", i + 1, hits.get(i).similarity()), x, y + cell + 14);
    }
    g.dispose();
    AtomicFile.write(file, out -> {
      if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer");
    });
  }

  /** Recall both ways with chance and ceiling, zero-shot accuracy with chance, the temperature's path. */
  static void report(PrintWriter o, ClipConfig c, ClipData d, ClipEvaluation e, List<ClipTraining.EpochLog> epochs) {
    o.println(String.format(Locale.ROOT, "retrieval in a pool of %d held-out pairs:", d.poolSize()));
    o.println(String.format(Locale.ROOT, "  %-14s %8s %8s %8s", "", "R@1", "R@5", "R@10"));
    row(o, "text->image", e.textToImage().recall());
    row(o, "image->text", e.imageToText().recall());
    row(o, "chance", e.textToImage().chance());
    row(o, "ceiling t->i", e.textToImage().ceiling());
    row(o, "ceiling i->t", e.imageToText().ceiling());
    o.println("  (ceiling: the best any model can do when a caption describes other pool images equally well)");
    if (e.prompt() != null) {
      int held = c.heldOut().size();
      o.println(String.format(Locale.ROOT, "zero-shot on single shapes, %d images per combination; held out of training: %s", c.zeroShot(),
          held == 0 ? "none" : String.join(", ", c.heldOut())));
      o.println(String.format(Locale.ROOT, "  %-34s %12s %12s %8s", "", "seen (" + (Scenes.Colour.values().length * Scenes.Shape.values().length - held) + ")",
          "held out (" + held + ")", "chance"));
      zeroShot(o, "one prompt (\"" + Scenes.colourPrompt(Scenes.Colour.RED) + "\")", "colour", e.prompt().colourSeen(), e.prompt().colourHeldOut(),
          Scenes.Colour.values().length);
      zeroShot(o, "one prompt (\"" + Scenes.shapePrompt(Scenes.Shape.CIRCLE) + "\")", "shape", e.prompt().shapeSeen(), e.prompt().shapeHeldOut(),
          Scenes.Shape.values().length);
      zeroShot(o, "ensemble of " + ClipEvaluation.colourPrompts(Scenes.Colour.RED).size() + " prompts", "colour", e.ensemble().colourSeen(),
          e.ensemble().colourHeldOut(), Scenes.Colour.values().length);
      zeroShot(o, "ensemble of " + ClipEvaluation.shapePrompts(Scenes.Shape.CIRCLE).size() + " prompts", "shape", e.ensemble().shapeSeen(),
          e.ensemble().shapeHeldOut(), Scenes.Shape.values().length);
      StringBuilder each = new StringBuilder("  each held-out combination, colour / shape (one prompt; ensemble):");
      for (String h : c.heldOut()) {
        String key = h.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        double[] p = e.prompt().byCombination().get(key);
        double[] q = e.ensemble().byCombination().get(key);
        if (p != null) each.append(String.format(Locale.ROOT, "  %s %.0f/%.0f%%; %.0f/%.0f%%", h, 100 * p[0], 100 * p[1], 100 * q[0], 100 * q[1]));
      }
      o.println(each);
    }
    if (!epochs.isEmpty()) {
      double first = epochs.get(0).scaleTrace().length > 0 ? epochs.get(0).scaleTrace()[0] : epochs.get(0).scale();
      double last = epochs.get(epochs.size() - 1).scale();
      o.println(String.format(Locale.ROOT, "learned logit scale %.1f -> %.1f (temperature %.4f -> %.4f; clamped at 100)", first, last, 1 / first, 1 / last));
    }
  }

  private static void zeroShot(PrintWriter o, String how, String what, double seen, double held, int classes) {
    o.println(String.format(Locale.ROOT, "  %-6s %-27s %11.1f%% %11.1f%% %7.1f%%", what, how, 100 * seen, 100 * held, 100.0 / classes));
  }

  private static void row(PrintWriter o, String name, double[] v) {
    o.println(String.format(Locale.ROOT, "  %-14s %7.1f%% %7.1f%% %7.1f%%", name, 100 * v[0], 100 * v[1], 100 * v[2]));
  }

  private static Report writeReport(Report report, ClipConfig c, ClipData d, List<ClipTraining.EpochLog> epochs) {
    Map<String, Object> m = report.metrics();
    m.put("engine", DjlEnvironment.description());
    m.put("config", c.toMap());
    m.put("training_pairs", d.trainingPairs());
    m.put("pool", d.poolSize());
    m.put("vocabulary", d.tokenizer().size());
    m.put("training_minutes", epochs.stream().mapToDouble(ClipTraining.EpochLog::seconds).sum() / 60);
    m.put("final", epochs.get(epochs.size() - 1).eval().toMap());
    m.put("epochs", epochs.stream().map(ClipTraining.EpochLog::toMap).toList());
    int n = epochs.size();
    double[] x = new double[n];
    double[][] t2i = new double[3][n];
    double[][] i2t = new double[3][n];
    double[][] zs = new double[4][n];
    double[] loss = new double[n];
    for (int i = 0; i < n; i++) {
      ClipTraining.EpochLog l = epochs.get(i);
      x[i] = l.epoch();
      loss[i] = l.loss();
      for (int k = 0; k < 3; k++) {
        t2i[k][i] = l.eval().textToImage().recall()[k];
        i2t[k][i] = l.eval().imageToText().recall()[k];
      }
      ClipEvaluation.ZeroShot z = l.eval().ensemble();
      zs[0][i] = z == null ? Double.NaN : z.colourSeen();
      zs[1][i] = z == null ? Double.NaN : z.colourHeldOut();
      zs[2][i] = z == null ? Double.NaN : z.shapeSeen();
      zs[3][i] = z == null ? Double.NaN : z.shapeHeldOut();
    }
    Retrieval.Recall last = epochs.get(n - 1).eval().textToImage();
    LinePlot recall = new LinePlot("Held-out retrieval (pool of " + d.poolSize() + ")", "epoch", "recall").wholeX();
    int[] ks = last.ks(); // the cut-offs the evaluation computed (recall arrays below are indexed alike)
    for (int k = 0; k < 3; k++) {
      recall.add("text->image R@" + ks[k], x, t2i[k], k, false).add("image->text R@" + ks[k], x, i2t[k], k, true);
    }
    recall.add("ceiling t->i R@1", new double[] {x[0], x[n - 1]}, new double[] {last.ceiling()[0], last.ceiling()[0]}, 7, true);
    report.plot("recall.png", recall);
    report.plot("loss.png", new LinePlot("Training loss (symmetric InfoNCE)", "epoch", "loss").wholeX()
        .add("loss (chance " + String.format(Locale.ROOT, "%.2f", Math.log(c.batch())) + ")", x, loss));
    List<Double> sx = new ArrayList<>();
    List<Double> sy = new ArrayList<>();
    int steps = epochs.get(0).scaleTrace().length;
    for (ClipTraining.EpochLog l : epochs) {
      for (int i = 0; i < l.scaleTrace().length; i++) {
        sx.add(l.epoch() - 1 + i / (double) Math.max(1, steps));
        sy.add(1 / l.scaleTrace()[i]);
      }
    }
    report.plot("temperature.png", new LinePlot("Learned temperature (1 / logit scale; floor 0.01)", "epoch", "temperature").wholeX()
        .add("temperature", sx.stream().mapToDouble(Double::doubleValue).toArray(), sy.stream().mapToDouble(Double::doubleValue).toArray()));
    if (!Double.isNaN(zs[0][n - 1])) {
      report.plot("zero_shot.png", new LinePlot("Zero-shot accuracy on single shapes (prompt ensembles)", "epoch", "accuracy").wholeX()
          .add("colour, seen combinations", x, zs[0], 0, false)
          .add("colour, held-out combinations", x, zs[1], 0, true).add("shape, seen combinations", x, zs[2], 1, false)
          .add("shape, held-out combinations", x, zs[3], 1, true)
          .add("colour chance", new double[] {x[0], x[n - 1]}, new double[] {1.0 / Scenes.Colour.values().length, 1.0 / Scenes.Colour.values().length}, 7, true)
          .add("shape chance", new double[] {x[0], x[n - 1]}, new double[] {1.0 / Scenes.Shape.values().length, 1.0 / Scenes.Shape.values().length}, 6, true));
    }
    return report;
  }
}
