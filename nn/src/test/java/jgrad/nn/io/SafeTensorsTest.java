package jgrad.nn.io;

import jgrad.core.Tensor;
import jgrad.core.io.AtomicFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("enc1.conv.weight", Tensor.of(new float[]{1.5f, -2f, 3.25f, 0f, 1e-7f, -0f}, 2, 3));
        m.put("enc1.bn.num_batches_tracked", Tensor.scalar(7f));
        m.put("head.bias", Tensor.of(new float[]{Float.MAX_VALUE, Float.MIN_VALUE}, 2));
        m.put("empty", Tensor.zeros(0, 3));
        return m;
    }

    @Test
    void roundTripKeepsNamesShapesValuesAndMetadata() throws IOException {
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, sample(), Map.of("format", "pt", "epoch", "3"));
        SafeTensors.Contents c = SafeTensors.readContents(f);
        assertEquals(List.copyOf(sample().keySet()), List.copyOf(c.tensors().keySet()));
        for (var e : sample().entrySet()) {
            Tensor t = c.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().dims(), t.dims(), e.getKey());
            assertArrayEquals(e.getValue().toArray(), t.toArray(), e.getKey());
        }
        assertEquals(Map.of("format", "pt", "epoch", "3"), c.metadata());
    }

    @Test
    void nonContiguousTensorsAreWrittenInLogicalOrder() throws IOException {
        Tensor t = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1);
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, Map.of("t", t));
        Tensor r = SafeTensors.read(f).get("t");
        assertArrayEquals(new int[]{3, 2}, r.dims());
        assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, r.toArray());
    }

    /**
     * An independent reader following the published format: u64 LE header length, JSON header,
     * little-endian F32 data at data_offsets relative to the end of the header.
     */
    @Test
    void independentReaderParsesTheFile() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Map<String, Tensor> in = sample();
        SafeTensors.write(f, in, Map.of("note", "hello \"world\""));
        byte[] b = Files.readAllBytes(f);
        long n = 0;
        for (int i = 7; i >= 0; i--) n = (n << 8) | (b[i] & 0xff);
        assertEquals(0, (8 + n) % 8, "data section is 8-byte aligned");
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"), header);
        assertTrue(header.contains("\"__metadata__\":{\"note\":\"hello \\\"world\\\"\"}"), header);
        int dataStart = 8 + (int) n;
        long covered = 0;
        for (var e : in.entrySet()) {
            Pattern p = Pattern.compile("\"" + Pattern.quote(e.getKey())
                    + "\":\\{\"dtype\":\"([A-Z0-9]+)\",\"shape\":\\[([0-9,]*)\\],\"data_offsets\":\\[(\\d+),(\\d+)\\]\\}");
            Matcher m = p.matcher(header);
            assertTrue(m.find(), "entry for " + e.getKey() + " in " + header);
            assertEquals("F32", m.group(1));
            int[] shape = m.group(2).isEmpty() ? new int[0] : Arrays.stream(m.group(2).split(",")).mapToInt(Integer::parseInt).toArray();
            assertArrayEquals(e.getValue().dims(), shape);
            int begin = Integer.parseInt(m.group(3)), end = Integer.parseInt(m.group(4));
            float[] expect = e.getValue().toArray();
            assertEquals(expect.length * 4, end - begin);
            for (int i = 0; i < expect.length; i++) {
                int p0 = dataStart + begin + 4 * i;
                int bits = (b[p0] & 0xff) | (b[p0 + 1] & 0xff) << 8 | (b[p0 + 2] & 0xff) << 16 | (b[p0 + 3] & 0xff) << 24;
                assertEquals(Float.floatToRawIntBits(expect[i]), bits, e.getKey() + "[" + i + "]");
            }
            covered += end - begin;
        }
        assertEquals(b.length - dataStart, covered);
    }

    /** The reader accepts a file built by hand (as another writer would), without padding. */
    @Test
    void readsAHandBuiltFile() throws IOException {
        String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length() + 12).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).putFloat(1f).putFloat(2f).putFloat(-3f);
        Map<String, Tensor> m = SafeTensors.parse(buf.array(), "hand").tensors();
        assertArrayEquals(new float[]{1, 2}, m.get("a").toArray());
        assertArrayEquals(new float[]{-3}, m.get("b").toArray());
    }

    /**
     * PyTorch's state dicts hold more than float32: BatchNorm's num_batches_tracked is an int64
     * scalar, and a double model has F64 tensors. They are read as float32 values.
     */
    @Test
    void readsPyTorchIntegerAndDoubleTensorsAsFloat() throws IOException {
        String header = "{\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[24,28]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[28,32]}}";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 32).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).putLong(5).putDouble(0.5).putDouble(-1.25).putInt(-7).putFloat(2.5f);
        Map<String, Tensor> m = SafeTensors.parse(buf.array(), "torch").tensors();
        assertEquals(0, m.get("bn.num_batches_tracked").rank());
        assertEquals(5f, m.get("bn.num_batches_tracked").item());
        assertArrayEquals(new float[]{0.5f, -1.25f}, m.get("d").toArray());
        assertArrayEquals(new float[]{-7f}, m.get("i").toArray());
        assertArrayEquals(new float[]{2.5f}, m.get("f").toArray());
        // an element size that does not match the dtype is still caught
        String shortHeader = "{\"a\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertTrue(corruptMessage(file(shortHeader, 8)).contains("needs 16 bytes"));
    }

    /** A valid file with a dtype jgrad cannot read is not called corrupt, and the message says what to do. */
    @Test
    void anUnsupportedDtypeIsNamedNotCalledCorrupt() {
        byte[] u8 = file("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4);
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.parse(u8, "bytes.safetensors"));
        assertTrue(e.getMessage().contains("bytes.safetensors") && e.getMessage().contains("'a'")
                && e.getMessage().contains("dtype U8"), e.getMessage());
        assertFalse(e.getMessage().contains("corrupt"), e.getMessage());
        assertTrue(e.getMessage().contains("float()"), e.getMessage());
    }

    private String corruptMessage(byte[] bytes) {
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.parse(bytes, "x.safetensors"));
        assertTrue(e.getMessage().contains("x.safetensors") && e.getMessage().contains("corrupt or truncated"), e.getMessage());
        return e.getMessage();
    }

    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        return buf.array();
    }

    @Test
    void corruptFilesGiveClearErrors() throws IOException {
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, sample());
        byte[] good = Files.readAllBytes(f);

        assertTrue(corruptMessage(Arrays.copyOf(good, 5)).contains("shorter than the 8-byte header length"));
        assertTrue(corruptMessage(Arrays.copyOf(good, 40)).contains("header length"));
        // truncated inside the data
        assertTrue(corruptMessage(Arrays.copyOf(good, good.length - 4)).contains("outside the data section"));
        // extra bytes at the end
        assertTrue(corruptMessage(Arrays.copyOf(good, good.length + 4)).contains("size mismatch"));
        // huge header length
        byte[] huge = good.clone();
        huge[7] = 0x7f;
        assertTrue(corruptMessage(huge).contains("header length"));
        // bad JSON
        assertTrue(corruptMessage(file("{\"a\": [1, 2", 0)).contains("not a valid JSON object"));
        assertTrue(corruptMessage(file("[1, 2, 3]", 0)).contains("not a valid JSON object"));
        // size that does not match the shape
        assertTrue(corruptMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)).contains("needs 12 bytes"));
        // offsets past the end
        assertTrue(corruptMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 8)).contains("outside the data section"));
        // overlapping tensors
        assertTrue(corruptMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)).contains("overlap"));
        // missing fields
        assertTrue(corruptMessage(file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,0]}}", 0)).contains("shape"));
        assertTrue(corruptMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0)).contains("shape"));
    }

    @Test
    void readingAMissingFileIsAnIOException() {
        assertThrows(IOException.class, () -> SafeTensors.read(dir.resolve("nope.safetensors")));
    }

    /** A stream that fails after a number of bytes, like a full disk. */
    static final class FailingStream extends FilterOutputStream {
        private long left;

        FailingStream(OutputStream out, long bytes) {
            super(out);
            left = bytes;
        }

        @Override
        public void write(int b) throws IOException {
            if (left-- <= 0) throw new IOException("simulated: no space left on device");
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) write(b[off + i]);
        }
    }

    @Test
    void aWriteThatFailsHalfWayKeepsThePreviousFile() throws IOException {
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, sample());
        byte[] before = Files.readAllBytes(f);
        Map<String, Tensor> next = new LinkedHashMap<>();
        next.put("enc1.conv.weight", Tensor.full(9f, 100, 100));
        var e = assertThrows(IOException.class, () ->
                AtomicFile.write(f, out -> SafeTensors.write(new FailingStream(out, 1000), next, Map.of())));
        assertTrue(e.getMessage().contains("simulated"));
        assertArrayEquals(before, Files.readAllBytes(f), "previous checkpoint intact");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left behind");
        }
        // a serializer that throws an unchecked exception half-way behaves the same
        assertThrows(IllegalStateException.class, () -> AtomicFile.write(f, out -> {
            out.write(new byte[500]);
            throw new IllegalStateException("boom");
        }));
        assertArrayEquals(before, Files.readAllBytes(f));
        // and a successful write replaces it
        SafeTensors.write(f, next);
        assertArrayEquals(next.get("enc1.conv.weight").toArray(), SafeTensors.read(f).get("enc1.conv.weight").toArray());
    }

    @Test
    void invalidNamesAreRejectedBeforeWriting() {
        Path f = dir.resolve("bad.safetensors");
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, Map.of("__metadata__", Tensor.ones(1))));
        assertFalse(Files.exists(f));
    }
}
