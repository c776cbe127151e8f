package org.infonce4j.djl;

import ai.djl.engine.Engine;
import java.lang.System.Logger.Level;

/**
 * Prepares DJL before its first class loads: offline (the PyTorch natives come from the
 * {@code pytorch-native-cpu} jar; nothing is downloaded), no telemetry, the PyTorch thread counts;
 * then starts the engine and logs one line naming it. Call {@link #start(int)} first thing.
 *
 * <p>Allocator: glibc's malloc maps and unmaps every tensor above 32 MB, and re-faulting those pages
 * made training steps up to 8x slower on the machines this was measured on. The launcher preloads
 * tcmalloc when it is installed ({@code apt-get install libtcmalloc-minimal4}); without it a
 * warning is logged.
 */
public final class DjlEnvironment {

  private static final System.Logger LOG = System.getLogger(DjlEnvironment.class.getName());
  private static volatile String description;

  private DjlEnvironment() {
  }

  /**
   * Sets DJL's properties (unless already set), starts the PyTorch engine with {@code threads}
   * intra-op threads and one inter-op thread, and logs the engine line once.
   *
   * @param threads PyTorch's intra-op threads; ignored when the engine has already started or the
   *     property {@code ai.djl.pytorch.num_threads} is set
   * @return "PyTorch 2.7.1 (DJL 0.36.0), 2 threads"
   */
  public static synchronized String start(int threads) {
    if (description != null) {
      return description;
    }
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
    setIfAbsent("ai.djl.default_engine", "PyTorch");
    setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads));
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    setIfAbsent("ai.djl.pytorch.graph_optimizer", "false"); // TorchScript only; avoids a misleading log line
    Engine engine = Engine.getInstance();
    String preload = System.getenv("LD_PRELOAD");
    boolean goodAllocator = preload != null && (preload.contains("tcmalloc") || preload.contains("jemalloc"));
    description = engine.getEngineName() + " " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + "), "
        + System.getProperty("ai.djl.pytorch.num_threads") + " threads" + (goodAllocator ? "" : ", glibc malloc");
    LOG.log(Level.INFO, "infonce4j engine: " + description);
    if (!goodAllocator) {
      LOG.log(Level.WARNING, "large tensors are slow with glibc's malloc; install libtcmalloc-minimal4 and run through ./infonce4j, "
          + "which preloads it");
    }
    return description;
  }

  /**
   * The engine line, or null before {@link #start(int)}.
   *
   * @return what {@link #start(int)} returned, or null
   */
  public static String description() {
    return description;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
