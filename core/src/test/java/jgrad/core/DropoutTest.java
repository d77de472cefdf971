package jgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DropoutTest {
    @Test
    void identityInEvalAndForZeroProbability() {
        Tensor x = Tensor.randn(new Rng(1), 3, 4);
        assertArrayEquals(x.toArray(), Functional.dropout(x, 0.5, false, new Rng(2)).toArray());
        assertArrayEquals(x.toArray(), Functional.dropout(x, 0, true, new Rng(2)).toArray());
    }

    @Test
    void probabilityOneZeroesEverythingAndItsGradient() {
        Tensor x = Tensor.randn(new Rng(1), 3, 4).requiresGrad(true);
        Tensor y = Functional.dropout(x, 1, true, new Rng(2));
        for (float v : y.toArray()) assertEquals(0f, v, 0f); // −0 for negative x, as 0·x
        y.sum().backward();
        for (float v : x.grad().toArray()) assertEquals(0f, v);
    }

    @Test
    void keepsAboutOneMinusPAndScalesTheRest() {
        int n = 1 << 16;
        Tensor x = Tensor.ones(n);
        float[] y = Functional.dropout(x, 0.3, true, new Rng(3)).toArray();
        int kept = 0;
        for (float v : y) {
            if (v != 0) {
                assertEquals(1 / 0.7f, v, 1e-6f);
                kept++;
            }
        }
        // binomial(65536, 0.7): σ ≈ 117, so ±600 is over 5σ
        assertEquals(0.7 * n, kept, 600);
    }

    @Test
    void maskIsTheSeededStreamAndReproducible() {
        int n = 100_000; // large enough to be split across threads
        Tensor x = Tensor.ones(n);
        Rng a = new Rng(42);
        float[] y = Functional.dropout(x, 0.5, true, a).toArray();
        // element i is kept when the i-th float of a generator seeded with the draw from rng is ≥ p
        Rng expected = new Rng(new Rng(42).nextLong());
        for (int i = 0; i < n; i++) assertEquals(expected.nextFloat() >= 0.5f ? 2f : 0f, y[i], "element " + i);
        assertArrayEquals(y, Functional.dropout(x, 0.5, true, new Rng(42)).toArray());
        // the generator advanced: the next call draws a different mask
        assertFalse(java.util.Arrays.equals(y, Functional.dropout(x, 0.5, true, a).toArray()));
    }

    @Test
    void vectorAndScalarMasksAgree() {
        long t = (long) Math.ceil(0.3 * 0x1.0p24);
        float[] a = new float[1000], b = new float[1000];
        Dropout.mask(99, t, 2f, a, 3, 997);
        if (jgrad.core.cpu.Simd.VECTOR) VectorDropout.mask(99, 0x9E3779B97F4A7C15L, t, 2f, b, 3, 997);
        else Dropout.mask(99, t, 2f, b, 3, 997);
        assertArrayEquals(a, b);
        assertEquals(0f, a[0]);
        assertEquals(0f, a[999]);
        int kept = 0;
        for (int i = 3; i < 997; i++) kept += a[i] == 2f ? 1 : 0;
        assertTrue(kept > 600 && kept < 780, "kept " + kept);
    }

    @Test
    void gradientIsTheSameMask() {
        Tensor x = Tensor.randn(new Rng(4), 4, 5).requiresGrad(true);
        Tensor y = Functional.dropout(x, 0.4, true, new Rng(5));
        y.sum().backward();
        float[] xs = x.toArray(), ys = y.toArray(), gs = x.grad().toArray();
        for (int i = 0; i < xs.length; i++) assertEquals(ys[i] / xs[i], gs[i], 1e-5f);
        GradCheck.assertGradients(in -> Functional.dropout(in[0].transpose(0, 1), 0.4, true, new Rng(6)), x);
    }

    @Test
    void probabilityOutsideUnitIntervalIsAnError() {
        Tensor x = Tensor.ones(2, 3);
        for (double p : new double[]{-0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.dropout(x, p, true, new Rng(1)));
            assertTrue(e.getMessage().contains("dropout") && e.getMessage().contains("[2, 3]"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Functional.dropout(x, 2, false, new Rng(1)));
    }
}
