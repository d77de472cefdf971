package jgrad.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** Launch rejects bad configurations in Java; none of these reach the driver (there is none here). */
class LaunchValidationTest {

    private static void rejects(Launch launch, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, launch::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("kernel "), e.getMessage());
    }

    @Test
    void gridAndBlockLimits() {
        rejects(Launch.kernel("k").args(), "grid and block were not set");
        rejects(Launch.kernel("k").grid(0).block(32), "grid (0, 1, 1)");
        rejects(Launch.kernel("k").grid(1, 65536, 1).block(32), "exceeds 65535");
        rejects(Launch.kernel("k").grid(1, 1, 70000).block(32), "exceeds 65535");
        rejects(Launch.kernel("k").grid(1).block(0), "block (0, 1, 1)");
        rejects(Launch.kernel("k").grid(1).block(2048), "per-dimension limits");
        rejects(Launch.kernel("k").grid(1).block(1, 1, 65), "per-dimension limits");
        rejects(Launch.kernel("k").grid(1).block(64, 32, 1), "2048 threads");
        rejects(Launch.kernel("k").grid(1).block(32).sharedBytes(-1), "dynamic shared memory");
        rejects(Launch.kernel("k").grid(1).block(32).sharedBytes(48 * 1024 + 1), "dynamic shared memory");
        assertThrows(IllegalArgumentException.class, () -> Launch.kernel(" "));
    }

    @Test
    void argumentTypes() {
        rejects(Launch.kernel("k").grid(1).block(32).args(1, null), "argument 1 is null");
        rejects(Launch.kernel("k").grid(1).block(32).args((short) 3), "argument 0 is a java.lang.Short");
        rejects(Launch.kernel("k").grid(1).block(32).args(new float[4]), "argument 0 is a [F");
        rejects(Launch.kernel("k").grid(1).block(32).args(true), "java.lang.Boolean");
        DeviceAllocator a = new DeviceAllocator(new FakeMemory(1 << 20), 0);
        CudaBuffer b = a.allocate(16);
        b.close();
        rejects(Launch.kernel("k").grid(1).block(32).args(b), "argument 0 is a closed buffer");
    }

    @Test
    void blocksForMatchesTheDeviceHelper() {
        assertTrue(Launch.blocksFor(0, 256) == 1);
        assertTrue(Launch.blocksFor(256, 256) == 1);
        assertTrue(Launch.blocksFor(257, 256) == 2);
        assertTrue(Launch.blocksFor(1L << 40, 256) == Launch.MAX_BLOCKS);
        // counts near Long.MAX_VALUE get the cap too, not the single block an overflowing n + block − 1 gave
        assertEquals(Launch.MAX_BLOCKS, Launch.blocksFor(Long.MAX_VALUE, 256));
        assertEquals(Launch.MAX_BLOCKS, Launch.blocksFor(Long.MAX_VALUE - 1, 1024));
        assertEquals(2, Launch.blocksFor(Integer.MAX_VALUE, Integer.MAX_VALUE - 1));
        assertThrows(IllegalArgumentException.class, () -> Launch.blocksFor(-1, 256));
    }

    @Test
    void argumentsAreCheckedAgainstThePtxSignature() {
        assumeTrue(KernelModule.present(), "jgrad.fatbin was not built (no nvcc)");
        // fill_f32(float* out, float value, long long n)
        rejects(Launch.kernel("fill_f32").gridFor(10).args(0x1000L, 1f), "takes 3 arguments");
        rejects(Launch.kernel("fill_f32").gridFor(10).args(0x1000L, 1f, 10), "parameter 2 is a 64-bit value");
        rejects(Launch.kernel("fill_f32").gridFor(10).args(0x1000L, 1.0, 10L), "parameter 1 is a float");
        rejects(Launch.kernel("sum_final_f32").gridFor(10).args(0x1000L, 5L, 0x2000L), "parameter 1 is a 32-bit int");
        assertDoesNotThrow(() -> Launch.kernel("fill_f32").gridFor(10).args(0x1000L, 1f, 10L).validate());
    }

    @Test
    void aValidLaunchGetsAsFarAsTheMissingDevice() {
        assumeTrue(!Cuda.available(), "a GPU is present");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> Launch.kernel("fill_f32").gridFor(10).args(0x1000L, 1f, 10L).run());
        assertTrue(e.getMessage().equals(Cuda.unavailableReason()));
    }
}
