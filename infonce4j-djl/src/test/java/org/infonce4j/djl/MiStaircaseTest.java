package org.infonce4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.infonce4j.mi.MiEstimator;
import org.infonce4j.djl.train.RunDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MI staircase on a tiny budget: the critics learn, InfoNCE stays under log n, resume is exact. */
class MiStaircaseTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void engine() {
    DjlEnvironment.start(1);
  }

  private static MiStaircase.Config tiny(MiStaircase.Critic critic, List<MiEstimator> estimators, int steps) {
    return new MiStaircase.Config(estimators, critic, 32, 4, new double[] {1, 5}, steps, 2e-3, 32, 8, 5, 1);
  }

  @Test
  void criticsLearnAndInfoNceStaysUnderLogN() {
    for (MiStaircase.Critic critic : MiStaircase.Critic.values()) {
      MiStaircase.Config c = tiny(critic, List.of(MiEstimator.INFONCE, MiEstimator.NWJ), 300);
      MiStaircase.Result r = MiStaircase.run(c, null, null);
      MiStaircase.Trace nce = r.traces().get(0);
      assertEquals(600, nce.estimates().length);
      for (double v : nce.estimates()) assertTrue(v <= Math.log(32) + 1e-9, critic + ": InfoNCE estimate " + v + " above log 32");
      double early = mean(nce.estimates(), 0, 20);
      assertTrue(early < 0.3, critic + ": an untrained critic reads little information: " + early);
      assertTrue(nce.stairMean()[0] > 0.6, critic + ": after 300 steps at 1 nat InfoNCE reads " + nce.stairMean()[0]);
      assertTrue(nce.stairMean()[1] > nce.stairMean()[0] + 0.8, critic + ": 5 nats read more than 1: " + nce.stairMean()[1]);
      MiStaircase.Trace nwj = r.traces().get(1);
      // NWJ's variance grows like exp(I): its median over the last 100 steps, not a mean, at 5 nats
      double[] tail = java.util.Arrays.copyOfRange(nwj.estimates(), 500, 600);
      java.util.Arrays.sort(tail);
      assertTrue(tail[50] > 0, critic + ": NWJ's median estimate at 5 nats " + tail[50]);
    }
  }

  @Test
  void resumedRunGivesTheSameNumbers() {
    MiStaircase.Config c = tiny(MiStaircase.Critic.SEPARABLE, List.of(MiEstimator.INFONCE, MiEstimator.DV), 40);
    MiStaircase.Result straight = MiStaircase.run(c, RunDirectory.start(dir.resolve("a"), c.toMap(), false), null);
    RunDirectory b = RunDirectory.start(dir.resolve("b"), c.toMap(), false);
    RuntimeException stop = assertThrows(RuntimeException.class, () -> MiStaircase.run(c, b, s -> {
      // step 50 of DV's staircase: its second stair (unit 4 of InfoNCE's two and DV's two), step 10
      if (MiStaircase.estimatorOf(c, s.unit()) == MiEstimator.DV && MiStaircase.stairOf(c, s.unit()) == 1 && s.step() == 10) {
        throw new IllegalStateException("stopped");
      }
    }));
    assertEquals("stopped", stop.getMessage());
    assertEquals(3, b.latestCheckpoint().orElseThrow().unit(), "two stairs of InfoNCE and one of DV were checkpointed");
    MiStaircase.Result resumed = MiStaircase.run(c, RunDirectory.start(dir.resolve("b"), c.toMap(), true), null);
    for (int e = 0; e < 2; e++) {
      assertArrayEquals(straight.traces().get(e).estimates(), resumed.traces().get(e).estimates(), "estimator " + e);
    }
    MiStaircase.Result again = MiStaircase.run(c, null, null);
    assertArrayEquals(straight.traces().get(1).estimates(), again.traces().get(1).estimates(), "same seed, one thread: same numbers");
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) s += v[i];
    return s / (to - from);
  }
}
