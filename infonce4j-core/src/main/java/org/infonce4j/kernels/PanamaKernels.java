package org.infonce4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Panama vector API ({@code jdk.incubator.vector}). Loaded by name from
 * {@link KernelProvider} only when that module is readable, so nothing else in the library
 * touches incubator classes.
 *
 * <p>Every kernel has the same shape: a vector body up to {@code loopBound} and a scalar tail.
 * Exponentials use the vector API's {@code EXP} lane operation, which HotSpot on x86 compiles to
 * its SVML stubs (accurate to about 1 ulp; {@code exp(-Infinity)} is exactly 0).
 * The matrix products use an 8 x 2-vector register block: 16 accumulators hide the 4-cycle FMA
 * latency on two FMA pipes (8 would be the minimum) and leave registers for two operand vectors
 * and one broadcast out of the 32 that AVX-512 has (16 on AVX2 spill a little, still correct).
 */
public final class PanamaKernels implements Kernels {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /** Packed panel and feature-chunk width: two vectors, the column extent of the register block. */
  private static final int NR = 2 * L;
  /** Rows of the register block. */
  private static final int MR = 8;

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

  /**
   * Vector lanes of the preferred float species.
   *
   * @return the number of float lanes
   */
  public static int lanes() {
    return L;
  }

  // ---------------------------------------------------------------- dotTile

  @Override
  public void dotTile(float[] a, int aOff, int lda, int rows, float[] b, int bOff, int panels, int depth, float[] out) {
    for (int p = 0; p < panels; p++) {
      int pb = bOff + p * depth * NR; // panel p: depth x NR, stays in L1 across the row blocks
      int oc = p * NR;
      int r = 0;
      for (; r + MR <= rows; r += MR) {
        dot8(a, aOff + r * lda, lda, depth, b, pb, out, r * TILE + oc);
      }
      for (; r < rows; r++) {
        dot1(a, aOff + r * lda, depth, b, pb, out, r * TILE + oc);
      }
    }
  }

