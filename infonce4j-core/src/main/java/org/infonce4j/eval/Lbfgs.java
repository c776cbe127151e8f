package org.infonce4j.eval;

/** Limited-memory BFGS (Nocedal's two-loop recursion) with a backtracking Armijo line search. */
final class Lbfgs {

  /** A smooth function: returns its value at {@code x} and writes its gradient. */
  interface Function {
    double value(double[] x, double[] gradient);
  }

  private static final int MEMORY = 10;

  private Lbfgs() {
  }

  /** Minimises {@code f} from {@code x} (updated in place); returns the iterations run. */
  static int minimize(Function f, double[] x, int maxIterations, double gradientTolerance) {
    int n = x.length;
    double[][] s = new double[MEMORY][n];
    double[][] y = new double[MEMORY][n];
    double[] rho = new double[MEMORY];
    double[] alpha = new double[MEMORY];
    double[] g = new double[n];
    double[] gNew = new double[n];
    double[] dir = new double[n];
    double[] xNew = new double[n];
    double fx = f.value(x, g);
    int stored = 0;
    int next = 0;
    int it = 0;
    for (; it < maxIterations; it++) {
      if (maxAbs(g) < gradientTolerance) {
        break;
      }
      // Two-loop recursion: dir = -H g.
      System.arraycopy(g, 0, dir, 0, n);
      for (int k = 0; k < stored; k++) {
        int j = Math.floorMod(next - 1 - k, MEMORY);
        alpha[j] = rho[j] * dot(s[j], dir);
        axpy(-alpha[j], y[j], dir);
      }
      if (stored > 0) {
        int last = Math.floorMod(next - 1, MEMORY);
        double gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
        scale(dir, gamma);
      } else {
        scale(dir, 1 / Math.max(1, Math.sqrt(dot(g, g))));
      }
      for (int k = stored - 1; k >= 0; k--) {
        int j = Math.floorMod(next - 1 - k, MEMORY);
        double beta = rho[j] * dot(y[j], dir);
        axpy(alpha[j] - beta, s[j], dir);
      }
      scale(dir, -1);
      double slope = dot(g, dir);
      if (slope >= 0) { // not a descent direction: restart from the gradient
        stored = 0;
        System.arraycopy(g, 0, dir, 0, n);
        scale(dir, -1 / Math.max(1, Math.sqrt(dot(g, g))));
        slope = dot(g, dir);
      }
      double step = 1;
      double fNew;
      int tries = 0;
      while (true) {
        for (int q = 0; q < n; q++) {
          xNew[q] = x[q] + step * dir[q];
        }
        fNew = f.value(xNew, gNew);
        if (fNew <= fx + 1e-4 * step * slope || ++tries > 40) {
          break;
        }
        step *= 0.5;
      }
      double[] sj = s[next];
      double[] yj = y[next];
      for (int q = 0; q < n; q++) {
        sj[q] = xNew[q] - x[q];
        yj[q] = gNew[q] - g[q];
      }
      double sy = dot(sj, yj);
      double change = fx - fNew;
      System.arraycopy(xNew, 0, x, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      fx = fNew;
      if (sy > 1e-12) {
        rho[next] = 1 / sy;
        next = (next + 1) % MEMORY;
        stored = Math.min(stored + 1, MEMORY);
      }
      if (Math.abs(change) <= 1e-12 * Math.max(1, Math.abs(fx))) {
        it++;
        break;
      }
    }
    return it;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static void scale(double[] x, double a) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= a;
    }
  }

  private static double maxAbs(double[] x) {
    double m = 0;
    for (double v : x) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
