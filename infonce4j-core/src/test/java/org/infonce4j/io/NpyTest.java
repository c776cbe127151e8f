package org.infonce4j.io;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.infonce4j.BitMatrix;
import org.infonce4j.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

  @TempDir
  Path dir;

  // ---------------------------------------------------------------- helpers

  /** A committed sample written by make_npy_samples.py. */
  private static Path sample(String name) throws URISyntaxException {
    return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
  }

  /** A format 1.0 file whose header is {@code dict} padded as numpy pads it, followed by {@code data}. */
  private Path npy(String name, String dict, byte[] data) throws IOException {
    return npy(name, 1, 0, dict, data);
  }

  private Path npy(String name, int major, int minor, String dict, byte[] data) throws IOException {
    byte[] text = dict.getBytes(major == 3 ? UTF_8 : ISO_8859_1);
    int lengthBytes = major == 1 ? 2 : 4;
    int pad = (64 - (8 + lengthBytes + text.length + 1) % 64) % 64;
    int headerLength = text.length + pad + 1;
    ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + headerLength + data.length).order(LE);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, (byte) minor});
    if (major == 1) {
      b.putShort((short) headerLength);
    } else {
      b.putInt(headerLength);
    }
    b.put(text).put(" ".repeat(pad).getBytes(ISO_8859_1)).put((byte) '\n').put(data);
    Path file = dir.resolve(name);
    Files.write(file, b.array());
    return file;
  }

  private static String dict(String descr, boolean fortran, String shape) {
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
        + ", 'shape': " + shape + ", }";
  }

  private static byte[] floats(ByteOrder order, float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  private static byte[] doubles(ByteOrder order, double... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(order);
    b.asDoubleBuffer().put(v);
    return b.array();
  }

  /** Integers of {@code size} bytes each (two's complement, truncated to the size). */
  private static byte[] ints(ByteOrder order, int size, long... v) {
    ByteBuffer b = ByteBuffer.allocate(size * v.length).order(order);
    for (long x : v) {
      switch (size) {
        case 1 -> b.put((byte) x);
        case 2 -> b.putShort((short) x);
        case 4 -> b.putInt((int) x);
        default -> b.putLong(x);
      }
    }
    return b.array();
  }

  /** The formula of the float samples: a[i, j] = i * 10 + j + offset. */
  private static Matrix grid(int rows, int cols, double offset) {
    float[] data = new float[rows * cols]; // data: rows x cols
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        data[i * cols + j] = (float) (i * 10 + j + offset);
      }
    }
    return new Matrix(rows, cols, data);
  }

  /** The formula of the mask samples: m[i, j] = (i + 2 * j) % 3 == 0, 3 x 5. */
  private static BitMatrix sampleMask() {
    BitMatrix.Builder b = BitMatrix.builder(3, 5);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 5; j++) {
        if ((i + 2 * j) % 3 == 0) {
          b.set(i, j);
        }
      }
    }
    return b.build();
  }

  /** A deterministic pseudo-random mask. */
  private static BitMatrix stripes(int rows, int cols) {
    BitMatrix.Builder b = BitMatrix.builder(rows, cols);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        if ((i * 7 + j * 13) % 5 == 0) {
          b.set(i, j);
        }
      }
    }
    return b.build();
  }

  /** Column-major bytes of a row-major matrix. */
  private static float[] fortranOrder(Matrix m) {
    float[] out = new float[m.data().length]; // out: cols x rows
    for (int i = 0; i < m.rows(); i++) {
      for (int j = 0; j < m.cols(); j++) {
        out[j * m.rows() + i] = m.get(i, j);
      }
    }
    return out;
  }

  /** Asserts an IllegalArgumentException whose message is exactly "file: tail". */
  private static void assertMessage(Path file, String tail, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(file + ": " + tail, e.getMessage());
  }

  /** Asserts an IllegalArgumentException whose message starts with the file and contains {@code part}. */
  private static void assertMessageContains(Path file, String part, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  private List<Path> listDir() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  // ---------------------------------------------------------------- round trips

  @Test
  void matrixRoundTripKeepsEveryFloatBit() {
    float[] data = {0f, -0f, 1.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, Float.MAX_VALUE, -3.25f, 1e-20f, 7f, 8f}; // data: 3 x 4
    Matrix m = new Matrix(3, 4, data);
    Path file = dir.resolve("m.npy");
    Npy.write(file, m);
    assertEquals(m, Npy.readMatrix(file));
    NpyArray a = Npy.read(file);
    assertEquals("float32", a.dtype());
    assertArrayEquals(new int[] {3, 4}, a.shape());
    assertFalse(a.fortranOrder());
  }

  @Test
  void float32WriterHandlesZeroOneAndTwoDimensions() {
    Path scalar = dir.resolve("s.npy");
    Npy.writeFloat32(scalar, new int[] {}, new float[] {2.5f});
    NpyArray s = Npy.read(scalar);
    assertArrayEquals(new int[] {}, s.shape());
    assertArrayEquals(new double[] {2.5}, s.toDoubleArray());

    Path vector = dir.resolve("v.npy");
    Npy.writeFloat32(vector, new int[] {4}, new float[] {1f, -2f, 3.5f, 1e30f});
    NpyArray v = Npy.read(vector);
    assertArrayEquals(new int[] {4}, v.shape());
    assertArrayEquals(new double[] {1, -2, 3.5, 1e30f}, v.toDoubleArray());

    Path matrix = dir.resolve("m.npy");
    Npy.writeFloat32(matrix, new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
    assertEquals(Matrix.of(new float[][] {{1, 2, 3}, {4, 5, 6}}), Npy.readMatrix(matrix));
  }

  @Test
  void float64RoundTripIsExactAndReadMatrixNarrows() {
    double[] values = {0.1, -1e300, 1e-310, Math.PI, Double.NaN, 2.0 / 3}; // values: 2 x 3
    Path file = dir.resolve("d.npy");
    Npy.writeFloat64(file, new int[] {2, 3}, values);
    NpyArray a = Npy.read(file);
    assertEquals("float64", a.dtype());
    assertArrayEquals(values, a.toDoubleArray());
    Matrix m = Npy.readMatrix(file);
    for (int k = 0; k < values.length; k++) {
      assertEquals((float) values[k], m.data()[k]);
    }
    assertEquals(Float.NEGATIVE_INFINITY, m.get(0, 1));

    Path scalar = dir.resolve("s.npy");
    Npy.writeFloat64(scalar, new int[] {}, new double[] {Math.E});
    assertArrayEquals(new double[] {Math.E}, Npy.read(scalar).toDoubleArray());
    assertEquals(0, Npy.readHeader(scalar).ndim());

    Path vector = dir.resolve("v.npy");
    Npy.writeFloat64(vector, new int[] {3}, new double[] {1, 2, 3});
    assertArrayEquals(new double[] {1, 2, 3}, Npy.read(vector).toDoubleArray());
  }

  @Test
  void indicesRoundTrip() {
    int[] v = {0, 5, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 42};
    Path file = dir.resolve("p.npy");
    Npy.writeIndices(file, v);
    assertArrayEquals(v, Npy.readIndices(file));
    NpyHeader h = Npy.readHeader(file);
    assertEquals("int32", h.dtype());
    assertEquals("<i4", h.descr());
    assertTrue(h.isIndexVector());
    assertFalse(h.isMask());
    assertFalse(Npy.isMask(file));
    assertArrayEquals(new long[] {0, 5, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 42}, Npy.read(file).toLongArray());
  }

  @Test
  void maskRoundTripAcrossWordBoundaries() {
    BitMatrix m = stripes(4, 130);
    Path file = dir.resolve("m.npy");
    Npy.writeMask(file, m);
    assertEquals(m, Npy.readMask(file));
    NpyHeader h = Npy.readHeader(file);
    assertEquals("|b1", h.descr());
    assertEquals("bool", h.dtype());
    assertTrue(h.isMask());
    assertTrue(Npy.isMask(file));
    assertEquals(4 * 130, Npy.read(file).data().remaining());
  }

  @Test
  void zeroSizeArraysRoundTrip() {
    Path matrix = dir.resolve("m.npy");
    Npy.write(matrix, Matrix.zeros(0, 4));
    assertEquals(Matrix.zeros(0, 4), Npy.readMatrix(matrix));
    assertArrayEquals(new int[] {0, 4}, Npy.readHeader(matrix).shape());

    Path mask = dir.resolve("k.npy");
    Npy.writeMask(mask, BitMatrix.builder(3, 0).build());
    BitMatrix k = Npy.readMask(mask);
    assertEquals(3, k.rows());
    assertEquals(0, k.cols());

    Path indices = dir.resolve("i.npy");
    Npy.writeIndices(indices, new int[0]);
    assertArrayEquals(new int[0], Npy.readIndices(indices));

    Path doubles = dir.resolve("d.npy");
    Npy.writeFloat64(doubles, new int[] {2, 0}, new double[0]);
    assertArrayEquals(new int[] {2, 0}, Npy.read(doubles).shape());
  }

  @Test
  void writtenFilesAreByteIdenticalToNumpy() throws Exception {
    Path f32 = dir.resolve("f32.npy");
    Npy.write(f32, grid(3, 4, 0.5));
    assertArrayEquals(Files.readAllBytes(sample("f32_c.npy")), Files.readAllBytes(f32));

    Path f64 = dir.resolve("f64.npy");
    double[] values = new double[12]; // values: 3 x 4
    for (int k = 0; k < 12; k++) {
      values[k] = (k / 4) * 10 + k % 4 + 0.25;
    }
    Npy.writeFloat64(f64, new int[] {3, 4}, values);
    assertArrayEquals(Files.readAllBytes(sample("f64_c.npy")), Files.readAllBytes(f64));

    Path i32 = dir.resolve("i32.npy");
    Npy.writeIndices(i32, new int[] {-250, -150, -50, 50, 150, 250, 350});
    assertArrayEquals(Files.readAllBytes(sample("i32.npy")), Files.readAllBytes(i32));

    Path mask = dir.resolve("mask.npy");
    Npy.writeMask(mask, sampleMask());
    assertArrayEquals(Files.readAllBytes(sample("mask_bool.npy")), Files.readAllBytes(mask));
  }

  @Test
  void writtenHeadersAreAlignedTo64Bytes() throws IOException {
    int[][] shapes = {{}, {0}, {7}, {1234567890, 0}, {3, 4}, {1, 2, 1, 3, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 2}};
    for (int[] shape : shapes) {
      Path file = dir.resolve("h.npy");
      int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      Npy.writeFloat32(file, shape, new float[n]);
      byte[] bytes = Files.readAllBytes(file);
      NpyHeader h = Npy.readHeader(file);
      assertArrayEquals(shape, h.shape());
      assertEquals(0, h.dataOffset() % 64, Arrays.toString(shape));
      assertEquals('\n', bytes[(int) h.dataOffset() - 1]);
      assertEquals(1, h.majorVersion());
      assertEquals(0, h.minorVersion());
      assertEquals(h.dataOffset() + 4L * n, bytes.length);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void largeMatrixRoundTrip() {
    int rows = 65536;
    int cols = 128;
    float[] data = new float[rows * cols]; // data: rows x cols
    for (int k = 0; k < data.length; k++) {
      data[k] = k * 0.25f - 1000f;
    }
    Matrix m = new Matrix(rows, cols, data);
    Path file = dir.resolve("big.npy");
    Npy.write(file, m);
    long start = System.nanoTime();
    Matrix back = Npy.readMatrix(file);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(m, back);
    assertTrue(millis < 5_000, "reading 32 MB took " + millis + " ms");
  }

  // ---------------------------------------------------------------- files written by numpy

  @Test
  void readsNumpyFloat32() throws Exception {
    assertEquals(grid(3, 4, 0.5), Npy.readMatrix(sample("f32_c.npy")));
  }

  @Test
  void readsNumpyFloat64NarrowedToFloat32() throws Exception {
    Matrix m = Npy.readMatrix(sample("f64_c.npy"));
    assertEquals(grid(3, 4, 0.25), m);
    assertEquals(21.25f, m.get(2, 1));
  }

  @Test
  void readsNumpyFortranOrder() throws Exception {
    Path file = sample("f32_fortran.npy");
    assertTrue(Npy.readHeader(file).fortranOrder());
    assertEquals(grid(3, 4, 0.5), Npy.readMatrix(file));
    NpyArray a = Npy.read(file);
    assertTrue(a.fortranOrder());
    assertEquals(10.5f, a.data().getFloat(4)); // second element in file order is a[1, 0]
    double[] c = a.toDoubleArray();
    assertEquals(1.5, c[1]);
    assertEquals(23.5, c[11]);
  }

  @Test
  void readsNumpyBigEndian() throws Exception {
    Path file = sample("f32_be.npy");
    NpyHeader h = Npy.readHeader(file);
    assertEquals(ByteOrder.BIG_ENDIAN, h.byteOrder());
    assertEquals(">f4", h.descr());
    assertEquals("float32", h.dtype());
    assertEquals(grid(3, 4, 0.5), Npy.readMatrix(file));
  }

  @Test
  void readsNumpyIndexVectors() throws Exception {
    assertArrayEquals(new int[] {-3, -2, 1, 6, 13, 22}, Npy.readIndices(sample("i64.npy")));
    assertArrayEquals(new int[] {-250, -150, -50, 50, 150, 250, 350}, Npy.readIndices(sample("i32.npy")));
    assertEquals("int64", Npy.readHeader(sample("i64.npy")).dtype());
  }

  @Test
  void readsNumpyMasks() throws Exception {
    assertEquals(sampleMask(), Npy.readMask(sample("mask_bool.npy")));
    assertEquals(sampleMask(), Npy.readMask(sample("mask_u8.npy")));
    assertEquals(sampleMask(), Npy.readMask(sample("mask_bool_fortran.npy")));
    assertEquals("uint8", Npy.readHeader(sample("mask_u8.npy")).dtype());
  }

  @Test
  void readsFormatVersions2And3() throws Exception {
    for (String name : List.of("f32_v2.npy", "f32_v3.npy")) {
      Path file = sample(name);
      NpyHeader h = Npy.readHeader(file);
      assertEquals(name.equals("f32_v2.npy") ? 2 : 3, h.majorVersion());
      assertEquals(0, h.dataOffset() % 64);
      assertEquals(grid(2, 3, 0.5), Npy.readMatrix(file));
    }
  }

  @Test
  void headerTellsMasksFromIndexVectors() throws Exception {
    for (String name : List.of("mask_bool.npy", "mask_u8.npy", "mask_bool_fortran.npy")) {
      assertTrue(Npy.isMask(sample(name)), name);
      assertFalse(Npy.readHeader(sample(name)).isIndexVector(), name);
    }
    for (String name : List.of("i32.npy", "i64.npy")) {
      assertTrue(Npy.readHeader(sample(name)).isIndexVector(), name);
      assertFalse(Npy.isMask(sample(name)), name);
    }
    assertFalse(Npy.isMask(sample("f32_c.npy")));
    assertFalse(Npy.readHeader(sample("f32_c.npy")).isIndexVector());
  }

  // ---------------------------------------------------------------- orders and dtypes

  @Test
  void cAndFortranOrderGiveTheSameMatrix() throws IOException {
    Matrix m = grid(1000, 64, 0.5);
    Path c = dir.resolve("c.npy");
    Npy.write(c, m);
    Path f = npy("f.npy", dict("<f4", true, "(1000, 64)"), floats(LE, fortranOrder(m)));
    assertTrue(Npy.readHeader(f).fortranOrder());
    assertEquals(Npy.readMatrix(c), Npy.readMatrix(f));
    assertEquals(m, Npy.readMatrix(f));
  }

  @Test
  void largeFortranMatrixSpanningSeveralBuffers() throws IOException {
    Matrix m = grid(3000, 200, 0.5); // 2.4 MB of float32, more than one 1 MiB buffer
    double[] fortran = new double[m.data().length]; // fortran: cols x rows
    float[] f = fortranOrder(m);
    for (int k = 0; k < f.length; k++) {
      fortran[k] = f[k];
    }
    Path file = npy("f.npy", dict(">f8", true, "(3000, 200)"), doubles(BE, fortran));
    assertEquals(m, Npy.readMatrix(file));
  }

  @Test
  void fortranOrderOfThreeDimensionsViaRead() throws IOException {
    double[] fortran = new double[24]; // fortran: 4 x 3 x 2 (reversed axes)
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          fortran[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
        }
      }
    }
    NpyArray a = Npy.read(npy("t.npy", dict("<f8", true, "(2, 3, 4)"), doubles(LE, fortran)));
    double[] c = a.toDoubleArray();
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          assertEquals(100 * i + 10 * j + k, c[12 * i + 4 * j + k]);
        }
      }
    }
  }

  @Test
  void fortranMaskAcrossWords() throws IOException {
    BitMatrix m = stripes(7, 70);
    byte[] fortran = new byte[7 * 70]; // fortran: cols x rows
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 70; j++) {
        fortran[j * 7 + i] = (byte) (m.get(i, j) ? 1 : 0);
      }
    }
    assertEquals(m, Npy.readMask(npy("m.npy", dict("|b1", true, "(7, 70)"), fortran)));
  }

  @Test
  void readsEveryIntegerTypeAsIndices() throws IOException {
    long[] v = {0, 1, 7, 100, 127};
    int[] expected = {0, 1, 7, 100, 127};
    String[] descrs = {
        "|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4", "<i8", ">i8", "<u8", ">u8"
    };
    for (String descr : descrs) {
      int size = descr.charAt(2) - '0';
      Path file = npy("v.npy", dict(descr, false, "(5,)"), ints(descr.charAt(0) == '>' ? BE : LE, size, v));
      assertArrayEquals(expected, Npy.readIndices(file), descr);
    }
    Path signed = npy("s.npy", dict("<i2", false, "(3,)"), ints(LE, 2, -1, -32768, 32767));
    assertArrayEquals(new int[] {-1, -32768, 32767}, Npy.readIndices(signed));
    Path unsigned = npy("u.npy", dict("<u2", false, "(2,)"), ints(LE, 2, 65535, 40000));
    assertArrayEquals(new int[] {65535, 40000}, Npy.readIndices(unsigned));
    Path u8 = npy("b.npy", dict("|u1", false, "(1,)"), ints(LE, 1, 255));
    assertArrayEquals(new int[] {255}, Npy.readIndices(u8));
    Path big = npy("l.npy", dict(">i8", false, "(2,)"), ints(BE, 8, Integer.MIN_VALUE, Integer.MAX_VALUE));
    assertArrayEquals(new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE}, Npy.readIndices(big));
  }

  @Test
  void readsInt8AndUint8Masks() throws IOException {
    byte[] bytes = {1, 0, 0, 1, 1, 0}; // bytes: 2 x 3
    BitMatrix expected = BitMatrix.of(new boolean[][] {{true, false, false}, {true, true, false}});
    assertEquals(expected, Npy.readMask(npy("a.npy", dict("|i1", false, "(2, 3)"), bytes)));
    assertEquals(expected, Npy.readMask(npy("b.npy", dict("|u1", false, "(2, 3)"), bytes)));
  }

  @Test
  void generalReadDecodesEveryDtype() throws IOException {
    NpyArray u64 = Npy.read(npy("a.npy", dict("<u8", false, "(2,)"), ints(LE, 8, -1, 5)));
    assertEquals("uint64", u64.dtype());
    assertArrayEquals(new double[] {18446744073709551615.0, 5}, u64.toDoubleArray());
    assertArrayEquals(new long[] {-1, 5}, u64.toLongArray());

    NpyArray u32 = Npy.read(npy("b.npy", dict(">u4", false, "(2,)"), ints(BE, 4, 4294967295L, 3)));
    assertArrayEquals(new long[] {4294967295L, 3}, u32.toLongArray());

    NpyArray i16 = Npy.read(npy("c.npy", dict("<i2", false, "(2, 1)"), ints(LE, 2, -7, 9)));
    assertArrayEquals(new double[] {-7, 9}, i16.toDoubleArray());

    NpyArray bool = Npy.read(npy("d.npy", dict("|b1", false, "(3,)"), new byte[] {1, 0, 1}));
    assertArrayEquals(new long[] {1, 0, 1}, bool.toLongArray());

    NpyArray f64 = Npy.read(npy("e.npy", dict(">f8", false, "()"), doubles(BE, -0.5)));
    assertEquals(1, f64.size());
    assertArrayEquals(new double[] {-0.5}, f64.toDoubleArray());
    assertThrows(IllegalStateException.class, f64::toLongArray);
  }

  @Test
  void npyArrayIsDefensive() {
    NpyArray a = new NpyArray("int32", new int[] {2}, false, ByteBuffer.wrap(ints(LE, 4, 3, 4)).order(LE));
    a.shape()[0] = 99;
    assertArrayEquals(new int[] {2}, a.shape());
    ByteBuffer data = a.data();
    assertEquals(LE, data.order());
    assertThrows(ReadOnlyBufferException.class, () -> data.put(0, (byte) 1));
    data.position(8);
    assertEquals(0, a.data().position());
    assertArrayEquals(new long[] {3, 4}, a.toLongArray());
    assertThrows(IllegalArgumentException.class,
        () -> new NpyArray("int32", new int[] {3}, false, ByteBuffer.allocate(8)));
  }

  @Test
  void headerParsingToleratesNumpyVariants() throws IOException {
    Matrix expected = Matrix.of(new float[][] {{1, 2}, {3, 4}});
    byte[] data = floats(LE, 1, 2, 3, 4);
    String[] headers = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
        "{'shape': (2, 2), 'fortran_order': False, 'descr': '<f4'}",
        "{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2,2)}",
        "{ 'fortran_order' :\tFalse ,\n 'descr' : '<f4' ,\r\n 'shape' : ( 2 , 2 , ) , }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }",
        "{'descr': '=f4', 'fortran_order': False, 'shape': (2, 2), }",
        "{'descr': 'f4', 'fortran_order': False, 'shape': (2, 2), }",
    };
    for (String header : headers) {
      boolean nativeOrder = header.contains("=f4") || header.contains("'f4'");
      byte[] bytes = nativeOrder ? floats(ByteOrder.nativeOrder(), 1, 2, 3, 4) : data;
      assertEquals(expected, Npy.readMatrix(npy("h.npy", header, bytes)), header);
    }
    Path v3 = npy("u.npy", 3, 0, dict("<f4", false, "(2, 2)"), data);
    assertEquals(expected, Npy.readMatrix(v3));
  }

  // ---------------------------------------------------------------- errors

  @Test
  void badMagicBytes() throws IOException {
    Path text = dir.resolve("A.npy");
    Files.writeString(text, "hello, this is not numpy at all");
    assertMessage(text, "not a .npy file (bad magic bytes)", () -> Npy.readMatrix(text));
    Path empty = dir.resolve("E.npy");
    Files.write(empty, new byte[0]);
    assertMessage(empty, "not a .npy file (bad magic bytes)", () -> Npy.readHeader(empty));
  }

  @Test
  void unsupportedVersion() throws IOException {
    Path file = npy("A.npy", 9, 0, dict("<f4", false, "(1,)"), floats(LE, 1));
    assertMessage(file, "unsupported .npy format version 9.0", () -> Npy.readMatrix(file));
    Path minor = npy("B.npy", 1, 1, dict("<f4", false, "(1,)"), floats(LE, 1));
    assertMessage(minor, "unsupported .npy format version 1.1", () -> Npy.read(minor));
  }

  @Test
  void unsupportedDtypes() throws IOException {
    Path complex = npy("A.npy", dict("<c8", false, "(3, 4)"), new byte[96]);
    assertMessage(complex, "unsupported dtype '<c8' (expected float32 or float64)", () -> Npy.readMatrix(complex));
    assertMessageContains(complex, "unsupported dtype '<c8' (expected bool,", () -> Npy.read(complex));

    Path ints = npy("B.npy", dict("<i4", false, "(3, 4)"), new byte[48]);
    assertMessage(ints, "unsupported dtype '<i4' (expected float32 or float64)", () -> Npy.readMatrix(ints));
    assertMessage(ints, "unsupported dtype '<i4' (expected bool, uint8 or int8)", () -> Npy.readMask(ints));

    Path f = npy("C.npy", dict("<f4", false, "(3,)"), new byte[12]);
    assertMessageContains(f, "unsupported dtype '<f4' (expected an integer type", () -> Npy.readIndices(f));

    Path half = npy("D.npy", dict("<f2", false, "(3,)"), new byte[6]);
    assertMessageContains(half, "unsupported dtype '<f2'", () -> Npy.readHeader(half));

    Path structured = npy("E.npy", "{'descr': [('a', '<i4'), ('b', '<f4')], 'fortran_order': False, 'shape': (2,), }",
        new byte[16]);
    assertMessageContains(structured,
        "unsupported dtype [('a', '<i4'), ('b', '<f4')] (structured arrays are not supported)",
        () -> Npy.read(structured));
  }

  @Test
  void objectArrays() throws IOException {
    for (String descr : List.of("|O", "O")) {
      Path file = npy("O.npy", dict(descr, false, "(2,)"), new byte[16]);
      assertMessage(file, "object arrays (descr '" + descr + "') are not supported: they hold pickled Python objects",
          () -> Npy.read(file));
    }
  }

  @Test
  void truncatedData() throws IOException {
    Path file = npy("A.npy", dict("<f4", false, "(3, 4)"), new byte[20]);
    assertMessage(file, "truncated: header says 3 x 4 float32 (48 bytes of data) but the file has 20 bytes of data",
        () -> Npy.readMatrix(file));
    assertMessageContains(file, "truncated", () -> Npy.readHeader(file));
  }

  @Test
  void truncatedHeader() throws IOException {
    Path whole = npy("A.npy", dict("<f4", false, "(1,)"), floats(LE, 1));
    byte[] bytes = Files.readAllBytes(whole);
    for (int length : new int[] {7, 9, 40}) {
      Path cut = dir.resolve("cut" + length + ".npy");
      Files.write(cut, Arrays.copyOf(bytes, length));
      assertMessageContains(cut, "truncated", () -> Npy.readMatrix(cut));
    }
  }

  @Test
  void extraBytesAfterTheData() throws IOException {
    Path file = npy("A.npy", dict("<f4", false, "(3, 4)"), new byte[52]);
    assertMessage(file, "the file has 4 extra bytes after the data (header says 3 x 4 float32, 48 bytes)",
        () -> Npy.readMatrix(file));
  }

  @Test
  void missingAndUnexpectedKeys() throws IOException {
    Path noShape = npy("A.npy", "{'descr': '<f4', 'fortran_order': False}", new byte[0]);
    assertMessage(noShape, "malformed header: missing 'shape'", () -> Npy.readMatrix(noShape));
    Path noDescr = npy("B.npy", "{'fortran_order': False, 'shape': (0,)}", new byte[0]);
    assertMessage(noDescr, "malformed header: missing 'descr'", () -> Npy.readHeader(noDescr));
    Path noOrder = npy("C.npy", "{'descr': '<f4', 'shape': (0,)}", new byte[0]);
    assertMessage(noOrder, "malformed header: missing 'fortran_order'", () -> Npy.readHeader(noOrder));
    Path extra = npy("D.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), 'x': 1}", new byte[0]);
    assertMessage(extra, "malformed header: unexpected key 'x'", () -> Npy.readHeader(extra));
    Path twice = npy("E.npy", "{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (0,)}", new byte[0]);
    assertMessageContains(twice, "malformed header: duplicate key 'descr'", () -> Npy.readHeader(twice));
  }

  @Test
  void malformedHeaderSyntax() throws IOException {
    String[][] cases = {
        {"['descr', '<f4']", "expected a dictionary starting with '{'"},
        {"{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", "expected ',' or '}'"},
        {"{'descr' '<f4', 'fortran_order': False, 'shape': (1,)}", "expected ':' after key 'descr'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "expected ',' or '}' at the end of the header"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} extra", "unexpected text after the dictionary"},
        {"{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}", "unknown name 'false'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1 2)}", "expected ',' or ')'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "is too large"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 'open}", "unterminated string"},
        {"{'descr': '<f4', 3: False, 'shape': (1,)}", "dictionary keys must be strings"},
        {"{'descr': '<f4', 'fortran_order': ", "expected a value at the end of the header"},
        {"{'descr': '<f4', 'fortran_order': 1, 'shape': (1,)}", "'fortran_order' must be True or False, got 1"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': [1]}", "'shape' must be a tuple"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1)}", "'shape' must be a tuple"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "non-negative integers, got (-1,)"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': ('1',)}", "got ('1',)"},
        {"{'descr': 4, 'fortran_order': False, 'shape': (1,)}", "unsupported dtype 4"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': " + "(".repeat(5000), "nested more than 16 levels deep"},
    };
    for (String[] c : cases) {
      Path file = npy("A.npy", c[0], floats(LE, 1));
      assertMessageContains(file, c[1], () -> Npy.readHeader(file));
    }
  }

  @Test
  void wrongRank() throws IOException {
    Path vector = npy("A.npy", dict("<f4", false, "(5,)"), new byte[20]);
    assertMessage(vector, "expected a 2-D matrix, got shape (5,)", () -> Npy.readMatrix(vector));
    Path scalar = npy("B.npy", dict("<f8", false, "()"), new byte[8]);
    assertMessage(scalar, "expected a 2-D matrix, got shape ()", () -> Npy.readMatrix(scalar));
    Path matrix = npy("C.npy", dict("<i8", false, "(3, 4)"), new byte[96]);
    assertMessage(matrix, "expected a 1-D index vector, got shape (3, 4)", () -> Npy.readIndices(matrix));
    Path flat = npy("D.npy", dict("|b1", false, "(6,)"), new byte[6]);
    assertMessage(flat, "expected a 2-D mask, got shape (6,)", () -> Npy.readMask(flat));
  }

  @Test
  void indexOutOfIntRange() throws IOException {
    long[] v = {0, 1, 2, 3, 4, 5, 6, 4294967296L};
    Path p = npy("P.npy", dict("<i8", false, "(8,)"), ints(LE, 8, v));
    assertMessage(p, "index 7 is 4294967296, which does not fit in an int", () -> Npy.readIndices(p));
    Path negative = npy("N.npy", dict(">i8", false, "(2,)"), ints(BE, 8, 1, -2147483649L));
    assertMessage(negative, "index 1 is -2147483649, which does not fit in an int", () -> Npy.readIndices(negative));
    Path u32 = npy("U.npy", dict("<u4", false, "(1,)"), ints(LE, 4, 4294967295L));
    assertMessage(u32, "index 0 is 4294967295, which does not fit in an int", () -> Npy.readIndices(u32));
    Path u64 = npy("W.npy", dict("<u8", false, "(2,)"), ints(LE, 8, 3, -1));
    assertMessage(u64, "index 1 is 18446744073709551615, which does not fit in an int", () -> Npy.readIndices(u64));
  }

  @Test
  void maskValuesOtherThanZeroAndOne() throws IOException {
    byte[] bytes = new byte[2 * 5]; // bytes: 2 x 5
    bytes[1 * 5 + 3] = 2;
    Path m = npy("M.npy", dict("|u1", false, "(2, 5)"), bytes);
    assertMessage(m, "uint8 mask value 2 at row 1, column 3 (expected 0 or 1)", () -> Npy.readMask(m));

    byte[] minus = new byte[6]; // minus: 2 x 3
    minus[2] = -1;
    Path i8 = npy("I.npy", dict("|i1", false, "(2, 3)"), minus);
    assertMessage(i8, "int8 mask value -1 at row 0, column 2 (expected 0 or 1)", () -> Npy.readMask(i8));
    Path u8 = npy("J.npy", dict("|u1", false, "(2, 3)"), minus);
    assertMessage(u8, "uint8 mask value 255 at row 0, column 2 (expected 0 or 1)", () -> Npy.readMask(u8));

    byte[] fortran = new byte[6]; // fortran: 3 x 2, holding a 2 x 3 mask
    fortran[3] = 5; // element (1, 1)
    Path f = npy("F.npy", dict("|b1", true, "(2, 3)"), fortran);
    assertMessage(f, "bool mask value 5 at row 1, column 1 (expected 0 or 1)", () -> Npy.readMask(f));
  }

  @Test
  void arraysBeyondJavaLimitsAreRejectedButTheirHeaderIsReadable() throws IOException {
    Path file = npy("H.npy", dict("<f4", false, "(50000, 50000)"), new byte[0]);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() + 50000L * 50000 * 4); // sparse: 10 GB of zeros that nothing reads
    }
    NpyHeader h = Npy.readHeader(file);
    assertEquals(10_000_000_000L, h.dataBytes());
    assertMessage(file, "too large: 50000 x 50000 float32 (10000000000 bytes) does not fit in a Java array",
        () -> Npy.readMatrix(file));
    assertMessageContains(file, "too large", () -> Npy.read(file));
  }

  @Test
  void missingFileIsAnUncheckedIoError() {
    Path file = dir.resolve("missing.npy");
    for (Executable call : List.<Executable>of(() -> Npy.readMatrix(file), () -> Npy.readHeader(file),
        () -> Npy.readIndices(file), () -> Npy.readMask(file), () -> Npy.read(file))) {
      UncheckedIOException e = assertThrows(UncheckedIOException.class, call);
      assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
      assertTrue(e.getMessage().contains("no such file"), e.getMessage());
      assertInstanceOf(NoSuchFileException.class, e.getCause());
    }
  }

  // ---------------------------------------------------------------- atomic writes

  @Test
  void successfulWriteLeavesOnlyTheFinalFile() throws IOException {
    Path file = dir.resolve("m.npy");
    Npy.write(file, grid(2, 2, 0));
    Npy.write(file, grid(5, 3, 0.5)); // replaces the first
    assertEquals(List.of(file), listDir());
    assertEquals(grid(5, 3, 0.5), Npy.readMatrix(file));
    Npy.writeIndices(dir.resolve("i.npy"), new int[] {1});
    Npy.writeMask(dir.resolve("k.npy"), sampleMask());
    Npy.writeFloat64(dir.resolve("d.npy"), new int[] {1}, new double[] {1});
    assertEquals(List.of(dir.resolve("d.npy"), dir.resolve("i.npy"), dir.resolve("k.npy"), file), listDir());
  }

  @Test
  void invalidShapeWritesNothing() throws IOException {
    Path file = dir.resolve("A.npy");
    assertMessage(file, "cannot write shape (3, 4): it needs 12 values, got 10",
        () -> Npy.writeFloat32(file, new int[] {3, 4}, new float[10]));
    assertMessage(file, "cannot write shape (-1, 4): negative dimension",
        () -> Npy.writeFloat64(file, new int[] {-1, 4}, new double[4]));
    assertMessage(file, "cannot write shape (): it needs 1 values, got 0",
        () -> Npy.writeFloat64(file, new int[] {}, new double[0]));
    assertMessage(file, "cannot write shape (65536, 65536, 2): it needs more than 2^32 values, got 0",
        () -> Npy.writeFloat32(file, new int[] {65536, 65536, 2}, new float[0]));
    assertEquals(List.of(), listDir());

    Npy.writeIndices(file, new int[] {1, 2, 3});
    byte[] before = Files.readAllBytes(file);
    assertThrows(IllegalArgumentException.class, () -> Npy.writeFloat32(file, new int[] {2}, new float[3]));
    assertArrayEquals(before, Files.readAllBytes(file));
    assertEquals(List.of(file), listDir());
  }

  @Test
  void failedMoveRemovesTheTemporaryFile() throws IOException {
    Path target = dir.resolve("A.npy");
    Files.createDirectory(target);
    Files.writeString(target.resolve("keep.txt"), "x"); // a non-empty directory cannot be replaced
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Npy.write(target, grid(3, 3, 0)));
    assertTrue(e.getMessage().startsWith(target + ": cannot write"), e.getMessage());
    assertEquals(List.of(target), listDir());
    assertTrue(Files.isDirectory(target));
  }

  @Test
  void writingIntoAMissingDirectoryFails() {
    Path file = dir.resolve("no/such/dir/A.npy");
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Npy.writeIndices(file, new int[] {1}));
    assertTrue(e.getMessage().startsWith(file + ": cannot write: no such file or directory"), e.getMessage());
    assertFalse(Files.exists(file));
  }
}
