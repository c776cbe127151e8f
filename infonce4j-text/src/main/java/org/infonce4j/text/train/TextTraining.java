package org.infonce4j.text.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.infonce4j.Matrix;
import org.infonce4j.djl.Optimizer;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;
import org.infonce4j.loss.Batch;
import org.infonce4j.loss.InfoNce;
import org.infonce4j.loss.LossResult;
import org.infonce4j.loss.LossSpec;
import org.infonce4j.text.TextEncoder;
import org.infonce4j.text.TokenBatch;

/**
 * Fine-tuning a text encoder with InfoNCE from queries to their documents, on the shared training loop.
 *
 * <p>Each step takes a batch of B (query, relevant document) pairs; every query's candidates are the batch's B documents, its own the
 * positive, known positives of the same query and repeated documents masked. The step is gradient-cached (Gao et al. 2021): all 2B
 * texts are embedded chunk by chunk without a graph, the loss and its gradient with respect to every embedding come from the core
 * engine on the embeddings alone, then each chunk is embedded again with a graph and {@code sum(embedding * gradient)} is
 * back-propagated. The parameter gradients are those of the whole batch at once, while memory holds one chunk's graph. AdamW follows,
 * its rate warmed up linearly and decayed linearly to 0 over the run.
 */
public final class TextTraining implements Training.Recipe<TextTraining.EpochLog>, AutoCloseable {

  /**
   * One epoch's record.
   *
   * @param epoch     the epoch, 1-based
   * @param meanLoss  the mean training loss
   * @param pairsPerSecond training pairs per second of the epoch's steps
   * @param seconds   the epoch's training time
   * @param dev       the dev measures after the epoch (empty without a dev split)
   */
  public record EpochLog(int epoch, double meanLoss, double pairsPerSecond, double seconds, Map<String, Double> dev) {

    /** {@return the record by name} */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("loss", meanLoss);
      m.put("pairs_per_second", pairsPerSecond);
      m.put("seconds", seconds);
      m.put("dev", dev);
      return m;
    }

