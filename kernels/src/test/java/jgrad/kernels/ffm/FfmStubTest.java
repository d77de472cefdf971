package jgrad.kernels.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jgrad.kernels.cuda.DeviceAllocator;
import jgrad.kernels.cuda.RawMemory;

/**
 * Drives Cublas and Cudnn against a C stand-in with the same signatures (src/test/c), compiled
 * here with the system C compiler, to check what the FFM layer passes: argument order, the
 * row-major → column-major swap, the perf-struct layout and the algorithm choice. Skipped where
 * no C compiler is installed.
 */
class FfmStubTest {
    static NativeLibrary stub;
    static MemorySegment rec;

    @BeforeAll
    static void build() throws Exception {
        Path src = Path.of(System.getProperty("jgrad.test.c", "src/test/c"), "fake_cuda_libs.c");
        // the bundle's CPU smoke run has the compiled tests but not their C source
        assumeTrue(Files.isRegularFile(src), "the C stand-in's source " + src + " is not here: this check runs from the source tree");
        Path out = Path.of("target", "fake-cuda", "libjgrad_fake_cuda.so").toAbsolutePath();
        Files.createDirectories(out.getParent());
        int rc;
        String log = "";
        try {
            Process p = new ProcessBuilder("cc", "-shared", "-fPIC", "-O1", "-o", out.toString(), src.toString())
                    .redirectErrorStream(true).start();
            log = new String(p.getInputStream().readAllBytes());
            rc = p.waitFor();
        } catch (java.io.IOException e) {
            rc = -1;
        }
        assumeTrue(rc != -1, "no C compiler (cc) to build the stand-in library");
        assumeTrue(rc == 0, "cc could not build the stand-in library (exit " + rc + "): " + log.strip());
        stub = NativeLibrary.load("stub", "a C compiler", out.toString());
        rec = stub.find("jg_rec").orElseThrow().reinterpret(32 * 8);
    }

    static double[] recorded(int n) {
        return Arrays.copyOf(rec.toArray(ValueLayout.JAVA_DOUBLE), n);
    }

    static String last() {
        return stub.find("jg_last").orElseThrow().reinterpret(64).getString(0);
    }

    @Test
    void cublasRowMajorGemmSwapsOperands() {
        try (Cublas b = Cublas.createForTest(stub, 0xABC0)) {
            assertEquals(0xABC0, recorded(1)[0]);
            assertEquals(130000, b.version());
            // row-major C(4×3) = A(4×2)·B(2×3): column-major Cᵀ = Bᵀ·Aᵀ, m=3, n=4, ldb=3, lda=2, ldc=3
            b.gemmRowMajor(false, false, 4, 3, 2, 0.5f, 0x1000, 0x2000, 0.25f, 0x3000);
            assertEquals("cublasSgemm_v2", last());
            assertArrayEquals(new double[]{0, 0, 3, 4, 2, 0.5, 0x2000, 3, 0x1000, 2, 0.25, 0x3000, 3}, recorded(13));
            // transposed A stored k×m (2×4): lda = m = 4, op T in the second slot
            b.gemmRowMajor(true, false, 4, 3, 2, 1f, 0x1000, 0x2000, 0f, 0x3000);
            assertArrayEquals(new double[]{0, 1, 3, 4, 2, 1, 0x2000, 3, 0x1000, 4, 0, 0x3000, 3}, recorded(13));
            b.gemmRowMajorBatched(false, true, 4, 3, 2, 1f, 0x1000, 8, 0x2000, 6, 0f, 0x3000, 12, 5);
            assertEquals("cublasSgemmStridedBatched", last());
            assertArrayEquals(new double[]{1, 0, 3, 4, 2, 1, 0x2000, 2, 6, 0x1000, 2, 8, 0, 0x3000, 3, 12, 5}, recorded(17));
        }
        assertEquals("cublasDestroy_v2", last());
    }

    private static DeviceAllocator fakeAllocator() {
        return new DeviceAllocator(new RawMemory() {
            long next = 0x7000_0000L;

            @Override
            public long malloc(long bytes) {
                long a = next;
                next += bytes;
                return a;
            }

            @Override
            public void free(long address) {}
        }, 0);
    }

