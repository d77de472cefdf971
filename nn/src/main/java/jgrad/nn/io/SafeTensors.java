package jgrad.nn.io;

import jgrad.core.Tensor;
import jgrad.core.io.AtomicFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the safetensors format (readable by Python's {@code safetensors} and
 * {@code torch}):
 * <pre>
 *   u64 little-endian N | N bytes of UTF-8 JSON header | data
 *   header: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 *            "__metadata__": {"key": "string value", ...}}          (metadata optional)
 * </pre>
 * Offsets are relative to the first data byte; tensors are stored row-major, little-endian and
 * back to back, so together they fill the data section exactly. The header is padded with spaces
 * to a multiple of 8 bytes (as the reference writer does) so the data is aligned.
 *
 * <p>Writing a file goes through {@link AtomicFile}: a failed write keeps the previous file, and
 * every tensor is written as F32. Reading accepts F32, F16, BF16, F64, I64 and I32 tensors and
 * converts them to float32 (half-precision checkpoints, {@code model.half()} or bfloat16, convert
 * exactly; PyTorch state dicts hold int64 buffers, e.g. BatchNorm's {@code num_batches_tracked};
 * integers beyond 2^24 and doubles are rounded), and rejects other dtypes by name. It checks
 * everything (header length within the file, valid JSON, dtypes, shapes, offsets inside the data
 * and matching the shape, no gaps or overlaps) before returning, and fails with a message naming
 * the file and the problem; it never returns part of a file.
 */
