package org.infonce4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Panama vector API ({@code jdk.incubator.vector}). Loaded by name from
 * {@link KernelProvider} only when that module is readable, so nothing else in the library
 * touches incubator classes.
 *
 * <p>Every kernel has the same shape: a vector body up to {@code loopBound} and a scalar tail.
 * The matrix products use an 8 x 2-vector register block: 16 accumulators hide the 4-cycle FMA
 * latency on two FMA pipes (8 would be the minimum) and leave registers for two operand vectors
 * and one broadcast out of the 32 that AVX-512 has (16 on AVX2 spill a little, still correct).
 */
public final class PanamaKernels implements Kernels {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /** Packed panel width: two vectors, the column extent of the register block. */
  private static final int NR = 2 * L;
  /** Rows of the register block. */
  private static final int MR = 8;

  // exp(x) = 2^n * exp(r), n = round(x / ln 2), |r| <= ln(2)/2; minimax polynomial of degree 5
  // for exp(r) - 1 - r (relative error ~1e-7 over the reduced range).
  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  private static final float ROUND_MAGIC = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
  private static final int ROUND_MAGIC_BITS_MINUS_BIAS = 0x4B400000 - 127;
  private static final float EXP_LO = -87.33f; // below this exp underflows; we return exactly 0
  private static final float EXP_HI = 88.37f;
  private static final float C0 = 1.9875691500e-4f;
  private static final float C1 = 1.3981999507e-3f;
  private static final float C2 = 8.3334519073e-3f;
  private static final float C3 = 4.1665795894e-2f;
  private static final float C4 = 1.6666665459e-1f;
  private static final float C5 = 5.0000001201e-1f;

  @Override
  public String name() {
    return "panama";
  }

  @Override
  public String description() {
    return "panama (" + F.vectorBitSize() + "-bit FloatVector, " + L + " lanes)";
  }

  @Override
  public int panelWidth() {
    return NR;
  }

  /** Vector lanes of the preferred float species. */
  public static int lanes() {
    return L;
  }

  // ---------------------------------------------------------------- exp

