package jgrad.core;

import org.junit.jupiter.api.Test;

import static jgrad.core.ElementwiseTest.assertClose;
import static org.junit.jupiter.api.Assertions.*;

class ReductionsTest {
    private static Tensor cube() {
        return Tensor.arange(24).reshape(2, 3, 4);
    }

    @Test
    void sumsOverAnySetOfDims() {
        Tensor x = cube();
        assertEquals(276f, x.sum().item());
        assertClose(new float[]{12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34}, x.sum(0), 0);
        assertClose(new float[]{6, 22, 38, 54, 70, 86}, x.sum(new int[]{2}, false), 0);
        assertClose(new float[]{60, 66, 72, 78}, x.sum(new int[]{0, 1}, false), 0);
        assertClose(new float[]{60, 92, 124}, x.sum(new int[]{0, 2}, false), 0);  // (0+..+3)+(12+..+15) = 6+54, then 22+70, 38+86
        Tensor k = x.sum(new int[]{1}, true);
        assertArrayEquals(new int[]{2, 1, 4}, k.dims());
        assertClose(new float[]{12, 15, 18, 21, 48, 51, 54, 57}, k, 0);
        assertClose(new float[]{60, 66, 72, 78}, x.sum(new int[]{-3, -2}, false), 0);
    }

    @Test
    void meanMaxMinVar() {
        Tensor x = Tensor.of(new float[]{1, 5, 3, 2, 8, -4}, 2, 3);
        assertEquals(2.5f, x.mean().item(), 1e-7);
        assertClose(new float[]{3, 2}, x.mean(new int[]{1}, false), 1e-7);
        assertClose(new float[]{3, 2}, x.mean(1), 1e-7); // one dim, as sum(int)
        assertClose(new float[]{1.5f, 6.5f, -0.5f}, x.mean(-2), 1e-7);
        assertClose(new float[]{5, 8}, x.max(new int[]{1}, false), 0);
        assertClose(new float[]{1, -4}, x.min(new int[]{1}, false), 0);
        assertEquals(8f, x.max().item());
        assertEquals(-4f, x.min().item());
        // rows: {1,5,3} mean 3 → Σd² = 8 → unbiased 4, population 8/3
        assertClose(new float[]{4, 36}, x.var(new int[]{1}, 1, false), 1e-6);
        assertClose(new float[]{8f / 3, 24}, x.var(new int[]{1}, 0, false), 1e-6);
        assertEquals(16.3f, x.var().item(), 1e-5); // values 1,5,3,2,8,-4: mean 2.5, Σd² = 81.5, /5
    }

    @Test
    void reductionGradients() {
        Rng rng = new Rng(4);
        Tensor x = Tensor.randn(rng, 3, 4, 5).requiresGrad(true);
        GradCheck.assertGradients(in -> in[0].sum(new int[]{0, 2}, true), x);
        GradCheck.assertGradients(in -> in[0].sum(new int[]{1}, false), x);
        GradCheck.assertGradients(in -> in[0].mean(new int[]{2}, false), x);
        GradCheck.assertGradients(in -> in[0].max(new int[]{1, 2}, false), x);
        GradCheck.assertGradients(in -> in[0].min(new int[]{0}, true), x);
        GradCheck.assertGradients(in -> in[0].var(new int[]{0, 2}, 1, false), x);
        // non-contiguous input
        GradCheck.assertGradients(in -> in[0].transpose(0, 2).sum(new int[]{0}, false), x);
    }

    @Test
    void maxGradientIsSharedAmongTies() {
        Tensor x = Tensor.of(new float[]{2, 7, 7, 1}, 4).requiresGrad(true);
        x.max().backward();
        assertClose(new float[]{0, 0.5f, 0.5f, 0}, x.grad(), 0);
    }

    @Test
    void largeSumIsAccurateAndParallelPathAgrees() {
        int n = 1 << 22;
        Tensor x = Tensor.full(0.1f, n);
        // in float, adding 0.1 four million times one by one drifts by percent; double blocks do not
        assertEquals(0.1f * n, x.sum().item(), 0.1f * n * 1e-6);
        Tensor m = Tensor.rand(new Rng(1), 2, n / 2);
        double expect = 0;
        for (float v : m.toArray()) expect += v;
        assertEquals(expect, m.sum().item(), Math.abs(expect) * 1e-6);
        float[] rows = m.sum(new int[]{1}, false).toArray();
        assertEquals(expect, rows[0] + (double) rows[1], Math.abs(expect) * 1e-6);
    }

    @Test
    void sumsPastTwoToThe24AreAccumulatedWiderThanFloat() {
        // a float accumulator stops at 2^24 (2^24 + 1 rounds back down); 2^24 + 2 is a float
        int n = (1 << 24) + 2;
        assertEquals(16777218f, Tensor.ones(n).sum().item());
        assertEquals(16777218f, Tensor.ones(2, n / 2).transpose(0, 1).sum().item()); // strided: packed first
    }

