package jgrad.losses;

import jgrad.core.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToDoubleFunction;

import static jgrad.losses.LossInputs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
 * values are compared and both gradients only bounded ({@link #NOISE}).
 */
class LossEdgeTest {
    private static final int[] WIDTHS = {1, 15, 16, 17, 33};
    private static final float[] WEIGHTS = {0.75f, -2.5f, 3f};
    /** Bound on "zero up to rounding" for SSIM at identical images, as a fraction of 1/(elements per image). */
    private static final double NOISE = 1e-4;

    private final List<String> failures = new ArrayList<>();
    private int runs;

    // ---- inputs ----------------------------------------------------------------------------------

    /** One value per element from its (image, row, column). */
    @FunctionalInterface
    interface Field {
        double at(int image, int row, int column);
    }

    static float[] field(int[] shape, Field f) {
        int h = shape[2], w = shape[3], hw = h * w;
        float[] a = new float[numel(shape)];
        for (int i = 0; i < a.length; i++) a[i] = (float) f.at(i / hw, i % hw / w, i % w);
        return a;
    }

    static float[] each(int n, IntToDoubleFunction f) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) f.applyAsDouble(i);
        return a;
    }

    // ---- comparison ------------------------------------------------------------------------------

    /** Both modes against the reference; {@code noise}: exact gradient 0, compare values and bound gradients. */
    private void check(Loss loss, String inputs, int[] shape, float[] pred, float[] target, boolean noise) {
        String what = loss.name() + " " + Arrays.toString(shape) + " " + inputs;
        Loss.Reference ref = loss.reference(toDouble(pred), toDouble(target), shape);
        int n = pred.length;
        double bound = NOISE * shape[0] * shape[1] / n;
        if (noise) {
            for (int i = 0; i < n; i++) {
                if (!(Math.abs(ref.grad()[i]) <= bound)) {
                    failures.add(what + ": reference gradient[" + i + "] " + ref.grad()[i] + " is not zero up to rounding");
                    break;
                }
            }
        }

        runs++;
        float[] grad = filled(n, Float.NaN);
        double value = loss.forwardBackward(pred, target, shape, grad, 1f, false);
        compare(what + ", write", ref, value, grad, noise, bound);

        runs++;
        double gmax = 0;
        for (double g : ref.grad()) gmax = Math.max(gmax, Math.abs(g));
        double m = gmax == 0 || noise ? 1.0 / n : gmax;
        Rng rng = new Rng(runs);
        float weight = WEIGHTS[runs % WEIGHTS.length];
        float[] before = each(n, i -> m * (2 * rng.nextDouble() - 1));
        grad = before.clone();
        value = loss.forwardBackward(pred, target, shape, grad, weight, true);
        float[] added = new float[n];
        for (int i = 0; i < n; i++) added[i] = (float) (((double) grad[i] - before[i]) / weight);
        // what accumulating adds is known to the float rounding of the sum, |before| ~ max|grad|
        compare(what + ", accumulate ×" + weight, ref, value, added, noise, bound + 2e-7 * m);
    }

    private void compare(String what, Loss.Reference ref, double value, float[] grad, boolean noise, double bound) {
        String err;
        if (noise) {
            err = Math.abs(value - ref.value()) <= 1e-5 + 1e-4 * Math.abs(ref.value()) ? null : "value " + value + " vs reference " + ref.value();
            for (int i = 0; i < grad.length && err == null; i++) {
                if (!(Math.abs(grad[i]) <= bound)) err = "gradient[" + i + "] " + grad[i] + " is not zero up to rounding (bound " + bound + ")";
            }
        } else {
            err = mismatch(ref, value, grad);
        }
        if (err != null) failures.add(what + ": " + err);
    }

    private void assertNoFailures() {
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + runs + " runs disagree with the reference:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(25, failures.size()))));
        }
    }

    /**
     * The adversarial inputs on one shape. {@code ssim}: identical images give noise-sized
     * gradients (compared as such); otherwise σ(pred) = target is an exact zero of every loss's
     * error and compared as any input.
     */
    private void grid(Loss loss, int[] shape) {
        boolean ssim = loss instanceof Ssim;
        int n = numel(shape), h = shape[2], w = shape[3];
        Rng rng = new Rng(31L * n + h);
        float[] x = logits(rng, n, 2), t = uniform(rng, n);
        float[] pm100 = each(n, i -> rng.nextDouble() < 0.5 ? -100 : 100);
        float[] bits = each(n, i -> rng.nextDouble() < 0.5 ? 0 : 1);

        check(loss, "random", shape, x, t, false);
        check(loss, "constant images", shape, filled(n, 0.3f), filled(n, 0.6f), false);
        check(loss, "constant prediction, random target", shape, filled(n, -0.4f), t, false);
        check(loss, "random prediction, constant target", shape, x, filled(n, 0.25f), false);
        // flat along rows (each row constant) or columns (each column constant): zero variance along one axis
        check(loss, "rows constant", shape, field(shape, (im, r, c) -> 2 * Math.sin(3.1 * r + im)),
                field(shape, (im, r, c) -> 0.5 + 0.4 * Math.cos(1.7 * r - im)), false);
        check(loss, "columns constant", shape, field(shape, (im, r, c) -> 2 * Math.sin(2.3 * c + im)),
                field(shape, (im, r, c) -> 0.5 + 0.4 * Math.cos(1.3 * c - im)), false);
        check(loss, "rows constant against columns constant", shape, field(shape, (im, r, c) -> 2 * Math.sin(3.1 * r)),
                field(shape, (im, r, c) -> 0.5 + 0.4 * Math.cos(1.3 * c)), false);
        // σ(0) = 0.5 and σ(±100) = 1 (and ≈ 4e-44 against 0) in float and double alike
        check(loss, "identical: logits 0, target 0.5", shape, new float[n], filled(n, 0.5f), ssim);
        float[] mixed = each(n, i -> i % 3 == 0 ? 0 : pm100[i]), mixedT = each(n, i -> i % 3 == 0 ? 0.5 : pm100[i] > 0 ? 1 : 0);
        check(loss, "identical: logits 0 and ±100, targets 0.5 and 1, 0", shape, mixed, mixedT, ssim);
        check(loss, "identical: rows constant at logits ±100, binary targets", shape,
                field(shape, (im, r, c) -> (r + im) % 2 == 0 ? 100 : -100), field(shape, (im, r, c) -> (r + im) % 2 == 0 ? 1 : 0), ssim);
        check(loss, "logits ±100, random targets", shape, pm100, t, false);
        check(loss, "logits ±100, binary targets", shape, pm100, bits, false);
        check(loss, "logits ±100, inverted binary targets", shape, pm100, each(n, i -> pm100[i] > 0 ? 0 : 1), false);
        // empty and full masks, with the prediction at 0 (logits −100), 1 (+100) or random
        check(loss, "empty masks, logits −100", shape, filled(n, -100), new float[n], false);
        check(loss, "empty masks, logits +100", shape, filled(n, 100), new float[n], false);
        check(loss, "empty masks, random logits", shape, x, new float[n], false);
        check(loss, "full masks, logits +100", shape, filled(n, 100), filled(n, 1), false);
        check(loss, "full masks, logits −100", shape, filled(n, -100), filled(n, 1), false);
        check(loss, "full masks, random logits", shape, x, filled(n, 1), false);
        // the first image of the batch empty and predicted empty, the others random
        int first = shape[1] * h * w;
        check(loss, "first image empty and predicted empty", shape, each(n, i -> i < first ? -100 : x[i]),
                each(n, i -> i < first ? 0 : bits[i]), false);
        // BerHu: logits 0 give p = 0.5; targets 0.1875 (d = 0.3125, the largest, so c = 0.0625
        // exactly in float and double), 0.4375 and 0.5625 (d = c exactly), 0.5 (d = 0), others inside
        float[] ties = {0.1875f, 0.4375f, 0.5625f, 0.5f, 0.3f, 0.6f, 0.45f, 0.8125f};
        check(loss, "berhu ties: d = c and d = 0 at logits 0", shape, new float[n], each(n, i -> ties[i % ties.length]), false);
    }

    // ---- the tests -----------------------------------------------------------------------------

    @Test
    void elementwiseAndOverlapLossesOnTheGrid() {
        for (String name : List.of("bce", "dice-a", "dice-b", "tversky", "bce-dice", "bce-dice-a", "bce-tversky", "rmse", "berhu")) {
            Loss loss = Losses.get(name);
            for (int w : WIDTHS) {
                for (int h : new int[]{1, 3, 16}) {
                    grid(loss, new int[]{1, 1, h, w});
                    grid(loss, new int[]{9, 2, h, w});
                }
            }
        }
        assertNoFailures();
    }

    @Test
    void weightedSumsOutsideTheFusedPairsOnTheGrid() {
        for (Loss loss : new Loss[]{
                WeightedSum.of("rmse-berhu", 1, new Rmse(), 3, new BerHu()),
                WeightedSum.of("tversky-bce", 0.5, Tversky.seedB(), 1.5, new Bce()),
                WeightedSum.of("ssim-dice", 2, Ssim.seedA(), 1, Dice.seedA())}) {
            for (int[] shape : new int[][]{{1, 1, 11, 11}, {9, 2, 12, 17}}) grid(loss, shape);
        }
        assertNoFailures();
    }

    @Test
    void ssimAAtAndAroundItsWindow() {
        Loss loss = Losses.get("ssim-a");
        assertEquals(11, loss.minSize());
        for (int[] shape : new int[][]{{1, 1, 11, 11}, {1, 1, 11, 12}, {1, 1, 12, 11}, {1, 1, 12, 12}, {9, 2, 11, 11},
                {1, 2, 11, 33}, {9, 1, 33, 11}, {1, 1, 11, 16}, {1, 1, 17, 11}}) {
            grid(loss, shape);
        }
        assertNoFailures();
        assertRejected(loss, 10, 11);
        assertRejected(loss, 11, 10);
    }

    @Test
    void ssimBAtAndAroundTheSmallestReflectedSize() {
        Loss loss = Losses.get("ssim-b");
        // reflect padding by 11/2 = 5 mirrors index −5 onto 5: the image needs 6 rows and columns
        assertEquals(6, loss.minSize());
        for (int[] shape : new int[][]{{1, 1, 6, 6}, {1, 1, 6, 7}, {1, 1, 7, 6}, {1, 1, 7, 7}, {9, 2, 6, 6},
                {1, 2, 6, 33}, {9, 1, 17, 6}, {1, 1, 6, 16}, {1, 1, 11, 12}}) {
            grid(loss, shape);
        }
        assertNoFailures();
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
                check(clamped, "S = 0 exactly (C2 = 0, constant prediction)", shape, pred, target, false);
            }
        }
        assertNoFailures();
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
        compare(what, ref, fast.value(), fast.grad(), false, 0);
        assertTrue(failures.isEmpty(), failures.toString());
        float[] wrong = fast.grad().clone();
        wrong[0] += (float) (2e-3 * Math.abs(ref.grad()[0]) + 1e-6);
        compare(what + " (corner moved)", ref, fast.value(), wrong, false, 0);
        compare(what + " (not zero)", ref, fast.value(), fast.grad(), true, 1e-9);
        assertEquals(2, failures.size(), failures.toString());
    }
}
