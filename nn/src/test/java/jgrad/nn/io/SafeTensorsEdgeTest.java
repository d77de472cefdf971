package jgrad.nn.io;

import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Files written by Python's safetensors, and headers a careful reader must refuse. */
class SafeTensorsEdgeTest {
    @TempDir
    Path dir;

    /**
     * safetensors 0.8.0: save({"w": float32 [[1, 2], [3, 4]], "z": float32 zeros((0, 3)), "n": int64 7,
     * "d": float64 [0.5]}, metadata={"format": "pt", "ü": "é\""}).
     */
    private static final String PYTHON_FILE = "08010000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a227074222c22c3bc22"
            + "3a22c3a95c22227d2c226e223a7b226474797065223a22493634222c227368617065223a5b5d2c22646174615f6f666673657473223a5b302c"
            + "385d7d2c2264223a7b226474797065223a22463634222c227368617065223a5b315d2c22646174615f6f666673657473223a5b382c31365d7d"
            + "2c2277223a7b226474797065223a22463332222c227368617065223a5b322c325d2c22646174615f6f666673657473223a5b31362c33325d7d"
            + "2c227a223a7b226474797065223a22463332222c227368617065223a5b302c335d2c22646174615f6f666673657473223a5b33322c33325d7d"
            + "7d0700000000000000000000000000e03f0000803f000000400000404000008040";

