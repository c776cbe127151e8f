package org.infonce4j.word2vec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.infonce4j.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordVectorsFormatTest {

  @TempDir
  Path dir;

  // ---------------------------------------------------------------- helpers

  /** The tiny case of the byte-exact tests: values that need care when printed with "%lf". */
  private static WordVectors tricky() {
    return new WordVectors(new String[] {"a", "é"}, Matrix.of(new float[][] {
        {0.0078125f, -0.0f, 1e-7f, -1e-7f, 123456.789f},
        {1f, -2.5f, 0.0234375f, 1e10f, -3.4028235e38f},
    }));
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(s.getBytes(UTF_8));
      } else if (p instanceof float[] f) {
        ByteBuffer b = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : f) {
          b.putFloat(v);
        }
        out.writeBytes(b.array());
      } else {
        out.writeBytes((byte[]) p);
      }
    }
    return out.toByteArray();
  }

  private Path file(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  private Path file(String name, String content) throws IOException {
    return file(name, content.getBytes(UTF_8));
  }

  private static WordVectors random(int rows, int dim, long seed) {
    Random rnd = new Random(seed);
    String[] words = new String[rows];
    float[] data = new float[rows * dim]; // rows x dim
    for (int i = 0; i < rows; i++) {
      words[i] = (i % 7 == 3 ? "wörd" : "w") + i;
    }
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 5));
    }
    return new WordVectors(words, new Matrix(rows, dim, data));
  }

  private static String message(Path file, Class<? extends RuntimeException> type, Boolean binary) {
    RuntimeException e = assertThrows(type,
        () -> {
          if (binary == null) {
            WordVectorsFormat.read(file);
          } else {
            WordVectorsFormat.read(file, binary);
          }
        });
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    return e.getMessage();
  }

  private static String error(Path file) {
    return message(file, IllegalArgumentException.class, null);
  }

  // ---------------------------------------------------------------- writing, byte for byte

  @Test
  void textIsByteExactAsTheCTool() throws IOException {
    Path p = dir.resolve("v.txt");
    WordVectorsFormat.write(p, tricky(), false);
    String expected = "2 5\n"
        + "a 0.007812 -0.000000 0.000000 -0.000000 123456.789062 \n"
        + "é 1.000000 -2.500000 0.023438 10000000000.000000 -340282346638528859811704183484516925440.000000 \n";
    assertArrayEquals(expected.getBytes(UTF_8), Files.readAllBytes(p));
  }

  @Test
  void binaryIsByteExactAsTheCTool() throws IOException {
    Path p = dir.resolve("v.bin");
    WordVectorsFormat.write(p, tricky(), true);
    byte[] expected = bytes("2 5\n",
        "a ", new byte[] {0, 0, 0, 0x3c, 0, 0, 0, (byte) 0x80, (byte) 0x95, (byte) 0xbf, (byte) 0xd6, 0x33,
            (byte) 0x95, (byte) 0xbf, (byte) 0xd6, (byte) 0xb3, 0x65, 0x20, (byte) 0xf1, 0x47},
        "\n",
        "é ", new float[] {1f, -2.5f, 0.0234375f, 1e10f, -3.4028235e38f}, "\n");
    assertArrayEquals(expected, Files.readAllBytes(p));
  }

  @Test
  void printfRoundingMatchesTheExactDecimalExpansion() {
    String[][] cases = {
        {"0.0078125", "0.007812"}, {"0.0234375", "0.023438"}, {"0.0390625", "0.039062"}, {"-0.0", "-0.000000"},
        {"1e-7", "0.000000"}, {"-1e-7", "-0.000000"}, {"123456.789", "123456.789062"}, {"0.5", "0.500000"},
        {"1.4e-45", "0.000000"}, {"9.3e12", "9299999850496.000000"}, {"Infinity", "inf"}, {"-Infinity", "-inf"},
        {"NaN", "nan"},
    };
    for (String[] c : cases) {
      assertEquals(c[1], PrintfFloat.toString(Float.parseFloat(c[0])), c[0]);
    }
    assertEquals("-nan", PrintfFloat.toString(DecimalParser.NEGATIVE_NAN));
    Random rnd = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      float f = Float.intBitsToFloat(i % 2 == 0 ? rnd.nextInt() : Float.floatToIntBits((rnd.nextInt(1 << 20) - (1 << 19)) / 1024f));
      if (Float.isFinite(f)) {
        String want = (Float.floatToRawIntBits(f) < 0 ? "-" : "")
            + new java.math.BigDecimal(Math.abs(f)).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
        assertEquals(want, PrintfFloat.toString(f), "bits " + Integer.toHexString(Float.floatToRawIntBits(f)));
      }
    }
  }

  @Test
  void decimalParserAgreesWithParseFloat() {
    DecimalParser p = new DecimalParser();
    Random rnd = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      float f = Float.intBitsToFloat(rnd.nextInt() & 0x7f7fffff);
      String[] texts = {Float.toString(f), PrintfFloat.toString(f), String.format("%.9g", f),
          new java.math.BigDecimal(f).add(new java.math.BigDecimal(Math.nextUp(f))).divide(java.math.BigDecimal.valueOf(2))
              .toString()};
      for (String s : texts) {
        byte[] b = s.getBytes(ISO_8859_1);
        float got = p.parse(b, 0, b.length);
        assertFalse(p.failed(), s);
        assertEquals(Float.floatToIntBits(Float.parseFloat(s)), Float.floatToIntBits(got), s);
      }
    }
    for (String bad : new String[] {"", "-", ".", "1e", "e5", "1.2.3", "0x10", "1f", "--1", " 1", "infinit", "nan1"}) {
      byte[] b = bad.getBytes(ISO_8859_1);
      p.parse(b, 0, b.length);
      assertTrue(p.failed(), bad);
    }
  }

  // ---------------------------------------------------------------- round trips

  @Test
  void binaryRoundTripIsExact() throws IOException {
    WordVectors v = random(500, 37, 1);
    float[] data = v.vectors().data();
    data[0] = -0.0f;
    data[1] = Float.NaN;
    data[2] = Float.NEGATIVE_INFINITY;
    data[3] = Float.MIN_VALUE;
    Path p = dir.resolve("r.bin");
    WordVectorsFormat.write(p, v, true);
    for (WordVectors back : List.of(WordVectorsFormat.read(p), WordVectorsFormat.read(p, true))) {
      assertEquals(v.words(), back.words());
      assertEquals(v.vectors(), back.vectors()); // bitwise float equality
    }
  }

  @Test
  void textRoundTripKeepsSixDecimals() throws IOException {
    WordVectors v = random(500, 37, 2);
    Path p = dir.resolve("r.txt");
    WordVectorsFormat.write(p, v, false);
    for (WordVectors back : List.of(WordVectorsFormat.read(p), WordVectorsFormat.read(p, false))) {
      assertEquals(v.words(), back.words());
      float[] a = v.vectors().data();
      float[] b = back.vectors().data();
      for (int i = 0; i < a.length; i++) {
        assertEquals(Float.parseFloat(PrintfFloat.toString(a[i])), b[i], 0f, "value " + i);
      }
    }
    // A second write of what was read gives the same bytes.
    Path again = dir.resolve("again.txt");
    WordVectorsFormat.write(again, WordVectorsFormat.read(p), false);
    assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(again));
  }

  @Test
  void streamsFilesLargerThanTheBufferAndLinesLongerThanIt() throws IOException {
    WordVectors many = random(6000, 60, 3); // about 1.5 MB binary, 5 MB text
    WordVectors wide = random(3, 200_000, 4); // text lines of about 2 MB
    for (WordVectors v : List.of(many, wide)) {
      for (boolean binary : new boolean[] {true, false}) {
        Path p = dir.resolve("big" + binary);
        WordVectorsFormat.write(p, v, binary);
        WordVectors back = WordVectorsFormat.read(p);
        assertEquals(v.size(), back.size());
        assertEquals(v.word(v.size() - 1), back.word(v.size() - 1));
        float last = v.vectors().data()[v.vectors().data().length - 1];
        float want = binary ? last : Float.parseFloat(PrintfFloat.toString(last));
        assertEquals(want, back.vectors().data()[back.vectors().data().length - 1], 0f);
      }
    }
  }

  @Test
  void readsLenientTextAndBinaryVariants() throws IOException {
    // Tabs, CRLF, gensim's repr style without the trailing space, exponents, no final line break.
    WordVectors t = WordVectorsFormat.read(file("lenient.txt", "2 3\r\nfoo\t1.5  -2e-3\t7\r\nbar 1E2 -0.0 inf"));
    assertEquals(List.of("foo", "bar"), t.words());
    assertArrayEquals(new float[] {1.5f, -2e-3f, 7f, 100f, -0.0f, Float.POSITIVE_INFINITY}, t.vectors().data());
    // Binary in gensim 4's layout (no '\n' after a vector) and with extra line breaks.
    byte[] gensim = bytes("2 2\n", "foo ", new float[] {1f, 2f}, "bar ", new float[] {3f, 4f});
    byte[] extra = bytes("2 2\n", "\n\nfoo ", new float[] {1f, 2f}, "\n\nbar ", new float[] {3f, 4f}, "\n\n");
    for (byte[] content : List.of(gensim, extra)) {
      WordVectors b = WordVectorsFormat.read(file("variant.bin", content));
      assertEquals(List.of("foo", "bar"), b.words());
      assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, b.vectors().data());
    }
  }

  @Test
  void detectsBinaryEvenWhenTheFloatsContainALineBreakByte() throws IOException {
    float tricky = Float.intBitsToFloat(0x3f80_0a31); // little-endian bytes '1', '\n', 0x80, '?'
    byte[] content = bytes("2 2\n", "a ", new float[] {tricky, 5f}, "\n", "b ", new float[] {2f, 3f}, "\n");
    WordVectors v = WordVectorsFormat.read(file("nl.bin", content));
    assertArrayEquals(new float[] {tricky, 5f, 2f, 3f}, v.vectors().data());
  }

  @Test
  void emptyAndZeroDimensionalFiles() throws IOException {
    WordVectors empty = new WordVectors(new String[0], Matrix.zeros(0, 4));
    WordVectors flat = new WordVectors(new String[] {"a", "b"}, Matrix.zeros(2, 0));
    for (WordVectors v : List.of(empty, flat)) {
      for (boolean binary : new boolean[] {true, false}) {
        Path p = dir.resolve("e" + binary);
        WordVectorsFormat.write(p, v, binary);
        WordVectors back = WordVectorsFormat.read(p);
        assertEquals(v.words(), back.words());
        assertEquals(v.vectors(), back.vectors());
      }
    }
    WordVectorsFormat.write(dir.resolve("empty"), empty, false);
    assertArrayEquals("0 4\n".getBytes(UTF_8), Files.readAllBytes(dir.resolve("empty")));
    WordVectorsFormat.write(dir.resolve("flat"), flat, true);
    assertArrayEquals("2 0\na \nb \n".getBytes(UTF_8), Files.readAllBytes(dir.resolve("flat")));
  }

  // ---------------------------------------------------------------- writing: validation, atomicity

  @Test
  void writeRejectsWordsThatCannotBeReadBackAndLeavesNothing() throws IOException {
    for (String bad : new String[] {"", "two words", "tab\there", "line\nbreak", "lone\ud800surrogate"}) {
      WordVectors v = new WordVectors(new String[] {"ok", bad}, Matrix.zeros(2, 2));
      Path p = dir.resolve("bad.txt");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordVectorsFormat.write(p, v, false));
      assertTrue(e.getMessage().startsWith(p + ": cannot write word 1"), e.getMessage());
      assertFalse(Files.exists(p));
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void failedWriteLeavesNoTemporaryFileAndKeepsTheTarget() throws IOException {
    Path target = dir.resolve("occupied");
    Files.createDirectory(target);
    Files.writeString(target.resolve("inside"), "keep");
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> WordVectorsFormat.write(target, tricky(), false));
    assertTrue(e.getMessage().startsWith(target + ": cannot write"), e.getMessage());
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(target), left.toList());
    }
    assertEquals("keep", Files.readString(target.resolve("inside")));
  }

  @Test
  void writeReplacesAnExistingFile() throws IOException {
    Path p = file("old.txt", "junk");
    WordVectorsFormat.write(p, tricky(), true);
    assertEquals(tricky().vectors(), WordVectorsFormat.read(p).vectors());
  }

  // ---------------------------------------------------------------- reading: errors

  @Test
  void missingFileIsAnIoError() {
    Path p = dir.resolve("absent.bin");
    assertEquals(p + ": cannot read: no such file or directory", message(p, UncheckedIOException.class, null));
  }

  @Test
  void badHeaders() throws IOException {
    assertEquals("e: bad header: the file is empty", error(file("e", "")).replace(dir + "/", ""));
    for (String h : new String[] {"3\n", "3 4 5\n", "x 4\n", "-3 4\n", "3 4.0\n", "99999999999 4\n", "a 0.1 0.2\n"}) {
      String m = error(file("h", h + "a 1 2 3 4\n"));
      assertTrue(m.contains("bad header: expected '<vector count> <dimension>', got '" + h.strip() + "'"), m);
    }
    assertTrue(error(file("h", "2 3")).contains("bad header: expected '<vector count> <dimension>' and a line break"));
    assertTrue(error(file("h", "1".repeat(5000))).contains("bad header: no line break in the first 4096 bytes"));
    assertTrue(error(file("h", "100000 100000\n")).contains("more than one Java array holds"));
  }

  @Test
  void truncatedBinary() throws IOException {
    byte[] full = bytes("3 4\n", "foo ", new float[] {1, 2, 3, 4}, "\n", "bar ", new float[] {5, 6, 7, 8}, "\n",
        "baz ", new float[] {9, 10, 11, 12}, "\n");
    String head = "truncated: expected 3 vectors of 4 floats, ";
    assertEquals(head + "file ends in vector 2 (word 'bar') after 2 of 4 floats",
        tail(error(file("t.bin", java.util.Arrays.copyOf(full, 4 + 21 + 4 + 8 + 3)))));
    assertEquals(head + "file ends in vector 3, in its word",
        tail(error(file("t.bin", java.util.Arrays.copyOf(full, 4 + 21 + 21 + 2)))));
    assertEquals(head + "file ends after vector 2",
        tail(error(file("t.bin", java.util.Arrays.copyOf(full, 4 + 21 + 21)))));
  }

  @Test
  void truncatedText() throws IOException {
    String full = "3 2\nfoo 1 2\nbar 3 4\nbaz 5 6\n";
    String head = "truncated: expected 3 vectors of 2 floats, ";
    assertEquals(head + "file ends after vector 2 (line 3)", tail(error(file("t.txt", full.substring(0, 20)))));
    assertEquals(head + "file ends in vector 3 (word 'baz', line 4) after 1 of 2 values",
        tail(error(file("t.txt", full.substring(0, 26)))));
    assertEquals(head + "file ends in vector 3 (word 'baz', line 4)", tail(error(file("t.txt", full.substring(0, 27) + "-"))));
    assertEquals(head + "file ends before the first vector", tail(error(file("t.txt", "3 2\n"))));
  }

  @Test
  void textWithAWrongValueCountOrABadNumber() throws IOException {
    assertEquals("line 3: expected 3 values after the word 'bar', got 2",
        tail(error(file("c.txt", "2 3\nfoo 1 2 3\nbar 4 5\n"))));
    assertEquals("line 3: expected 3 values after the word 'bar', got 4",
        tail(error(file("c.txt", "2 3\nfoo 1 2 3\nbar 4 5 6 7\n"))));
    assertEquals("line 2: expected 3 values after the word 'foo', got 2", // the first line decides the format
        tail(error(file("c.txt", "2 3\nfoo 1.25 2.5\nbar 4 5 6\n"))));
    assertEquals("line 3, column 9: '5,5' is not a number",
        tail(error(file("n.txt", "2 3\nfoo 1 2 3\nbar 4.0 5,5 6\n"))));
    assertEquals("line 3: the word is not valid UTF-8 (byte 0xff at byte offset 11)",
        tail(error(file("u.txt", bytes("2 1\nfoo 1\nb", new byte[] {(byte) 0xff}, "r 2\n")))));
    assertEquals("duplicate word 'foo': vector 1 (line 2) and vector 3 (line 4)",
        tail(error(file("d.txt", "3 1\nfoo 1\nbar 2\nfoo 3\n"))));
    assertEquals("line 3 is empty; expected a word and 1 values", tail(error(file("x.txt", "2 1\nfoo 1\n\nbar 2\n"))));
    assertEquals("more data after the 1 vectors the header announces, at byte offset 10",
        tail(error(file("m.txt", "1 1\nfoo 1\nbar 2\n"))));
  }

  @Test
  void binaryWithInvalidUtf8OrADuplicate() throws IOException {
    byte[] utf8 = bytes("2 1\n", "foo ", new float[] {1}, "\n", "b", new byte[] {(byte) 0xc3, 0x28}, "r ",
        new float[] {2}, "\n");
    assertEquals("vector 2: the word is not valid UTF-8 (byte 0xc3 at byte offset 14)", tail(error(file("u.bin", utf8))));
    byte[] dup = bytes("3 1\n", "foo ", new float[] {1}, "\n", "bar ", new float[] {2}, "\n", "foo ", new float[] {3}, "\n");
    assertEquals("duplicate word 'foo': vector 1 and vector 3", tail(error(file("d.bin", dup))));
    byte[] empty = bytes("1 1\n", " ", new float[] {1}, "\n");
    assertTrue(tail(message(file("e.bin", empty), IllegalArgumentException.class, true))
        .startsWith("vector 1: empty word at byte offset 4"));
  }

  @Test
  void binaryErrorsAfterDetectionSayWhyTheFileWasNotText() throws IOException {
    String m = error(file("h.txt", "2 3\nfoo 1 2 x\nbar 1 2 3\n"));
    assertTrue(m.endsWith("(read as binary: the first vector's line is not text: 'x' is not a number)"), m);
    assertTrue(m.contains(": truncated: expected 2 vectors of 3 floats"), m);
  }

  /** The message after "file: ". */
  private String tail(String message) {
    return message.substring(message.indexOf(": ") + 2);
  }
}
