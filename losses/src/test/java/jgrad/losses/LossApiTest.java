package jgrad.losses;

import jgrad.core.Autograd;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static jgrad.losses.LossInputs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The public API around the fused paths: what {@link Loss#apply} accepts, the parameters of the
 * loss classes, the registry's contract and the joint loss; each misuse is answered with a
 * message naming the loss and the argument.
 */
class LossApiTest {
    @Test
    void aTargetThatRequiresAGradientIsRejectedNotSilentlyLeftWithout() {
        Rng rng = new Rng(1);
        int[] s = {2, 1, 4, 5};
        Tensor x = Tensor.wrap(logits(rng, numel(s), 1), s).requiresGrad(true);
        Tensor y = Tensor.wrap(uniform(rng, numel(s)), s).requiresGrad(true);
        for (String name : new String[]{"rmse", "bce-dice"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Losses.get(name).apply(x, y));
            assertEquals(name + ": the target [2, 1, 4, 5] requires a gradient, which this loss does not compute (only the "
                    + "prediction gets one); pass target.detach() to use it as data", e.getMessage());
        }
        // detached, the same values are data; the prediction's gradient is the fused one
        Tensor l = Losses.get("rmse").apply(x, y.detach());
        l.backward();
        float[] expected = Losses.get("rmse").fast(x.toArray(), y.toArray(), s).grad();
        float[] got = x.grad().toArray();
        for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 0f);
        // under noGrad no graph is recorded, so no gradient is expected anywhere: evaluation works
        try (var g = Autograd.noGrad()) {
            Tensor v = Losses.get("rmse").apply(x, y);
            assertFalse(v.requiresGrad());
            assertEquals((float) Losses.get("rmse").fast(x.toArray(), y.toArray(), s).value(), v.item());
        }
    }

    @Test
    void weightedSumsCountTheBytesTheirPassesMove() {
        // bce with Dice or Tversky runs as one fused two-pass kernel: read pred and target twice, write the gradient
        for (String name : new String[]{"bce-dice", "bce-dice-a", "bce-tversky"}) assertEquals(20, Losses.get(name).bytesPerElement(), name);
        assertEquals(20, WeightedSum.of("dice-bce", 2, Dice.seedB(), 1, new Bce()).bytesPerElement());
        // other sums run term by term, and each later term reads the gradient it adds to: rmse 20, then bce 12 + 4
        // (the largest term's 20 was reported, so benchmarks overstated their bandwidth by 1.8x)
        assertEquals(36, WeightedSum.of("rmse-bce", 1, new Rmse(), 1, new Bce()).bytesPerElement());
        assertEquals(12 + 12 + 4, WeightedSum.of("bce-bce", 1, new Bce(), 1, new Bce()).bytesPerElement());
        assertEquals(12 + 20 + 12 + 8, new WeightedSum("three", List.of(new WeightedSum.Term(1, new Bce()),
                new WeightedSum.Term(1, new BerHu()), new WeightedSum.Term(1, Ssim.seedA()))).bytesPerElement());
        assertEquals(12, new WeightedSum("one", List.of(new WeightedSum.Term(3, new Bce()))).bytesPerElement());
    }

    @Test
    void ssimParametersAreChecked() {
        // null padding passed as reflect in minSize() (6) but filtered as valid: on 6×6 images an
        // 11×11 window left an empty map and the loss read 0 with no error
        var e1 = assertThrows(IllegalArgumentException.class,
                () -> new Ssim("s", new int[]{11}, 1.5, null, false, 1e-4, 9e-4));
        assertEquals("s: padding must be VALID or REFLECT, got null", e1.getMessage());
        for (double[] c : new double[][]{{1e-4, -9e-4}, {-1e-4, 9e-4}, {Double.NaN, 9e-4}, {1e-4, Double.POSITIVE_INFINITY}}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new Ssim("s", new int[]{3}, 1.5, Ssim.Padding.VALID, false, c[0], c[1]));
            assertEquals("s: C1 and C2 must be finite and ≥ 0, got " + c[0] + ", " + c[1], e.getMessage());
        }
        // C2 = 0 stays allowed (LossEdgeTest uses it to put S exactly at 0)
        new Ssim("s", new int[]{3}, 1.5, Ssim.Padding.VALID, false, 1e-4, 0);
        // the public window helper: an even size has no centre tap, size 0 divides by 0
        for (int w : new int[]{0, 4, -3}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Ssim.gaussian(w, 1.5));
            assertEquals("gaussian: size must be odd and positive and σ positive, got " + w + ", 1.5", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Ssim.gaussian(5, 0));
    }

    @Test
    void overlapLossParametersAreChecked() {
        // α = ∞ gave a value of 1 with a NaN gradient; ε = −1 gave 1 − TP/(den − 1), which is not a Tversky loss
        for (double[] p : new double[][]{{Double.POSITIVE_INFINITY, 0.5}, {0.6, Double.NaN}, {-0.1, 0.5}}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Tversky("t", p[0], p[1], 1e-6));
            assertEquals("t: α and β must be finite and ≥ 0, got " + p[0] + ", " + p[1], e.getMessage());
        }
        for (double eps : new double[]{-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Tversky("t", 0.6, 0.5, eps));
            assertEquals("t: ε must be finite and ≥ 0, got " + eps, e.getMessage());
        }
        // a negative smoothing term can cancel the denominator: an empty mask gave NaN
        for (double[] p : new double[][]{{0, -2}, {-1, 1}, {Double.NaN, 1}, {1, Double.POSITIVE_INFINITY}}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Dice("d", true, p[0], p[1]));
            assertEquals("d: the smoothing terms must be finite and ≥ 0, got " + p[0] + ", " + p[1], e.getMessage());
        }
        // the seeds' parameters and the edge values 0 stay accepted
        new Tversky("t", 0, 0, 0);
        new Dice("d", false, 0, 0);
        assertEquals(1 - 1.5 / 2.550001, Tversky.seedB().fast(new float[4], new float[]{1, 0, 1, 1}, new int[]{1, 1, 2, 2}).value(), 1e-7);
    }

    @Test
    void theRegistryHoldsEachLossToItsName() {
        List<String> before = Losses.names();
        // a loss registered under another name than its own would report (and be looked up on
        // devices) under the wrong one; a null one would fail far from the registration
        var e1 = assertThrows(IllegalArgumentException.class, () -> Losses.register("bce-test", Bce::new));
        assertEquals("register: the factory for 'bce-test' makes a loss named 'bce'; a loss must report the name it is "
                + "registered under", e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Losses.register("null-test", () -> null));
        assertEquals("register: the factory for 'null-test' makes null; a loss must report the name it is registered under",
                e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.register("nothing-test", null));
        assertEquals(before, Losses.names());
    }

    @Test
    void weightedSumTermsAreChecked() {
        // a missing loss failed later inside minSize() with a NullPointerException; a NaN weight gave a NaN loss
        var e1 = assertThrows(IllegalArgumentException.class, () -> WeightedSum.of("w", 1, new Bce(), 2, null));
        assertEquals("w: term 1 has no loss", e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> WeightedSum.of("w", Double.NaN, new Bce(), 2, new Rmse()));
        assertEquals("w: term 0 (bce) has weight NaN; weights must be finite", e2.getMessage());
        assertEquals(-1.5, WeightedSum.of("w", -1.5, new Bce(), 0, new Rmse()).terms().get(0).weight());
    }

    @Test
    void depthMaskLossNamesTheHeadAnArgumentBelongsTo() {
        Rng rng = new Rng(2);
        int[] s = {2, 1, 4, 5};
        Tensor d = Tensor.wrap(logits(rng, numel(s), 1), s), m = Tensor.wrap(logits(rng, numel(s), 1), s);
        Tensor dt = Tensor.wrap(uniform(rng, numel(s)), s), mt = Tensor.wrap(uniform(rng, numel(s)), s);
        // seed B's first row uses bce for both heads: "bce: ..." alone does not say which input is wrong
        DepthMaskLoss loss = DepthMaskLoss.seedB("bce", "bce");
        var e = assertThrows(IllegalArgumentException.class, () -> loss.apply(d, dt, m, mt.reshape(2, 4, 5)));
        assertEquals("bce+bce, mask head: bce: prediction [2, 1, 4, 5] and target [2, 4, 5] differ in shape", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.apply(d.reshape(2, 1, 5, 4), dt, m, mt));
        assertEquals("bce+bce, depth head: bce: prediction [2, 1, 5, 4] and target [2, 1, 4, 5] differ in shape", e.getMessage());
        assertEquals(2 * Losses.get("bce").fast(d.toArray(), dt.toArray(), s).value() + Losses.get("bce").fast(m.toArray(), mt.toArray(), s).value(),
                loss.apply(d, dt, m, mt).item(), 1e-5);
        var e1 = assertThrows(IllegalArgumentException.class, () -> new DepthMaskLoss("j", null, 2, new Bce(), 1));
        assertEquals("j: both a depth and a mask loss are needed", e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> new DepthMaskLoss("j", new Rmse(), Double.NaN, new Bce(), 1));
        assertEquals("j: weights must be finite, got depth NaN, mask 1.0", e2.getMessage());
    }
}
