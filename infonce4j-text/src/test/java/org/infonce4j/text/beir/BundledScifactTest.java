package org.infonce4j.text.beir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The SciFact copy in the jar: checksums pass, and the counts of its README. */
class BundledScifactTest {

  @Test
  void testSplit() throws IOException {
    BeirDataset data = Beir.scifact();
    assertEquals(5183, data.size());
    assertEquals(1109, data.queries().size());
    assertEquals(300, data.qrels().size());
    assertEquals(339, data.qrels().values().stream().mapToInt(m -> m.size()).sum());
    assertTrue(data.warnings().isEmpty(), data.warnings().toString());
    assertEquals("4983", data.documentIds().get(0));
    assertTrue(data.documentText(0).startsWith("Microstructural development of human newborn cerebral white matter"));
    assertTrue(data.documentText(0).contains(" ".concat(data.text(0).substring(0, 20))));
    assertEquals(data.title(0) + " " + data.text(0), data.documentText(0));
  }

  @Test
  void trainSplitAndLicence() throws IOException {
    BeirDataset train = Beir.scifact("train");
    assertEquals(809, train.qrels().size());
    assertEquals(919, train.qrels().values().stream().mapToInt(m -> m.size()).sum());
    try (InputStream readme = Beir.class.getResourceAsStream(Beir.SCIFACT_RESOURCES + "README.md")) {
      assertNotNull(readme);
      assertTrue(new String(readme.readAllBytes(), StandardCharsets.UTF_8).contains("CC BY-NC 2.0"));
    }
  }
}