  /** exp of every lane; lanes below {@link #EXP_LO}, including -Infinity, give exactly 0. */
  static FloatVector exp(FloatVector x) {
    VectorMask<Float> under = x.compare(VectorOperators.LT, EXP_LO);
    FloatVector xc = x.max(EXP_LO).min(EXP_HI);
    FloatVector t = xc.fma(FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, ROUND_MAGIC));
    FloatVector n = t.sub(ROUND_MAGIC); // round(x * log2(e)) as a float
    FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), xc);
    r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
    FloatVector y = r.fma(FloatVector.broadcast(F, C0), FloatVector.broadcast(F, C1));
    y = y.fma(r, FloatVector.broadcast(F, C2));
    y = y.fma(r, FloatVector.broadcast(F, C3));
    y = y.fma(r, FloatVector.broadcast(F, C4));
    y = y.fma(r, FloatVector.broadcast(F, C5));
    y = y.fma(r.mul(r), r).add(1f); // 1 + r + r^2 * poly(r)
    IntVector bits = (IntVector) t.reinterpretAsInts();
    FloatVector pow2 = bits.sub(ROUND_MAGIC_BITS_MINUS_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return y.mul(pow2).blend(0f, under);
  }

  // ---------------------------------------------------------------- dotTile

  @Override
  public void dotTile(float[] a, int aOff, int rows, float[] b, int bOff, int panels, int depth, float[] out, int ldo) {
    for (int p = 0; p < panels; p++) {
      int pb = bOff + p * depth * NR; // panel p: depth x NR, stays in L1 across the row blocks
      int oc = p * NR;
      int r = 0;
      for (; r + MR <= rows; r += MR) {
        dot8(a, aOff + r * depth, depth, b, pb, out, r * ldo + oc, ldo);
      }
      for (; r < rows; r++) {
        dot1(a, aOff + r * depth, depth, b, pb, out, r * ldo + oc);
      }
    }
  }

  private static void dot8(float[] a, int a0, int depth, float[] b, int pb, float[] out, int o, int ldo) {
    FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
    FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
    FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
    FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
    FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
    FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
    FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
    FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
    int a1 = a0 + depth, a2 = a1 + depth, a3 = a2 + depth, a4 = a3 + depth, a5 = a4 + depth, a6 = a5 + depth, a7 = a6 + depth;
    for (int k = 0; k < depth; k++) {
      int bk = pb + k * NR;
      FloatVector b0 = FloatVector.fromArray(F, b, bk);
      FloatVector b1 = FloatVector.fromArray(F, b, bk + L);
      FloatVector x = FloatVector.broadcast(F, a[a0 + k]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(F, a[a1 + k]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(F, a[a2 + k]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(F, a[a3 + k]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(F, a[a4 + k]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(F, a[a5 + k]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      x = FloatVector.broadcast(F, a[a6 + k]);
      c60 = x.fma(b0, c60);
      c61 = x.fma(b1, c61);
      x = FloatVector.broadcast(F, a[a7 + k]);
      c70 = x.fma(b0, c70);
      c71 = x.fma(b1, c71);
    }
    c00.intoArray(out, o);
    c01.intoArray(out, o + L);
    o += ldo;
    c10.intoArray(out, o);
    c11.intoArray(out, o + L);
    o += ldo;
    c20.intoArray(out, o);
    c21.intoArray(out, o + L);
    o += ldo;
    c30.intoArray(out, o);
    c31.intoArray(out, o + L);
    o += ldo;
    c40.intoArray(out, o);
    c41.intoArray(out, o + L);
    o += ldo;
    c50.intoArray(out, o);
    c51.intoArray(out, o + L);
    o += ldo;
    c60.intoArray(out, o);
    c61.intoArray(out, o + L);
    o += ldo;
    c70.intoArray(out, o);
    c71.intoArray(out, o + L);
  }

  private static void dot1(float[] a, int a0, int depth, float[] b, int pb, float[] out, int o) {
    // Two accumulator pairs over alternating k halve the FMA dependency chain of a single row.
    FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
    FloatVector d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
    int k = 0;
    for (; k + 1 < depth; k += 2) {
      int bk = pb + k * NR;
      FloatVector x = FloatVector.broadcast(F, a[a0 + k]);
      c0 = x.fma(FloatVector.fromArray(F, b, bk), c0);
      c1 = x.fma(FloatVector.fromArray(F, b, bk + L), c1);
      FloatVector y = FloatVector.broadcast(F, a[a0 + k + 1]);
      d0 = y.fma(FloatVector.fromArray(F, b, bk + NR), d0);
      d1 = y.fma(FloatVector.fromArray(F, b, bk + NR + L), d1);
    }
    for (; k < depth; k++) {
      int bk = pb + k * NR;
      FloatVector x = FloatVector.broadcast(F, a[a0 + k]);
      c0 = x.fma(FloatVector.fromArray(F, b, bk), c0);
      c1 = x.fma(FloatVector.fromArray(F, b, bk + L), c1);
    }
    c0.add(d0).intoArray(out, o);
    c1.add(d1).intoArray(out, o + L);
  }

  // ---------------------------------------------------------------- addProduct: out += G * B

  @Override
  public void addProduct(float[] g, int ldg, int rows, int cols, float[] b, int bOff, int depth, float[] out, int outOff) {
    // Output row r, coefficient of operand row t: g[r * ldg + t].
    for (int kc = 0; kc < depth; kc += NR) { // a 2L-wide slab of b (cols x 2L) stays in L1 across row blocks
      boolean two = kc + NR <= depth; // depth is a multiple of L; the last slab may be one vector
      int r = 0;
      for (; r + MR <= rows; r += MR) {
        accumulate8(two, g, r * ldg, ldg, 1, cols, b, bOff + kc, depth, out, outOff + r * depth + kc);
      }
      for (; r < rows; r++) {
        accumulate1(two, g, r * ldg, 1, cols, b, bOff + kc, depth, out, outOff + r * depth + kc);
      }
    }
  }

  // ---------------------------------------------------------------- addTransposedProduct: out += G^T * A

  @Override
  public void addTransposedProduct(float[] g, int ldg, int rows, int cols, float[] a, int aOff, int depth, float[] out, int outOff) {
    // Output row j, coefficient of operand row t: g[t * ldg + j].
    for (int kc = 0; kc < depth; kc += NR) {
      boolean two = kc + NR <= depth;
      int j = 0;
      for (; j + MR <= cols; j += MR) {
        accumulate8(two, g, j, 1, ldg, rows, a, aOff + kc, depth, out, outOff + j * depth + kc);
      }
      for (; j < cols; j++) {
        accumulate1(two, g, j, ldg, rows, a, aOff + kc, depth, out, outOff + j * depth + kc);
      }
    }
  }

  /**
   * For output rows i = 0..7 at {@code out[o + i*depth ..]} (one or two vectors wide):
   * {@code out_i += sum_{t < n} g[g0 + i*gi + t*gt] * b[b0 + t*depth ..]}.
   */
  private static void accumulate8(boolean two, float[] g, int g0, int gi, int gt, int n, float[] b, int b0, int depth, float[] out, int o) {
    if (two) {
      accumulate8x2(g, g0, gi, gt, n, b, b0, depth, out, o);
    } else {
      accumulate8x1(g, g0, gi, gt, n, b, b0, depth, out, o);
    }
  }

  private static void accumulate8x2(float[] g, int g0, int gi, int gt, int n, float[] b, int b0, int depth, float[] out, int o) {
    int o1 = o + depth, o2 = o1 + depth, o3 = o2 + depth, o4 = o3 + depth, o5 = o4 + depth, o6 = o5 + depth, o7 = o6 + depth;
    FloatVector c00 = FloatVector.fromArray(F, out, o), c01 = FloatVector.fromArray(F, out, o + L);
    FloatVector c10 = FloatVector.fromArray(F, out, o1), c11 = FloatVector.fromArray(F, out, o1 + L);
    FloatVector c20 = FloatVector.fromArray(F, out, o2), c21 = FloatVector.fromArray(F, out, o2 + L);
    FloatVector c30 = FloatVector.fromArray(F, out, o3), c31 = FloatVector.fromArray(F, out, o3 + L);
    FloatVector c40 = FloatVector.fromArray(F, out, o4), c41 = FloatVector.fromArray(F, out, o4 + L);
    FloatVector c50 = FloatVector.fromArray(F, out, o5), c51 = FloatVector.fromArray(F, out, o5 + L);
    FloatVector c60 = FloatVector.fromArray(F, out, o6), c61 = FloatVector.fromArray(F, out, o6 + L);
    FloatVector c70 = FloatVector.fromArray(F, out, o7), c71 = FloatVector.fromArray(F, out, o7 + L);
    int g1 = g0 + gi, g2 = g1 + gi, g3 = g2 + gi, g4 = g3 + gi, g5 = g4 + gi, g6 = g5 + gi, g7 = g6 + gi;
    for (int t = 0; t < n; t++) {
      int bt = b0 + t * depth;
      int gtt = t * gt;
      FloatVector v0 = FloatVector.fromArray(F, b, bt);
      FloatVector v1 = FloatVector.fromArray(F, b, bt + L);
      FloatVector x = FloatVector.broadcast(F, g[g0 + gtt]);
      c00 = x.fma(v0, c00);
      c01 = x.fma(v1, c01);
      x = FloatVector.broadcast(F, g[g1 + gtt]);
      c10 = x.fma(v0, c10);
      c11 = x.fma(v1, c11);
      x = FloatVector.broadcast(F, g[g2 + gtt]);
      c20 = x.fma(v0, c20);
      c21 = x.fma(v1, c21);
      x = FloatVector.broadcast(F, g[g3 + gtt]);
      c30 = x.fma(v0, c30);
      c31 = x.fma(v1, c31);
      x = FloatVector.broadcast(F, g[g4 + gtt]);
      c40 = x.fma(v0, c40);
      c41 = x.fma(v1, c41);
      x = FloatVector.broadcast(F, g[g5 + gtt]);
      c50 = x.fma(v0, c50);
      c51 = x.fma(v1, c51);
      x = FloatVector.broadcast(F, g[g6 + gtt]);
      c60 = x.fma(v0, c60);
      c61 = x.fma(v1, c61);
      x = FloatVector.broadcast(F, g[g7 + gtt]);
      c70 = x.fma(v0, c70);
      c71 = x.fma(v1, c71);
    }
    c00.intoArray(out, o);
    c01.intoArray(out, o + L);
    c10.intoArray(out, o1);
    c11.intoArray(out, o1 + L);
    c20.intoArray(out, o2);
    c21.intoArray(out, o2 + L);
    c30.intoArray(out, o3);
    c31.intoArray(out, o3 + L);
    c40.intoArray(out, o4);
    c41.intoArray(out, o4 + L);
    c50.intoArray(out, o5);
    c51.intoArray(out, o5 + L);
    c60.intoArray(out, o6);
    c61.intoArray(out, o6 + L);
    c70.intoArray(out, o7);
    c71.intoArray(out, o7 + L);
  }

  private static void accumulate8x1(float[] g, int g0, int gi, int gt, int n, float[] b, int b0, int depth, float[] out, int o) {
    int o1 = o + depth, o2 = o1 + depth, o3 = o2 + depth, o4 = o3 + depth, o5 = o4 + depth, o6 = o5 + depth, o7 = o6 + depth;
    FloatVector c0 = FloatVector.fromArray(F, out, o), c1 = FloatVector.fromArray(F, out, o1);
    FloatVector c2 = FloatVector.fromArray(F, out, o2), c3 = FloatVector.fromArray(F, out, o3);
    FloatVector c4 = FloatVector.fromArray(F, out, o4), c5 = FloatVector.fromArray(F, out, o5);
    FloatVector c6 = FloatVector.fromArray(F, out, o6), c7 = FloatVector.fromArray(F, out, o7);
    int g1 = g0 + gi, g2 = g1 + gi, g3 = g2 + gi, g4 = g3 + gi, g5 = g4 + gi, g6 = g5 + gi, g7 = g6 + gi;
    for (int t = 0; t < n; t++) {
      FloatVector v = FloatVector.fromArray(F, b, b0 + t * depth);
      int gtt = t * gt;
      c0 = FloatVector.broadcast(F, g[g0 + gtt]).fma(v, c0);
      c1 = FloatVector.broadcast(F, g[g1 + gtt]).fma(v, c1);
      c2 = FloatVector.broadcast(F, g[g2 + gtt]).fma(v, c2);
      c3 = FloatVector.broadcast(F, g[g3 + gtt]).fma(v, c3);
      c4 = FloatVector.broadcast(F, g[g4 + gtt]).fma(v, c4);
      c5 = FloatVector.broadcast(F, g[g5 + gtt]).fma(v, c5);
      c6 = FloatVector.broadcast(F, g[g6 + gtt]).fma(v, c6);
      c7 = FloatVector.broadcast(F, g[g7 + gtt]).fma(v, c7);
    }
    c0.intoArray(out, o);
    c1.intoArray(out, o1);
    c2.intoArray(out, o2);
    c3.intoArray(out, o3);
    c4.intoArray(out, o4);
    c5.intoArray(out, o5);
    c6.intoArray(out, o6);
    c7.intoArray(out, o7);
  }

  /** One output row, one or two vectors wide: {@code out[o..] += sum_t g[g0 + t*gt] * b[b0 + t*depth ..]}. */
  private static void accumulate1(boolean two, float[] g, int g0, int gt, int n, float[] b, int b0, int depth, float[] out, int o) {
    FloatVector c0 = FloatVector.fromArray(F, out, o);
    FloatVector c1 = two ? FloatVector.fromArray(F, out, o + L) : FloatVector.zero(F);
    for (int t = 0; t < n; t++) {
      FloatVector x = FloatVector.broadcast(F, g[g0 + t * gt]);
      int bt = b0 + t * depth;
      c0 = x.fma(FloatVector.fromArray(F, b, bt), c0);
      if (two) {
        c1 = x.fma(FloatVector.fromArray(F, b, bt + L), c1);
      }
    }
    c0.intoArray(out, o);
    if (two) {
      c1.intoArray(out, o + L);
    }
  }

  // ---------------------------------------------------------------- row and column passes

  @Override
  public float max(float[] x, int off, int n) {
    FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    int bound = F.loopBound(n);
    int j = 0;
    for (; j < bound; j += L) {
      m = m.max(FloatVector.fromArray(F, x, off + j));
    }
    float r = m.reduceLanes(VectorOperators.MAX);
    for (; j < n; j++) {
      r = Math.max(r, x[off + j]);
    }
    return r;
  }

  @Override
  public float sumExp(float[] x, int off, int n, float shift) {
    FloatVector acc = FloatVector.zero(F);
    FloatVector s = FloatVector.broadcast(F, shift);
    int bound = F.loopBound(n);
    int j = 0;
    for (; j < bound; j += L) {
      acc = acc.add(exp(FloatVector.fromArray(F, x, off + j).sub(s)));
    }
    float r = acc.reduceLanes(VectorOperators.ADD);
    for (; j < n; j++) {
      r += (float) Math.exp(x[off + j] - shift);
    }
    return r;
  }

  @Override
  public void softmaxRow(float[] x, int off, int n, float lse, float w, double[] sums) {
    FloatVector sp = FloatVector.zero(F);
    FloatVector spz = FloatVector.zero(F);
    FloatVector l = FloatVector.broadcast(F, lse);
    int bound = F.loopBound(n);
    int j = 0;
    for (; j < bound; j += L) {
      FloatVector z = FloatVector.fromArray(F, x, off + j);
      FloatVector p = exp(z.sub(l));
      sp = sp.add(p);
      spz = p.fma(z.max(-Float.MAX_VALUE), spz); // excluded: p == 0 times a finite stand-in for -inf
      p.mul(w).intoArray(x, off + j);
    }
    float tp = sp.reduceLanes(VectorOperators.ADD);
    float tpz = spz.reduceLanes(VectorOperators.ADD);
    for (; j < n; j++) {
      float z = x[off + j];
      float p = (float) Math.exp(z - lse);
      tp += p;
      tpz += p == 0f ? 0f : p * z;
      x[off + j] = w * p;
    }
    sums[0] += tp;
    sums[1] += tpz;
  }

  @Override
  public void softmaxRowSymmetric(float[] x, int off, int n, float lse, float w, float[] colLse, int colOff, float wc, double[] sums) {
    FloatVector sp = FloatVector.zero(F);
    FloatVector spz = FloatVector.zero(F);
    FloatVector sqz = FloatVector.zero(F);
    FloatVector l = FloatVector.broadcast(F, lse);
    int bound = F.loopBound(n);
    int j = 0;
    for (; j < bound; j += L) {
      FloatVector z = FloatVector.fromArray(F, x, off + j);
      FloatVector zc = z.max(-Float.MAX_VALUE);
      FloatVector p = exp(z.sub(l));
      FloatVector q = exp(z.sub(FloatVector.fromArray(F, colLse, colOff + j)));
      sp = sp.add(p);
      spz = p.fma(zc, spz);
      sqz = q.fma(zc, sqz);
      p.mul(w).add(q.mul(wc)).intoArray(x, off + j);
    }
    float tp = sp.reduceLanes(VectorOperators.ADD);
    float tpz = spz.reduceLanes(VectorOperators.ADD);
    float tqz = sqz.reduceLanes(VectorOperators.ADD);
    for (; j < n; j++) {
      float z = x[off + j];
      float p = (float) Math.exp(z - lse);
      float q = (float) Math.exp(z - colLse[colOff + j]);
      tp += p;
      tpz += p == 0f ? 0f : p * z;
      tqz += q == 0f ? 0f : q * z;
      x[off + j] = w * p + wc * q;
    }
    sums[0] += tp;
    sums[1] += tpz;
    sums[2] += tqz;
  }

  @Override
  public void columnMax(float[] x, int ldx, int rows, int cols, float[] colMax) {
    int bound = F.loopBound(cols);
    int j = 0;
    for (; j < bound; j += L) {
      FloatVector m = FloatVector.fromArray(F, colMax, j);
      for (int r = 0; r < rows; r++) {
        m = m.max(FloatVector.fromArray(F, x, r * ldx + j));
      }
      m.intoArray(colMax, j);
    }
    for (; j < cols; j++) {
      float m = colMax[j];
      for (int r = 0; r < rows; r++) {
        m = Math.max(m, x[r * ldx + j]);
      }
      colMax[j] = m;
    }
  }

  @Override
  public void columnSumExp(float[] x, int ldx, int rows, int cols, float[] shift, float[] colSum) {
    int bound = F.loopBound(cols);
    int j = 0;
    for (; j < bound; j += L) {
      FloatVector s = FloatVector.fromArray(F, shift, j);
      FloatVector acc = FloatVector.fromArray(F, colSum, j);
      for (int r = 0; r < rows; r++) {
        acc = acc.add(exp(FloatVector.fromArray(F, x, r * ldx + j).sub(s)));
      }
      acc.intoArray(colSum, j);
    }
    for (; j < cols; j++) {
      float acc = colSum[j];
      for (int r = 0; r < rows; r++) {
        acc += (float) Math.exp(x[r * ldx + j] - shift[j]);
      }
      colSum[j] = acc;
    }
  }

  @Override
  public float sumFinite(float[] x, int off, int n) {
    FloatVector acc = FloatVector.zero(F);
    int bound = F.loopBound(n);
    int j = 0;
    for (; j < bound; j += L) {
      FloatVector v = FloatVector.fromArray(F, x, off + j);
      acc = acc.add(v, v.compare(VectorOperators.NE, Float.NEGATIVE_INFINITY));
    }
    float r = acc.reduceLanes(VectorOperators.ADD);
    for (; j < n; j++) {
      float v = x[off + j];
      if (v != Float.NEGATIVE_INFINITY) {
        r += v;
      }
    }
    return r;
  }

  @Override
  public int nextAbove(float[] x, int off, int from, int n, float t) {
    int j = from;
    int bound = from + F.loopBound(n - from);
    for (; j < bound; j += L) {
      VectorMask<Float> above = FloatVector.fromArray(F, x, off + j).compare(VectorOperators.GT, t);
      if (above.anyTrue()) {
        return j + above.firstTrue();
      }
    }
    for (; j < n; j++) {
      if (x[off + j] > t) {
        return j;
      }
    }
    return -1;
  }
}