    private static byte[] file(String header, int dataBytes) {
        return file(header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private static byte[] file(byte[] h, int dataBytes) {
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes / 4; i++) buf.putFloat(i + 1);
        return buf.array();
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    private static String corrupt(byte[] bytes) {
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.parse(bytes, "x.safetensors"));
        assertTrue(e.getMessage().contains("x.safetensors") && e.getMessage().contains("corrupt"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void readsAFileLargerThan2GiB() throws IOException {
        long heap = Runtime.getRuntime().maxMemory();
        org.junit.jupiter.api.Assumptions.assumeTrue(heap >= 3L << 30,
                "reading a 2 GiB file back holds 1 GiB of floats: needs a heap of 3 GiB, this JVM has " + (heap >> 20) + " MiB");
        // a float64 tensor of 2^28 + 8 elements fills 2 GiB + 64 bytes (1 GiB once read as float32),
        // so the F32 tensor after it starts beyond any int offset; the file is sparse, mostly zeros
        long big = (1L << 28) + 8;
        String header = "{" + entry("big", "F64", "[" + big + "]", 0, 8 * big) + ","
                + entry("tail", "F32", "[3]", 8 * big, 8 * big + 12) + "}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + h.length;
        Path f = dir.resolve("big.safetensors");
        try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            ByteBuffer head = ByteBuffer.allocate((int) dataStart + 8).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(h.length).put(h).putDouble(-2.5); // big[0]
            raf.write(head.array());
            raf.setLength(dataStart + 8 * big + 12);
            raf.seek(dataStart + 8 * (big - 1));
            ByteBuffer tail = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            tail.putDouble(1e300).putFloat(1).putFloat(2).putFloat(3); // big[last] overflows to +inf as float32
            raf.write(tail.array());
        }
        assertTrue(Files.size(f) > Integer.MAX_VALUE);
        Map<String, Tensor> t = SafeTensors.read(f);
        assertArrayEquals(new float[]{1, 2, 3}, t.get("tail").toArray());
        Tensor b = t.get("big");
        assertArrayEquals(new int[]{(int) big}, b.dims());
        assertEquals(-2.5f, b.get(0));
        assertEquals(0f, b.get(1 << 27));
        assertEquals(Float.POSITIVE_INFINITY, b.get((int) big - 1));
    }

    @Test
    void readsAFileWrittenByPythonSafetensors() {
        var c = SafeTensors.parse(HexFormat.of().parseHex(PYTHON_FILE), "py");
        assertEquals(List.of("n", "d", "w", "z"), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("format", "pt", "ü", "é\""), c.metadata());
        assertEquals(7f, c.tensors().get("n").item());
        assertArrayEquals(new float[]{0.5f}, c.tensors().get("d").toArray());
        assertArrayEquals(new float[]{1, 2, 3, 4}, c.tensors().get("w").toArray());
        assertArrayEquals(new int[]{0, 3}, c.tensors().get("z").dims());
    }

    @Test
    void outOfOrderOffsetsAndZeroSizeTensorsAnywhere() {
        String h = "{" + entry("late", "F32", "[2]", 8, 16) + "," + entry("z0", "F32", "[0]", 0, 0) + ","
                + entry("early", "F32", "[2]", 0, 8) + "," + entry("zmid", "F32", "[2,0]", 8, 8) + ","
                + entry("zend", "I64", "[0,5]", 16, 16) + "}";
        Map<String, Tensor> m = SafeTensors.parse(file(h, 16), "x").tensors();
        assertEquals(List.of("late", "z0", "early", "zmid", "zend"), List.copyOf(m.keySet()), "file order kept");
        assertArrayEquals(new float[]{1, 2}, m.get("early").toArray());
        assertArrayEquals(new float[]{3, 4}, m.get("late").toArray());
        assertArrayEquals(new int[]{0, 5}, m.get("zend").dims());
        // only zero-size tensors, and an empty file
        assertEquals(1, SafeTensors.parse(file("{" + entry("z", "F32", "[0]", 0, 0) + "}", 0), "x").tensors().size());
        assertEquals(0, SafeTensors.parse(file("{}", 0), "x").tensors().size());
        // a zero-size tensor past the data is refused, as Python's reader does
        assertTrue(corrupt(file("{" + entry("z", "F32", "[0]", 8, 8) + "}", 4)).contains("outside the data section"));
    }

    @Test
    void overlapsGapsAndDuplicatesAreRefused() {
        assertTrue(corrupt(file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 0, 8) + "}", 8)).contains("overlap"));
        assertTrue(corrupt(file("{" + entry("a", "F32", "[1]", 4, 8) + "," + entry("b", "F32", "[2]", 0, 8) + "}", 8)).contains("overlap"));
        assertTrue(corrupt(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12)).contains("gap"));
        assertTrue(corrupt(file("{" + entry("a", "F32", "[1]", 4, 8) + "}", 8)).contains("gap"));
        assertTrue(corrupt(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", 8)).contains("duplicate key"));
        assertTrue(corrupt(file("{" + entry("a", "F32", "[1]", 8, 4) + "}", 8)).contains("data_offsets"));
        assertTrue(corrupt(file("{" + entry("a", "F32", "[1]", -4, 0) + "}", 0)).contains("data_offsets"));
    }

    @Test
    void shapesAndOffsetsOfTheWrongKindOrSize() {
        assertTrue(corrupt(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8)).contains("shape"));
        assertTrue(corrupt(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1e20],\"data_offsets\":[0,8]}}", 8)).contains("shape"));
        assertTrue(corrupt(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967297],\"data_offsets\":[0,4]}}", 4)).contains("shape"));
        assertTrue(corrupt(file("{\"a\":{\"dtype\":\"F32\",\"shape\":\"[1]\",\"data_offsets\":[0,4]}}", 4)).contains("shape"));
        assertTrue(corrupt(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4)).contains("data_offsets"));
        assertTrue(corrupt(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0.0,4]}}", 4)).contains("data_offsets"));
        assertTrue(corrupt(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4)).contains("dtype"));
        assertTrue(corrupt(file("{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4)).contains("dtype"));
        assertTrue(corrupt(file("{\"a\":[]}", 0)).contains("not an object"));
        // an element count beyond a Java array fails before anything is allocated
        assertTrue(corrupt(file("{" + entry("a", "F32", "[65536,65536]", 0, 17179869184L) + "}", 8)).contains("too large"));
        assertTrue(corrupt(file("{" + entry("a", "F64", "[2147483647]", 0, 17179869176L) + "}", 8)).contains("outside"));
        // the dtype is checked by name, whatever its case
        for (String dtype : new String[]{"f32", "bf16", "U8", "BOOL", "F8_E4M3", ""}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.parse(file("{" + entry("a", dtype, "[1]", 0, 4) + "}", 4), "x"));
            assertTrue(e.getMessage().contains("dtype " + dtype + ","), e.getMessage());
        }
    }

    @Test
    void metadataMustBeAnObjectOfStrings() {
        assertTrue(corrupt(file("{\"__metadata__\":[]}", 0)).contains("__metadata__"));
        assertTrue(corrupt(file("{\"__metadata__\":{\"k\":1}}", 0)).contains("'k'"));
        assertTrue(corrupt(file("{\"__metadata__\":{\"k\":null}}", 0)).contains("'k'"));
        assertEquals(Map.of(), SafeTensors.parse(file("{\"__metadata__\":{}}", 0), "x").metadata());
    }

    @Test
    void headerLengthsThatDoNotFit() {
        for (long n : new long[]{0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, SafeTensors.MAX_HEADER + 1, 1L << 32}) {
            byte[] b = file("{}      ", 0);
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
            assertTrue(corrupt(b).contains("header length " + n), "length " + n);
        }
    }

    @Test
    void aHeaderThatIsNotUtf8IsRefusedNotGuessed() {
        // Python's safetensors refuses it ("invalid UTF-8 in header"); decoding with replacement
        // characters would read a tensor under a name nobody wrote
        byte[] h = ("{\"a\u0000\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}").getBytes(StandardCharsets.UTF_8);
        h[3] = (byte) 0xff;
        assertTrue(corrupt(file(h, 4)).contains("UTF-8"));
    }

    @Test
    void writerRoundTripsZeroSizeUnicodeNamesAndPadsTo8() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("z", Tensor.zeros(0));
        m.put("名前 \"quoted\" \\ \n", Tensor.scalar(-0f));
        m.put("zz", Tensor.zeros(3, 0, 2));
        m.put("x", Tensor.of(new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE}, 3));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("note", "ünïcode \"\\\u0001");
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, m, meta);
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        var c = SafeTensors.readContents(f);
        assertEquals(List.copyOf(m.keySet()), List.copyOf(c.tensors().keySet()));
        assertEquals(meta, c.metadata());
        for (var e : m.entrySet()) {
            assertArrayEquals(e.getValue().dims(), c.tensors().get(e.getKey()).dims(), e.getKey());
            assertArrayEquals(e.getValue().toArray(), c.tensors().get(e.getKey()).toArray(), e.getKey());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, m, meta);
        assertArrayEquals(bytes, out.toByteArray(), "stream and file writers agree");
    }

    @Test
    void metadataTheReaderWouldRefuseIsNotWritten() {
        Map<String, String> meta = new HashMap<>();
        meta.put("k", null);
        Path f = dir.resolve("m.safetensors");
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, Map.of("a", Tensor.ones(1)), meta));
        assertFalse(Files.exists(f));
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(null, "v");
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, Map.of("a", Tensor.ones(1)), nullKey));
        assertFalse(Files.exists(f));
    }
}
