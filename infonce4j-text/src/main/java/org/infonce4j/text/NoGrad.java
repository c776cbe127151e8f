package org.infonce4j.text;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's autograd switch for this thread (grad mode is per thread in PyTorch, and on by default on threads other than the one
 * that started the engine): the encoder's parameters require gradients, and inference must not record a graph for them.
 */
final class NoGrad {
  private NoGrad() {
  }

  /**
   * Turns autograd off on this thread.
   *
   * @return whether it was on, for {@link #restore(boolean)}
   */
  static boolean disable() {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    return previous;
  }

  /** Puts this thread's autograd back as {@link #disable()} found it. */
  static void restore(boolean previous) {
    JniUtils.setGradMode(previous);
  }
}
