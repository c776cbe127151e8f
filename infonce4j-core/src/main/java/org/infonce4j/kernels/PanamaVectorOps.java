package org.infonce4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link VectorOps} on the Panama vector API; loaded by name only when the module is readable. */
public final class PanamaVectorOps implements VectorOps {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();

  @Override
  public String name() {
    return "panama";
  }

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    // Two accumulators: word vectors are short (100-300 floats), so one chain would be
    // latency-bound; the reduction happens once at the end.
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    int bound = F.loopBound(n);
    int k = 0;
    for (; k + L < bound; k += 2 * L) {
      s0 = FloatVector.fromArray(F, a, ao + k).fma(FloatVector.fromArray(F, b, bo + k), s0);
      s1 = FloatVector.fromArray(F, a, ao + k + L).fma(FloatVector.fromArray(F, b, bo + k + L), s1);
    }
    for (; k < bound; k += L) {
      s0 = FloatVector.fromArray(F, a, ao + k).fma(FloatVector.fromArray(F, b, bo + k), s0);
    }
    float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
    for (; k < n; k++) {
      s += a[ao + k] * b[bo + k];
    }
    return s;
  }

  @Override
  public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    FloatVector av = FloatVector.broadcast(F, alpha);
    int bound = F.loopBound(n);
    int k = 0;
    for (; k < bound; k += L) {
      FloatVector.fromArray(F, x, xo + k).fma(av, FloatVector.fromArray(F, y, yo + k)).intoArray(y, yo + k);
    }
    for (; k < n; k++) {
      y[yo + k] += alpha * x[xo + k];
    }
  }
}
