package jgrad.losses;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values worked out by hand from the published formulas (not from jgrad's reference), each
 * checked on both the reference and the fast path.
 */
class LossValuesTest {
    private static final double LN2 = Math.log(2);

    /** Checks value (and gradient where given) on both twins. */
    static void check(String name, float[] pred, float[] target, int[] shape, double value, double[] grad, double tol) {
        Loss loss = Losses.get(name);
        Loss.Reference ref = loss.reference(LossInputs.toDouble(pred), LossInputs.toDouble(target), shape);
        Loss.Result fast = loss.fast(pred, target, shape);
        assertEquals(value, ref.value(), tol, name + " reference value");
        assertEquals(value, fast.value(), tol, name + " fast value");
        if (grad != null) {
            for (int i = 0; i < grad.length; i++) {
                assertEquals(grad[i], ref.grad()[i], 1e-12 + 1e-9 * Math.abs(grad[i]), name + " reference grad " + i);
                assertEquals(grad[i], fast.grad()[i], 1e-7 + 1e-5 * Math.abs(grad[i]), name + " fast grad " + i);
            }
        }
    }

    @Test
    void bceByHand() {
        // x = 0, t = 1 and x = 0, t = 0: ln 2 each; x = 2, t = 0.25: 2 − 0.5 + ln(1 + e^−2)
        double third = 2 - 0.5 + Math.log(1 + Math.exp(-2));
        check("bce", new float[]{0, 0, 2}, new float[]{1, 0, 0.25f}, new int[]{1, 1, 1, 3},
                (2 * LN2 + third) / 3, new double[]{-0.5 / 3, 0.5 / 3, (1 / (1 + Math.exp(-2)) - 0.25) / 3}, 1e-6);
        // saturated logits: x = 100, t = 0 costs 100; x = −100, t = 1 costs 100; gradients ±1/n
        check("bce", new float[]{100, -100}, new float[]{0, 1}, new int[]{1, 1, 1, 2}, 100, new double[]{0.5, -0.5}, 1e-4);
    }

    @Test
    void diceAByHand() {
        // p = 0.5 everywhere, t = [1, 0, 1, 1]: Σpt = 1.5, Σp = 2, Σt = 3; 1 − (3 + 1)/(5 + 1) = 1/3.
        // dL/dp = (2I + 1)/den² − 2t/den = 1/9 − t/3; ×σ'(0) = 1/4
        check("dice-a", new float[4], new float[]{1, 0, 1, 1}, new int[]{1, 1, 2, 2}, 1.0 / 3,
                new double[]{-2.0 / 9 / 4, 1.0 / 9 / 4, -2.0 / 9 / 4, -2.0 / 9 / 4}, 1e-7);
    }

    @Test
    void diceBByHand() {
        // image 1 as above without smoothing: 1 − 3/(5 + 1e-6); image 2 empty target: 1 − 0/(2 + 1e-6) = 1
        check("dice-b", new float[8], new float[]{1, 0, 1, 1, 0, 0, 0, 0}, new int[]{2, 1, 2, 2},
                ((1 - 3 / 5.000001) + 1) / 2, null, 1e-7);
    }

    @Test
    void tverskyByHand() {
        // p = 0.5, t = [1, 0, 1, 1]: TP = 1.5, FP = Σp(1−t) = 0.5, FN = Σ(1−p)t = 1.5;
        // 1 − 1.5/(1.5 + 0.6·0.5 + 0.5·1.5 + 1e-6)
        check("tversky", new float[4], new float[]{1, 0, 1, 1}, new int[]{1, 1, 2, 2}, 1 - 1.5 / 2.550001, null, 1e-7);
        // α weighs false positives: all-zero target, p = 0.5: TP = 0 → loss 1 regardless of α
        check("tversky", new float[4], new float[4], new int[]{1, 1, 2, 2}, 1, null, 1e-7);
        // swapping α and β changes the value: α = 0.5, β = 0.6 gives 1 − 1.5/(1.5 + 0.25 + 0.9 + 1e-6)
        Loss swapped = new Tversky("t", 0.5, 0.6, 1e-6);
        assertEquals(1 - 1.5 / 2.650001, swapped.fast(new float[4], new float[]{1, 0, 1, 1}, new int[]{1, 1, 2, 2}).value(), 1e-7);
    }

    @Test
    void combinedMaskLossesByHand() {
        float[] x = new float[4], t = {1, 0, 1, 1};
        int[] s = {1, 1, 2, 2};
        double bce = LN2; // every element: ln 2
        check("bce-dice-a", x, t, s, bce + 2.0 / 3, null, 1e-6);
        check("bce-dice", x, t, s, bce + 2 * (1 - 3 / 5.000001), null, 1e-6);
        check("bce-tversky", x, t, s, bce + 2 * (1 - 1.5 / 2.550001), null, 1e-6);
    }

    @Test
    void rmseByHand() {
        // p = 0.5, t = [1, 0, 1, 1]: every (p − t)² = 0.25
        double l = Math.sqrt(0.25 + 1e-6);
        check("rmse", new float[4], new float[]{1, 0, 1, 1}, new int[]{1, 1, 2, 2}, l,
                new double[]{-0.5 / (4 * l) / 4, 0.5 / (4 * l) / 4, -0.5 / (4 * l) / 4, -0.5 / (4 * l) / 4}, 1e-7);
    }

    @Test
    void berhuByHand() {
        // p = 0.5, t = [0.45, 0]: d = [0.05, 0.5], c = 0.1; 0.05 ≤ c → 0.05; 0.5 > c → (0.25 + 0.01)/0.2 = 1.3
        // slopes sign(0.05) = 1 and 0.5/0.1 = 5, /n = 2, ×σ'(0) = 1/4
        check("berhu", new float[2], new float[]{0.45f, 0}, new int[]{1, 1, 1, 2}, 0.675, null, 1e-6);
        Loss.Result r = Losses.get("berhu").fast(new float[2], new float[]{0.45f, 0}, new int[]{1, 1, 1, 2});
        assertEquals(0.125, r.grad()[0], 1e-6);
        assertEquals(0.625, r.grad()[1], 1e-6);
    }

    @Test
    void berhuWithZeroThresholdIsZeroWithoutNaN() {
        // σ(100) is 1 in float and double: d = 0 everywhere, so c = 0
        float[] x = {100, 100, 100, 100}, t = {1, 1, 1, 1};
        check("berhu", x, t, new int[]{1, 1, 2, 2}, 0, new double[]{0, 0, 0, 0}, 0);
    }

    @Test
    void ssimOfConstantImagesByHand() {
        // constant x = 0.5, y = 0.25: all σ terms vanish, S = (2·0.5·0.25 + C1)/(0.25 + 0.0625 + C1)
        double s = (0.25 + 1e-4) / (0.3125 + 1e-4);
        int[] shape = {1, 1, 12, 13};
        float[] x = new float[156], t = LossInputs.filled(156, 0.25f);
        check("ssim-a", x, t, shape, 1 - s, null, 1e-6);
        // seed B: clamp(1 − S, 0, 1)/2 per window, two windows summed
        check("ssim-b", x, t, shape, 2 * (1 - s) / 2, null, 1e-6);
    }

    @Test
    void ssimContrastAndStructureByHand() {
        // 3×3 images, one valid 3×3 window with (numerically) uniform weights 1/9 (σ = 1e6):
        // x columns 0.25, 0.5, 0.75 (logits −ln 3, 0, ln 3), y the mirror image.
        // μx = μy = 0.5, σxx = σyy = 1/24, σxy = −1/24, so S = 1 · (−2/24 + C2)/(2/24 + C2).
        float l3 = (float) Math.log(3);
        float[] x = {-l3, 0, l3, -l3, 0, l3, -l3, 0, l3};
        float[] y = {0.75f, 0.5f, 0.25f, 0.75f, 0.5f, 0.25f, 0.75f, 0.5f, 0.25f};
        double s = (-1.0 / 12 + 9e-4) / (1.0 / 12 + 9e-4);
        int[] shape = {1, 1, 3, 3};
        Ssim plain = new Ssim("t", new int[]{3}, 1e6, Ssim.Padding.VALID, false, 1e-4, 9e-4);
        assertEquals(1 - s, plain.reference(LossInputs.toDouble(x), LossInputs.toDouble(y), shape).value(), 1e-6);
        assertEquals(1 - s, plain.fast(x, y, shape).value(), 1e-5);
        // with the clamp 1 − S ≈ 1.98 is cut to 1: loss 1/2 and no gradient
        Ssim clamped = new Ssim("t", new int[]{3}, 1e6, Ssim.Padding.VALID, true, 1e-4, 9e-4);
        Loss.Result r = clamped.fast(x, y, shape);
        assertEquals(0.5, r.value(), 1e-6);
        for (float g : r.grad()) assertEquals(0, g);
    }

    @Test
    void gaussianWindowByHand() {
        // 11 taps, σ = 1.5: centre weight 1/(1 + 2Σ_{k=1..5} e^{−k²/4.5}) = 1/3.759232
        assertEquals(1 / 3.759232, Ssim.gaussian(11, 1.5)[5], 1e-6);
        assertEquals(1, java.util.Arrays.stream(Ssim.gaussian(5, 1.5)).sum(), 1e-12);
    }

    @Test
    void ssimOfIdenticalImagesIsZeroWithZeroGradient() {
        Rng rng = new Rng(4);
        int[] shape = {2, 1, 16, 15};
        float[] x = LossInputs.logits(rng, 480, 2), t = new float[480];
        for (int i = 0; i < t.length; i++) t[i] = Sigmoid.of(x[i]);
        for (String name : new String[]{"ssim-a", "ssim-b"}) {
            Loss.Result r = Losses.get(name).fast(x, t, shape);
            assertEquals(0, r.value(), 1e-6, name);
            float max = 0;
            for (float g : r.grad()) max = Math.max(max, Math.abs(g));
            assertTrue(max < 1e-7, name + ": max |grad| " + max);
        }
    }

    @Test
    void gradLossOfARampByHand() {
        // t = 0.1·column on 3×4, p = 0.5 constant: 8·Gx(t) = 4·0.2 inside, 4·0.1 at the replicated
        // edges; Gy(t) = 0. Σ|Gx| = 3·(0.05 + 0.1 + 0.1 + 0.05) = 0.9, mean over 2·12 outputs = 0.0375.
        float[] t = new float[12];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) t[i * 4 + j] = 0.1f * j;
        check("grad", new float[12], t, new int[]{1, 1, 3, 4}, 0.0375, null, 1e-7);
        // the same ramp down the rows of a 4×3 image uses Gy
        float[] tv = new float[12];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) tv[i * 3 + j] = 0.1f * i;
        check("grad", new float[12], tv, new int[]{1, 1, 4, 3}, 0.0375, null, 1e-7);
    }

    @Test
    void seedCombinedLossesBackpropagateToBothHeads() {
        Rng rng = new Rng(8);
        int[] s = {2, 1, 12, 11};
        int n = 264;
        Tensor d = Tensor.wrap(LossInputs.logits(rng, n, 1), s).requiresGrad(true);
        Tensor m = Tensor.wrap(LossInputs.logits(rng, n, 1), s).requiresGrad(true);
        Tensor dt = Tensor.wrap(LossInputs.uniform(rng, n), s), mt = Tensor.wrap(LossInputs.uniform(rng, n), s);
        String[][] cases = {{"rmse+bce-dice", "rmse", "bce-dice-a"}, {"ssim+dice", "ssim-a", "dice-a"}, {"rmse+bce", "rmse", "bce"}};
        for (String[] c : cases) {
            DepthMaskLoss loss = DepthMaskLoss.seedA(c[0]);
            d.zeroGrad();
            m.zeroGrad();
            Tensor l = loss.apply(d, dt, m, mt);
            l.backward();
            Loss.Result rd = Losses.get(c[1]).fast(d.toArray(), dt.toArray(), s);
            Loss.Result rm = Losses.get(c[2]).fast(m.toArray(), mt.toArray(), s);
            assertEquals(2 * rd.value() + rm.value(), l.item(), 1e-5, c[0]);
            float[] gd = d.grad().toArray(), gm = m.grad().toArray();
            for (int i = 0; i < n; i++) {
                assertEquals(2 * rd.grad()[i], gd[i], 1e-9, c[0] + " depth grad");
                assertEquals(rm.grad()[i], gm[i], 1e-9, c[0] + " mask grad");
            }
        }
        DepthMaskLoss b = DepthMaskLoss.seedB("bce-dice", "berhu");
        assertEquals("bce-dice+berhu", b.name());
        Tensor l = b.apply(d, dt, m, mt);
        assertEquals(2 * Losses.get("berhu").fast(d.toArray(), dt.toArray(), s).value()
                + Losses.get("bce-dice").fast(m.toArray(), mt.toArray(), s).value(), l.item(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> DepthMaskLoss.seedA("ssim+bce"));
    }

    @Test
    void compositeEqualsItsTermsThroughAutodiff() {
        Rng rng = new Rng(2);
        int[] s = {2, 1, 7, 9};
        Tensor x = Tensor.wrap(LossInputs.logits(rng, 126, 1.5), s).requiresGrad(true);
        Tensor t = Tensor.wrap(LossInputs.uniform(rng, 126), s);
        Losses.get("bce").apply(x, t).add(Losses.get("dice-b").apply(x, t).mul(2f)).backward();
        float[] viaGraph = x.grad().toArray();
        Loss.Result fused = Losses.get("bce-dice").fast(x.toArray(), t.toArray(), s);
        for (int i = 0; i < 126; i++) assertEquals(fused.grad()[i], viaGraph[i], 1e-7 + 1e-5 * Math.abs(viaGraph[i]));
    }
}