public final class SafeTensors {
    /** Tensors in file order and the optional string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** A header larger than this is taken as corruption rather than allocated. */
    static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    // ---- writing -------------------------------------------------------------------------------

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** Writes all-or-nothing (temporary file, then atomic rename). */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] header = header(tensors, metadata); // validate before touching the disk
        AtomicFile.write(file, out -> writeBody(out, header, tensors));
    }

    /** Writes the format to a stream (the caller closes it). */
    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        writeBody(out, header(tensors, metadata), tensors);
    }

    private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(tensors, "tensors");
        Map<String, Object> h = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            for (var e : metadata.entrySet()) {
                // a null would be written as JSON null, which no reader (this one included) accepts
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("SafeTensors.write: metadata entry " + e.getKey() + "=" + e.getValue()
                            + " has a null key or value; metadata holds strings only");
                }
            }
            h.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (var e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals("__metadata__")) {
                throw new IllegalArgumentException("SafeTensors.write: invalid tensor name '" + name + "'");
            }
            Tensor t = Objects.requireNonNull(e.getValue(), "tensor " + name);
            long bytes = 4L * t.numel();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", t.dims());
            entry.put("data_offsets", List.of(offset, offset + bytes));
            h.put(name, entry);
            offset += bytes;
        }
        byte[] json = Json.write(h).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeBody(OutputStream out, byte[] header, Map<String, Tensor> tensors) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(len.array());
        out.write(header);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) {
            float[] v = t.toArray();
            for (int i = 0; i < v.length; ) {
                buf.clear();
                int n = Math.min(v.length - i, buf.capacity() / 4);
                buf.asFloatBuffer().put(v, i, n);
                out.write(buf.array(), 0, n * 4);
                i += n;
            }
        }
        out.flush();
    }

    // ---- reading -------------------------------------------------------------------------------

    /** The tensors of a file, in file order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return readContents(file).tensors();
    }

    /**
     * Reads a file of any size (each tensor up to 2^31 − 1 elements): the header is read and
     * checked in full first, then each tensor's bytes are read in chunks.
     */
    public static Contents readContents(Path file) throws IOException {
        String source = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw corrupt(source, "file is " + size + " bytes, shorter than the 8-byte header length (truncated?)");
            }
            long n = readFully(ch, 0, 8, source).getLong();
            checkHeaderLength(n, size, source);
            ByteBuffer headerBytes = readFully(ch, 8, (int) n, source);
            Layout layout = layout(headerBytes, size - 8 - n, source);
            long dataStart = 8 + n;
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : layout.entries()) {
                float[] v = allocate(e, source);
                int done = 0;
                while (done < v.length) {
                    int count = Math.min(v.length - done, CHUNK / e.elementBytes());
                    long pos = dataStart + e.begin() + (long) done * e.elementBytes();
                    chunk.clear().limit(count * e.elementBytes());
                    while (chunk.hasRemaining()) {
                        if (ch.read(chunk, pos + chunk.position()) < 0) {
                            throw new IOException("safetensors " + source + ": file ended while reading tensor '" + e.name()
                                    + "' (it changed while being read?)");
                        }
                    }
                    decode(e.dtype(), chunk.flip(), v, done, count);
                    done += count;
                }
                out.put(e.name(), Tensor.wrap(v, e.shape()));
            }
            return new Contents(out, layout.metadata());
        }
    }

    /** Bytes per conversion step when reading a file; a multiple of every element size. */
    private static final int CHUNK = 1 << 20;

    private static ByteBuffer readFully(FileChannel ch, long pos, int bytes, String source) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new IOException("safetensors " + source + ": file ended while reading its header (it changed while being read?)");
            }
        }
        return b.flip();
    }

    private static float[] allocate(Entry e, String source) throws IOException {
        try {
            return new float[(int) e.numel()];
        } catch (OutOfMemoryError oom) {
            throw new IOException("safetensors " + source + ": tensor '" + e.name() + "' of shape " + Arrays.toString(e.shape())
                    + " does not fit in memory as float32", oom);
        }
    }

    /** Parses a whole file held in memory; {@code source} names it in errors. */
    public static Contents parse(byte[] bytes, String source) {
        if (bytes.length < 8) {
            throw corrupt(source, "file is " + bytes.length + " bytes, shorter than the 8-byte header length (truncated?)");
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        checkHeaderLength(n, bytes.length, source);
        int dataStart = 8 + (int) n;
        Layout layout = layout(ByteBuffer.wrap(bytes, 8, (int) n), bytes.length - (long) dataStart, source);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Entry e : layout.entries()) {
            float[] v = new float[(int) e.numel()];
            ByteBuffer data = ByteBuffer.wrap(bytes, dataStart + (int) e.begin(), v.length * e.elementBytes()).slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
            decode(e.dtype(), data, v, 0, v.length);
            out.put(e.name(), Tensor.wrap(v, e.shape()));
        }
        return new Contents(out, layout.metadata());
    }

    private static void checkHeaderLength(long n, long fileSize, String source) {
        if (n < 2 || n > MAX_HEADER || n > fileSize - 8) {
            throw corrupt(source, "header length " + n + " does not fit a file of " + fileSize + " bytes");
        }
    }

    /** One tensor of the header; begin is relative to the first data byte. */
    private record Entry(String name, String dtype, int elementBytes, int[] shape, long numel, long begin) {}

    /** A checked header: tensors in file order, metadata. */
    private record Layout(List<Entry> entries, Map<String, String> metadata) {}

    /** Decodes and checks the header against a data section of dataSize bytes. */
    private static Layout layout(ByteBuffer headerBytes, long dataSize, String source) {
        String text;
        try {
            // strict: replacing bad bytes with U+FFFD would read tensors under names nobody wrote
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw corrupt(source, "header is not valid UTF-8 (" + e.getMessage() + ")");
        }
        Map<String, Object> header;
        try {
            header = Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw corrupt(source, "header is not a valid JSON object (" + e.getMessage() + ")");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (var e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> m)) throw corrupt(source, "__metadata__ is not an object");
                for (var me : m.entrySet()) {
                    if (!(me.getValue() instanceof String s)) throw corrupt(source, "__metadata__ value for '" + me.getKey() + "' is not a string");
                    meta.put((String) me.getKey(), s);
                }
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> info)) throw corrupt(source, "entry '" + name + "' is not an object");
            if (!(info.get("dtype") instanceof String dtype)) throw corrupt(source, "tensor '" + name + "' has no dtype string");
            int elementBytes = switch (dtype) {
                case "F16", "BF16" -> 2;
                case "F32", "I32" -> 4;
                case "F64", "I64" -> 8;
                default -> 0;
            };
            if (elementBytes == 0) {
                throw new IllegalArgumentException("safetensors " + source + ": tensor '" + name + "' has dtype " + dtype
                        + ", which jgrad does not read (it reads F32, F16, BF16, F64, I64 and I32, as float32); convert the tensors"
                        + " before saving, e.g. {k: v.float() for k, v in state_dict.items()}");
            }
            int[] shape = ints(info.get("shape"), source, name, "shape");
            long[] off = longs(info.get("data_offsets"), source, name);
            long numel = 1;
            for (int d : shape) {
                if (d < 0) throw corrupt(source, "tensor '" + name + "' has a negative size in shape " + Arrays.toString(shape));
                numel *= d;
                if (numel > Integer.MAX_VALUE) throw corrupt(source, "tensor '" + name + "' is too large");
            }
            if (off[0] < 0 || off[1] < off[0] || off[1] > dataSize) {
                throw corrupt(source, "tensor '" + name + "' has data_offsets " + Arrays.toString(off)
                        + " outside the data section of " + dataSize + " bytes (truncated file?)");
            }
            if (off[1] - off[0] != numel * elementBytes) {
                throw corrupt(source, "tensor '" + name + "' of shape " + Arrays.toString(shape) + " needs " + numel * elementBytes
                        + " bytes but data_offsets " + Arrays.toString(off) + " span " + (off[1] - off[0]));
            }
            ranges.add(new long[]{off[0], off[1]});
            entries.add(new Entry(name, dtype, elementBytes, shape, numel, off[0]));
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long end = 0;
        for (long[] r : ranges) {
            if (r[0] != end && !(r[0] == r[1] && r[0] <= end)) {
                throw corrupt(source, r[0] < end ? "tensors overlap at byte " + r[0] : "gap in the data section at byte " + end);
            }
            end = Math.max(end, r[1]);
        }
        if (end != dataSize) {
            throw corrupt(source, "the tensors cover " + end + " bytes but the data section has " + dataSize + " (size mismatch)");
        }
        return new Layout(entries, meta);
    }

    /** Converts count little-endian elements of dtype from data (at its position) into v[from, from + count). */
    private static void decode(String dtype, ByteBuffer data, float[] v, int from, int count) {
        switch (dtype) {
            case "F32" -> data.asFloatBuffer().get(v, from, count);
            case "F16" -> { var b = data.asShortBuffer(); for (int i = 0; i < count; i++) v[from + i] = Float.float16ToFloat(b.get(i)); }
            // bfloat16 is the top half of a float32, NaN payloads and -0 included
            case "BF16" -> { var b = data.asShortBuffer(); for (int i = 0; i < count; i++) v[from + i] = Float.intBitsToFloat(b.get(i) << 16); }
            case "F64" -> { var b = data.asDoubleBuffer(); for (int i = 0; i < count; i++) v[from + i] = (float) b.get(i); }
            case "I64" -> { var b = data.asLongBuffer(); for (int i = 0; i < count; i++) v[from + i] = (float) b.get(i); }
            default -> { var b = data.asIntBuffer(); for (int i = 0; i < count; i++) v[from + i] = (float) b.get(i); }
        }
    }

    private static int[] ints(Object o, String source, String name, String field) {
        if (!(o instanceof List<?> l)) throw corrupt(source, "tensor '" + name + "' has no " + field + " list");
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) {
            if (!(l.get(i) instanceof Long x) || x > Integer.MAX_VALUE || x < 0) {
                throw corrupt(source, "tensor '" + name + "' has an invalid " + field + " " + l);
            }
            r[i] = (int) (long) x;
        }
        return r;
    }

    private static long[] longs(Object o, String source, String name) {
        if (!(o instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof Long a) || !(l.get(1) instanceof Long b)) {
            throw corrupt(source, "tensor '" + name + "' has invalid data_offsets " + o);
        }
        return new long[]{a, b};
    }

    private static IllegalArgumentException corrupt(String source, String what) {
        return new IllegalArgumentException("safetensors " + source + ": corrupt or truncated file: " + what);
    }
}
