package org.infonce4j.djl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.infonce4j.clip.Scenes;
import org.infonce4j.clip.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CLIP on tiny generated scenes: the loss falls, the scale clamp holds, recall on the training pairs beats chance. */
class ClipTrainingTest {

  @BeforeAll
  static void engine() {
    DjlEnvironment.start(1);
  }

  private static ClipTraining.Pairs pairs(List<Scenes.Scene> scenes, Tokenizer tok, int t, int side) {
    int n = scenes.size();
    float[] px = new float[n * 3 * side * side];
    int[] tokens = new int[n * t];
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(scenes.get(i).pixels(), 0, px, i * 3 * side * side, 3 * side * side);
      lengths[i] = tok.encode(scenes.get(i).caption(), t, tokens, i * t);
    }
    return new ClipTraining.Pairs(px, side, tokens, lengths, n, t);
  }

  @Test
  void learnsToMatchCaptionsAndClampsTheScale() {
    int side = 16;
    List<Scenes.Scene> scenes = new Scenes(side).generate(128, 1, Set.of());
    List<String> captions = new ArrayList<>();
    for (Scenes.Scene s : scenes) captions.add(s.caption());
    Tokenizer tok = Tokenizer.build(captions, 1);
    ClipTraining.Pairs data = pairs(scenes, tok, 16, side);
    ClipTraining.Config c = new ClipTraining.Config(25, 32, 1e-2, 8, 32, 16, 3);
    try (ClipModel model = ClipTraining.model(c, tok.size(), data)) {
      double before = ClipTraining.textToImageRecall(model, data, 5);
      ClipTraining.Result r = ClipTraining.train(c, model, data);
      double after = ClipTraining.textToImageRecall(model, data, 5);
      assertTrue(r.loss()[c.epochs() - 1] < r.loss()[0] - 0.3, "loss falls: " + java.util.Arrays.toString(r.loss()));
      for (double s : r.scale()) assertTrue(s <= 100 + 1e-3, "logit scale clamped at 100: " + s);
      assertTrue(after > 3 * 5.0 / 128 && after > before, "text-to-image recall@5 on the training pairs " + before + " -> " + after
          + " (chance 0.039)");
    }
  }

  @Test
  void gradientCachingGivesThePlainStepsGradients() {
    int side = 16;
    int b = 64;
    List<Scenes.Scene> scenes = new Scenes(side).generate(b, 2, Set.of());
    List<String> captions = new ArrayList<>();
    for (Scenes.Scene s : scenes) captions.add(s.caption());
    Tokenizer tok = Tokenizer.build(captions, 1);
    ClipTraining.Pairs data = pairs(scenes, tok, 16, side);
    ClipTraining.Config c = new ClipTraining.Config(1, b, 1e-3, 8, 32, 16, 5);
    int[] all = new int[b];
    for (int i = 0; i < b; i++) all[i] = i;
    int[] lengths = new int[b];
    float[] images = data.images(all, 0, b);
    int[] tokens = data.captions(all, 0, b, lengths);
    try (ClipModel plain = ClipTraining.model(c, tok.size(), data); ClipModel cached = ClipTraining.model(c, tok.size(), data)) {
      float l1 = ClipTraining.plainStep(plain, images, tokens, lengths, b, data);
      float l2 = ClipTraining.cachedStep(cached, images, tokens, lengths, b, 16, data);
      org.junit.jupiter.api.Assertions.assertEquals(l1, l2, 1e-5, "same loss");
      List<ai.djl.nn.Parameter> a = plain.parameters();
      List<ai.djl.nn.Parameter> g = cached.parameters();
      double worst = 0;
      double largest = 0;
      for (int p = 0; p < a.size(); p++) {
        float[] ga = a.get(p).getArray().getGradient().toFloatArray();
        float[] gb = g.get(p).getArray().getGradient().toFloatArray();
        for (int k = 0; k < ga.length; k++) {
          worst = Math.max(worst, Math.abs(ga[k] - gb[k]));
          largest = Math.max(largest, Math.abs(ga[k]));
        }
      }
      assertTrue(largest > 1e-3, "the step has gradients: " + largest);
      assertTrue(worst <= 1e-4 * Math.max(1, largest), "cached and plain gradients differ by " + worst + " (largest " + largest + ")");
    }
  }
}
