package org.infonce4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The vector half of {@link FmaPeak}; loaded by name only when the vector module is readable. */
final class PanamaPeak {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  private PanamaPeak() {
  }

  /**
   * Runs {@code iterations} rounds of 16 independent vector FMAs (16 chains: more than the FMA
   * latency times the FMA pipes of current cores) and returns a value that depends on all of them.
   */
  static float run(int iterations) {
    FloatVector x = FloatVector.broadcast(F, 0.9999999f);
    FloatVector y = FloatVector.broadcast(F, 1e-7f);
    FloatVector a0 = FloatVector.broadcast(F, 1f), a1 = a0.add(0.1f), a2 = a0.add(0.2f), a3 = a0.add(0.3f);
    FloatVector a4 = a0.add(0.4f), a5 = a0.add(0.5f), a6 = a0.add(0.6f), a7 = a0.add(0.7f);
    FloatVector a8 = a0.add(0.8f), a9 = a0.add(0.9f), a10 = a0.add(1.0f), a11 = a0.add(1.1f);
    FloatVector a12 = a0.add(1.2f), a13 = a0.add(1.3f), a14 = a0.add(1.4f), a15 = a0.add(1.5f);
    for (int i = 0; i < iterations; i++) {
      a0 = a0.fma(x, y);
      a1 = a1.fma(x, y);
      a2 = a2.fma(x, y);
      a3 = a3.fma(x, y);
      a4 = a4.fma(x, y);
      a5 = a5.fma(x, y);
      a6 = a6.fma(x, y);
      a7 = a7.fma(x, y);
      a8 = a8.fma(x, y);
      a9 = a9.fma(x, y);
      a10 = a10.fma(x, y);
      a11 = a11.fma(x, y);
      a12 = a12.fma(x, y);
      a13 = a13.fma(x, y);
      a14 = a14.fma(x, y);
      a15 = a15.fma(x, y);
    }
    FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
        .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15);
    return s.reduceLanes(VectorOperators.ADD);
  }

  static int lanes() {
    return F.length();
  }
}
