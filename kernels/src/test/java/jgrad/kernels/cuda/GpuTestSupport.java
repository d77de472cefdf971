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

    public static float[] random(long seed, int n) {
        java.util.Random r = new java.util.Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
