package org.infonce4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.infonce4j.Matrix;
import org.junit.jupiter.api.Test;

class TemperatureProbeTest {

  private static final double[] TAUS = {0.02, 0.05, 0.1, 0.2, 0.5, 1, 5, 1000};

  @Test
  void lossAgreesWithTheEngineAtEveryTemperature() {
    Matrix[] pairs = TemperatureProbe.clusters(97, 16, 5, 0.5, 3);
    List<TemperatureProbe.Row> rows = TemperatureProbe.probe(pairs[0], pairs[1], TAUS, 5);
    try (InfoNce engine = InfoNce.reference()) {
      for (TemperatureProbe.Row row : rows) {
        double expected = engine.forward(Batch.of(pairs[0], pairs[1]), LossSpec.cosine(row.temperature())).loss();
        assertEquals(expected, row.loss(), 1e-6 * Math.max(1, expected), "tau " + row.temperature());
        assertEquals(Math.log(97) - row.loss(), row.miBound(), 1e-12);
      }
    }
  }

  @Test
  void lowTemperatureConcentratesTheNegativesGradient() {
    Matrix[] pairs = TemperatureProbe.clusters(200, 32, 10, 0.8, 1);
    int k = 10;
    List<TemperatureProbe.Row> rows = TemperatureProbe.probe(pairs[0], pairs[1], TAUS, k);
    for (int t = 1; t < rows.size(); t++) {
      assertTrue(rows.get(t).hardestShare() < rows.get(t - 1).hardestShare(), "share falls with tau at " + rows.get(t).temperature());
      assertTrue(rows.get(t).negativeEntropy() > rows.get(t - 1).negativeEntropy(), "entropy rises with tau at " + rows.get(t).temperature());
    }
    TemperatureProbe.Row cold = rows.get(0);
    TemperatureProbe.Row hot = rows.get(rows.size() - 1);
    assertTrue(cold.hardestShare() > 0.9, "at tau 0.02 the hardest 10 carry " + cold.hardestShare());
    assertEquals(k / 199.0, hot.hardestShare(), 1e-3); // uniform weights
    assertEquals(hot.maxNegativeEntropy(), hot.negativeEntropy(), 1e-4);
    assertEquals(Math.log(200), hot.loss(), 1e-2);
    for (TemperatureProbe.Row r : rows) {
      assertTrue(r.balanceError() < 1e-12, "positive weight = sum of negatives' weights at tau " + r.temperature());
      assertEquals(r.positiveWeight(), r.negativeWeight(), 1e-12);
    }
  }

  @Test
  void badInputIsNamed() {
    Matrix[] pairs = TemperatureProbe.clusters(10, 4, 2, 0.1, 1);
    assertThrows(IllegalArgumentException.class, () -> TemperatureProbe.probe(pairs[0], pairs[1], new double[] {0}, 3));
    assertThrows(IllegalArgumentException.class, () -> TemperatureProbe.probe(pairs[0], pairs[1], TAUS, 10));
    float[] zero = pairs[1].data().clone();
    java.util.Arrays.fill(zero, 8, 12, 0f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TemperatureProbe.probe(pairs[0], new Matrix(10, 4, zero), TAUS, 3));
    assertTrue(e.getMessage().contains("positive row 2"), e.getMessage());
  }
}
