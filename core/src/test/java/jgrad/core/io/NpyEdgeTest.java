package jgrad.core.io;

import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Headers exactly as NumPy 2.4's {@code np.lib.format.write_array} writes them (copied from its
 * output), zero-size and 0-d arrays, and hostile headers.
 */
class NpyEdgeTest {
    /** NumPy pads the dict with spaces and a newline so that the data starts on a 64-byte boundary. */
    private static String numpyHeader(String dict, int version) {
        int preamble = version == 1 ? 10 : 12;
        int pad = 63 - (preamble + dict.length()) % 64;
        return dict + " ".repeat(pad) + "\n";
    }

    private static byte[] file(int version, String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int preamble = version == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(preamble + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) b.putShort((short) h.length);
        else b.putInt(h.length);
        return b.put(h).put(data).array();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static IOException fails(byte[] bytes, String... words) {
        IOException e = assertThrows(IOException.class, () -> Npy.parse(bytes, "bad.npy"));
        assertTrue(e.getMessage().contains("bad.npy"), e.getMessage());
        for (String w : words) assertTrue(e.getMessage().contains(w), w + " in: " + e.getMessage());
        return e;
    }

    @Test
    void readsNumpyHeadersOfEveryVersion() throws IOException {
        Tensor s = Npy.parse(file(1, numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 1), hex("0000c03f")), "s");
        assertEquals(0, s.rank());
        assertEquals(1.5f, s.item());

        Tensor v = Npy.parse(file(2, numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 2),
                hex("0000803f0000004000004040")), "v");
        assertArrayEquals(new int[]{3}, v.dims());
        assertArrayEquals(new float[]{1, 2, 3}, v.toArray());

