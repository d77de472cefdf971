package jgrad.core;

import jgrad.core.cpu.Gemm;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class GemmTest {
    /** Naive row-major reference with double accumulation: C = α·op(A)·op(B) + β·C. */
    static void reference(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int ao, int lda,
                          float[] b, int bo, int ldb, float beta, float[] c, int co, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[ao + p * lda + i] : a[ao + i * lda + p];
                    double bv = tb ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
                    s += av * bv;
                }
                double prev = beta == 0f ? 0 : (double) beta * c[co + i * ldc + j];
                c[co + i * ldc + j] = (float) (alpha * s + prev);
            }
        }
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextFloat() * 2 - 1;
        return v;
    }

    /** Runs one configuration through Gemm.sgemm and the reference and compares every element of C. */
    private static void compare(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, Random r) {
        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
        int ao = 7, bo = 3, co = 11;
        float[] a = random(r, ao + (ta ? k : m) * lda + 4);
        float[] b = random(r, bo + (tb ? n : k) * ldb + 4);
        float[] c = random(r, co + m * ldc + 4);
        float[] expected = c.clone();
        reference(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, expected, co, ldc);
        Gemm.sgemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
        for (int i = 0; i < c.length; i++) {
            double tol = 1e-5 * Math.max(1, k) + 1e-5 * Math.abs(expected[i]);
            assertEquals(expected[i], c[i], tol, () -> "ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k
                    + " alpha=" + alpha + " beta=" + beta);
        }
    }

    @Test
    void handComputedTwoByTwo() {
        float[] a = {1, 2, 3, 4};     // [[1, 2], [3, 4]]
        float[] b = {5, 6, 7, 8};     // [[5, 6], [7, 8]]
        float[] c = {1, 1, 1, 1};
        Gemm.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[]{19, 22, 43, 50}, c);
        // Aᵀ·B = [[1, 3], [2, 4]]·B = [[26, 30], [38, 44]], times 2 plus 1·C
        Gemm.sgemm(true, false, 2, 2, 2, 2f, a, 0, 2, b, 0, 2, 1f, c, 0, 2);
        assertArrayEquals(new float[]{19 + 52, 22 + 60, 43 + 76, 50 + 88}, c);
        // A·Bᵀ = [[17, 23], [39, 53]]
        Gemm.sgemm(false, true, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[]{17, 23, 39, 53}, c);
    }

    @Test
    void oddSizesAndAllTransposesMatchReference() {
        Random r = new Random(42);
        int[] sizes = {1, 7, 33, 65, 130};
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                for (int m : sizes) {
                    for (int n : sizes) {
                        compare(ta, tb, m, n, sizes[(m + n) % sizes.length], 1f, 0f, r);
                    }
                }
            }
        }
    }

    @Test
    void alphaAndBetaAreApplied() {
        Random r = new Random(7);
        compare(false, false, 9, 40, 17, 0.5f, 1f, r);
        compare(true, true, 17, 33, 9, -2f, 0.25f, r);
        compare(false, true, 1, 1, 1, 3f, -1f, r);
    }

    @Test
    void blockBoundariesAndThreadedPathMatchReference() {
        Random r = new Random(3);
        compare(false, false, 130, 70, 300, 1f, 0f, r);    // > MC rows, two K blocks, threaded
        compare(true, false, 40, 200, 513, 1f, 1f, r);     // three K blocks, split by columns
        compare(false, false, 9, 3100, 5, 1f, 0f, r);      // more than one NC block of columns
    }

    @Test
    void emptyInnerDimensionScalesC() {
        float[] c = {1, 2, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 0, 2);
        assertArrayEquals(new float[]{0.5f, 1, 1.5f, 2}, c);
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[4], c);
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        float[] c = {Float.NaN, Float.NaN};
        Gemm.sgemm(false, false, 1, 2, 1, 1f, new float[]{2}, 0, 1, new float[]{3, 4}, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[]{6, 8}, c);
    }

    @Test
    void badLeadingDimensionOrShortArrayIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, new float[6], 0, 2, new float[6], 0, 2, 0f, new float[4], 0, 2));
        assertTrue(e.getMessage().contains("leading dimension of A is 2") && e.getMessage().contains("3 columns"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, true, 2, 2, 3, 1f, new float[6], 0, 3, new float[5], 0, 3, 0f, new float[4], 0, 2));
        assertTrue(e.getMessage().contains("B (2×3") && e.getMessage().contains("array has 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, new float[6], 0, 3, new float[6], 0, 2, 0f, new float[4], 1, 2));
        assertTrue(e.getMessage().contains("C (2×2, offset 1"), e.getMessage());
    }

    @Test
    void negativeSizeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 2, 2, 1f, new float[4], 0, 2, new float[4], 0, 2, 0f, new float[4], 0, 2));
        assertTrue(e.getMessage().contains("sgemm") && e.getMessage().contains("m=-1"), e.getMessage());
    }
}
