package org.infonce4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The optimiser's guard against non-finite gradients. */
class OptimizerTest {

  @BeforeAll
  static void engine() {
    DjlEnvironment.start(1);
  }

  @Test
  void aStepWithANonFiniteGradientChangesNothingAndTheNextStepTrains() {
    for (Optimizer.Kind kind : Optimizer.Kind.values()) {
      try (NDManager m = NDManager.newBaseManager()) {
        Linear layer = layer(m);
        List<Parameter> params = new ArrayList<>(layer.getParameters().values());
        Optimizer opt = new Optimizer(kind, params, m, 0.9f, 0.01f);
        float[] before = values(params);

        backward(layer, m, new float[] {1, Float.NaN, 2});
        opt.step(0.1f);
        assertArrayEquals(before, values(params), kind + ": a skipped step must leave the weights alone");
        assertEquals(1, opt.skippedSteps(), kind.toString());
        for (Parameter p : params) {
          try (NDArray g = p.getArray().getGradient()) {
            assertEquals(0f, g.abs().sum().getFloat(), kind + ": the skipped step's gradient must be cleared");
          }
        }

        backward(layer, m, new float[] {1, 2, 3});
        opt.step(0.1f);
        float[] after = values(params);
        boolean moved = false;
        for (int i = 0; i < after.length; i++) {
          assertTrue(Float.isFinite(after[i]), kind + ": the step after a skipped one must not carry its NaN");
          moved |= after[i] != before[i];
        }
        assertTrue(moved, kind + ": a finite gradient must train");
        assertEquals(1, opt.skippedSteps(), kind.toString());
      }
    }
  }

  @Test
  void tenNonFiniteStepsInARowStopTheRun() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear layer = layer(m);
      List<Parameter> params = new ArrayList<>(layer.getParameters().values());
      Optimizer opt = new Optimizer(Optimizer.Kind.ADAMW, params, m, 0.9f, 0.01f);
      for (int i = 1; i < Optimizer.MAX_SKIPPED_IN_A_ROW; i++) {
        backward(layer, m, new float[] {Float.POSITIVE_INFINITY, 0, 1});
        opt.step(0.1f);
      }
      backward(layer, m, new float[] {1, 2, 3}); // a finite step resets the count
      opt.step(0.1f);
      for (int i = 1; i < Optimizer.MAX_SKIPPED_IN_A_ROW; i++) {
        backward(layer, m, new float[] {Float.NaN, 0, 1});
        opt.step(0.1f);
      }
      backward(layer, m, new float[] {Float.NaN, 0, 1});
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.step(0.1f));
      assertTrue(e.getMessage().contains("in a row"), e.getMessage());
      assertEquals(2L * (Optimizer.MAX_SKIPPED_IN_A_ROW - 1) + 1, opt.skippedSteps());
      assertFalse(Float.isNaN(values(params)[0]));
    }
  }

  /**
   * Clearing a skipped step's gradients must write zeros into the gradient's own memory. Clearing
   * them with {@code NDArray.set(float[])} on the handle {@code getGradient()} returns (as the
   * optimiser once did) re-points the parameter's gradient storage at a Java direct buffer that only
   * that temporary handle keeps alive: once it is closed and collected, the next backward pass
   * accumulates gradients into freed memory (NaN gradients, and JVM crashes in the allocator).
   * Here the freed memory is handed out again and filled, and the gradient must not change.
   */
  @Test
  void aClearedGradientStaysInItsOwnMemory() throws InterruptedException {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear layer = Linear.builder().setUnits(256).build();
      layer.setInitializer(new NormalInitializer(), Parameter.Type.WEIGHT);
      layer.initialize(m, DataType.FLOAT32, new Shape(1, 256));
      List<Parameter> params = new ArrayList<>(layer.getParameters().values());
      Optimizer opt = new Optimizer(Optimizer.Kind.SGD, params, m, 0.9f, 0f);
      float[] x = new float[256];
      x[7] = Float.NaN;
      try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = layer.forward(new ParameterStore(step, false), new NDList(step.create(x, new Shape(1, 256))), true).singletonOrThrow();
        gc.backward(y.sum());
      }
      opt.step(0.1f); // skipped: the gradients are cleared
      assertEquals(1, opt.skippedSteps());
      List<java.nio.ByteBuffer> reuse = new ArrayList<>();
      for (int round = 0; round < 8; round++) {
        System.gc();
        Thread.sleep(20);
        for (int k = 0; k < 16; k++) {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(256 * 256 * 4).order(java.nio.ByteOrder.nativeOrder());
          while (b.hasRemaining()) {
            b.putFloat(12345f);
          }
          reuse.add(b);
        }
      }
      for (Parameter p : params) {
        try (NDArray g = p.getArray().getGradient()) {
          assertEquals(0f, g.abs().sum().getFloat(), p.getName() + ": the cleared gradient changed when freed memory was reused");
        }
      }
      reuse.clear();
    }
  }

  private static Linear layer(NDManager m) {
    Linear layer = Linear.builder().setUnits(2).build();
    layer.setInitializer(new NormalInitializer(), Parameter.Type.WEIGHT);
    layer.initialize(m, DataType.FLOAT32, new Shape(1, 3));
    return layer;
  }

  /** Accumulates the gradient of sum(layer(x)) into the layer's parameters. */
  private static void backward(Linear layer, NDManager m, float[] x) {
    try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray y = layer.forward(new ParameterStore(step, false), new NDList(step.create(x, new Shape(1, 3))), true).singletonOrThrow();
      gc.backward(y.sum());
    }
  }

  private static float[] values(List<Parameter> params) {
    List<Float> all = new ArrayList<>();
    for (Parameter p : params) {
      for (float v : p.getArray().toFloatArray()) {
        all.add(v);
      }
    }
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }
}
