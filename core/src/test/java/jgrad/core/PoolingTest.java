package jgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PoolingTest {
    // 1×1×4×4, distinct values
    private static Tensor sample() {
        return Tensor.of(new float[]{
                1, 5, 2, 0,
                3, 4, 8, 6,
                7, 9, -1, -2,
                0, 2, -3, 10}, 1, 1, 4, 4);
    }

    /** Values 0.1·(a random permutation of 0..n−1): no two window elements are within the check's step. */
    static Tensor distinct(long seed, int... shape) {
        int n = Shape.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        new Rng(seed).shuffle(v);
        for (int i = 0; i < n; i++) v[i] = 0.1f * v[i] - 0.05f * n;
        return Tensor.of(v, shape);
    }

    @Test
    void maxPool2x2Stride2() {
        Tensor x = sample().requiresGrad(true);
        Tensor y = Functional.maxPool2d(x, 2, 2, 0);
        assertArrayEquals(new int[]{1, 1, 2, 2}, y.dims());
        assertArrayEquals(new float[]{5, 8, 9, 10}, y.toArray());
        y.sum().backward();
        assertArrayEquals(new float[]{
                0, 1, 0, 0,
                0, 0, 1, 0,
                0, 1, 0, 0,
                0, 0, 0, 1}, x.grad().toArray());
    }

    @Test
    void avgPool2x2Stride2() {
        Tensor x = sample().requiresGrad(true);
        Tensor y = Functional.avgPool2d(x, 2, 2, 0);
        assertArrayEquals(new float[]{13 / 4f, 16 / 4f, 18 / 4f, 4 / 4f}, y.toArray(), 1e-6f);
        y.sum().backward();
        for (float g : x.grad().toArray()) assertEquals(0.25f, g, 1e-7f);
    }

    @Test
    void maxPoolWithPaddingTreatsBorderAsMinusInfinity() {
        Tensor x = sample().sub(20); // all values negative: a zero pad would win every border window if it counted
        Tensor y = Functional.maxPool2d(x, 3, 1, 1);
        assertArrayEquals(new int[]{1, 1, 4, 4}, y.dims());
        assertEquals(-15, y.get(0, 0, 0, 0));  // {1,5,3,4} − 20
        assertEquals(-12, y.get(0, 0, 0, 3));  // {2,0,8,6} − 20
        assertEquals(-11, y.get(0, 0, 1, 1));  // 3×3 block containing 9
        assertEquals(-10, y.get(0, 0, 3, 3));  // {-1,-2,-3,10} − 20
        Tensor s = Functional.maxPool2d(sample(), 3, 2, 1);
        assertArrayEquals(new float[]{5, 8, 9, 10}, s.toArray());
    }

    @Test
    void avgPoolPaddingCountsInDivisor() {
        Tensor y = Functional.avgPool2d(sample(), 3, 1, 1);
        assertEquals(13 / 9f, y.get(0, 0, 0, 0), 1e-6f);
        assertEquals(38 / 9f, y.get(0, 0, 1, 1), 1e-6f);
        assertEquals(4 / 9f, y.get(0, 0, 3, 3), 1e-6f);
        Tensor s = Functional.avgPool2d(sample(), 3, 2, 1);
        assertArrayEquals(new int[]{1, 1, 2, 2}, s.dims());
        assertEquals(13 / 9f, s.get(0, 0, 0, 0), 1e-6f);
        assertEquals(33 / 9f, s.get(0, 0, 1, 1), 1e-6f);
    }

    @Test
    void kernelEqualToInputIsGlobalPool() {
        Tensor x = distinct(3, 2, 3, 3, 3);
        Tensor mx = Functional.maxPool2d(x, 3, 1, 0), av = Functional.avgPool2d(x, 3, 3, 0);
        assertArrayEquals(new int[]{2, 3, 1, 1}, mx.dims());
        assertArrayEquals(x.max(new int[]{2, 3}, true).toArray(), mx.toArray());
        assertArrayEquals(x.mean(new int[]{2, 3}, true).toArray(), av.toArray(), 1e-5f);
    }

    @Test
    void sizeOneInputAndKernelOneAreIdentity() {
        Tensor x = Tensor.of(new float[]{4}, 1, 1, 1, 1);
        assertArrayEquals(new float[]{4}, Functional.maxPool2d(x, 1, 1, 0).toArray());
        assertArrayEquals(new float[]{4}, Functional.avgPool2d(x, 1, 1, 0).toArray());
        Tensor z = Tensor.randn(new Rng(2), 2, 2, 3, 5);
        assertArrayEquals(z.toArray(), Functional.maxPool2d(z, 1, 1, 0).toArray());
    }

    @Test
    void threeDimensionalInputIsOneImage() {
        Tensor x = sample().squeeze(0);
        assertArrayEquals(new float[]{5, 8, 9, 10}, Functional.maxPool2d(x, 2, 2, 0).toArray());
        assertArrayEquals(new int[]{1, 2, 2}, Functional.avgPool2d(x, 2, 2, 0).dims());
    }

    @Test
    void maxPoolTieSendsGradientToFirstMaximum() {
        Tensor x = Tensor.of(new float[]{1, 3, 3, 2, 3, 3, 0, 3}, 1, 1, 2, 4).requiresGrad(true);
        Functional.maxPool2d(x, 2, 2, 0).sum().backward();
        // both windows hold several 3s; the first in row-major order takes the gradient
        assertArrayEquals(new float[]{0, 1, 1, 0, 0, 0, 0, 0}, x.grad().toArray());
    }

    @Test
    void maxPoolPropagatesNaN() {
        Tensor x = sample();
        x.set(Float.NaN, 0, 0, 1, 0);
        Tensor y = Functional.maxPool2d(x, 2, 2, 0);
        assertTrue(Float.isNaN(y.get(0, 0, 0, 0)));
        assertEquals(8, y.get(0, 0, 0, 1));
    }

    @Test
    void maxPoolGradients() {
        Tensor x = distinct(11, 2, 3, 5, 5).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.maxPool2d(in[0], 3, 2, 1), x);
        GradCheck.assertGradients(in -> Functional.maxPool2d(in[0], 2, 1, 0), x);
        Tensor t = distinct(12, 1, 2, 6, 5).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.maxPool2d(in[0].transpose(2, 3), 2, 2, 1), t);
    }

    @Test
    void avgPoolGradients() {
        Tensor x = Tensor.randn(new Rng(5), 2, 2, 5, 6).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.avgPool2d(in[0], 3, 2, 1), x);
        GradCheck.assertGradients(in -> Functional.avgPool2d(in[0].transpose(2, 3), 2, 1, 0), x);
    }

    @Test
    void gradientCheckCatchesAWrongDerivative() {
        Tensor x = Tensor.randn(new Rng(6), 1, 1, 4, 4).requiresGrad(true);
        // the derivative of 2·pool is twice that of pool: a check against the wrong one must fail
        GradCheck.Result r = GradCheck.check(in -> {
            Tensor y = Functional.avgPool2d(in[0], 2, 2, 0);
            return Autograd.isEnabled() ? y : y.mul(2f);
        }, GradCheck.EPS, GradCheck.ATOL, GradCheck.RTOL, x);
        assertFalse(r.passed(), r.toString());
    }

    @Test
    void badInputsNameTheOpAndShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.maxPool2d(Tensor.zeros(4, 4), 2, 2, 0));
        assertTrue(e.getMessage().contains("maxPool2d") && e.getMessage().contains("[4, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.avgPool2d(Tensor.zeros(1, 1, 4, 4), 2, 2, 2));
        assertTrue(e.getMessage().contains("avgPool2d") && e.getMessage().contains("padding 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.maxPool2d(Tensor.zeros(1, 1, 2, 5), 3, 1, 0));
        assertTrue(e.getMessage().contains("[1, 1, 2, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.maxPool2d(Tensor.zeros(1, 1, 4, 4), 0, 1, 0));
        assertTrue(e.getMessage().contains("kernel 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.avgPool2d(Tensor.zeros(1, 1, 4, 4), 2, 0, 0));
        assertTrue(e.getMessage().contains("stride 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.maxPool2d(Tensor.zeros(1, 1, 4, 4), 3, 1, -1));
        assertTrue(e.getMessage().contains("padding -1"), e.getMessage());
    }
}
