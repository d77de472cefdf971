package jgrad.losses;

import jgrad.core.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static jgrad.losses.EdgeCases.*;
import static jgrad.losses.LossInputs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused losses (all registered ones but grad, which has {@link GradLossEdgeTest}) against
 * their references on the inputs and shapes where exact zeros, ties and clamps decide the result:
 * constant images, images flat along rows or columns, σ(pred) = target exactly (logits 0 against
 * 0.5, ±100 against 1 and 0), logits ±100, empty and full masks (one image of a batch or all of
 * them), BerHu's c = 0 and d = c exactly; widths 1, 15, 16, 17 and 33, batches 1 and 9, channels
 * 1 and 2; SSIM at and next to its smallest accepted sizes (ssim-a: 11 and 12; ssim-b: 6, the
 * smallest size reflect padding by 5 accepts, and 7) and just below them (rejected).
 *
 * <p>Every case runs twice: writing into a gradient filled with NaN (each element must be
 * overwritten), and accumulating with a weight ≠ 1 onto values of the gradient's own size. The
 * tolerance is the contract test's ({@link LossInputs#mismatch}). Where SSIM's images are
 * identical (S = 1, its maximum), its exact gradient is 0 and both twins give rounding noise,
 * the reference's ~1e-16 and the float path's ~1e-7 of the gradient's usual size: there the
 * values are compared and both gradients only bounded ({@link EdgeCases#NOISE}). The shapes and
 * inputs are {@link EdgeCases}'s, shared with the CUDA kernels' edge test.
 */
class LossEdgeTest {
    private final Checker checker = new Checker(Loss::forwardBackward);

    /** The adversarial inputs of {@link EdgeCases#grid} on one shape, each in both modes. */
    private void grid(Loss loss, int[] shape) {
        for (Input in : EdgeCases.grid(loss, shape)) checker.check(loss, in.name(), shape, in.pred(), in.target(), null, in.noise());
    }

    // ---- the tests -----------------------------------------------------------------------------

    @Test
    void elementwiseAndOverlapLossesOnTheGrid() {
        for (String name : ELEMENTWISE) {
            Loss loss = Losses.get(name);
            for (int[] shape : elementwiseShapes()) grid(loss, shape);
        }
        checker.assertNoFailures();
    }

    @Test
    void weightedSumsOutsideTheFusedPairsOnTheGrid() {
        for (Loss loss : weightedSums()) {
            for (int[] shape : WEIGHTED_SUM_SHAPES) grid(loss, shape);
        }
        checker.assertNoFailures();
    }

    @Test
    void ssimAAtAndAroundItsWindow() {
        Loss loss = Losses.get("ssim-a");
        assertEquals(11, loss.minSize());
        for (int[] shape : SSIM_A_SHAPES) grid(loss, shape);
        checker.assertNoFailures();
        assertRejected(loss, 10, 11);
        assertRejected(loss, 11, 10);
    }

    @Test
    void ssimBAtAndAroundTheSmallestReflectedSize() {
        Loss loss = Losses.get("ssim-b");
        // reflect padding by 11/2 = 5 mirrors index −5 onto 5: the image needs 6 rows and columns
        assertEquals(6, loss.minSize());
        for (int[] shape : SSIM_B_SHAPES) grid(loss, shape);
        checker.assertNoFailures();
        assertRejected(loss, 5, 6);
        assertRejected(loss, 6, 5);
        assertRejected(loss, 5, 33);
    }

    private static void assertRejected(Loss loss, int h, int w) {
        int[] shape = {2, 1, h, w};
        int n = numel(shape);
        String expected = loss.name() + ": images of " + h + "×" + w + " (shape " + Arrays.toString(shape)
                + ") are smaller than the " + loss.minSize() + "×" + loss.minSize() + " this loss needs";
        var fast = assertThrows(IllegalArgumentException.class, () -> loss.fast(new float[n], new float[n], shape));
        assertEquals(expected, fast.getMessage());
        var ref = assertThrows(IllegalArgumentException.class, () -> loss.reference(new double[n], new double[n], shape));
        assertEquals(expected, ref.getMessage());
    }

    @Test
    void berhuTiesAndZeroThresholdGiveExactValues() {
        Loss loss = Losses.get("berhu");
        int[] shape = {1, 1, 1, 8};
        // p = 0.5; d = 0.3125 (max), 0.0625 = c twice (both signs), 0, and 0.1875 (quadratic piece)
        float[] pred = new float[8], target = {0.1875f, 0.4375f, 0.5625f, 0.5f, 0.6875f, 0.5f, 0.5f, 0.5f};
        double c = 0.0625;
        double[] d = {0.3125, 0.0625, 0.0625, 0, 0.1875, 0, 0, 0};
        // slopes sign(p − t) on the linear piece (0 at d = 0), (p − t)/c on the quadratic one; at d = c they meet
        double[] slope = {0.3125 / c, 1, -1, 0, -0.1875 / c, 0, 0, 0};
        double value = 0;
        for (double di : d) value += di <= c ? di : (di * di + c * c) / (2 * c);
        value /= 8;
        Loss.Reference ref = loss.reference(toDouble(pred), toDouble(target), shape);
        Loss.Result fast = loss.fast(pred, target, shape);
        assertEquals(value, ref.value(), 1e-15);
        assertEquals(value, fast.value(), 1e-7);
        for (int i = 0; i < 8; i++) {
            double g = slope[i] * 0.25 / 8;  // ×σ'(0) = 1/4, /n
            assertEquals(g, ref.grad()[i], 1e-15, "reference [" + i + "]");
            assertEquals(g, fast.grad()[i], 1e-7, "fast [" + i + "]");
        }
        // c = 0: prediction equals target everywhere; value 0 and gradient exactly 0, also accumulated
        for (float[][] in : new float[][][]{{new float[8], filled(8, 0.5f)}, {filled(8, 100), filled(8, 1)}}) {
            ref = loss.reference(toDouble(in[0]), toDouble(in[1]), shape);
            float[] grad = filled(8, Float.NaN);
            assertEquals(0.0, loss.forwardBackward(in[0], in[1], shape, grad, 1f, false), 0.0);
            assertEquals(0.0, ref.value(), 0.0);
            for (int i = 0; i < 8; i++) {
                assertEquals(0.0, ref.grad()[i], 0.0);
                assertEquals(0f, grad[i], 0f);
            }
            float[] before = each(8, i -> i - 3.5);
            grad = before.clone();
            loss.forwardBackward(in[0], in[1], shape, grad, 2.5f, true);
            for (int i = 0; i < 8; i++) assertEquals(before[i], grad[i], 0f);
        }
    }

    /**
     * ssim-b's clamp(1 − S, 0, 1) exactly at 1. With C2 = 0 and a constant prediction, σ_xy = 0 and
     * so S = 0 at every map pixel, exactly, in both twins; the gradient of S there is not 0 (it
     * moves with y − μy). The clamp's derivative at its bounds is taken as 1 (PyTorch's convention:
     * the gradient passes where min ≤ v ≤ max), so the clamped loss has exactly half the gradient
     * of the unclamped 1 − S. (At the other bound, 1 − S = 0, the images are identical there and
     * the gradient of S is 0 whichever side is taken.)
     */
    @Test
    void ssimClampExactlyAtOneKeepsTheGradient() {
        Ssim clamped = new Ssim("ssim-b-c2-0", new int[]{5, 11}, 1.5, Ssim.Padding.REFLECT, true, 1e-4, 0);
        Ssim plain = new Ssim("ssim-b-c2-0-unclamped", new int[]{5, 11}, 1.5, Ssim.Padding.REFLECT, false, 1e-4, 0);
        for (int[] shape : new int[][]{{1, 1, 6, 7}, {2, 1, 12, 13}, {1, 2, 6, 33}}) {
            for (float logit : new float[]{0f, -0.4f, 2.5f}) {
                int n = numel(shape);
                Rng rng = new Rng(8);
                float[] pred = filled(n, logit), target = uniform(rng, n);
                Loss.Reference ref = clamped.reference(toDouble(pred), toDouble(target), shape);
                Loss.Reference unclamped = plain.reference(toDouble(pred), toDouble(target), shape);
                String what = Arrays.toString(shape) + " logits " + logit;
                // S = 0 exactly: each window's mean of clamp(1, 0, 1)/2 is 1/2
                assertEquals(1.0, ref.value(), 0.0, what);
                assertEquals(2.0, unclamped.value(), 0.0, what);
                double gmax = 0;
                for (int i = 0; i < n; i++) {
                    assertEquals(unclamped.grad()[i] / 2, ref.grad()[i], 1e-12 * Math.abs(unclamped.grad()[i]), what + " [" + i + "]");
                    gmax = Math.max(gmax, Math.abs(ref.grad()[i]));
                }
                assertTrue(gmax > 1e-6, what + ": the gradient of S at S = 0 should not vanish here");
                checker.check(clamped, "S = 0 exactly (C2 = 0, constant prediction)", shape, pred, target, null, false);
            }
        }
        checker.assertNoFailures();
    }

    @Test
    void bceOfHugeFiniteLogitsIsTheReferencesFiniteValue() {
        // a bce term is about |x|: 64 terms of 1e37 overflowed a float lane of the vector path
        // (the value read Infinity, the reference and the scalar path about 1e37)
        for (String name : new String[]{"bce", "bce-dice", "bce-dice-a", "bce-tversky"}) {
            Loss loss = Losses.get(name);
            for (int[] shape : new int[][]{{1, 1, 32, 32}, {9, 2, 16, 33}}) {
                int n = numel(shape);
                Rng rng = new Rng(n);
                float[] t = uniform(rng, n), bits = each(n, i -> rng.nextDouble() < 0.5 ? 0 : 1);
                checker.check(loss, "logits 1e37, random targets", shape, filled(n, 1e37f), t, null, false);
                checker.check(loss, "logits ±3e38, binary targets", shape, each(n, i -> bits[i] > 0 ? -3e38 : 3e38), bits, null, false);
            }
        }
        checker.assertNoFailures();
    }

    @Test
    void theComparisonCanFail() {
        Loss loss = Losses.get("ssim-b");
        int[] shape = {1, 1, 6, 7};
        Rng rng = new Rng(4);
        float[] pred = logits(rng, numel(shape), 2), target = uniform(rng, numel(shape));
        Loss.Reference ref = loss.reference(toDouble(pred), toDouble(target), shape);
        Loss.Result fast = loss.fast(pred, target, shape);
        String what = "ssim-b " + Arrays.toString(shape);
        checker.compare(what, ref, fast.value(), fast.grad(), null, false, 0);
        assertTrue(checker.failures().isEmpty(), checker.failures().toString());
        float[] wrong = fast.grad().clone();
        wrong[0] += (float) (2e-3 * Math.abs(ref.grad()[0]) + 1e-6);
        checker.compare(what + " (corner moved)", ref, fast.value(), wrong, null, false, 0);
        checker.compare(what + " (not zero)", ref, fast.value(), fast.grad(), null, true, 1e-9);
        assertEquals(2, checker.failures().size(), checker.failures().toString());
    }
}
