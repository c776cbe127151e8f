package org.infonce4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;

/**
 * CLIP training on image-caption pairs held in memory (issue 5, in progress: run directories,
 * checkpoints, gradient caching and the CLI come next): both towers and the logit scale trained by
 * AdamW on the symmetric loss, the scale clamped at log 100 after every step.
 */
public final class ClipTraining {

  /**
   * @param epochs passes over the pairs
   * @param batch  pairs per step (the in-batch negatives: batch - 1 per image and per caption)
   * @param lr     AdamW's learning rate
   * @param seed   seed of initialisation and order
   */
  record Config(int epochs, int batch, double lr, int width, int hidden, int embed, long seed) {}

  /** Per-epoch mean loss and the logit scale (exp of the log scale) after each epoch. */
  record Result(double[] loss, double[] scale) {}

  /** The pairs: n images (3 x side x side each) and their captions (n x tokens ids, real lengths). */
  record Pairs(float[] pixels, int side, int[] tokens, int[] lengths, int n, int t) {
    float[] images(int[] index, int from, int b) {
      int px = 3 * side * side;
      float[] out = new float[b * px];
      for (int i = 0; i < b; i++) System.arraycopy(pixels, index[from + i] * px, out, i * px, px);
      return out;
    }

    int[] captions(int[] index, int from, int b, int[] lengthsOut) {
      int[] out = new int[b * t];
      for (int i = 0; i < b; i++) {
        System.arraycopy(tokens, index[from + i] * t, out, i * t, t);
        lengthsOut[i] = lengths[index[from + i]];
      }
      return out;
    }
  }

  private ClipTraining() {}

  static ClipModel model(Config c, int vocabulary, Pairs data) {
    Engine.getInstance().setRandomSeed((int) c.seed());
    return new ClipModel(vocabulary, data.t(), data.side(), c.width(), c.hidden(), c.embed());
  }