    /**
     * A record from {@link #toMap}.
     *
     * @param m the values
     * @return the record
     */
    @SuppressWarnings("unchecked")
    public static EpochLog fromMap(Map<String, Object> m) {
      Map<String, Double> dev = new LinkedHashMap<>();
      ((Map<String, Object>) m.get("dev")).forEach((k, v) -> dev.put(k, ((Number) v).doubleValue()));
      return new EpochLog(((Number) m.get("epoch")).intValue(), ((Number) m.get("loss")).doubleValue(),
          ((Number) m.get("pairs_per_second")).doubleValue(), ((Number) m.get("seconds")).doubleValue(), dev);
    }
  }

  private final TextTrainingConfig c;
  private final TextEncoder encoder;
  private final PairBatches pairs;
  private final DevEvaluation dev;
  private final List<Parameter> params;
  private final Optimizer adamw;
  private final InfoNce engine;
  private final long stepsPerEpoch;
  private int[] order;

  /**
   * A recipe over {@code encoder}'s parameters (which it trains in place).
   *
   * @param c       the settings
   * @param encoder the encoder to fine-tune
   * @param pairs   the training pairs and the dev split
   * @param dev     the dev evaluation, or null for none
   */
  public TextTraining(TextTrainingConfig c, TextEncoder encoder, PairBatches pairs, DevEvaluation dev) {
    this.c = c;
    this.encoder = encoder;
    this.pairs = pairs;
    this.dev = dev;
    this.params = new ArrayList<>(encoder.block().parametersByName().values());
    this.adamw = new Optimizer(Optimizer.Kind.ADAMW, params, encoder.manager(), 0.9f, (float) c.weightDecay());
    this.engine = InfoNce.create(c.threads());
    this.stepsPerEpoch = (pairs.pairs().size() + c.batch() - 1) / c.batch();
  }

  /**
   * Runs (or resumes) the training in {@code run}.
   *
   * @param listener progress
   * @param run      the run directory
   * @return the epochs' records
   */
  public Training.Result<EpochLog> run(RunDirectory run, Training.Listener<EpochLog> listener) {
    return Training.run(this, run, listener);
  }

  @Override
  public int units() {
    return c.epochs();
  }

  @Override
  public long steps(int epoch) {
    return stepsPerEpoch;
  }

  @Override
  public void beginUnit(int epoch) {
    order = pairs.order(c.seed(), epoch);
  }

  @Override
  public double step(int epoch, long step) {
    int from = (int) (step * c.batch());
    double loss = accumulate(pairs.batch(order, from, Math.min(order.length, from + c.batch())));
    long global = (epoch - 1L) * stepsPerEpoch + step;
    adamw.step(linearWithWarmup((float) c.lr(), global, Math.round(c.warmup() * c.epochs() * stepsPerEpoch), c.epochs() * stepsPerEpoch));
    return loss;
  }

  /**
   * The batch's loss, its gradient added to the parameters' (gradient-cached, chunk by chunk).
   *
   * @param b the batch
   * @return its loss
   */
  double accumulate(PairBatches.Batch b) {
    int n = b.queries().size();
    List<String> texts = new ArrayList<>(b.queries());
    texts.addAll(b.documents()); // 2B texts: the queries, then their documents
    int dim = encoder.dimension();
    List<long[]> ids = List.of(encoder.tokenizer().ids(texts));
    List<int[]> chunks = chunks(ids);
    float[] embeddings = embed(ids, chunks); // 2B x dim, without a graph
    Matrix q = new Matrix(n, dim, Arrays.copyOfRange(embeddings, 0, n * dim));
    Matrix d = new Matrix(n, dim, Arrays.copyOfRange(embeddings, n * dim, 2 * n * dim));
    // The encoder's embeddings have unit length: the dot product is the cosine, without a second normalisation.
    LossResult r = engine.compute(Batch.of(q, d).withExcluded(b.excluded()), LossSpec.dot(c.temperature()).withSymmetric(c.symmetric())
        .withDiagnostics(false));
    float[] grad = new float[2 * n * dim]; // 2B x dim: dL/d(embedding), queries then documents
    System.arraycopy(r.anchorGrad().data(), 0, grad, 0, n * dim);
    System.arraycopy(r.candidateGrad().data(), 0, grad, n * dim, n * dim);
    backward(ids, chunks, grad);
    return r.loss();
  }

  /** The chunks of {@code texts}: positions sorted by token count, so that a chunk pads to about its own length. */
  private List<int[]> chunks(List<long[]> ids) {
    Integer[] byLength = new Integer[ids.size()];
    for (int i = 0; i < byLength.length; i++) {
      byLength[i] = i;
    }
    Arrays.sort(byLength, Comparator.comparingInt((Integer i) -> ids.get(i).length));
    List<int[]> out = new ArrayList<>();
    for (int start = 0; start < byLength.length; start += c.chunk()) {
      int end = Math.min(byLength.length, start + c.chunk());
      int[] rows = new int[end - start];
      for (int k = start; k < end; k++) {
        rows[k - start] = byLength[k];
      }
      out.add(rows);
    }
    return out;
  }

  private static TokenBatch tokens(List<long[]> ids, int[] rows) {
    long[][] seq = new long[rows.length][];
    for (int k = 0; k < rows.length; k++) {
      seq[k] = ids.get(rows[k]);
    }
    return TokenBatch.of(seq);
  }

  /** The texts' embeddings, chunk by chunk, without a graph: texts x dim, input order. */
  private float[] embed(List<long[]> ids, List<int[]> chunks) {
    int dim = encoder.dimension();
    float[] out = new float[ids.size() * dim]; // texts x dim
    for (int[] rows : chunks) {
      try (NDManager m = encoder.manager().newSubManager()) {
        float[] e = encoder.forward(m, tokens(ids, rows), true).toFloatArray(); // chunk x dim
        for (int k = 0; k < rows.length; k++) {
          System.arraycopy(e, k * dim, out, rows[k] * dim, dim);
        }
      }
    }
    return out;
  }

  /** Each chunk embedded again with a graph, and {@code sum(embedding * grad)} back-propagated into the parameters' gradients. */
  private void backward(List<long[]> ids, List<int[]> chunks, float[] grad) {
    int dim = encoder.dimension();
    for (int[] rows : chunks) {
      float[] g = new float[rows.length * dim]; // chunk x dim
      for (int k = 0; k < rows.length; k++) {
        System.arraycopy(grad, rows[k] * dim, g, k * dim, dim);
      }
      try (NDManager m = encoder.manager().newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray e = encoder.forward(m, tokens(ids, rows), true);
        gc.backward(e.mul(m.create(g, new Shape(rows.length, dim))).sum());
      }
    }
  }

  /**
   * The learning rate of a linear warm-up and linear decay to 0 (the schedule of sentence-transformers' fit).
   *
   * @param base   the peak rate
   * @param step   the step, 0-based over the run
   * @param warmup warm-up steps
   * @param total  steps of the run
   * @return the rate of {@code step}
   */
  static float linearWithWarmup(float base, long step, long warmup, long total) {
    if (step < warmup) {
      return base * (step + 1) / warmup;
    }
    return base * Math.max(0, total - step) / (float) Math.max(1, total - warmup);
  }

  @Override
  public EpochLog endUnit(Training.Unit u) {
    Map<String, Double> measures = dev == null ? Map.of() : dev.evaluate(encoder);
    return new EpochLog(u.unit(), u.meanLoss(), pairs.pairs().size() / u.seconds(), u.seconds(), measures);
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
    encoder.block().saveParameters(out);
    adamw.save(out);
  }

  @Override
  public void load(DataInputStream in) throws IOException {
    try {
      encoder.block().loadParameters(encoder.manager(), in);
    } catch (ai.djl.MalformedModelException e) {
      throw new IOException("the checkpoint does not match this encoder: " + e.getMessage(), e);
    }
    for (Parameter p : params) {
      p.getArray().setRequiresGradient(true);
    }
    adamw.load(in);
  }

  @Override
  public void close() {
    engine.close();
  }
}
