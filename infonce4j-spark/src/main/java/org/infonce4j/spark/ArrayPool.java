package org.infonce4j.spark;

import java.lang.ref.SoftReference;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Float arrays reused across the rounds of a run on one executor: every round each task needs two
 * {@code V x stride} training copies, and allocating them afresh (tens to hundreds of MB) each round
 * is mostly garbage-collector work. Held softly, so memory pressure reclaims them.
 */
final class ArrayPool {
  private static final ConcurrentLinkedQueue<SoftReference<float[]>> FREE = new ConcurrentLinkedQueue<>();

  private ArrayPool() {
  }

  /** A copy of {@code source} in a pooled array of the same length when one is free. */
  static float[] copyOf(float[] source) {
    for (Iterator<SoftReference<float[]>> it = FREE.iterator(); it.hasNext();) {
      SoftReference<float[]> ref = it.next();
      float[] a = ref.get();
      if (a == null) {
        it.remove();
      } else if (a.length == source.length && FREE.remove(ref)) {
        System.arraycopy(source, 0, a, 0, source.length);
        return a;
      }
    }
    return source.clone();
  }

  /** Gives arrays back; the caller must not use them afterwards. */
  static void release(float[]... arrays) {
    for (float[] a : arrays) {
      FREE.add(new SoftReference<>(a));
    }
  }

  /** Forgets every pooled array (at the end of a run). */
  static void clear() {
    FREE.clear();
  }
}
