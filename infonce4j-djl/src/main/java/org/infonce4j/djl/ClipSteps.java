package org.infonce4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.infonce4j.clip.Scenes;
import org.infonce4j.clip.Tokenizer;
import org.infonce4j.loss.InfoNce;

/**
 * CLIP's training step, plain or gradient-cached (Gao et al. 2021), and the one-step benchmark that
 * compares them.
 */
public final class ClipSteps {

  private ClipSteps() {
  }

  /** The loss of a batch's embeddings and log scale. */
  interface StepLoss {
    NDArray loss(NDArray image, NDArray text, NDArray logScale);
  }

  /**
   * One plain step: both towers on the whole batch with one graph, the symmetric loss, backward.
   * Gradients land in the parameters; the caller steps the optimiser. Returns the loss.
   */
  static float plainStep(ClipModel model, StepLoss lossFn, float[] images, int[] captions, int[] lengths, int b, ClipData.Pairs shape) {
    try (NDManager m = model.manager().newSubManager()) {
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray img = model.images(m, images, b, shape.side(), true);
        NDArray txt = model.captions(m, captions, lengths, b, shape.t(), true);
        NDArray loss = lossFn.loss(img, txt, model.logScale());
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
  static float cachedStep(ClipModel model, StepLoss lossFn, float[] images, int[] captions, int[] lengths, int b, int chunk, ClipData.Pairs shape) {
    int px = 3 * shape.side() * shape.side();
    int t = shape.t();
    int e;
    float[] imgEmb;
    float[] txtEmb;
    try (NDManager m = model.manager().newSubManager()) { // 1. embeddings without a graph
      List<NDArray> is = new ArrayList<>();
      List<NDArray> ts = new ArrayList<>();
      for (int c0 = 0; c0 < b; c0 += chunk) {
        int nb = Math.min(chunk, b - c0);
        is.add(model.images(m, Arrays.copyOfRange(images, c0 * px, (c0 + nb) * px), nb, shape.side(), true).stopGradient());
        ts.add(model.captions(m, Arrays.copyOfRange(captions, c0 * t, (c0 + nb) * t), Arrays.copyOfRange(lengths, c0, c0 + nb), nb, t, true).stopGradient());
      }
      NDArray img = NDArrays.concat(new NDList(is));
      e = (int) img.getShape().get(1);
      imgEmb = img.toFloatArray();
      txtEmb = NDArrays.concat(new NDList(ts)).toFloatArray();
    }
    float loss;
    float[] gImg;
    float[] gTxt;
    try (NDManager m = model.manager().newSubManager()) { // 2. the loss on the embeddings alone
      NDArray img = m.create(imgEmb, new Shape(b, e));
      NDArray txt = m.create(txtEmb, new Shape(b, e));
      img.setRequiresGradient(true);
      txt.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray l = lossFn.loss(img, txt, model.logScale()); // the logit scale's gradient lands in its parameter here
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
          NDArray img = model.images(m, Arrays.copyOfRange(images, c0 * px, (c0 + nb) * px), nb, shape.side(), true);
          NDArray txt = model.captions(m, Arrays.copyOfRange(captions, c0 * t, (c0 + nb) * t), Arrays.copyOfRange(lengths, c0, c0 + nb), nb, t, true);
          NDArray gi = m.create(Arrays.copyOfRange(gImg, c0 * e, (c0 + nb) * e), new Shape(nb, e));
          NDArray gt = m.create(Arrays.copyOfRange(gTxt, c0 * e, (c0 + nb) * e), new Shape(nb, e));
          gc.backward(img.mul(gi).sum().add(txt.mul(gt).sum()));
        }
      }
    }
    return loss;
  }

  /**
   * One step's loss, every parameter's gradient (concatenated in parameter order) and its wall time.
   *
   * @param loss      the step's loss
   * @param gradients every trained parameter's gradient, flattened and concatenated
   * @param seconds   the step's wall time, forward and backward
   */
  public record StepGradients(float loss, float[] gradients, double seconds) {
  }

  /**
   * One training step on {@code b} generated scenes ({@code side} pixels, captions of up to 16
   * tokens), plain ({@code chunk} = 0) or gradient-cached in chunks of {@code chunk}, from a model
   * initialised with {@code seed}, the loss in the graph or from the core engine: what the
   * gradient-caching benchmark compares (run each mode in its own process to compare peak memory).
   *
   * @param b      pairs in the batch, at least 2
   * @param chunk  gradient-caching chunk, or 0 for the plain step
   * @param side   image side in pixels, in [16, 256]
   * @param width  CNN width
   * @param seed   seed of the scenes and the initialisation
   * @param engine where the loss is computed
   * @return the loss, the gradients and the step's time
   * @throws IllegalArgumentException when {@code b < 2} or {@code side} is out of range
   */
  public static StepGradients benchmarkStep(int b, int chunk, int side, int width, long seed, ClipConfig.LossEngine engine) {
    List<Scenes.Scene> scenes = new Scenes(side).generate(b, seed, Set.of());
    List<String> texts = scenes.stream().map(Scenes.Scene::caption).toList();
    Tokenizer tok = Tokenizer.build(texts, 1);
    ClipData.Pairs data = ClipData.Pairs.of(scenes.stream().map(Scenes.Scene::pixels).toList(), texts, tok, side, 16);
    float[] images = data.images(ClipEvaluation.identity(b), 0, b);
    ClipConfig c = new ClipConfig(null, b, side, 16, 0, 0, List.of(), 1, b, 1e-3, 0, 0, width, 128, 64, 0.07, 0, ClipConfig.LossEngine.FULL, 1, 0, seed, 1);
    try (ClipModel model = ClipTraining.model(c, tok.size()); InfoNce core = engine == ClipConfig.LossEngine.CORE ? InfoNce.create(2) : null) {
      StepLoss fn = engine == ClipConfig.LossEngine.CORE ? (i, t, s) -> InfoNceLoss.clipViaCore(core, i, t, s) : InfoNceLoss::clip;
      long t0 = System.nanoTime();
      float loss = chunk > 0 ? cachedStep(model, fn, images, data.tokens(), data.lengths(), b, chunk, data)
          : plainStep(model, fn, images, data.tokens(), data.lengths(), b, data);
      double seconds = (System.nanoTime() - t0) / 1e9;
      List<float[]> parts = new ArrayList<>();
      int total = 0;
      for (Parameter p : model.parameters()) {
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
}
