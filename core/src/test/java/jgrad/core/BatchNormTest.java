package jgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BatchNormTest {
    private static final double EPS = 1e-5;

    @Test
    void trainingTwoValuesAndRunningStatUpdate() {
        Tensor x = Tensor.of(new float[]{1, 3}, 2, 1);
        Tensor rm = Tensor.zeros(1), rv = Tensor.ones(1);
        Tensor y = Functional.batchNorm(x, rm, rv, null, null, true, 0.1, EPS);
        // μ = 2, biased σ² = 1 → ±1/√(1 + ε)
        float v = (float) (1 / Math.sqrt(1 + EPS));
        assertArrayEquals(new float[]{-v, v}, y.toArray(), 1e-7f);
        // running: 0.9·0 + 0.1·2 = 0.2; 0.9·1 + 0.1·(unbiased 2) = 1.1
        assertEquals(0.2f, rm.item(), 1e-7f);
        assertEquals(1.1f, rv.item(), 1e-6f);
    }

    @Test
    void evalUsesRunningStatisticsAndLeavesThemAlone() {
        Tensor x = Tensor.of(new float[]{3, 3, 5, 1}, 2, 2);
        Tensor rm = Tensor.of(new float[]{1, 2}, 2), rv = Tensor.of(new float[]{4, 0.25f}, 2);
        Tensor w = Tensor.of(new float[]{2, -1}, 2), b = Tensor.of(new float[]{0.5f, 1}, 2);
        Tensor y = Functional.batchNorm(x, rm, rv, w, b, false, 0.1, 0);
        // channel 0: (x − 1)/2·2 + 0.5; channel 1: (x − 2)/0.5·(−1) + 1
        assertArrayEquals(new float[]{2.5f, -1, 4.5f, 3}, y.toArray(), 1e-6f);
        assertArrayEquals(new float[]{1, 2}, rm.toArray());
        assertArrayEquals(new float[]{4, 0.25f}, rv.toArray());
    }

    /** Two-pass double reference of training-mode batch norm; returns y and writes the stats. */
    private static double[] reference(float[] x, int n, int c, int s, float[] w, float[] b, double[] mean, double[] var) {
        double[] y = new double[x.length];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) for (int k = 0; k < s; k++) sum += x[(i * c + ch) * s + k];
            double mu = sum / (n * s), sq = 0;
            for (int i = 0; i < n; i++) for (int k = 0; k < s; k++) sq += Math.pow(x[(i * c + ch) * s + k] - mu, 2);
            mean[ch] = mu;
            var[ch] = sq / (n * s);
            for (int i = 0; i < n; i++)
                for (int k = 0; k < s; k++) {
                    int p = (i * c + ch) * s + k;
                    y[p] = (x[p] - mu) / Math.sqrt(var[ch] + EPS) * w[ch] + b[ch];
                }
        }
        return y;
    }

    @Test
    void trainingMatchesTwoPassDoubleReference() {
        int n = 3, c = 4, h = 5, wd = 6, s = h * wd;
        Rng rng = new Rng(1);
        Tensor x = Tensor.randn(rng, n, c, h, wd).mul(3f).add(100f); // large mean: one-pass formulas would lose digits
        Tensor w = Tensor.randn(rng, c), b = Tensor.randn(rng, c);
        Tensor rm = Tensor.of(new float[]{0, 1, 2, 3}, c), rv = Tensor.of(new float[]{1, 2, 3, 4}, c);
        float[] rm0 = rm.toArray(), rv0 = rv.toArray();
        double[] mean = new double[c], var = new double[c];
        double[] ref = reference(x.toArray(), n, c, s, w.toArray(), b.toArray(), mean, var);
        float[] y = Functional.batchNorm(x, rm, rv, w, b, true, 0.25, EPS).toArray();
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], y[i], 2e-5 * (1 + Math.abs(ref[i])), "element " + i);
        int m = n * s;
        for (int ch = 0; ch < c; ch++) {
            assertEquals(0.75 * rm0[ch] + 0.25 * mean[ch], rm.get(ch), 1e-4);
            assertEquals(0.75 * rv0[ch] + 0.25 * var[ch] * m / (m - 1), rv.get(ch), 1e-5);
        }
    }

    @Test
    void withoutRunningStatsAndOnNxC() {
        Tensor x = Tensor.of(new float[]{1, 10, 2, 20, 6, 30}, 3, 2);
        Tensor y = Functional.batchNorm(x, null, null, null, null, true, 0.1, 0);
        // channel 0: μ 3, σ² 14/3; channel 1: μ 20, σ² 200/3
        double s0 = Math.sqrt(14 / 3.0), s1 = Math.sqrt(200 / 3.0);
        assertArrayEquals(new float[]{(float) (-2 / s0), (float) (-10 / s1), (float) (-1 / s0), 0, (float) (3 / s0), (float) (10 / s1)},
                y.toArray(), 1e-6f);
    }

    @Test
    void trainingGradientsWithWeightAndBias() {
        Rng rng = new Rng(2);
        Tensor x = Tensor.randn(rng, 2, 3, 3, 4).requiresGrad(true);
        Tensor w = Tensor.rand(rng, 3).add(0.5f).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 3).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, EPS), x, w, b);
        GradCheck.assertGradients(in -> Functional.batchNorm(in[0].transpose(2, 3), null, null, in[1], in[2], true, 0.1, EPS), x, w, b);
        Tensor v = Tensor.randn(rng, 5, 3).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.batchNorm(in[0], null, null, in[1], null, true, 0.1, EPS), v, w);
        GradCheck.assertGradients(in -> Functional.batchNorm(in[0], null, null, null, null, true, 0.1, EPS), v);
    }

    @Test
    void evalGradients() {
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 2, 3, 2, 2).requiresGrad(true);
        Tensor w = Tensor.randn(rng, 3).requiresGrad(true), b = Tensor.randn(rng, 3).requiresGrad(true);
        Tensor rm = Tensor.randn(rng, 3), rv = Tensor.rand(rng, 3).add(0.5f);
        GradCheck.assertGradients(in -> Functional.batchNorm(in[0], rm, rv, in[1], in[2], false, 0.1, EPS), x, w, b);
    }

    @Test
    void trainingGradientOfSumIsZeroForX() {
        // Σy does not depend on x in training (each channel of x̂ sums to zero)
        Tensor x = Tensor.randn(new Rng(4), 4, 2, 3, 3).requiresGrad(true);
        Tensor w = Tensor.of(new float[]{2, 3}, 2).requiresGrad(true);
        Functional.batchNorm(x, null, null, w, null, true, 0.1, EPS).sum().backward();
        for (float g : x.grad().toArray()) assertEquals(0, g, 1e-5f);
        assertArrayEquals(new float[]{0, 0}, w.grad().toArray(), 1e-4f);
    }

    @Test
    void badInputsNameTheOpAndShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNorm(Tensor.zeros(4), null, null, null, null, true, 0.1, EPS));
        assertTrue(e.getMessage().contains("batchNorm") && e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNorm(Tensor.zeros(2, 3, 2, 2), null, null, Tensor.ones(4), null, true, 0.1, EPS));
        assertTrue(e.getMessage().contains("weight") && e.getMessage().contains("[4]") && e.getMessage().contains("[2, 3, 2, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNorm(Tensor.zeros(2, 3), null, null, null, null, false, 0.1, EPS));
        assertTrue(e.getMessage().contains("eval"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNorm(Tensor.zeros(1, 3, 1, 1), null, null, null, null, true, 0.1, EPS));
        assertTrue(e.getMessage().contains("more than one value"), e.getMessage());
    }

    @Test
    void parametersOnAnotherDeviceThanTheInputAreNamed() {
        Device emu = EmulatedBackend.DEVICE;
        Tensor x = Tensor.ones(2, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNorm(x, null, null, Tensor.ones(3).to(emu), null, true, 0.1, EPS));
        assertTrue(e.getMessage().contains("weight is on " + emu) && e.getMessage().contains("[2, 3] is on cpu"), e.getMessage());
        Tensor rm = Tensor.zeros(3).to(emu), rv = Tensor.ones(3).to(emu);
        e = assertThrows(IllegalArgumentException.class, () -> Functional.batchNorm(x, rm, rv, null, null, false, 0.1, EPS));
        assertTrue(e.getMessage().contains("running mean is on " + emu), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNorm(x.to(emu), rm, rv, null, Tensor.zeros(3), true, 0.1, EPS));
        assertTrue(e.getMessage().contains("bias is on cpu"), e.getMessage());
    }
}