        byte[] v3 = file(3, numpyHeader("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }", 3),
                hex("00000000000000003ff00000000000004000000000000000400800000000000040100000000000004014000000000000"));
        assertEquals(176, v3.length, "same length as numpy's file");
        Tensor m = Npy.parse(v3, "m");
        assertArrayEquals(new int[]{2, 3}, m.dims());
        assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, m.toArray());
    }

    @Test
    void readsOldStyleHeadersWithoutPaddingOrTrailingComma() throws IOException {
        // NumPy before 1.9 aligned to 16 bytes; hand-written files may have no padding at all
        Tensor t = Npy.parse(file(1, "{'descr':'<f4','fortran_order':False,'shape':(2,1)}", hex("0000803f00000040")), "old");
        assertArrayEquals(new int[]{2, 1}, t.dims());
        t = Npy.parse(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 1L), }   \n", hex("0000803f00000040")), "py2");
        assertArrayEquals(new float[]{1, 2}, t.toArray());
    }

    @Test
    void readsFortranOrderInThreeDimensions() throws IOException {
        // np.asfortranarray(np.arange(12, dtype='<f4').reshape(2, 3, 2))
        byte[] f = file(1, numpyHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 2), }", 1),
                hex("000000000000c040000000400000004100008040000020410000803f0000e04000004040000010410000a04000003041"));
        Tensor t = Npy.parse(f, "f");
        assertArrayEquals(new int[]{2, 3, 2}, t.dims());
        assertArrayEquals(Tensor.arange(12).toArray(), t.toArray());
    }

    private static byte[] float64(ByteOrder order, double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(order);
        for (double x : v) b.putDouble(x);
        return b.array();
    }

    @Test
    void float64BeyondFloat32IsNamedWithItsValueAndIndexNotReadAsInfinity() throws IOException {
        // C order: the third value stored is [1, 0] of a 2×2 array
        fails(file(1, numpyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", 1),
                float64(ByteOrder.LITTLE_ENDIAN, 0, 0, 1e300, 0)), "holds 1.0E300 at [1, 0]", "overflows float32");
        // Fortran order, big-endian: the second value stored is [1, 0] too
        fails(file(1, numpyHeader("{'descr': '>f8', 'fortran_order': True, 'shape': (2, 2), }", 1),
                float64(ByteOrder.BIG_ENDIAN, 0, -4e38, 0, 0)), "holds -4.0E38 at [1, 0]", "overflows float32");
        // [0, 1, 2] of 2×3×4 in Fortran order is stored at 0 + 1·2 + 2·6 = 14
        double[] v = new double[24];
        v[14] = 1e39;
        fails(file(1, numpyHeader("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }", 1),
                float64(ByteOrder.LITTLE_ENDIAN, v)), "at [0, 1, 2]");
        // an infinity stored as such, and the largest float, are read as they are
        Tensor t = Npy.parse(file(1, numpyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 1),
                float64(ByteOrder.LITTLE_ENDIAN, Double.NEGATIVE_INFINITY, Float.MAX_VALUE)), "inf");
        assertArrayEquals(new float[]{Float.NEGATIVE_INFINITY, Float.MAX_VALUE}, t.toArray());
    }

    @Test
    void readsZeroSizeArrays() throws IOException {
        for (String shape : new String[]{"(0,)", "(2, 0)", "(0, 3)", "(3, 0, 2)"}) {
            for (String fortran : new String[]{"False", "True"}) {
                Tensor t = Npy.parse(file(1, numpyHeader("{'descr': '<f4', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }", 1),
                        new byte[0]), shape);
                assertEquals(0, t.numel(), shape);
                assertEquals(shape.replace("(", "[").replace(")", "]").replace(",]", "]"), Arrays.toString(t.dims()), shape + " " + fortran);
            }
        }
    }

    @Test
    void writerMatchesNumpyHeadersAndReadsBackEveryShape(@TempDir Path dir) throws IOException {
        String[][] cases = {
                {"", "()"}, {"0", "(0,)"}, {"3", "(3,)"}, {"2,0", "(2, 0)"}, {"3,1,2", "(3, 1, 2)"}, {"1,1,1,1,5", "(1, 1, 1, 1, 5)"}};
        Path p = dir.resolve("t.npy");
        for (String[] c : cases) {
            int[] dims = c[0].isEmpty() ? new int[0] : Arrays.stream(c[0].split(",")).mapToInt(Integer::parseInt).toArray();
            int n = 1;
            for (int d : dims) n *= d;
            float[] values = new float[n];
            for (int i = 0; i < n; i++) values[i] = i - 1.5f;
            Tensor t = Tensor.wrap(values, dims);
            Npy.write(p, t);
            byte[] bytes = Files.readAllBytes(p);
            String expected = numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': " + c[1] + ", }", 1);
            assertEquals(expected, new String(bytes, 10, bytes.length - 10 - 4 * n, StandardCharsets.ISO_8859_1), c[1]);
            assertEquals(expected.length(), (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8, c[1]);
            Tensor back = Npy.read(p);
            assertArrayEquals(dims, back.dims(), c[1]);
            assertArrayEquals(values, back.toArray(), c[1]);
        }
    }

    @Test
    void otherDtypesAreNamed() {
        fails(file(1, numpyHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", 1), hex("0102")), "'|u1'");
        fails(file(1, numpyHeader("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", 1), hex("003c")), "'<f2'");
        fails(file(1, numpyHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 1), hex("00000000")),
                "structured dtype");
    }

    @Test
    void truncatedPreamblesHeadersAndData() {
        byte[] good = file(2, numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 2), hex("0000803f0000004000004040"));
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThrows(IOException.class, () -> Npy.parse(cut, "cut"), "cut to " + len);
        }
        byte[] v1 = file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", hex("0000803f"));
        v1[8] = (byte) 0xff;
        v1[9] = (byte) 0xff;
        fails(v1, "truncated", "65535");
        byte[] v2 = good.clone();
        v2[8] = v2[9] = v2[10] = v2[11] = (byte) 0xff;
        fails(v2, "truncated", "4294967295");
        byte[] v4 = good.clone();
        v4[6] = 4;
        fails(v4, "version 4");
    }

    @Test
    void hugeDeclaredShapesFailWithoutAllocating() {
        String[] shapes = {"(2147483647, 2147483647, 2147483647)", "(65536, 65536)", "(4294967296,)", "(99999999999999999999,)",
                "(2147483647,)", "(536870912,)", "(-1,)", "(3, -2)"};
        for (String shape : shapes) {
            fails(file(1, numpyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }", 1), new byte[16]));
        }
    }

    @Test
    void malformedShapeTuplesAreNotReadAsAnotherShape() throws IOException {
        // Python would not parse these tuples; "(,)" must not become a 0-d array, nor "(2,,3)" a (2, 3) one
        for (String shape : new String[]{"(,)", "(2,,3)", "(,3)", "(2, 3,,)"}) {
            fails(file(1, numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", 1), new byte[24]),
                    "malformed shape");
        }
        Tensor t = Npy.parse(file(1, numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3,), }", 1), new byte[24]), "ok");
        assertArrayEquals(new int[]{2, 3}, t.dims(), "a trailing comma is valid Python");
    }
}
