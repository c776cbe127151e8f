package org.infonce4j.djl;

import ai.djl.engine.Engine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.infonce4j.clip.Scenes;
import org.infonce4j.clip.Tokenizer;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;

/**
 * CLIP end to end, as a recipe of the training skeleton: image-caption pairs ({@link ClipData}:
 * generated scenes, or a user's TSV), both towers ({@link ClipModel}) and the learned logit scale
 * trained by AdamW on the symmetric InfoNCE loss (the scale clamped at log 100 after every step),
 * evaluated after every epoch on held-out data ({@link ClipEvaluation}), the logit scale traced
 * over training.
 *
 * <p>Large batches two ways ({@link ClipSteps}): {@code chunk > 0} caches gradients;
 * {@link ClipConfig.LossEngine#CORE} computes the loss with the core engine tile by tile instead of
 * the full N x N logits. With a run directory, a checkpoint (model, optimiser, records) is written
 * after every epoch and a run resumes exactly: every random choice derives from the seed and the
 * epoch.
 */
public final class ClipTraining {

  /**
   * Loss per step (a window's mean is logged), the scale and timing of one epoch, and its evaluation.
   *
   * @param epoch          1-based
   * @param loss           mean training loss of the epoch's steps
   * @param scale          the logit scale {@code 1 / temperature} at the end of the epoch
   * @param lr             learning rate of the epoch's last step
   * @param pairsPerSecond training pairs per second of the epoch's steps
   * @param seconds        wall time of the epoch's steps
   * @param eval           the held-out evaluation after the epoch
   * @param scaleTrace     the logit scale every {@link #TRACE_EVERY} steps of the epoch
   */
  public record EpochLog(int epoch, double loss, double scale, double lr, double pairsPerSecond, double seconds, ClipEvaluation eval, double[] scaleTrace) {
    /**
     * The record as stored in {@code epochs.json} and the checkpoints (the temperature included).
     *
     * @return the values by name, in a fixed order
     */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("loss", loss);
      m.put("logit_scale", scale);
      m.put("temperature", 1 / scale);
      m.put("lr", lr);
      m.put("pairs_per_second", pairsPerSecond);
      m.put("seconds", seconds);
      m.put("eval", eval.toMap());
      List<Double> t = new ArrayList<>();
      for (double v : scaleTrace) t.add(v);
      m.put("logit_scale_trace", t);
      return m;
    }

