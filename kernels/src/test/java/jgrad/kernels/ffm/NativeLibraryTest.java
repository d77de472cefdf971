package jgrad.kernels.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

class NativeLibraryTest {

    @Test
    void aMissingLibraryNamesEverySonameTriedAndWhatToInstall() {
        NativeLibraryMissingException e = assertThrows(NativeLibraryMissingException.class,
                () -> NativeLibrary.load("cuBLAS", Cublas.INSTALL, "libjgrad_absent_blas.so.13", "libjgrad_absent_blas.so.12"));
        String m = e.getMessage();
        assertTrue(m.startsWith("cuBLAS is not available"), m);
        assertTrue(m.contains("libjgrad_absent_blas.so.13") && m.contains("libjgrad_absent_blas.so.12"), m);
        assertTrue(m.contains("Install cuBLAS from the CUDA toolkit 12 or 13 (libcublas.so.13)"), m);
    }

    @Test
    void cudnnMissingSaysCudnn9() {
        NativeLibraryMissingException e = assertThrows(NativeLibraryMissingException.class,
                () -> NativeLibrary.load("cuDNN", Cudnn.INSTALL, "libjgrad_absent_dnn.so.9"));
        assertTrue(e.getMessage().contains("cuDNN 9 (libcudnn.so.9)"), e.getMessage());
    }

    @Test
    void theFirstSonameThatLoadsWinsAndMissingSymbolsAreNamed() {
        NativeLibrary libc = NativeLibrary.load("libc", "glibc", "libjgrad_absent.so.1", "libc.so.6");
        assertEquals("libc.so.6", libc.soname());
        var strlen = libc.downcall("strlen", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            assertEquals(5L, (long) strlen.invokeExact(arena.allocateFrom("jgrad")));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        NativeLibraryMissingException e = assertThrows(NativeLibraryMissingException.class,
                () -> libc.downcall("cublasNoSuchFunction", FunctionDescriptor.ofVoid()));
        assertTrue(e.getMessage().contains("has no function cublasNoSuchFunction"), e.getMessage());
    }

    @Test
    void withoutTheLibrariesAvailabilityIsFalseWithTheReason() {
        org.junit.jupiter.api.Assumptions.assumeTrue(!Cublas.available(), "cuBLAS is installed here");
        assertTrue(Cublas.unavailableReason().contains("libcublas.so.13"), Cublas.unavailableReason());
    }

    @Test
    void gemmArgumentsAreCheckedInJava() {
        assertThrows(IllegalArgumentException.class, () -> Cublas.checkSgemm(false, false, -1, 2, 2, 8, 1, 8, 2, 8, 1));
        // column-major A m×k needs lda ≥ m
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Cublas.checkSgemm(false, false, 4, 3, 2, 8, 3, 8, 2, 8, 4));
        assertTrue(e.getMessage().startsWith("lda 3 < 4"), e.getMessage());
        // transposed A is stored k×m: lda ≥ k
        Cublas.checkSgemm(true, false, 4, 3, 2, 8, 2, 8, 2, 8, 4);
        e = assertThrows(IllegalArgumentException.class, () -> Cublas.checkSgemm(false, true, 4, 3, 2, 8, 4, 8, 2, 8, 4));
        assertTrue(e.getMessage().startsWith("ldb 2 < 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cublas.checkSgemm(false, false, 4, 3, 2, 8, 4, 8, 2, 8, 3));
        assertTrue(e.getMessage().startsWith("ldc 3 < 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cublas.checkSgemm(false, false, 4, 3, 2, 0, 4, 8, 2, 8, 4));
        assertTrue(e.getMessage().contains("null device pointer"), e.getMessage());
    }

    @Test
    void convShapesAreChecked() {
        Cudnn.ConvShape s = Cudnn.ConvShape.of(2, 4, 9, 9, 6, 3, 1, 2, 1, 2);
        assertEquals(5, s.outH());
        assertEquals(2L * 6 * 5 * 5, s.outputFloats());
        assertEquals(6L * 2 * 3 * 3, s.weightFloats());
        assertThrows(IllegalArgumentException.class, () -> Cudnn.ConvShape.of(2, 4, 9, 9, 6, 3, 1, 2, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> Cudnn.ConvShape.of(2, 4, 2, 2, 6, 5, 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Cudnn.ConvShape.of(2, 4, 9, 9, 6, 3, -1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Cudnn.ConvShape.of(2, 4, 9, 9, 6, 3, 1, 0, 1, 1));
    }

    /** Padding or dilation whose output extent does not fit an int is refused, not wrapped to a small output. */
    @Test
    void convShapesWhoseSizesOverflowAnIntAreRefused() {
        int big = Integer.MAX_VALUE;
        // 5 + 2·(2³¹ − 1) rows of padded input: wrapped in int, this read as a 3×3 output
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Cudnn.ConvShape.of(1, 1, 5, 5, 1, 1, big, 1, 1, 1));
        assertTrue(e.getMessage().contains("4294967299×4294967299"), e.getMessage());
        // dilation·(kernel − 1) = 2³¹: the kernel spans more than the input, whatever int arithmetic says
        e = assertThrows(IllegalArgumentException.class,
                () -> new Cudnn.ConvShape(1, 1, 5, 5, 1, 3, 1, 0, 0, 1, 1, 1 << 30, 1, 1));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        // an extent that is large but fits is kept exactly
        Cudnn.ConvShape s = new Cudnn.ConvShape(1, 1, 1, 1, 1, 1, 1, (big - 1) / 2, 0, 1, 1, 1, 1, 1);
        assertEquals(big, s.outH());
        assertEquals(1, s.outW());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Cudnn.ConvShape(1, 1, 2, 1, 1, 1, 1, (big - 1) / 2, 0, 1, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("2147483648×1"), e.getMessage());
    }

    @Test
    void globFindsWheelLibFoldersOneLevelPerStar(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        for (String d : new String[]{"opt/torch/.venv/lib/python3.12/site-packages/nvidia/cudnn/lib",
                "opt/torch/.venv/lib/python3.12/site-packages/nvidia/cublas/lib", "opt/other/lib/python3.11/x"}) {
            java.nio.file.Files.createDirectories(tmp.resolve(d));
        }
        var found = NativeLibrary.glob(tmp + "/opt/*/.venv/lib/python3*/site-packages/nvidia/*/lib");
        assertEquals(java.util.Set.of(tmp.resolve("opt/torch/.venv/lib/python3.12/site-packages/nvidia/cudnn/lib"),
                tmp.resolve("opt/torch/.venv/lib/python3.12/site-packages/nvidia/cublas/lib")), java.util.Set.copyOf(found));
        assertTrue(NativeLibrary.glob(tmp + "/nowhere/*/lib").isEmpty());
    }
}
