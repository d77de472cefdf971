package jgrad.losses;

import jgrad.core.GradCheck;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static jgrad.losses.LossInputs.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract every registered loss must meet; runs over {@link Losses#names()}, so a newly
 * registered loss is tested without new code here.
 */
class LossContractTest {
    static Stream<String> losses() {
        return Losses.names().stream();
    }

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * Worst violation of |numeric − analytic| ≤ 1e-6·max|analytic| + 1e-4·|analytic| over all
     * elements, as a fraction of the allowed error (≤ 1 passes), with central differences in double
     * on the loss with its constants frozen ({@link Loss#frozenAt}).
     */
    static double finiteDifferenceViolation(Loss loss, double[] pred, double[] target, int[] shape, double[] analytic) {
        Loss f = loss.frozenAt(pred, target, shape);
        double gmax = 0;
        for (double g : analytic) gmax = Math.max(gmax, Math.abs(g));
        double worst = 0;
        double[] x = pred.clone();
        for (int i = 0; i < x.length; i++) {
            double h = 1e-5 * Math.max(1, Math.abs(x[i]));
            x[i] = pred[i] + h;
            double plus = f.reference(x, target, shape).value();
            x[i] = pred[i] - h;
            double minus = f.reference(x, target, shape).value();
            x[i] = pred[i];
            double num = (plus - minus) / (2 * h);
            double allowed = 1e-6 * gmax + 1e-4 * Math.abs(analytic[i]) + 1e-12;
            worst = Math.max(worst, Math.abs(num - analytic[i]) / allowed);
        }
        return worst;
    }

    /** Fails unless fast agrees with the reference: value within 1e-5 + 1e-4·|v|, gradient within 1e-4·max|g| + 1e-3·|g|. */
    static void assertClose(String what, Loss.Reference ref, double value, float[] grad) {
        String err = mismatch(ref, value, grad);
        if (err != null) fail(what + ": " + err);
    }

    static void assertFinite(String what, double value, double[] grad) {
        assertTrue(Double.isFinite(value), what + ": value " + value);
        for (int i = 0; i < grad.length; i++) assertTrue(Double.isFinite(grad[i]), what + ": gradient[" + i + "] = " + grad[i]);
    }

    static void assertFinite(String what, double value, float[] grad) {
        assertFinite(what, value, toDouble(grad));
    }

    // ---- the contract --------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("losses")
    void registryNameMatches(String name) {
        assertEquals(name, Losses.get(name).name());
    }

    @ParameterizedTest
    @MethodSource("losses")
    void referenceGradientMatchesFiniteDifferences(String name) {
        Loss loss = Losses.get(name);
        int[] shape = fit(loss, 2, 1, 7, 9);
        Rng rng = new Rng(11);
        double[] pred = toDouble(logits(rng, numel(shape), 1.5));
        double[] target = toDouble(uniform(rng, numel(shape)));
        Loss.Reference ref = loss.reference(pred, target, shape);
        double v = finiteDifferenceViolation(loss, pred, target, shape, ref.grad());
        assertTrue(v <= 1, name + ": finite differences disagree with the reference gradient (" + v + "× the tolerance)");
    }

    @ParameterizedTest
    @MethodSource("losses")
    void fastMatchesReferenceOnOddSizes(String name) {
        Loss loss = Losses.get(name);
        Rng rng = new Rng(5);
        for (int[] s : new int[][]{{2, 1, 7, 9}, {3, 2, 33, 17}}) {
            int[] shape = fit(loss, s);
            float[] pred = logits(rng, numel(shape), 2);
            float[] target = uniform(rng, numel(shape));
            Loss.Result fast = loss.fast(pred, target, shape);
            assertClose(name + " " + Arrays.toString(shape), loss.reference(toDouble(pred), toDouble(target), shape), fast.value(), fast.grad());
        }
    }

    @ParameterizedTest
    @MethodSource("losses")
    void extremeInputsGiveFiniteMatchingResults(String name) {
        Loss loss = Losses.get(name);
        int[] shape = fit(loss, 2, 1, 7, 9);
        for (var e : extremes(shape).entrySet()) {
            String what = name + ", " + e.getKey();
            float[] pred = e.getValue()[0], target = e.getValue()[1];
            Loss.Reference ref = loss.reference(toDouble(pred), toDouble(target), shape);
            assertFinite(what + " (reference)", ref.value(), ref.grad());
            Loss.Result fast = loss.fast(pred, target, shape);
            assertFinite(what + " (fast)", fast.value(), fast.grad());
            if (e.getKey().startsWith("identical")) {
                // float σ(pred) and the float target differ by rounding (~1e-8), so sign-type
                // gradients (BerHu, grad) sit at their kink here: compare values only. The SSIM
                // value and gradient at identical images are checked by hand in LossValuesTest.
                assertEquals(ref.value(), fast.value(), 1e-5 + 1e-4 * Math.abs(ref.value()), what);
            } else {
                assertClose(what, ref, fast.value(), fast.grad());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("losses")
    void singlePixelWorksOrIsRejectedClearly(String name) {
        Loss loss = Losses.get(name);
        int[] shape = {1, 1, 1, 1};
        float[] pred = {0.7f}, target = {0.2f};
        if (loss.minSize() <= 1) {
            Loss.Result fast = loss.fast(pred, target, shape);
            Loss.Reference ref = loss.reference(toDouble(pred), toDouble(target), shape);
            assertFinite(name, fast.value(), fast.grad());
            assertClose(name + " single pixel", ref, fast.value(), fast.grad());
        } else {
            var ex = assertThrows(IllegalArgumentException.class, () -> loss.fast(pred, target, shape));
            assertTrue(ex.getMessage().startsWith(name + ":") && ex.getMessage().contains("[1, 1, 1, 1]"), ex.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("losses")
    void fastPathIsRepeatable(String name) {
        Loss loss = Losses.get(name);
        int[] shape = fit(loss, 3, 2, 100, 99);
        Rng rng = new Rng(9);
        float[] pred = logits(rng, numel(shape), 2), target = uniform(rng, numel(shape));
        Loss.Result a = loss.fast(pred, target, shape), b = loss.fast(pred, target, shape);
        assertEquals(Double.doubleToLongBits(a.value()), Double.doubleToLongBits(b.value()), name);
        assertArrayEquals(a.grad(), b.grad(), name);
    }

    @ParameterizedTest
    @MethodSource("losses")
    void autodiffNodeMatchesGradCheckOnNonContiguousInput(String name) {
        Loss loss = Losses.get(name);
        int[] shape = fit(loss, 1, 2, 5, 6);
        Rng rng = new Rng(21);
        // stored as N×C×W×H, seen through transpose(2, 3) as N×C×H×W
        Tensor x = Tensor.wrap(logits(rng, numel(shape), 1.5), shape[0], shape[1], shape[3], shape[2]).requiresGrad(true);
        Tensor t = Tensor.wrap(uniform(rng, numel(shape)), shape[0], shape[1], shape[3], shape[2]);
        Loss frozen = loss.frozenAt(toDouble(x.transpose(2, 3).toArray()), toDouble(t.transpose(2, 3).toArray()), shape);
        GradCheck.assertGradients(in -> frozen.apply(in[0].transpose(2, 3), t.transpose(2, 3)), x);

        // the node's backward scales the fused gradient by the incoming gradient
        x.zeroGrad();
        Tensor l = loss.apply(x.transpose(2, 3), t.transpose(2, 3));
        assertEquals(name, l.gradFnName());
        l.mul(3f).backward();
        Loss.Result r = loss.fast(x.transpose(2, 3).toArray(), t.transpose(2, 3).toArray(), shape);
        float[] got = x.grad().transpose(2, 3).toArray();
        for (int i = 0; i < got.length; i++) assertEquals(3 * r.grad()[i], got[i], 1e-6 * (1 + Math.abs(3 * r.grad()[i])), name + " [" + i + "]");
        assertEquals((float) r.value(), l.item(), name);
    }

    // ---- the checks themselves can fail -------------------------------------------------------

    @Test
    void finiteDifferenceCheckCatchesAWrongGradient() {
        Loss loss = Losses.get("dice-b");
        int[] shape = {2, 1, 7, 9};
        Rng rng = new Rng(11);
        double[] pred = toDouble(logits(rng, numel(shape), 1.5)), target = toDouble(uniform(rng, numel(shape)));
        double[] g = loss.reference(pred, target, shape).grad().clone();
        g[17] *= 1.01;
        assertTrue(finiteDifferenceViolation(loss, pred, target, shape, g) > 1);
    }

    @Test
    void fastComparisonCatchesAWrongGradient() {
        Loss loss = Losses.get("ssim-b");
        int[] shape = {2, 1, 7, 9};
        Rng rng = new Rng(5);
        float[] pred = logits(rng, numel(shape), 2), target = uniform(rng, numel(shape));
        Loss.Result fast = loss.fast(pred, target, shape);
        Loss.Reference ref = loss.reference(toDouble(pred), toDouble(target), shape);
        int worst = 0;
        for (int i = 0; i < fast.grad().length; i++) if (Math.abs(ref.grad()[i]) > Math.abs(ref.grad()[worst])) worst = i;
        float[] wrong = fast.grad().clone();
        wrong[worst] *= 1.01f;
        assertNotNull(mismatch(ref, fast.value(), wrong));
        assertNotNull(mismatch(ref, fast.value() * 1.001, fast.grad()));
    }

    @ParameterizedTest
    @MethodSource("losses")
    void accumulateAddsTheWeightedGradientAndKeepsWhatWasThere(String name) {
        // shapes: whole planes (9 planes), one plane in strips with halos (2500 wide), odd sizes
        Loss loss = Losses.get(name);
        Rng rng = new Rng(13);
        for (int[] s : new int[][]{{2, 1, 7, 9}, {9, 1, 12, 21}, {1, 1, 20, 2500}}) {
            int[] shape = fit(loss, s);
            float[] pred = logits(rng, numel(shape), 2), target = uniform(rng, numel(shape));
            Loss.Reference ref = loss.reference(toDouble(pred), toDouble(target), shape);
            // what was there: values of the gradient's own size, so that the difference keeps its digits
            double m = 0;
            for (double g : ref.grad()) m = Math.max(m, Math.abs(g));
            float[] before = uniform(rng, numel(shape)), grad = new float[before.length];
            for (int i = 0; i < before.length; i++) grad[i] = before[i] = (float) (m * (2 * before[i] - 1));
            double value = loss.forwardBackward(pred, target, shape, grad, 0.75f, true);
            float[] added = new float[grad.length];
            for (int i = 0; i < grad.length; i++) added[i] = (float) (((double) grad[i] - before[i]) / 0.75);
            assertClose(name + " " + Arrays.toString(shape) + " accumulated onto a gradient", ref, value, added);
        }
    }

    @Test
    void weightedSumsOutsideTheFusedPairsMatchTheirReference() {
        Rng rng = new Rng(6);
        int[] shape = {3, 2, 33, 17};
        float[] pred = logits(rng, numel(shape), 2), target = uniform(rng, numel(shape));
        for (Loss loss : new Loss[]{
                new WeightedSum("three", List.of(new WeightedSum.Term(1, new Bce()), new WeightedSum.Term(2, Dice.seedB()),
                        new WeightedSum.Term(0.5, new Rmse()))),
                WeightedSum.of("rmse-berhu", 1, new Rmse(), 3, new BerHu()),
                WeightedSum.of("tversky-bce", 0.5, Tversky.seedB(), 1.5, new Bce())}) {
            Loss.Result fast = loss.fast(pred, target, shape);
            assertClose(loss.name(), loss.reference(toDouble(pred), toDouble(target), shape), fast.value(), fast.grad());
        }
    }

    @Test
    void gradientLossStripsOfWideImagesMatchTheReference() {
        // wide images make the vector path split planes into strips of 8 rows (last strips 4 and 1)
        Loss loss = Losses.get("grad");
        Rng rng = new Rng(12);
        for (int[] shape : new int[][]{{1, 1, 20, 2500}, {1, 2, 9, 2600}}) {
            assertEquals(8, GradLoss.stripRows(shape[2], shape[3]));
            float[] pred = logits(rng, numel(shape), 2), target = uniform(rng, numel(shape));
            Loss.Result fast = loss.fast(pred, target, shape);
            assertClose("grad " + Arrays.toString(shape), loss.reference(toDouble(pred), toDouble(target), shape), fast.value(), fast.grad());
        }
    }

    // ---- registry and argument checks -----------------------------------------------------------

    @Test
    void registryKnowsTheCatalogueInOrder() {
        assertEquals(List.of("bce", "dice-a", "dice-b", "tversky", "bce-dice", "bce-dice-a", "bce-tversky",
                "rmse", "berhu", "ssim-a", "ssim-b", "grad"), Losses.names());
        var ex = assertThrows(IllegalArgumentException.class, () -> Losses.get("dice-c"));
        assertTrue(ex.getMessage().contains("unknown loss 'dice-c'") && ex.getMessage().contains("bce, dice-a"), ex.getMessage());
    }

    @Test
    void registeredLossIsPickedUp() {
        List<String> before = new ArrayList<>(Losses.names());
        Losses.register("bce-x2-test", () -> new WeightedSum("bce-x2-test", List.of(new WeightedSum.Term(2, new Bce()))));
        try {
            assertTrue(losses().anyMatch("bce-x2-test"::equals));
            // the parameterized contract runs on the new name as on any other
            referenceGradientMatchesFiniteDifferences("bce-x2-test");
            fastMatchesReferenceOnOddSizes("bce-x2-test");
            extremeInputsGiveFiniteMatchingResults("bce-x2-test");
            int[] shape = {2, 1, 7, 9};
            Rng rng = new Rng(11);
            float[] pred = logits(rng, numel(shape), 2), target = uniform(rng, numel(shape));
            assertEquals(2 * Losses.get("bce").fast(pred, target, shape).value(),
                    Losses.get("bce-x2-test").fast(pred, target, shape).value(), 1e-6);
        } finally {
            // leave the registry as other tests expect it
            Losses.unregister("bce-x2-test");
        }
        assertEquals(before, Losses.names());
    }

    @Test
    void badShapesAreRejectedWithNamedMessages() {
        Loss dice = Losses.get("dice-b");
        var e1 = assertThrows(IllegalArgumentException.class, () -> dice.fast(new float[6], new float[6], new int[]{2, 3}));
        assertEquals("dice-b: expected N×C×H×W inputs, got shape [2, 3]", e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> dice.fast(new float[6], new float[5], new int[]{1, 1, 2, 3}));
        assertEquals("dice-b: shape [1, 1, 2, 3] has 6 elements but prediction has 6 and target 5", e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class,
                () -> dice.apply(Tensor.zeros(1, 1, 2, 3), Tensor.zeros(1, 1, 3, 2)));
        assertEquals("dice-b: prediction [1, 1, 2, 3] and target [1, 1, 3, 2] differ in shape", e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> Losses.get("ssim-a").fast(new float[100], new float[100], new int[]{1, 1, 10, 10}));
        assertEquals("ssim-a: images of 10×10 (shape [1, 1, 10, 10]) are smaller than the 11×11 this loss needs", e4.getMessage());
        var e5 = assertThrows(IllegalArgumentException.class,
                () -> Losses.get("grad").forwardBackward(new float[6], new float[6], new int[]{1, 1, 2, 3}, new float[5], 1f, false));
        assertEquals("grad: gradient array has 5 elements, prediction 6", e5.getMessage());
    }
}