    @Test
    void cudnnPicksTheFirstDeterministicAlgorithmOfTheRequestedMathThatFitsAndPassesArgumentsInOrder() {
        DeviceAllocator alloc = fakeAllocator();
        try (Cudnn d = Cudnn.createForTest(stub, 0xDD00, alloc, Cudnn.MathType.DEFAULT)) {
            assertEquals(0xDD00, recorded(1)[0]);
            assertEquals(90100, d.version());
            Cudnn.ConvShape s = Cudnn.ConvShape.of(2, 4, 9, 9, 6, 3, 1, 2, 1, 2);
            Cudnn.ConvAlgorithms al = d.algorithms(s);
            // ranked list: 6 (not deterministic), 5 (workspace too large), 4 (failed), 1 (deterministic but
            // tensor-op math, not the requested one), 0 (deterministic, the requested default math)
            Cudnn.Algorithm want = new Cudnn.Algorithm(0, 999, true, 0);
            assertEquals(new Cudnn.ConvAlgorithms(want, want, want), al);

            d.conv2dForward(s, 0x100, 0x200, 0x300, false);
            double[] r = recorded(9);
            assertEquals("cudnnConvolutionForward", last());
            assertArrayEquals(new double[]{1, 0x100, 0x200, 0}, Arrays.copyOf(r, 4));
            assertTrue(r[4] >= 0x7000_0000L, "workspace from the allocator");
            assertArrayEquals(new double[]{999, 0, 0x300, 0}, Arrays.copyOfRange(r, 5, 9)); // last: the math type the call ran with
            assertEquals(0, alloc.stats().allocatedBytes(), "workspace released after the call");

            d.conv2dBackwardData(s, 0x200, 0x400, 0x500, true);
            assertEquals("cudnnConvolutionBackwardData", last());
            r = recorded(9);
            assertArrayEquals(new double[]{1, 0x200, 0x400, 0, r[4], 999, 1, 0x500, 0}, r);
            d.conv2dBackwardFilter(s, 0x100, 0x400, 0x600, false);
            r = recorded(9);
            assertArrayEquals(new double[]{1, 0x100, 0x400, 0, r[4], 999, 0, 0x600, 0}, r);
            d.conv2dBackwardBias(2, 6, 5, 5, 0x400, 0x700, true);
            assertArrayEquals(new double[]{1, 0x400, 1, 0x700, 6, 1, 6}, recorded(7));

            d.batchNormForwardTraining(2, 3, 4, 5, 0x10, 0x20, 0x30, 0x40, 0.1, 1e-5, 0x50, 0x60, 0x70, 0x80);
            assertEquals("cudnnBatchNormalizationForwardTraining", last());
            assertArrayEquals(new double[]{1, 1, 0, 3, 0x10, 0x20, 3, 0x30, 0x40, 0.1, 0x50, 0x60, 1e-5, 0x70, 0x80},
                    recorded(15));
            d.batchNormForwardInference(2, 3, 4, 5, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 1e-3);
            assertArrayEquals(new double[]{1, 1, 0, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 1e-3}, recorded(10));
            d.batchNormBackward(2, 3, 4, 5, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 1e-5, 0x70, 0x80, true);
            assertArrayEquals(new double[]{1, 1, 0, 1, 1, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 1e-5, 0x70, 0x80},
                    recorded(14));

            assertThrows(IllegalArgumentException.class,
                    () -> d.batchNormForwardTraining(1, 3, 1, 1, 0x10, 0x20, 0x30, 0x40, 0.1, 1e-5, 0, 0, 0x70, 0x80));
            assertThrows(IllegalArgumentException.class, () -> d.conv2dForward(s, 0, 0x200, 0x300, false));
        }
    }

    /** A handle whose stream cannot be set is destroyed before the error reaches the caller. */
    @Test
    void aHandleWhoseStreamIsRefusedIsDestroyed() {
        NativeCallException blas = assertThrows(NativeCallException.class, () -> Cublas.createForTest(stub, 0xBAD));
        assertTrue(blas.getMessage().contains("cublasSetStream_v2"), blas.getMessage());
        assertEquals("cublasDestroy_v2", last());
        NativeCallException dnn = assertThrows(NativeCallException.class,
                () -> Cudnn.createForTest(stub, 0xBAD, fakeAllocator(), Cudnn.MathType.DEFAULT));
        assertTrue(dnn.getMessage().contains("cudnnSetStream"), dnn.getMessage());
        assertEquals("cudnnDestroy", last());
    }
}