  private static void dot8(float[] a, int a0, int lda, int depth, float[] b, int pb, float[] out, int o) {
    FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
    FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
    FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
    FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
    FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
    FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
    FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
    FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
    int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
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
    o += TILE;
    c10.intoArray(out, o);
    c11.intoArray(out, o + L);
    o += TILE;
    c20.intoArray(out, o);
    c21.intoArray(out, o + L);
    o += TILE;
    c30.intoArray(out, o);
    c31.intoArray(out, o + L);
    o += TILE;
    c40.intoArray(out, o);
    c41.intoArray(out, o + L);
    o += TILE;
    c50.intoArray(out, o);
    c51.intoArray(out, o + L);
    o += TILE;
    c60.intoArray(out, o);
    c61.intoArray(out, o + L);
    o += TILE;
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

  // ---------------------------------------------------------------- backward products

  @Override
  public void addProduct(float[] g, int rows, int n, float[] b, int bRows, int b0, int depth, float[] out, int outOff, int ldo) {
    // Output row r, coefficient of operand row t: g[r * TILE + t].
    for (int c0 = 0; c0 < depth; c0 += NR) { // one chunk of b (n x NR, contiguous) stays in L1 across row blocks
      boolean two = c0 + NR <= depth; // depth is a multiple of L; the last chunk may be one vector wide
      int base = c0 * bRows + b0 * (two ? NR : L);
      int r = 0;
      for (; r + MR <= rows; r += MR) {
        if (two) {
          accumulate8x2(g, r * TILE, n, b, base, out, outOff + r * ldo + c0, ldo);
        } else {
          accumulate8x1(g, r * TILE, TILE, 1, n, b, base, out, outOff + r * ldo + c0, ldo);
        }
      }
      for (; r < rows; r++) {
        accumulate1(two, g, r * TILE, 1, n, b, base, out, outOff + r * ldo + c0);
      }
    }
  }

  @Override
  public void addTransposedProduct(float[] g, int rows, int cols, float[] a, int aRows, int a0, int depth, float[] out, int outOff, int ldo) {
    // Output row j, coefficient of operand row t: g[t * TILE + j].
    for (int c0 = 0; c0 < depth; c0 += NR) {
      boolean two = c0 + NR <= depth;
      int base = c0 * aRows + a0 * (two ? NR : L);
      int j = 0;
      for (; j + MR <= cols; j += MR) {
        if (two) {
          accumulate8x2T(g, j, rows, a, base, out, outOff + j * ldo + c0, ldo);
        } else {
          accumulate8x1(g, j, 1, TILE, rows, a, base, out, outOff + j * ldo + c0, ldo);
        }
      }
      for (; j < cols; j++) {
        accumulate1(two, g, j, TILE, rows, a, base, out, outOff + j * ldo + c0);
      }
    }
  }

  // The hot register blocks come in two copies, one per product, so that the coefficient strides
  // are compile-time constants (TILE and 1): C2 then proves the indices in range once per loop
  // instead of once per load. The narrower blocks below take the strides as arguments.

  /**
   * {@code G B} for output rows i = 0..7 at {@code out[o + i*ldo ..]}, two vectors wide:
   * {@code out_i += sum_{t < n} g[g0 + i*TILE + t] * b[b0 + t*NR ..]}.
   */
  private static void accumulate8x2(float[] g, int g0, int n, float[] b, int b0, float[] out, int o, int ldo) {
    int o1 = o + ldo, o2 = o1 + ldo, o3 = o2 + ldo, o4 = o3 + ldo, o5 = o4 + ldo, o6 = o5 + ldo, o7 = o6 + ldo;
    FloatVector c00 = FloatVector.fromArray(F, out, o), c01 = FloatVector.fromArray(F, out, o + L);
    FloatVector c10 = FloatVector.fromArray(F, out, o1), c11 = FloatVector.fromArray(F, out, o1 + L);
    FloatVector c20 = FloatVector.fromArray(F, out, o2), c21 = FloatVector.fromArray(F, out, o2 + L);
    FloatVector c30 = FloatVector.fromArray(F, out, o3), c31 = FloatVector.fromArray(F, out, o3 + L);
    FloatVector c40 = FloatVector.fromArray(F, out, o4), c41 = FloatVector.fromArray(F, out, o4 + L);
    FloatVector c50 = FloatVector.fromArray(F, out, o5), c51 = FloatVector.fromArray(F, out, o5 + L);
    FloatVector c60 = FloatVector.fromArray(F, out, o6), c61 = FloatVector.fromArray(F, out, o6 + L);
    FloatVector c70 = FloatVector.fromArray(F, out, o7), c71 = FloatVector.fromArray(F, out, o7 + L);
    int g1 = g0 + TILE, g2 = g1 + TILE, g3 = g2 + TILE, g4 = g3 + TILE, g5 = g4 + TILE, g6 = g5 + TILE, g7 = g6 + TILE;
    for (int t = 0; t < n; t++) {
      int bt = b0 + t * NR;
      FloatVector v0 = FloatVector.fromArray(F, b, bt);
      FloatVector v1 = FloatVector.fromArray(F, b, bt + L);
      FloatVector x = FloatVector.broadcast(F, g[g0 + t]);
      c00 = x.fma(v0, c00);
      c01 = x.fma(v1, c01);
      x = FloatVector.broadcast(F, g[g1 + t]);
      c10 = x.fma(v0, c10);
      c11 = x.fma(v1, c11);
      x = FloatVector.broadcast(F, g[g2 + t]);
      c20 = x.fma(v0, c20);
      c21 = x.fma(v1, c21);
      x = FloatVector.broadcast(F, g[g3 + t]);
      c30 = x.fma(v0, c30);
      c31 = x.fma(v1, c31);
      x = FloatVector.broadcast(F, g[g4 + t]);
      c40 = x.fma(v0, c40);
      c41 = x.fma(v1, c41);
      x = FloatVector.broadcast(F, g[g5 + t]);
      c50 = x.fma(v0, c50);
      c51 = x.fma(v1, c51);
      x = FloatVector.broadcast(F, g[g6 + t]);
      c60 = x.fma(v0, c60);
      c61 = x.fma(v1, c61);
      x = FloatVector.broadcast(F, g[g7 + t]);
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

  /**
   * {@code G^T A} for output rows i = 0..7 at {@code out[o + i*ldo ..]}, two vectors wide:
   * {@code out_i += sum_{t < n} g[g0 + t*TILE + i] * b[b0 + t*NR ..]}.
   */
  private static void accumulate8x2T(float[] g, int g0, int n, float[] b, int b0, float[] out, int o, int ldo) {
    int o1 = o + ldo, o2 = o1 + ldo, o3 = o2 + ldo, o4 = o3 + ldo, o5 = o4 + ldo, o6 = o5 + ldo, o7 = o6 + ldo;
    FloatVector c00 = FloatVector.fromArray(F, out, o), c01 = FloatVector.fromArray(F, out, o + L);
    FloatVector c10 = FloatVector.fromArray(F, out, o1), c11 = FloatVector.fromArray(F, out, o1 + L);
    FloatVector c20 = FloatVector.fromArray(F, out, o2), c21 = FloatVector.fromArray(F, out, o2 + L);
    FloatVector c30 = FloatVector.fromArray(F, out, o3), c31 = FloatVector.fromArray(F, out, o3 + L);
    FloatVector c40 = FloatVector.fromArray(F, out, o4), c41 = FloatVector.fromArray(F, out, o4 + L);
    FloatVector c50 = FloatVector.fromArray(F, out, o5), c51 = FloatVector.fromArray(F, out, o5 + L);
    FloatVector c60 = FloatVector.fromArray(F, out, o6), c61 = FloatVector.fromArray(F, out, o6 + L);
    FloatVector c70 = FloatVector.fromArray(F, out, o7), c71 = FloatVector.fromArray(F, out, o7 + L);
    for (int t = 0; t < n; t++) {
      int bt = b0 + t * NR;
      int q = g0 + t * TILE;
      FloatVector v0 = FloatVector.fromArray(F, b, bt);
      FloatVector v1 = FloatVector.fromArray(F, b, bt + L);
      FloatVector x = FloatVector.broadcast(F, g[q]);
      c00 = x.fma(v0, c00);
      c01 = x.fma(v1, c01);
      x = FloatVector.broadcast(F, g[q + 1]);
      c10 = x.fma(v0, c10);
      c11 = x.fma(v1, c11);
      x = FloatVector.broadcast(F, g[q + 2]);
      c20 = x.fma(v0, c20);
      c21 = x.fma(v1, c21);
      x = FloatVector.broadcast(F, g[q + 3]);
      c30 = x.fma(v0, c30);
      c31 = x.fma(v1, c31);
      x = FloatVector.broadcast(F, g[q + 4]);
      c40 = x.fma(v0, c40);
      c41 = x.fma(v1, c41);
      x = FloatVector.broadcast(F, g[q + 5]);
      c50 = x.fma(v0, c50);
      c51 = x.fma(v1, c51);
      x = FloatVector.broadcast(F, g[q + 6]);
      c60 = x.fma(v0, c60);
      c61 = x.fma(v1, c61);
      x = FloatVector.broadcast(F, g[q + 7]);
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

  /**
   * For a last chunk one vector wide ({@code b} rows of L floats), either product: coefficient
   * (i, t) is {@code g[g0 + i*gi + t*gt]}.
   */
  private static void accumulate8x1(float[] g, int g0, int gi, int gt, int n, float[] b, int b0, float[] out, int o, int ldo) {
    int o1 = o + ldo, o2 = o1 + ldo, o3 = o2 + ldo, o4 = o3 + ldo, o5 = o4 + ldo, o6 = o5 + ldo, o7 = o6 + ldo;
    FloatVector c0 = FloatVector.fromArray(F, out, o), c1 = FloatVector.fromArray(F, out, o1);
    FloatVector c2 = FloatVector.fromArray(F, out, o2), c3 = FloatVector.fromArray(F, out, o3);
    FloatVector c4 = FloatVector.fromArray(F, out, o4), c5 = FloatVector.fromArray(F, out, o5);
    FloatVector c6 = FloatVector.fromArray(F, out, o6), c7 = FloatVector.fromArray(F, out, o7);
    int g1 = g0 + gi, g2 = g1 + gi, g3 = g2 + gi, g4 = g3 + gi, g5 = g4 + gi, g6 = g5 + gi, g7 = g6 + gi;
    for (int t = 0; t < n; t++) {
      FloatVector v = FloatVector.fromArray(F, b, b0 + t * L);
      int q = t * gt;
      c0 = FloatVector.broadcast(F, g[g0 + q]).fma(v, c0);
      c1 = FloatVector.broadcast(F, g[g1 + q]).fma(v, c1);
      c2 = FloatVector.broadcast(F, g[g2 + q]).fma(v, c2);
      c3 = FloatVector.broadcast(F, g[g3 + q]).fma(v, c3);
      c4 = FloatVector.broadcast(F, g[g4 + q]).fma(v, c4);
      c5 = FloatVector.broadcast(F, g[g5 + q]).fma(v, c5);
      c6 = FloatVector.broadcast(F, g[g6 + q]).fma(v, c6);
      c7 = FloatVector.broadcast(F, g[g7 + q]).fma(v, c7);
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

  /** One output row, one or two vectors wide: {@code out[o..] += sum_t g[g0 + t*gt] * b[b0 + t*width ..]}. */
  private static void accumulate1(boolean two, float[] g, int g0, int gt, int n, float[] b, int b0, float[] out, int o) {
    if (two) {
      FloatVector c0 = FloatVector.fromArray(F, out, o);
      FloatVector c1 = FloatVector.fromArray(F, out, o + L);
      for (int t = 0; t < n; t++) {
        FloatVector x = FloatVector.broadcast(F, g[g0 + t * gt]);
        int bt = b0 + t * NR;
        c0 = x.fma(FloatVector.fromArray(F, b, bt), c0);
        c1 = x.fma(FloatVector.fromArray(F, b, bt + L), c1);
      }
      c0.intoArray(out, o);
      c1.intoArray(out, o + L);
    } else {
      FloatVector c0 = FloatVector.fromArray(F, out, o);
      for (int t = 0; t < n; t++) {
        c0 = FloatVector.broadcast(F, g[g0 + t * gt]).fma(FloatVector.fromArray(F, b, b0 + t * L), c0);
      }
      c0.intoArray(out, o);
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
      acc = acc.add(FloatVector.fromArray(F, x, off + j).sub(s).lanewise(VectorOperators.EXP));
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
      FloatVector p = z.sub(l).lanewise(VectorOperators.EXP);
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
      FloatVector p = z.sub(l).lanewise(VectorOperators.EXP);
      FloatVector q = z.sub(FloatVector.fromArray(F, colLse, colOff + j)).lanewise(VectorOperators.EXP);
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
  public void columnMax(float[] x, int rows, int cols, float[] colMax) {
    int bound = F.loopBound(cols);
    int j = 0;
    for (; j < bound; j += L) {
      FloatVector m = FloatVector.fromArray(F, colMax, j);
      for (int r = 0; r < rows; r++) {
        m = m.max(FloatVector.fromArray(F, x, r * TILE + j));
      }
      m.intoArray(colMax, j);
    }
    for (; j < cols; j++) {
      float m = colMax[j];
      for (int r = 0; r < rows; r++) {
        m = Math.max(m, x[r * TILE + j]);
      }
      colMax[j] = m;
    }
  }

  @Override
  public void columnSumExp(float[] x, int rows, int cols, float[] shift, float[] colSum) {
    int bound = F.loopBound(cols);
    int j = 0;
    for (; j < bound; j += L) {
      FloatVector s = FloatVector.fromArray(F, shift, j);
      FloatVector acc = FloatVector.fromArray(F, colSum, j);
      for (int r = 0; r < rows; r++) {
        acc = acc.add(FloatVector.fromArray(F, x, r * TILE + j).sub(s).lanewise(VectorOperators.EXP));
      }
      acc.intoArray(colSum, j);
    }
    for (; j < cols; j++) {
      float acc = colSum[j];
      for (int r = 0; r < rows; r++) {
        acc += (float) Math.exp(x[r * TILE + j] - shift[j]);
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
