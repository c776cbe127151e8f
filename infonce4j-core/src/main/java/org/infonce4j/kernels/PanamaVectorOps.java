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

  @Override
  public void dot4(float[] a, int ao, float[] b, int o0, int o1, int o2, int o3, int n, float[] out) {
    FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
    int bound = F.loopBound(n);
    int k = 0;
    for (; k < bound; k += L) {
      FloatVector x = FloatVector.fromArray(F, a, ao + k);
      s0 = x.fma(FloatVector.fromArray(F, b, o0 + k), s0);
      s1 = x.fma(FloatVector.fromArray(F, b, o1 + k), s1);
      s2 = x.fma(FloatVector.fromArray(F, b, o2 + k), s2);
      s3 = x.fma(FloatVector.fromArray(F, b, o3 + k), s3);
    }
    float r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
    float r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
    for (; k < n; k++) {
      float x = a[ao + k];
      r0 += x * b[o0 + k];
      r1 += x * b[o1 + k];
      r2 += x * b[o2 + k];
      r3 += x * b[o3 + k];
    }
    out[0] = r0;
    out[1] = r1;
    out[2] = r2;
    out[3] = r3;
  }

  @Override
  public void update4(float[] in, int io, float[] w, int o0, int o1, int o2, int o3, float[] g, float[] acc, int n) {
    float g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3];
    FloatVector v0 = FloatVector.broadcast(F, g0), v1 = FloatVector.broadcast(F, g1);
    FloatVector v2 = FloatVector.broadcast(F, g2), v3 = FloatVector.broadcast(F, g3);
    int bound = F.loopBound(n);
    int k = 0;
    for (; k < bound; k += L) {
      FloatVector x = FloatVector.fromArray(F, in, io + k);
      FloatVector w0 = FloatVector.fromArray(F, w, o0 + k);
      FloatVector w1 = FloatVector.fromArray(F, w, o1 + k);
      FloatVector w2 = FloatVector.fromArray(F, w, o2 + k);
      FloatVector w3 = FloatVector.fromArray(F, w, o3 + k);
      FloatVector e = FloatVector.fromArray(F, acc, k);
      e = w0.fma(v0, e);
      e = w1.fma(v1, e);
      e = w2.fma(v2, e);
      e = w3.fma(v3, e);
      e.intoArray(acc, k);
      x.fma(v0, w0).intoArray(w, o0 + k);
      x.fma(v1, w1).intoArray(w, o1 + k);
      x.fma(v2, w2).intoArray(w, o2 + k);
      x.fma(v3, w3).intoArray(w, o3 + k);
    }
    for (; k < n; k++) {
      float x = in[io + k];
      acc[k] += g0 * w[o0 + k] + g1 * w[o1 + k] + g2 * w[o2 + k] + g3 * w[o3 + k];
      w[o0 + k] += g0 * x;
      w[o1 + k] += g1 * x;
      w[o2 + k] += g2 * x;
      w[o3 + k] += g3 * x;
    }
  }
}
