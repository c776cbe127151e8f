package org.infonce4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.infonce4j.dpo.PreferenceLoss;
import org.infonce4j.djl.train.RunDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preference training on a tiny budget: it learns the preferences, DPO is its K = 1 case, resume is exact. */
class PreferenceTrainingTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void engine() {
    DjlEnvironment.start(1);
  }

  private static PreferenceConfig tiny(PreferenceLoss.Objective objective, List<Integer> rejected, int steps) {
    return new PreferenceConfig(4, 32, 40, 32, 3e-3, 96, 4, rejected, objective, 0.1, 0.0, steps, 8, 3e-3, 64, 10, 3, 1);
  }

  @Test
  void policyLearnsThePreferences() {
    PreferenceTraining.Result r = PreferenceTraining.run(tiny(PreferenceLoss.Objective.INFONCE, List.of(1, 3), 40), null, null);
    assertEquals(40, r.sftLoss().length);
    assertTrue(r.sftLoss()[39] < r.sftLoss()[0], "fine-tuning loss falls: " + r.sftLoss()[0] + " -> " + r.sftLoss()[39]);
    assertEquals(2, r.runs().size());
    for (PreferenceTraining.Run run : r.runs()) {
      assertEquals(5, run.points().size(), "step 0 and every 10 steps");
      PreferenceTraining.Point first = run.points().get(1);
      PreferenceTraining.Point last = run.last();
      assertEquals(0.0, run.points().get(0).kl(), 1e-6, "the policy starts as the reference");
      assertTrue(last.loss() < first.loss(), "K=" + run.rejected() + ": preference loss falls " + first.loss() + " -> " + last.loss());
      assertTrue(last.loss() < Math.log(1 + run.rejected()), "K=" + run.rejected() + ": below chance " + last.loss());
      assertTrue(last.accuracy() > 0.6, "K=" + run.rejected() + ": preference accuracy " + last.accuracy());
      assertTrue(last.margin() > 0, "K=" + run.rejected() + ": chosen rewards above rejected ones " + last.margin());
      assertTrue(last.kl() > 0, "K=" + run.rejected() + ": the policy moved away from the reference " + last.kl());
      assertEquals(64, last.wins() + last.ties() + last.losses());
      for (double l : run.stepLoss()) assertTrue(Double.isFinite(l), "every step's loss recorded");
    }
  }

  @Test
  void dpoIsListwiseInfoNceWithOneRejected() {
    PreferenceTraining.Result dpo = PreferenceTraining.run(tiny(PreferenceLoss.Objective.SIGMOID, List.of(1), 20), null, null);
    PreferenceTraining.Result nce = PreferenceTraining.run(tiny(PreferenceLoss.Objective.INFONCE, List.of(1), 20), null, null);
    List<PreferenceTraining.Point> a = dpo.runs().get(0).points();
    List<PreferenceTraining.Point> b = nce.runs().get(0).points();
    for (int i = 1; i < a.size(); i++) {
      assertEquals(a.get(i).loss(), b.get(i).loss(), 1e-5, "loss at evaluation " + i);
      assertEquals(a.get(i).margin(), b.get(i).margin(), 1e-5, "margin at evaluation " + i);
    }
  }

  @Test
  void resumedRunGivesTheSameNumbers() {
    PreferenceConfig c = tiny(PreferenceLoss.Objective.INFONCE, List.of(1, 2), 20);
    PreferenceTraining.Result straight = PreferenceTraining.run(c, null, null);
    RunDirectory b = RunDirectory.start(dir.resolve("b"), c.toMap(), false);
    RuntimeException stop = assertThrows(RuntimeException.class, () -> PreferenceTraining.run(c, b, s -> {
      // step 15 of K=2: its second segment of 10 steps (unit 5), step 5
      if (PreferenceTraining.phase(c, s.unit()).equals("dpo K=2") && s.unit() == 5 && s.step() == 5) throw new IllegalStateException("stopped");
    }));
    assertEquals("stopped", stop.getMessage());
    assertEquals(4, b.latestCheckpoint().orElseThrow().unit(), "fine-tuning, two evaluations of K=1 and one of K=2 were checkpointed");
    PreferenceTraining.Result resumed = PreferenceTraining.run(c, RunDirectory.start(dir.resolve("b"), c.toMap(), true), null);
    assertArrayEquals(straight.sftLoss(), resumed.sftLoss());
    assertEquals(straight.referenceScore(), resumed.referenceScore());
    for (int r = 0; r < 2; r++) {
      assertEquals(straight.runs().get(r).points(), resumed.runs().get(r).points(), "K run " + r);
      assertArrayEquals(straight.runs().get(r).stepLoss(), resumed.runs().get(r).stepLoss(), "K run " + r + " step losses");
    }
  }
}