    @Test
    void emptyDimListReducesNothing() {
        // documented difference: torch reads dim=[] as every dim
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2);
        assertArrayEquals(new float[]{1, 2, 3, 4}, x.sum(new int[0], false).toArray());
        assertArrayEquals(new int[]{2, 2}, x.max(new int[0], true).dims());
    }

    @Test
    void sizeOneAndEmptyDims() {
        Tensor x = Tensor.ones(1, 3, 1);
        assertArrayEquals(new int[]{3}, x.sum(new int[]{0, 2}, false).dims());
        assertEquals(0f, Tensor.zeros(0, 3).sum().item());
        assertArrayEquals(new int[]{3}, Tensor.zeros(0, 3).sum(0).dims());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0, 3).max(new int[]{0}, false));
        assertTrue(e.getMessage().startsWith("max:"), e.getMessage());
        // var builds on mean, but its error is its own
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0, 3).var(new int[]{0}, 1, false));
        assertTrue(e.getMessage().startsWith("var:") && e.getMessage().contains("[0, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).var());
        assertTrue(e.getMessage().startsWith("var:"), e.getMessage());
    }

    @Test
    void varWithACorrectionAtOrAboveTheCountIsInfiniteNotNegative() {
        // torch.var divides by max(0, n − correction): Σ(x − x̄)² = 2 for 1, 2, 3, so 2/0 = +∞
        Tensor x = Tensor.of(new float[]{1, 2, 3}, 3);
        assertEquals(Float.POSITIVE_INFINITY, x.var(new int[]{0}, 3, false).item());
        assertEquals(Float.POSITIVE_INFINITY, x.var(new int[]{0}, 5, false).item());
        assertEquals(1f, x.var(new int[]{0}, 1, false).item(), 1e-6);
        // a single value with the default correction: 0/0
        assertTrue(Float.isNaN(Tensor.of(new float[]{4}, 1).var().item()));
    }

    @Test
    void badDimsNameTheOp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cube().sum(new int[]{3}, false));
        assertTrue(e.getMessage().startsWith("sum:") && e.getMessage().contains("rank 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cube().mean(new int[]{1, -2}, false));
        assertTrue(e.getMessage().startsWith("mean:") && e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void zeroDimensionalTensorsReduceOverDimZeroOrMinusOneAsTorch() {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        for (int dim : new int[]{0, -1}) {
            assertEquals(3f, x.sum(dim).item());
            assertEquals(0, x.sum(new int[]{dim}, true).rank());
            assertEquals(3f, x.mean(new int[]{dim}, false).item());
            assertEquals(3f, x.max(new int[]{dim}, false).item());
            assertTrue(Float.isNaN(x.var(new int[]{dim}, 1, false).item()), "torch: n − 1 = 0 gives nan");
            assertSame(x, x.squeeze(dim));
        }
        x.mul(2f).sum(0).backward();
        assertEquals(2f, x.grad().item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.sum(1));
        assertTrue(e.getMessage().contains("0-d"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.sum(new int[]{0, -1}, false));
        assertThrows(IllegalArgumentException.class, () -> x.squeeze(1));
    }

    /** argmax/argmin by plain loops: the first extreme, or the first NaN, along dim d of a 3-d tensor. */
    private static float[] argOracle(float[] v, int[] sh, int d, boolean max) {
        int[] st = {sh[1] * sh[2], sh[2], 1};
        int a = d == 0 ? 1 : 0, b = d == 2 ? 1 : 2;
        float[] out = new float[v.length / sh[d]];
        int k = 0;
        for (int i = 0; i < sh[a]; i++) {
            for (int j = 0; j < sh[b]; j++) {
                int best = 0;
                float bv = Float.NaN;
                for (int t = 0; t < sh[d]; t++) {
                    float x = v[i * st[a] + j * st[b] + t * st[d]];
                    if (Float.isNaN(x)) { best = t; break; }
                    if (t == 0 || (max ? x > bv : x < bv)) { best = t; bv = x; }
                }
                out[k++] = best;
            }
        }
        return out;
    }

    @Test
    void argmaxAndArgminGiveTheFirstExtremeOrTheFirstNaN() {
        Rng rng = new Rng(7);
        int[] sh = {3, 5, 4};
        float[] v = new float[60];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(4); // many ties
        v[17] = Float.NaN;
        v[19] = Float.NaN;
        Tensor x = Tensor.of(v, sh);
        for (int d = 0; d < 3; d++) {
            for (boolean max : new boolean[]{true, false}) {
                float[] want = argOracle(v, sh, d, max);
                Tensor got = max ? x.argmax(d, false) : x.argmin(d - 3, true);
                assertClose(want, got, 0);
                assertEquals(max ? 2 : 3, got.dims().length, "keepDim " + !max);
            }
        }
        // a strided view, and the emulated device
        Tensor t = x.transpose(0, 2);
        assertClose(argOracle(t.contiguous().toArray(), t.dims(), 1, true), t.argmax(1, false), 0);
        assertClose(x.argmax(2, false).toArray(), x.to(EmulatedBackend.DEVICE).argmax(2, false), 0);
        Tensor w = Tensor.of(new float[]{1, 2}, 2).requiresGrad(true);
        assertFalse(w.argmax(0, false).requiresGrad(), "indices carry no gradient");
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).argmax(1, false));
    }
}