    /**
     * A record from {@link #toMap()}, as read back from JSON (null numbers read as NaN).
     *
     * @param m the stored values
     * @return the record
     */
    public static EpochLog fromMap(Map<?, ?> m) {
      List<?> t = (List<?>) m.get("logit_scale_trace");
      double[] trace = new double[t.size()];
      for (int i = 0; i < trace.length; i++) trace[i] = ((Number) t.get(i)).doubleValue();
      return new EpochLog(((Number) m.get("epoch")).intValue(), num(m.get("loss")), num(m.get("logit_scale")), num(m.get("lr")), num(m.get("pairs_per_second")),
          num(m.get("seconds")), ClipEvaluation.fromMap((Map<?, ?>) m.get("eval")), trace);
    }
  }

  /** Steps between entries of an epoch's logit-scale trace. */
  public static final int TRACE_EVERY = 10;

  private static double num(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }

  /**
   * A trained (or loaded) model with its settings, tokenizer and epoch records; close it.
   *
   * @param config    the run's settings
   * @param model     the two towers and the logit scale; closed with this
   * @param tokenizer the run's tokenizer
   * @param epochs    one record per epoch, earlier sessions' included
   */
  public record Trained(ClipConfig config, ClipModel model, Tokenizer tokenizer, List<EpochLog> epochs) implements AutoCloseable {
    @Override
    public void close() {
      model.close();
    }
  }

  private ClipTraining() {
  }

  static ClipModel model(ClipConfig c, int vocabulary) {
    Engine.getInstance().setRandomSeed((int) c.seed());
    return new ClipModel(vocabulary, c.tokens(), c.side(), c.width(), c.hidden(), c.embed(), (float) Math.log(1 / c.temperature()));
  }

  /**
   * Trains on {@code data}; with a run directory writes the vocabulary, a checkpoint and {@code
   * epochs.json} after every epoch, and resumes after the latest checkpoint when there is one.
   *
   * @param c        the run's settings
   * @param data     the run's data, loaded for training (without a saved tokenizer)
   * @param run      the run directory, or null to train without checkpoints
   * @param listener hears of progress, or null
   * @return the model, its tokenizer and the epochs' records; close it
   * @throws IllegalArgumentException when the data was loaded for evaluation only or holds fewer
   *     training pairs than a batch
   * @throws IllegalStateException    when a step's loss is not finite
   */
  public static Trained train(ClipConfig c, ClipData data, RunDirectory run, Training.Listener<EpochLog> listener) {
    if (data.train == null) throw new IllegalArgumentException("the data was loaded for evaluation only");
    if (data.train.n() < c.batch())
      throw new IllegalArgumentException("the batch (" + c.batch() + ") is larger than the training pairs (" + data.train.n() + ")");
    ClipModel model = model(c, data.tokenizer.size());
    try (InfoNce engine = c.loss() == ClipConfig.LossEngine.CORE ? InfoNce.create(c.threads()) : null) {
      if (run != null) run.writeJson("vocabulary.json", data.tokenizer.words());
      Session session = new Session(c, data, model, engine);
      return new Trained(c, model, data.tokenizer, Training.run(session, run, listener).records());
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** One training run's state: the recipe the training loop runs. */
  private static final class Session implements Training.Recipe<EpochLog> {
    private final ClipConfig c;
    private final ClipData data;
    private final ClipModel model;
    private final Optimizer opt;
    private final ClipSteps.StepLoss lossFn;
    private final int steps;
    private final int[] lengths;
    private int[] order;
    private SplittableRandom pick;
    private double[] trace;
    private float lr;

    Session(ClipConfig c, ClipData data, ClipModel model, InfoNce engine) {
      this.c = c;
      this.data = data;
      this.model = model;
      this.opt = new Optimizer(Optimizer.Kind.ADAMW, model.parameters(), model.manager(), 0.9f, (float) c.weightDecay());
      this.lossFn = engine != null ? (i, t, s) -> InfoNceLoss.clipViaCore(engine, i, t, s) : InfoNceLoss::clip;
      this.steps = data.train.n() / c.batch();
      this.lengths = new int[c.batch()];
    }

    @Override
    public int units() {
      return c.epochs();
    }

    @Override
    public long steps(int epoch) {
      return steps;
    }

    @Override
    public void beginUnit(int e) {
      order = Pretraining.permutation(data.train.n(), new SplittableRandom(c.seed() * 1_000_003L + e));
      pick = new SplittableRandom(c.seed() * 7_000_003L + e);
      trace = new double[(steps + TRACE_EVERY - 1) / TRACE_EVERY];
    }

    @Override
    public double step(int e, long step) {
      int s = (int) step;
      int from = s * c.batch();
      float[] images = data.train.images(order, from, c.batch());
      int[] captions = data.train.captions(order, from, c.batch(), lengths);
      if (data.partial != null || data.colourless != null) mixViews(data, c, order, from, images, captions, lengths, pick);
      float l = c.chunk() > 0 ? ClipSteps.cachedStep(model, lossFn, images, captions, lengths, c.batch(), c.chunk(), data.train)
          : ClipSteps.plainStep(model, lossFn, images, captions, lengths, c.batch(), data.train);
      if (!Float.isFinite(l)) return l; // the loop stops the run; no update from it
      long global = (long) (e - 1) * steps + s;
      lr = Optimizer.cosineWithWarmup((float) c.lr(), global, c.warmup(), (long) c.epochs() * steps);
      opt.step(lr);
      if (s % TRACE_EVERY == 0) trace[s / TRACE_EVERY] = Math.exp(InfoNceLoss.clampLogScale(model.logScale()));
      return l;
    }

    @Override
    public EpochLog endUnit(Training.Unit u) {
      ClipEvaluation ev = ClipEvaluation.evaluate(model, data);
      return new EpochLog(u.unit(), u.meanLoss(), Math.exp(model.logScale().getFloat()), lr, u.steps() * (double) c.batch() / u.seconds(), u.seconds(), ev,
          trace);
    }

    @Override
    public Map<String, Object> toMap(EpochLog log) {
      return log.toMap();
    }

    @Override
    public EpochLog fromMap(Map<String, Object> m) {
      return EpochLog.fromMap(m);
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
      model.save(out);
      opt.save(out);
    }

    @Override
    public void load(DataInputStream in) throws IOException {
      model.load(in);
      opt.load(in);
    }
  }

  /**
   * Replaces a {@code partial} share of the batch's captions by partial descriptions of the same
   * scenes, and shows a {@code grey} share as greyscale images with captions without colours.
   */
  private static void mixViews(ClipData data, ClipConfig c, int[] order, int from, float[] images, int[] captions, int[] lengths, SplittableRandom pick) {
    int t = c.tokens();
    int px = 3 * c.side() * c.side();
    for (int i = 0; i < c.batch(); i++) {
      double u = pick.nextDouble();
      ClipData.Pairs other = u < c.partial() ? data.partial : u < c.partial() + c.grey() ? data.colourless : null;
      if (other == null) continue;
      int j = order[from + i];
      System.arraycopy(other.tokens(), j * t, captions, i * t, t);
      lengths[i] = other.lengths()[j];
      if (other == data.colourless) Scenes.greyscale(images, i * px, c.side());
    }
  }

  /**
   * The model of a run's latest checkpoint, with its settings, tokenizer and epoch records.
   *
   * @param run the run directory
   * @return the model and its records; close it
   * @throws IllegalArgumentException when the run is not a CLIP run, or has no vocabulary or no
   *     intact checkpoint
   * @throws UncheckedIOException     when the checkpoint cannot be read
   */
  public static Trained load(RunDirectory run) {
    ClipConfig c = ClipConfig.fromMap(run.config());
    if (!Files.isRegularFile(run.file("vocabulary.json"))) throw new IllegalArgumentException(run.dir() + ": no vocabulary.json");
    List<String> words = new ArrayList<>();
    if (!(run.readJsonValue("vocabulary.json") instanceof List<?> list))
      throw new IllegalArgumentException(run.file("vocabulary.json") + ": expected a list of words");
    for (Object o : list) words.add(String.valueOf(o));
    Tokenizer tok = Tokenizer.of(words);
    RunDirectory.Checkpoint cp = run.requireCheckpoint();
    ClipModel model = model(c, tok.size());
    try (DataInputStream in = cp.payload()) {
      List<EpochLog> logs = Training.records(EpochLog::fromMap, cp);
      model.load(in);
      return new Trained(c, model, tok, List.copyOf(logs));
    } catch (IOException e) {
      model.close();
      throw new UncheckedIOException(cp.file() + ": cannot read the checkpoint: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }
}
