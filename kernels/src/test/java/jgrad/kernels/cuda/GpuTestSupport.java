package jgrad.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared checks for the GPU tests. */
public final class GpuTestSupport {
    private GpuTestSupport() {}

    /** |got − want| ≤ atol + rtol·|want| elementwise, reporting the worst element. */
    public static void assertClose(float[] want, float[] got, double atol, double rtol, String what) {
        assertTrue(want.length == got.length, what + ": length " + got.length + " vs " + want.length);
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs((double) got[i] - want[i]);
            double excess = err - (atol + rtol * Math.abs(want[i]));
            if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Double.isNaN(excess))) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst >= 0) {
            throw new AssertionError(what + ": element " + worst + " is " + got[worst] + ", expected " + want[worst]
                    + " (atol " + atol + ", rtol " + rtol + ")");
        }
    }

    /**
     * Returns once buffers that became unreachable without being closed (an earlier test's device
     * tensors, say) have been handed back by {@link CudaBuffer}'s Cleaner: two garbage collections,
     * then a wait until the allocator's count of open buffers stops changing (at most 5 s). A test
     * that compares allocator statistics across steps calls it first, so that a collection in the
     * middle of the test cannot release older garbage and shift the figures it compares.
     */
    public static void settleUnreachableBuffers(DeviceAllocator allocator) {
        System.gc();
        System.gc();
        long deadline = System.nanoTime() + 5_000_000_000L;
        int last = -1, stable = 0;
        while (stable < 5 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int now = allocator.openBuffers();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
    }

    public static float[] random(long seed, int n) {
        java.util.Random r = new java.util.Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