  static Result train(Config c, ClipModel model, Pairs data) {
    if (data.n() < c.batch()) throw new IllegalArgumentException("the batch (" + c.batch() + ") is larger than the pairs (" + data.n() + ")");
    Optimizer opt = new Optimizer(Optimizer.Kind.ADAMW, model.parameters(), model.manager(), 0.9f, 0.01f);
    double[] losses = new double[c.epochs()];
    double[] scales = new double[c.epochs()];
    int steps = data.n() / c.batch();
    int[] lengths = new int[c.batch()];
    for (int e = 0; e < c.epochs(); e++) {
      int[] order = Pretraining.permutation(data.n(), new SplittableRandom(c.seed() * 1_000_003L + e));
      double sum = 0;
      for (int s = 0; s < steps; s++) {
        int from = s * c.batch();
        try (NDManager m = model.manager().newSubManager()) {
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray img = model.images(m, data.images(order, from, c.batch()), c.batch(), data.side(), true);
            NDArray txt = model.captions(m, data.captions(order, from, c.batch(), lengths), lengths, c.batch(), data.t(), true);
            NDArray loss = InfoNceLoss.clip(img, txt, model.logScale());
            gc.backward(loss);
            sum += loss.getFloat();
          }
          opt.step((float) c.lr());
          InfoNceLoss.clampLogScale(model.logScale());
        }
      }
      losses[e] = sum / steps;
      scales[e] = Math.exp(model.logScale().getFloat());
    }
    return new Result(losses, scales);
  }

  /**
   * One plain step: both towers on the whole batch with one graph, the symmetric loss, backward.
   * Gradients land in the parameters; the caller steps the optimiser. Returns the loss.
   */
  static float plainStep(ClipModel model, float[] images, int[] captions, int[] lengths, int b, Pairs shape) {
    try (NDManager m = model.manager().newSubManager()) {
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray img = model.images(m, images, b, shape.side(), true);
        NDArray txt = model.captions(m, captions, lengths, b, shape.t(), true);
        NDArray loss = InfoNceLoss.clip(img, txt, model.logScale());
        gc.backward(loss);
        return loss.getFloat();
      }
    }
  }

  /**
   * One gradient-cached step (Gao et al. 2021) with the same gradients as {@link #plainStep}: embed
   * the batch chunk by chunk without a graph; compute the loss and its gradient with respect to every
   * embedding (and the logit scale) on the embeddings alone; then re-encode each chunk with a graph
   * and back-propagate {@code sum(embedding * cached gradient)}. Peak memory holds one chunk's
   * activations instead of the batch's.
   */
  static float cachedStep(ClipModel model, float[] images, int[] captions, int[] lengths, int b, int chunk, Pairs shape) {
    int px = 3 * shape.side() * shape.side();
    int t = shape.t();
    int e;
    float[] imgEmb;
    float[] txtEmb;
    try (NDManager m = model.manager().newSubManager()) { // 1. embeddings without a graph
      NDArray[] parts = new NDArray[2];
      java.util.List<NDArray> is = new java.util.ArrayList<>();
      java.util.List<NDArray> ts = new java.util.ArrayList<>();
      for (int c0 = 0; c0 < b; c0 += chunk) {
        int nb = Math.min(chunk, b - c0);
        is.add(model.images(m, java.util.Arrays.copyOfRange(images, c0 * px, (c0 + nb) * px), nb, shape.side(), true).stopGradient());
        ts.add(model.captions(m, java.util.Arrays.copyOfRange(captions, c0 * t, (c0 + nb) * t), java.util.Arrays.copyOfRange(lengths, c0, c0 + nb),
            nb, t, true).stopGradient());
      }
      parts[0] = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(is));
      parts[1] = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(ts));
      e = (int) parts[0].getShape().get(1);
      imgEmb = parts[0].toFloatArray();
      txtEmb = parts[1].toFloatArray();
    }
    float loss;
    float[] gImg;
    float[] gTxt;
    try (NDManager m = model.manager().newSubManager()) { // 2. the loss on the embeddings alone
      NDArray img = m.create(imgEmb, new ai.djl.ndarray.types.Shape(b, e));
      NDArray txt = m.create(txtEmb, new ai.djl.ndarray.types.Shape(b, e));
      img.setRequiresGradient(true);
      txt.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray l = InfoNceLoss.clip(img, txt, model.logScale()); // the logit scale's gradient lands in its parameter here
        gc.backward(l);
        loss = l.getFloat();
      }
      gImg = img.getGradient().toFloatArray();
      gTxt = txt.getGradient().toFloatArray();
    }
    for (int c0 = 0; c0 < b; c0 += chunk) { // 3. each chunk again, with a graph
      int nb = Math.min(chunk, b - c0);
      try (NDManager m = model.manager().newSubManager()) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray img = model.images(m, java.util.Arrays.copyOfRange(images, c0 * px, (c0 + nb) * px), nb, shape.side(), true);
          NDArray txt = model.captions(m, java.util.Arrays.copyOfRange(captions, c0 * t, (c0 + nb) * t), java.util.Arrays.copyOfRange(lengths, c0, c0 + nb),
              nb, t, true);
          NDArray gi = m.create(java.util.Arrays.copyOfRange(gImg, c0 * e, (c0 + nb) * e), new ai.djl.ndarray.types.Shape(nb, e));
          NDArray gt = m.create(java.util.Arrays.copyOfRange(gTxt, c0 * e, (c0 + nb) * e), new ai.djl.ndarray.types.Shape(nb, e));
          gc.backward(img.mul(gi).sum().add(txt.mul(gt).sum()));
        }
      }
    }
    return loss;
  }

  /** One step's loss, every parameter's gradient (concatenated in parameter order) and its wall time. */
  public record StepGradients(float loss, float[] gradients, double seconds) {}

  /**
   * One training step on {@code b} generated scenes ({@code side} pixels, captions of up to 16
   * tokens), plain ({@code chunk} = 0) or gradient-cached in chunks of {@code chunk}, from a model
   * initialised with {@code seed}: what the gradient-caching benchmark compares (run each mode in its
   * own process to compare peak memory).
   */
  public static StepGradients benchmarkStep(int b, int chunk, int side, int width, long seed) {
    java.util.List<org.infonce4j.clip.Scenes.Scene> scenes = new org.infonce4j.clip.Scenes(side).generate(b, seed, java.util.Set.of());
    java.util.List<String> texts = new java.util.ArrayList<>();
    for (org.infonce4j.clip.Scenes.Scene s : scenes) texts.add(s.caption());
    org.infonce4j.clip.Tokenizer tok = org.infonce4j.clip.Tokenizer.build(texts, 1);
    int t = 16;
    float[] px = new float[b * 3 * side * side];
    int[] tokens = new int[b * t];
    int[] lengths = new int[b];
    for (int i = 0; i < b; i++) {
      System.arraycopy(scenes.get(i).pixels(), 0, px, i * 3 * side * side, 3 * side * side);
      lengths[i] = tok.encode(scenes.get(i).caption(), t, tokens, i * t);
    }
    Pairs data = new Pairs(px, side, tokens, lengths, b, t);
    Config c = new Config(1, b, 1e-3, width, 128, 64, seed);
    try (ClipModel model = model(c, tok.size(), data)) {
      long t0 = System.nanoTime();
      float loss = chunk > 0 ? cachedStep(model, px, tokens, lengths, b, chunk, data) : plainStep(model, px, tokens, lengths, b, data);
      double seconds = (System.nanoTime() - t0) / 1e9;
      java.util.List<float[]> parts = new java.util.ArrayList<>();
      int total = 0;
      for (ai.djl.nn.Parameter p : model.parameters()) {
        float[] g = p.getArray().getGradient().toFloatArray();
        parts.add(g);
        total += g.length;
      }
      float[] all = new float[total];
      int at = 0;
      for (float[] g : parts) {
        System.arraycopy(g, 0, all, at, g.length);
        at += g.length;
      }
      return new StepGradients(loss, all, seconds);
    }
  }

  /** Text-to-image recall@k: the share of captions whose own image is among the k most similar of all n images. */
  static double textToImageRecall(ClipModel model, Pairs data, int k) {
    int n = data.n();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) all[i] = i;
    int[] lengths = new int[n];
    float[] sim;
    try (NDManager m = model.manager().newSubManager()) {
      NDArray img = model.images(m, data.images(all, 0, n), n, data.side(), false).normalize(2, 1);
      NDArray txt = model.captions(m, data.captions(all, 0, n, lengths), lengths, n, data.t(), false).normalize(2, 1);
      sim = txt.matMul(img.transpose()).toFloatArray(); // n x n: caption i against image j
    }
    int hits = 0;
    for (int i = 0; i < n; i++) {
      float own = sim[i * n + i];
      int better = 0;
      for (int j = 0; j < n; j++) if (j != i && sim[i * n + j] > own) better++;
      if (better < k) hits++;
    }
    return hits / (double) n;
  }
}
