package org.infonce4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** {@code infonce4j bench} runs end to end on a tiny size and reports what it promises (no timing asserted). */
class BenchCommandTest {

  @Test
  void reportsThroughputPeakAndHeapAsJson() {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    int code = cl.execute("bench", "--n", "64", "--d", "32", "--threads", "1", "--warmup", "0", "--repeats", "1", "--peak-seconds", "0.05", "--json");
    assertEquals(0, code);
    String json = out.toString();
    assertTrue(json.contains("\"command\":\"infonce4j bench --n 64 --d 32"), "the command line, for the results table: " + json);
    for (String key : new String[] {"gflops", "fma_peak_gflops", "peak_fraction", "peak_heap_mb", "seconds_median", "loss"}) {
      Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+-]+)").matcher(json);
      assertTrue(m.find(), key + " missing in " + json);
      assertTrue(Double.parseDouble(m.group(1)) > 0, key + " should be positive in " + json);
    }
    // 64 random pairs in 32 dimensions at tau 0.07: the loss sits near log(64), far from 0.
    Matcher loss = Pattern.compile("\"loss\":([0-9.eE+-]+)").matcher(json);
    assertTrue(loss.find());
    assertTrue(Math.abs(Double.parseDouble(loss.group(1)) - Math.log(64)) < 3, json);
  }
}
