package jgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ConvolutionTest {
    private static Tensor rand(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape);
    }

    private static int[] p(int a, int b) {
        return new int[]{a, b};
    }

    /** Naive direct convolution in double: returns {y, ∂x, ∂W, ∂b} for the output gradient gy (may be null). */
    static float[][] reference(Tensor x, Tensor w, Tensor b, int[] s, int[] pad, int[] d, int groups, Tensor gy) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int o = w.size(0), cg = w.size(1), kh = w.size(2), kw = w.size(3), og = o / groups;
        int oh = (h + 2 * pad[0] - d[0] * (kh - 1) - 1) / s[0] + 1, ow = (wd + 2 * pad[1] - d[1] * (kw - 1) - 1) / s[1] + 1;
        double[] y = new double[n * o * oh * ow], gx = new double[n * c * h * wd], gw = new double[o * cg * kh * kw], gb = new double[o];
        for (int ni = 0; ni < n; ni++) for (int oi = 0; oi < o; oi++) for (int yi = 0; yi < oh; yi++) for (int xi = 0; xi < ow; xi++) {
            int yIdx = ((ni * o + oi) * oh + yi) * ow + xi;
            double g = gy == null ? 0 : gy.get(ni, oi, yi, xi);
            double acc = b == null ? 0 : b.get(oi);
            gb[oi] += g;
            int grp = oi / og;
            for (int ci = 0; ci < cg; ci++) for (int u = 0; u < kh; u++) for (int v = 0; v < kw; v++) {
                int iy = yi * s[0] - pad[0] + u * d[0], ix = xi * s[1] - pad[1] + v * d[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                int cin = grp * cg + ci;
                double xv = x.get(ni, cin, iy, ix), wv = w.get(oi, ci, u, v);
                acc += xv * wv;
                gx[((ni * c + cin) * h + iy) * wd + ix] += g * wv;
                gw[((oi * cg + ci) * kh + u) * kw + v] += g * xv;
            }
            y[yIdx] = acc;
        }
        return new float[][]{toFloat(y), toFloat(gx), toFloat(gw), toFloat(gb)};
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4 * Math.max(1, Math.abs(expected[i])), what + " element " + i);
        }
    }

    /** Forward and all three gradients against the naive reference. */
    private static void compareWithReference(int[] xs, int[] ws, boolean bias, int[] s, int[] pad, int[] d, int groups) {
        Tensor x = rand(1, xs).requiresGrad(true);
        Tensor w = rand(2, ws).requiresGrad(true);
        Tensor b = bias ? rand(3, ws[0]).requiresGrad(true) : null;
        Tensor y = Functional.conv2d(x, w, b, s, pad, d, groups);
        Tensor gy = rand(4, y.dims());
        y.backward(gy);
        float[][] ref = reference(x, w, b, s, pad, d, groups, gy);
        String cfg = "x " + Shape.str(xs) + " w " + Shape.str(ws) + " stride " + Shape.str(s) + " pad " + Shape.str(pad)
                + " dil " + Shape.str(d) + " groups " + groups;
        assertClose(ref[0], y.toArray(), "output, " + cfg);
        assertClose(ref[1], x.grad().toArray(), "input gradient, " + cfg);
        assertClose(ref[2], w.grad().toArray(), "weight gradient, " + cfg);
        if (bias) assertClose(ref[3], b.grad().toArray(), "bias gradient, " + cfg);
    }

    @Test
    void handComputedValidAndPaddedConvolution() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor w = Tensor.ones(1, 1, 2, 2);
        Tensor y = Functional.conv2d(x, w, null, 1, 0);
        assertArrayEquals(new int[]{1, 1, 2, 2}, y.dims());
        assertArrayEquals(new float[]{12, 16, 24, 28}, y.toArray());
        // padding 1, stride 2, bias 10: windows at (-1,-1), (-1,1), (1,-1), (1,1)
        Tensor yb = Functional.conv2d(x, w, Tensor.of(new float[]{10}, 1), 2, 1);
        assertArrayEquals(new float[]{11, 15, 21, 38}, yb.toArray());
        // cross-correlation, not convolution: an asymmetric kernel picks x[i, j+1] − x[i, j]
        Tensor diff = Tensor.of(new float[]{-1, 1}, 1, 1, 1, 2);
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1}, Functional.conv2d(x, diff, null, 1, 0).toArray());
    }

    @Test
    void handComputedGradients() {
        // y = conv(x, ones 2×2), Σy: each x counts as many times as windows cover it
        Tensor x = Tensor.ones(1, 1, 3, 3).requiresGrad(true);
        Tensor w = Tensor.ones(1, 1, 2, 2).requiresGrad(true);
        Tensor b = Tensor.zeros(1).requiresGrad(true);
        Functional.conv2d(x, w, b, 1, 0).sum().backward();
        assertArrayEquals(new float[]{1, 2, 1, 2, 4, 2, 1, 2, 1}, x.grad().toArray());
        assertArrayEquals(new float[]{4, 4, 4, 4}, w.grad().toArray());
        assertArrayEquals(new float[]{4}, b.grad().toArray());
    }

    @Test
    void matchesReferenceAcrossConfigurations() {
        compareWithReference(new int[]{2, 3, 9, 8}, new int[]{4, 3, 3, 3}, true, p(1, 1), p(1, 1), p(1, 1), 1);
        compareWithReference(new int[]{2, 4, 9, 10}, new int[]{6, 2, 3, 2}, true, p(2, 1), p(1, 0), p(1, 2), 2);
        compareWithReference(new int[]{1, 3, 11, 11}, new int[]{5, 3, 3, 3}, false, p(2, 2), p(2, 2), p(2, 2), 1);
        compareWithReference(new int[]{3, 2, 7, 9}, new int[]{4, 2, 1, 1}, true, p(1, 1), p(1, 2), p(1, 1), 1);
        compareWithReference(new int[]{2, 4, 6, 6}, new int[]{4, 1, 3, 3}, false, p(1, 1), p(0, 0), p(1, 1), 4);
        compareWithReference(new int[]{1, 2, 5, 5}, new int[]{3, 2, 5, 5}, true, p(1, 1), p(0, 0), p(1, 1), 1);
        compareWithReference(new int[]{2, 3, 6, 7}, new int[]{4, 3, 3, 3}, false, p(1, 1), p(0, 2), p(1, 1), 1);
        compareWithReference(new int[]{2, 3, 7, 6}, new int[]{4, 3, 2, 3}, true, p(1, 1), p(2, 0), p(1, 2), 1);
    }

    @Test
    void largerProblemMatchesReference() {
        // exercises full register tiles, several K blocks and both thread splits
        compareWithReference(new int[]{3, 16, 20, 36}, new int[]{40, 16, 3, 3}, true, p(1, 1), p(1, 1), p(1, 1), 1);
        compareWithReference(new int[]{1, 16, 21, 35}, new int[]{24, 8, 3, 3}, true, p(2, 2), p(1, 1), p(1, 1), 2);
        // a single (sample, group) pair: the GEMMs and dot products themselves are split across threads
        compareWithReference(new int[]{1, 16, 24, 40}, new int[]{40, 16, 3, 3}, true, p(1, 1), p(1, 1), p(1, 1), 1);
        compareWithReference(new int[]{1, 16, 24, 40}, new int[]{40, 16, 3, 3}, false, p(2, 2), p(0, 1), p(1, 1), 1);
    }

    @Test
    void gradCheckStridePaddingBias() {
        Tensor x = rand(5, 2, 3, 6, 5).requiresGrad(true);
        Tensor w = rand(6, 4, 3, 3, 3).requiresGrad(true);
        Tensor b = rand(7, 4).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.conv2d(in[0], in[1], in[2], p(2, 2), p(1, 1), p(1, 1), 1), x, w, b);
    }

    @Test
    void gradCheckDilationAndGroups() {
        Tensor x = rand(8, 2, 4, 7, 6).requiresGrad(true);
        Tensor w = rand(9, 6, 2, 2, 3).requiresGrad(true);
        Tensor b = rand(10, 6).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.conv2d(in[0], in[1], in[2], p(1, 1), p(1, 2), p(2, 2), 2), x, w, b);
    }

    @Test
    void gradCheckNonContiguousInput() {
        Tensor x = rand(11, 1, 2, 5, 6).requiresGrad(true);
        Tensor w = rand(12, 3, 2, 3, 2).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.conv2d(in[0].transpose(2, 3), in[1], null, p(1, 2), p(1, 0), p(1, 1), 1), x, w);
        // weight seen through a permuted view too
        Tensor wt = rand(13, 3, 2, 2, 3).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.conv2d(in[0], in[1].transpose(2, 3), null, p(1, 1), p(1, 1), p(1, 1), 1), x, wt);
    }

    @Test
    void gradCheckDetectsAWrongGradient() {
        Tensor x = rand(14, 1, 1, 4, 4).requiresGrad(true);
        Tensor w = rand(15, 1, 1, 2, 2);
        // the second use is cut from the graph, so the analytic gradient is half the numeric one
        GradCheck.Result r = GradCheck.check(in -> Functional.conv2d(in[0], w, null, 1, 0)
                        .add(Functional.conv2d(in[0].detach(), w, null, 1, 0)),
                GradCheck.EPS, GradCheck.ATOL, GradCheck.RTOL, x);
        assertFalse(r.passed(), r.toString());
    }

    @Test
    void sizeOneEdgeCases() {
        // 1×1 image, 1×1 kernel: y = w·x + b
        Tensor y = Functional.conv2d(Tensor.full(3f, 1, 1, 1, 1), Tensor.full(2f, 1, 1, 1, 1), Tensor.full(1f, 1), 1, 0);
        assertArrayEquals(new float[]{7}, y.toArray());
        // kernel exactly the padded size gives a 1×1 output
        Tensor x = rand(16, 1, 2, 3, 3).requiresGrad(true);
        Tensor w = rand(17, 2, 2, 5, 5).requiresGrad(true);
        assertArrayEquals(new int[]{1, 2, 1, 1}, Functional.conv2d(x, w, null, 1, 1).dims());
        GradCheck.assertGradients(in -> Functional.conv2d(in[0], in[1], null, 1, 1), x, w);
        // empty batch
        assertArrayEquals(new int[]{0, 2, 3, 3}, Functional.conv2d(Tensor.zeros(0, 2, 3, 3), Tensor.ones(2, 2, 1, 1), null, 1, 0).dims());
    }

    private static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String part : parts) assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor x = Tensor.ones(2, 3, 8, 8);
        assertMessage(() -> Functional.conv2d(x, Tensor.ones(4, 2, 3, 3), null, 1, 0),
                "conv2d", "[2, 3, 8, 8]", "[4, 2, 3, 3]", "3 channels", "expects 2");
        assertMessage(() -> Functional.conv2d(Tensor.ones(3, 8, 8), Tensor.ones(4, 3, 3, 3), null, 1, 0), "conv2d", "4-D", "[3, 8, 8]");
        assertMessage(() -> Functional.conv2d(x, Tensor.ones(4, 3, 3), null, 1, 0), "conv2d", "weight", "[4, 3, 3]");
        assertMessage(() -> Functional.conv2d(x, Tensor.ones(4, 1, 3, 3), null, p(1, 1), p(0, 0), p(1, 1), 2),
                "conv2d", "not divisible by groups 2");
        assertMessage(() -> Functional.conv2d(x, Tensor.ones(3, 3, 3, 3), null, p(1, 1), p(0, 0), p(1, 1), 0), "groups");
        assertMessage(() -> Functional.conv2d(x, Tensor.ones(4, 3, 9, 3), null, 1, 0), "conv2d", "larger than the padded input", "8×8");
        assertMessage(() -> Functional.conv2d(x, Tensor.ones(4, 3, 3, 3), null, p(1, 1), p(0, 0), p(4, 1), 1),
                "conv2d", "dilation", "extent 9×3");
        assertMessage(() -> Functional.conv2d(x, Tensor.ones(4, 3, 3, 3), null, 0, 0), "conv2d", "stride", "positive");
        assertMessage(() -> Functional.conv2d(x, Tensor.ones(4, 3, 3, 3), null, p(1, 1), p(0, 0), p(0, 1), 1), "dilation", "positive");
        assertMessage(() -> Functional.conv2d(x, Tensor.ones(4, 3, 3, 3), null, 1, -1), "padding", "non-negative");
        assertMessage(() -> Functional.conv2d(x, Tensor.ones(4, 3, 3, 3), Tensor.ones(3), 1, 0), "bias", "[4]", "[3]");
    }
}
