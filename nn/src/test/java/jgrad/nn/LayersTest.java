package jgrad.nn;

import jgrad.core.GradCheck;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Each layer against hand-computed values, plus a gradient check through the layer. */
class LayersTest {
    private static final float TOL = 1e-5f;

    private static Tensor t(float[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    private static void set(Tensor param, float... v) {
        assertEquals(param.numel(), v.length);
        System.arraycopy(v, 0, param.data(), 0, v.length);
    }

    private static void assertClose(float[] expected, Tensor actual, float tol) {
        float[] a = actual.toArray();
        assertEquals(expected.length, a.length, "size of " + actual);
        for (int i = 0; i < a.length; i++) assertEquals(expected[i], a[i], tol * (1 + Math.abs(expected[i])), "element " + i);
    }

    private static final float[] X33 = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    // ---- Conv2d ------------------------------------------------------------------------------

    @Test
    void conv2dByHand() {
        Conv2d conv = new Conv2d(1, 1, 2);
        set(conv.weight, 1, 2, 3, 4);
        set(conv.bias, 0.5f);
        // windows [[1,2],[4,5]] · [[1,2],[3,4]] = 1 + 4 + 12 + 20 = 37, etc.
        assertClose(new float[]{37.5f, 47.5f, 67.5f, 77.5f}, conv.call(t(X33, 1, 1, 3, 3)), TOL);

        Conv2d padded = new Conv2d(1, 1, 2, 2, 1, false);
        assertNull(padded.bias);
        set(padded.weight, 1, 2, 3, 4);
        // windows start at (−1,−1), (−1,1), (1,−1), (1,1): 1·4 = 4; 2·3 + 3·4 = 18; 4·2 + 7·4 = 36; 77
        assertClose(new float[]{4, 18, 36, 77}, padded.call(t(X33, 1, 1, 3, 3)), TOL);

        Conv2d dilated = new Conv2d(1, 1, 2, 1, 0, 2, 1, false, new Rng(0));
        set(dilated.weight, 1, 2, 3, 4);
        // taps at (0,0), (0,2), (2,0), (2,2): 1 + 3·2 + 7·3 + 9·4
        assertClose(new float[]{64}, dilated.call(t(X33, 1, 1, 3, 3)), TOL);

        Conv2d grouped = new Conv2d(2, 2, 1, 1, 0, 1, 2, false, new Rng(0));
        set(grouped.weight, 2, 3);
        assertArrayEquals(new int[]{2, 1, 1, 1}, grouped.weight.dims());
        assertClose(new float[]{2, 4, 9, 12}, grouped.call(t(new float[]{1, 2, 3, 4}, 1, 2, 1, 2)), TOL);
    }

    @Test
    void conv2dGradients() {
        Rng rng = new Rng(11);
        Conv2d conv = new Conv2d(4, 6, new int[]{3, 3}, new int[]{2, 1}, new int[]{1, 1}, new int[]{1, 1}, 2, true, rng);
        Tensor x = Tensor.randn(rng, 2, 4, 5, 6).requiresGrad(true);
        // the input arrives transposed (non-contiguous)
        GradCheck.assertGradients(in -> conv.call(in[0].transpose(2, 3)), x, conv.weight, conv.bias);
    }

    @Test
    void conv2dDefaultInitIsPyTorchs() {
        Conv2d conv = new Conv2d(3, 32, 3, 1, 1, 1, 1, true, new Rng(5));
        double bound = 1 / Math.sqrt(27); // fan_in = 3·3·3
        double sumSq = 0, max = 0;
        for (float w : conv.weight.toArray()) {
            assertTrue(Math.abs(w) <= bound, "weight " + w + " within ±1/√27");
            sumSq += w * w;
            max = Math.max(max, Math.abs(w));
        }
        double var = sumSq / conv.weight.numel();
        assertEquals(bound * bound / 3, var, 0.1 * bound * bound / 3, "variance of U(−b, b) is b²/3");
        assertTrue(max > 0.95 * bound);
        for (float b : conv.bias.toArray()) assertTrue(Math.abs(b) <= bound);
        assertEquals(896, conv.parameterCount());
        Conv2d again = new Conv2d(3, 32, 3, 1, 1, 1, 1, true, new Rng(5));
        assertArrayEquals(conv.weight.toArray(), again.weight.toArray(), "seeded");
        assertEquals("Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))", conv.toString());
    }

    @Test
    void conv2dBadArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 1, 1, 2, true, null));
        assertTrue(e.getMessage().contains("divisible by groups 2"), e.getMessage());
        Conv2d conv = new Conv2d(3, 4, 3);
        var e2 = assertThrows(IllegalArgumentException.class, () -> conv.call(Tensor.zeros(1, 2, 5, 5)));
        assertTrue(e2.getMessage().contains("conv2d"), e2.getMessage());
    }

    // ---- BatchNorm2d -------------------------------------------------------------------------

    @Test
    void batchNormByHand() {
        BatchNorm2d bn = new BatchNorm2d(1);
        set(bn.weight, 2);
        set(bn.bias, 1);
        Tensor x = t(new float[]{1, 2, 3, 6}, 2, 1, 1, 2);
        // mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5, unbiased 14/3
        double s = Math.sqrt(3.5 + 1e-5);
        assertClose(new float[]{(float) (-2 / s * 2 + 1), (float) (-1 / s * 2 + 1), 1, (float) (3 / s * 2 + 1)}, bn.call(x), TOL);
        assertEquals(0.3f, bn.runningMean.item(), 1e-6);
        assertEquals(0.9f + 0.1f * 14 / 3f, bn.runningVar.item(), 1e-6);
        assertEquals(1f, bn.numBatchesTracked.item());
        bn.eval();
        double se = Math.sqrt(0.9 + 0.1 * 14 / 3.0 + 1e-5);
        assertClose(new float[]{(float) ((1 - 0.3) / se * 2 + 1), (float) ((2 - 0.3) / se * 2 + 1),
                (float) ((3 - 0.3) / se * 2 + 1), (float) ((6 - 0.3) / se * 2 + 1)}, bn.call(x), TOL);
        assertEquals(1f, bn.numBatchesTracked.item(), "eval does not count");
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.stateDict().keySet()));
    }

    @Test
    void batchNormGradients() {
        Rng rng = new Rng(3);
        BatchNorm2d bn = new BatchNorm2d(3);
        Init.uniform(bn.weight, 0.5, 1.5, rng);
        Init.uniform(bn.bias, -0.5, 0.5, rng);
        Tensor x = Tensor.randn(rng, 2, 3, 2, 3).requiresGrad(true);
        GradCheck.assertGradients(in -> bn.call(in[0].transpose(2, 3)), x, bn.weight, bn.bias);
        bn.eval();
        GradCheck.assertGradients(in -> bn.call(in[0]), x, bn.weight, bn.bias);
    }

    @Test
    void batchNormWithoutAffineOrRunningStats() {
        BatchNorm2d bn = new BatchNorm2d(1, 1e-5, 0.1, false, false);
        assertTrue(bn.stateDict().isEmpty());
        bn.eval(); // no running statistics: batch statistics even in eval
        Tensor y = bn.call(t(new float[]{1, 3}, 2, 1, 1, 1));
        assertClose(new float[]{-1, 1}, y, 1e-4f);
        BatchNorm2d one = new BatchNorm2d(2);
        assertThrows(IllegalArgumentException.class, () -> one.call(Tensor.zeros(1, 2, 1, 1)), "one value per channel");
        assertEquals(0f, one.numBatchesTracked.item(), "a failed call counts no batch");
        var e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(4).call(Tensor.zeros(2, 3, 2, 2)));
        assertTrue(e.getMessage().contains("BatchNorm2d(4): expected input N×4×H×W, got [2, 3, 2, 2]"), e.getMessage());
    }

    // ---- activations, dropout, identity -------------------------------------------------------

    @Test
    void reluByHandAndGradient() {
        assertClose(new float[]{0, 0, 0.5f, 3}, new ReLU().call(t(new float[]{-2, 0, 0.5f, 3}, 4)), 0);
        Tensor x = t(new float[]{-1.5f, -0.3f, 0.2f, 0.9f, 2f, -3f}, 2, 3).requiresGrad(true);
        GradCheck.assertGradients(in -> new ReLU().call(in[0].transpose(0, 1)), x);
    }

    @Test
    void dropoutTrainingEvalAndSeed() {
        Tensor x = Tensor.full(3f, 10_000);
        Dropout d = new Dropout(0.25, new Rng(9));
        float[] y = d.call(x).toArray();
        int zeros = 0;
        for (float v : y) {
            assertTrue(v == 0f || Math.abs(v - 4f) < 1e-6, "0 or 3/(1 − 0.25), got " + v);
            if (v == 0f) zeros++;
        }
        assertEquals(0.25, zeros / 10_000.0, 0.02);
        assertArrayEquals(y, new Dropout(0.25, new Rng(9)).call(x).toArray(), "same seed, same mask");
        assertFalse(java.util.Arrays.equals(y, d.call(x).toArray()), "the stream advances");
        d.eval();
        assertSame(x, d.call(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
        Tensor g = Tensor.randn(new Rng(2), 3, 4).requiresGrad(true);
        // a fresh generator per call so every evaluation uses the same mask
        GradCheck.assertGradients(in -> new Dropout(0.5, new Rng(4)).call(in[0]), g);
    }

    @Test
    void identity() {
        Tensor x = Tensor.ones(2);
        assertSame(x, new Identity().call(x));
        Tensor[] two = new Identity().callAll(x, x);
        assertEquals(2, two.length);
        Tensor r = Tensor.randn(new Rng(1), 2, 3).requiresGrad(true);
        GradCheck.assertGradients(in -> new Identity().call(in[0].transpose(0, 1)).mul(in[0].transpose(0, 1)), r);
    }

    // ---- pooling and resampling -------------------------------------------------------------

    @Test
    void maxPoolByHandAndGradient() {
        Tensor x = Tensor.arange(16).reshape(1, 1, 4, 4);
        assertClose(new float[]{5, 7, 13, 15}, new MaxPool2d(2).call(x), 0);
        // 3×3 windows, stride 1, padding 1 over [[1,2,3],[4,5,6],[7,8,9]]
        assertClose(new float[]{5, 6, 6, 8, 9, 9, 8, 9, 9}, new MaxPool2d(3, 1, 1).call(t(X33, 1, 1, 3, 3)), 0);
        Tensor r = Tensor.randn(new Rng(8), 2, 2, 4, 6).requiresGrad(true);
        GradCheck.assertGradients(in -> new MaxPool2d(2).call(in[0].transpose(2, 3)), r);
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 2, 2));
    }

    @Test
    void upsampleBilinearBothCornerModes() {
        Tensor x = t(new float[]{1, 2, 3, 4}, 1, 1, 2, 2);
        // align_corners=false: source = (dst + 0.5)/2 − 0.5 → 0, 0.25, 0.75, 1 (clamped at the edges)
        assertClose(new float[]{
                1, 1.25f, 1.75f, 2,
                1.5f, 1.75f, 2.25f, 2.5f,
                2.5f, 2.75f, 3.25f, 3.5f,
                3, 3.25f, 3.75f, 4}, new Upsample(2, Upsample.Mode.BILINEAR, false).call(x), TOL);
        // align_corners=true: source = dst/3 → 0, 1/3, 2/3, 1
        float a = 1 / 3f, b = 2 / 3f;
        assertClose(new float[]{
                1, 1 + a, 1 + b, 2,
                1 + 2 * a, 1 + 3 * a, 1 + 4 * a, 2 + 2 * a,
                1 + 2 * b, 1 + 2 * b + a, 1 + 2 * b + b, 2 + 2 * b,
                3, 3 + a, 3 + b, 4}, new Upsample(2, Upsample.Mode.BILINEAR, true).call(x), TOL);
        assertClose(new float[]{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, new Upsample(2).call(x), 0);
        assertArrayEquals(new int[]{1, 1, 3, 5}, Upsample.toSize(3, 5, Upsample.Mode.BILINEAR, false).call(x).dims());
        Tensor r = Tensor.randn(new Rng(6), 1, 2, 3, 4).requiresGrad(true);
        GradCheck.assertGradients(in -> new Upsample(2, Upsample.Mode.BILINEAR, false).call(in[0].transpose(2, 3)), r);
        GradCheck.assertGradients(in -> new Upsample(2, Upsample.Mode.BILINEAR, true).call(in[0]), r);
        GradCheck.assertGradients(in -> new Upsample(2).call(in[0]), r);
        assertEquals("scale_factor=2.0, mode='bilinear', align_corners=false", new Upsample(2, Upsample.Mode.BILINEAR, false).extraRepr());
    }

    @Test
    void upsampleRejectsAlignCornersWithNearestAndAMissingMode() {
        // torch.nn.Upsample raises for align_corners with mode='nearest'; silently ignoring it
        // would hide that the user asked for an interpolation mode they did not get
        var e = assertThrows(IllegalArgumentException.class, () -> new Upsample(2, Upsample.Mode.NEAREST, true));
        assertTrue(e.getMessage().contains("align_corners"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Upsample.toSize(4, 4, Upsample.Mode.NEAREST, true));
        var m = assertThrows(IllegalArgumentException.class, () -> new Upsample(2, null, false));
        assertTrue(m.getMessage().contains("mode"), m.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Upsample.toSize(4, 4, null, false));
    }

    @Test
    void pixelShuffleByHandAndGradient() {
        // channels (a, b, c, d) of one pixel become the 2×2 block [[a, b], [c, d]]
        assertClose(new float[]{1, 2, 3, 4}, new PixelShuffle(2).call(t(new float[]{1, 2, 3, 4}, 1, 4, 1, 1)), 0);
        Tensor x = Tensor.arange(16).reshape(1, 4, 2, 2);
        // y[0,0,h·2+i,w·2+j] = x[0, i·2+j, h, w]
        assertClose(new float[]{0, 4, 1, 5, 8, 12, 9, 13, 2, 6, 3, 7, 10, 14, 11, 15}, new PixelShuffle(2).call(x), 0);
        Tensor r = Tensor.randn(new Rng(7), 2, 8, 2, 3).requiresGrad(true);
        GradCheck.assertGradients(in -> new PixelShuffle(2).call(in[0]), r);
    }

    @Test
    void flattenKeepsTheBatchDimAndPassesTheGradient() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 2, 2);
        Tensor y = new Flatten().call(x);
        assertArrayEquals(new int[]{2, 12}, y.dims());
        assertClose(x.toArray(), y, 0);
        assertArrayEquals(new int[]{2, 6, 2}, new Flatten(1, 2).call(x).dims());
        assertEquals("Flatten(start_dim=1, end_dim=-1)", new Flatten().toString());
        // a CNN head in one Sequential: conv → pool → flatten → linear
        Sequential net = new Sequential(new Conv2d(1, 2, 3, 1, 1, true), new MaxPool2d(2), new Flatten(), new Linear(8, 1));
        assertArrayEquals(new int[]{3, 1}, net.call(Tensor.randn(new Rng(1), 3, 1, 4, 4)).dims());
        Tensor r = Tensor.randn(new Rng(5), 2, 3, 1, 2).requiresGrad(true);
        // through a transposed (non-contiguous) input, which flatten copies
        GradCheck.assertGradients(in -> new Flatten().call(in[0].transpose(2, 3)).mul(Tensor.arange(6)), r);
    }

    @Test
    void tanhByHandAndGradient() {
        Tensor x = Tensor.of(new float[]{-2, 0, 0.5f}, 3);
        assertClose(new float[]{(float) Math.tanh(-2), 0, (float) Math.tanh(0.5)}, new Tanh().call(x), 1e-7f);
        GradCheck.assertGradients(in -> new Tanh().call(in[0]), Tensor.randn(new Rng(3), 2, 5).requiresGrad(true));
    }

    // ---- linear and containers ----------------------------------------------------------------

    @Test
    void linearByHandAndGradient() {
        Linear lin = new Linear(2, 3);
        set(lin.weight, 1, 2, 3, 4, 5, 6);
        set(lin.bias, 1, 0, -1);
        // [1, −1]·Wᵀ + b = [1 − 2 + 1, 3 − 4 + 0, 5 − 6 − 1]
        assertClose(new float[]{0, -1, -2}, lin.call(t(new float[]{1, -1}, 1, 2)), TOL);
        Linear l2 = new Linear(4, 3, true, new Rng(2));
        for (float w : l2.weight.toArray()) assertTrue(Math.abs(w) <= 0.5f, "bound 1/√4");
        Tensor x = Tensor.randn(new Rng(3), 4, 2, 2).requiresGrad(true);
        GradCheck.assertGradients(in -> l2.call(in[0].transpose(0, 2).reshape(2, 2, 4)), x, l2.weight, l2.bias);
        var e = assertThrows(IllegalArgumentException.class, () -> l2.call(Tensor.zeros(2, 5)));
        assertTrue(e.getMessage().contains("must end in 4 features"), e.getMessage());
    }

    @Test
    void sequentialChainsAndNamesByPosition() {
        Linear a = new Linear(2, 2, false, new Rng(1));
        set(a.weight, 1, -1, 2, 0);
        Sequential s = new Sequential(a, new ReLU());
        assertClose(new float[]{0, 2}, s.call(t(new float[]{1, 3}, 1, 2)), TOL); // [1 − 3, 2·1 + 0·3] → relu
        assertEquals(List.of("0.weight"), List.copyOf(s.stateDict().keySet()));
        s.add("head", new Identity());
        assertEquals(3, s.size());
        assertSame(a, s.get(0));
        Tensor x = Tensor.randn(new Rng(5), 3, 2).requiresGrad(true);
        GradCheck.assertGradients(in -> s.call(in[0].add(0.05f)), x, a.weight);
    }
}
