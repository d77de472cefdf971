package jgrad.core.io;

import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The fixtures under resources/npy were written by NumPy's own np.save. */
class NpyTest {
    private static final float[] EXPECTED = {-0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f};

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = NpyTest.class.getResourceAsStream("/npy/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    @Test
    void readsNumpyFloat32Float64BigEndianFortranAndVersion2() throws IOException {
        for (String f : new String[]{"f4_2x3.npy", "f8_2x3.npy", "f4_be_2x3.npy", "f4_fortran_2x3.npy", "f4_v2_2x3.npy"}) {
            Tensor t = Npy.parse(fixture(f), f);
            assertArrayEquals(new int[]{2, 3}, t.dims(), f);
            assertArrayEquals(EXPECTED, t.toArray(), f);
        }
    }

    @Test
    void readsZeroDimensionalArray() throws IOException {
        Tensor t = Npy.parse(fixture("f4_scalar.npy"), "scalar");
        assertEquals(0, t.rank());
        assertEquals(3.25f, t.item());
    }

    @Test
    void writesTheSameBytesAsNumpy(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("out.npy");
        Npy.write(p, Tensor.of(EXPECTED, 2, 3));
        assertArrayEquals(fixture("f4_2x3.npy"), Files.readAllBytes(p));
    }

    @Test
    void roundTripsNonContiguousAndOneDimensional(@TempDir Path dir) throws IOException {
        Tensor t = Tensor.arange(12).reshape(3, 4).transpose(0, 1);
        Path p = dir.resolve("t.npy");
        Npy.write(p, t);
        Tensor back = Npy.read(p);
        assertArrayEquals(new int[]{4, 3}, back.dims());
        assertArrayEquals(t.toArray(), back.toArray());
        Npy.write(p, Tensor.arange(5));
        String header = new String(Files.readAllBytes(p), 10, 60);
        assertTrue(header.contains("'shape': (5,)"), header);
        assertEquals(0, Files.size(p) % 4);
    }

    @Test
    void malformedFilesGiveErrorsNamingTheProblem() throws IOException {
        byte[] good = fixture("f4_2x3.npy");
        IOException e = assertThrows(IOException.class, () -> Npy.parse("not numpy at all".getBytes(), "x.npy"));
        assertTrue(e.getMessage().contains("x.npy") && e.getMessage().contains("magic"), e.getMessage());

        e = assertThrows(IOException.class, () -> Npy.parse(Arrays.copyOf(good, good.length - 5), "cut.npy"));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("[2, 3]"), e.getMessage());

        e = assertThrows(IOException.class, () -> Npy.parse(Arrays.copyOf(good, 40), "head.npy"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        e = assertThrows(IOException.class, () -> Npy.parse(fixture("i8_3.npy"), "ints.npy"));
        assertTrue(e.getMessage().contains("<i8") && e.getMessage().contains("float32"), e.getMessage());

        byte[] broken = good.clone();
        String h = new String(broken, 10, 50);
        int at = 10 + h.indexOf("shape");
        broken[at] = 'X';
        e = assertThrows(IOException.class, () -> Npy.parse(broken, "hdr.npy"));
        assertTrue(e.getMessage().contains("malformed header"), e.getMessage());
    }

    @Test
    void missingFileNamesThePath(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> Npy.read(dir.resolve("nope.npy")));
        assertTrue(e.getMessage().contains("nope.npy"), e.getMessage());
        // and says why: the JDK's message for a missing file is the path alone
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }
}
