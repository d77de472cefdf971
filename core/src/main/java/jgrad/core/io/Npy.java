package jgrad.core.io;

import jgrad.core.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format, so tensors move to and from Python.
 *
 * <p>Layout: the magic {@code \x93NUMPY}, a version (1.0, 2.0 or 3.0), the header length (2 bytes
 * in 1.0, 4 bytes later, little-endian), an ASCII Python dict
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded so the data starts on
 * a 64-byte boundary, then the raw elements. jgrad writes version 1.0 little-endian float32 and
 * reads float32 and float64 in either byte order and either memory order.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern STRUCTURED = Pattern.compile("'descr'\\s*:\\s*\\[");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Reads a float32 or float64 array as a float32 tensor. */
    public static Tensor read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            // the JDK's messages for these two are the path alone
            String why = e instanceof NoSuchFileException ? "no such file"
                    : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IOException("npy: cannot read " + file + ": " + why, e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses the bytes of a .npy file; {@code name} is used in error messages. */
    public static Tensor parse(byte[] bytes, String name) throws IOException {
        if (bytes.length < 10 || !startsWithMagic(bytes)) {
            throw new IOException("npy: " + name + " is not a .npy file (missing the \\x93NUMPY magic)");
        }
        int major = bytes[6] & 0xff;
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw new IOException("npy: " + name + " is truncated inside its header");
            headerLen = buf.getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw new IOException("npy: " + name + " has format version " + major + "." + (bytes[7] & 0xff)
                    + "; jgrad reads versions 1, 2 and 3");
        }
        if (headerStart + headerLen > bytes.length) {
            throw new IOException("npy: " + name + " is truncated: its header says " + headerLen + " bytes but the file has "
                    + (bytes.length - headerStart) + " after the preamble");
        }
        String header = new String(bytes, headerStart, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        if (STRUCTURED.matcher(header).find()) {
            throw new IOException("npy: " + name + " holds a structured dtype (named fields); jgrad reads plain float32 ('<f4') "
                    + "and float64 ('<f8') arrays");
        }
        String descr = find(DESCR, header, "descr", name);
        boolean fortran = find(FORTRAN, header, "fortran_order", name).equals("True");
        int[] shape = parseShape(find(SHAPE, header, "shape", name), name);

        ByteOrder order;
        int width;
        switch (descr) {
            case "<f4", "|f4", "=f4" -> { order = ByteOrder.LITTLE_ENDIAN; width = 4; }
            case ">f4" -> { order = ByteOrder.BIG_ENDIAN; width = 4; }
            case "<f8", "|f8", "=f8" -> { order = ByteOrder.LITTLE_ENDIAN; width = 8; }
            case ">f8" -> { order = ByteOrder.BIG_ENDIAN; width = 8; }
            default -> throw new IOException("npy: " + name + " holds dtype '" + descr
                    + "'; jgrad reads float32 ('<f4') and float64 ('<f8') arrays. Convert with arr.astype(np.float32)");
        }
        long count = 1;
        for (int d : shape) {
            count *= d;
            if (count > Integer.MAX_VALUE) throw new IOException("npy: " + name + ": shape is too large for one tensor");
        }
        long dataStart = headerStart + headerLen;
        long need = count * width;
        if (bytes.length - dataStart < need) {
            throw new IOException("npy: " + name + " is truncated: shape " + java.util.Arrays.toString(shape) + " needs "
                    + need + " bytes of data, the file has " + (bytes.length - dataStart));
        }
        float[] values = new float[(int) count];
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) dataStart, (int) need).slice().order(order);
        if (width == 4) {
            data.asFloatBuffer().get(values);
        } else {
            for (int i = 0; i < values.length; i++) {
                double v = data.getDouble(i * 8);
                values[i] = (float) v;
                if (Float.isInfinite(values[i]) && Double.isFinite(v)) {
                    throw new IOException("npy: " + name + " holds " + v + " at " + java.util.Arrays.toString(index(i, shape, fortran))
                            + ", which overflows float32 (largest finite value " + Float.MAX_VALUE + "), the type jgrad computes in");
                }
            }
        }
        if (!fortran || shape.length < 2) return Tensor.wrap(values, shape);
        // Fortran order: the data is the row-major layout of the reversed shape; transpose it back.
        int[] reversed = new int[shape.length], perm = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            reversed[i] = shape[shape.length - 1 - i];
            perm[i] = shape.length - 1 - i;
        }
        return Tensor.wrap(values, reversed).permute(perm).contiguous();
    }

    /** The index into {@code shape} of the {@code k}-th value stored (C or Fortran order). */
    private static int[] index(int k, int[] shape, boolean fortran) {
        int[] idx = new int[shape.length];
        for (int n = 0; n < shape.length; n++) {
            int d = fortran ? n : shape.length - 1 - n; // the dim that varies fastest first
            idx[d] = k % shape[d];
            k /= shape[d];
        }
        return idx;
    }

    /** Writes a float32, little-endian, C-order version 1.0 file; the write is atomic (temp file + rename). */
    public static void write(Path file, Tensor t) throws IOException {
        int[] shape = t.dims();
        StringBuilder sb = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) sb.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        sb.append("), }");
        int unpadded = 10 + sb.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        sb.append(" ".repeat(pad)).append('\n');
        byte[] header = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        float[] v = t.toArray();
        ByteBuffer out = ByteBuffer.allocate(10 + header.length + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length).put(header);
        out.asFloatBuffer().put(v);
        AtomicFile.writeUnsynced(file, out.array());
    }

    private static boolean startsWithMagic(byte[] b) {
        for (int i = 0; i < MAGIC.length; i++) if (b[i] != MAGIC[i]) return false;
        return true;
    }

    private static String find(Pattern p, String header, String key, String name) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) throw new IOException("npy: " + name + " has a malformed header (no '" + key + "'): " + header.strip());
        return m.group(1);
    }

    private static int[] parseShape(String s, String name) throws IOException {
        List<Integer> dims = new ArrayList<>();
        String[] parts = s.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.isEmpty()) {
                // only "()" or the trailing comma of a Python tuple, as in "(3,)" or "(2, 3,)"
                if (parts.length == 1 || (i == parts.length - 1 && !dims.isEmpty())) continue;
                throw new IOException("npy: " + name + " has a malformed shape '(" + s + ")'");
            }
            if (p.endsWith("L")) p = p.substring(0, p.length() - 1);
            try {
                int d = Integer.parseInt(p);
                if (d < 0) throw new NumberFormatException();
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new IOException("npy: " + name + " has a malformed shape '(" + s + ")'");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }
}
