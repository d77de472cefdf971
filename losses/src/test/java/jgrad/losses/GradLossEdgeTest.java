package jgrad.losses;

import jgrad.core.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static jgrad.losses.EdgeCases.*;
import static jgrad.losses.LossInputs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The image-gradient loss's fast path against its reference on the shapes where its tiling can go
 * wrong: heights of 1 to 5 rows; heights around the streaming block ({@code SobelRows.block} rows)
 * and twice it; strips ({@link GradLoss#stripRows}, fewer than {@link GradLoss#WHOLE_PLANES}
 * planes) whose last one has one or two rows, or whose bands end exactly on (or one row short of)
 * a block; widths around the vector length; whole planes (8 or more); and extreme inputs (logits
 * ±100, images flat along rows, columns or both, so that signs are exactly 0). Each shape runs
 * twice: writing into a gradient filled with NaN (every element must be overwritten, nothing read
 * first), and accumulating with a weight ≠ 1 onto values of the gradient's own size (which must
 * be kept). The tolerance is the contract test's ({@link LossInputs#mismatch}); only the few
 * elements next to an output at a sign's kink are left out ({@link EdgeCases#nearKink}). The
 * shapes and inputs are {@link EdgeCases}'s, shared with the CUDA kernels' edge test.
 */
class GradLossEdgeTest {
    private static final Loss GRAD = Losses.get("grad");

    private final List<String> failures = new ArrayList<>();
    private int shapes, seed;
    private String inputs = "random";

    /** Runs one shape in both modes on random inputs, recording failures. */
    private void check(int[] shape) {
        Rng rng = new Rng(1000 + seed++);
        int numel = numel(shape);
        float[][] in = gradRandom(rng, shape);
        int skipped = check(shape, in[0], in[1], rng);
        // random inputs put very few outputs at a kink; more would mean the comparison is blind
        assertTrue(skipped <= kinkAllowance(numel), Arrays.toString(shape) + ": " + skipped + " elements next to a kink");
    }

    /** Both modes on these inputs; returns how many gradient elements were left out as next to a kink. */
    private int check(int[] shape, float[] pred, float[] target, Rng rng) {
        shapes++;
        Loss.Reference ref = GRAD.reference(toDouble(pred), toDouble(target), shape);
        boolean[] kink = nearKink(pred, target, shape);
        int numel = pred.length;

        float[] grad = filled(numel, Float.NaN);
        double value = GRAD.forwardBackward(pred, target, shape, grad, 1f, false);
        record(shape, "write", ref, kink, value, grad);

        double m = 0;
        for (double g : ref.grad()) m = Math.max(m, Math.abs(g));
        if (m == 0) m = 1e-6;
        float weight = WEIGHTS[shapes % WEIGHTS.length];
        float[] before = new float[numel];
        for (int i = 0; i < numel; i++) before[i] = (float) (m * (2 * rng.nextDouble() - 1));
        grad = before.clone();
        value = GRAD.forwardBackward(pred, target, shape, grad, weight, true);
        float[] added = new float[numel];
        for (int i = 0; i < numel; i++) added[i] = (float) (((double) grad[i] - before[i]) / weight);
        record(shape, "accumulate ×" + weight, ref, kink, value, added);

        int skipped = 0;
        for (boolean k : kink) if (k) skipped++;
        return skipped;
    }

    private void record(int[] shape, String mode, Loss.Reference ref, boolean[] kink, double value, float[] grad) {
        String err = mismatch(ref, value, outsideKinks(grad, kink, ref));
        if (err == null) return;
        int h = shape[2], w = shape[3];
        String at = "";
        if (err.startsWith("gradient[")) {
            int i = Integer.parseInt(err.substring("gradient[".length(), err.indexOf(']')));
            at = " at plane " + i / (h * w) + ", row " + i % (h * w) / w + ", column " + i % w;
        }
        failures.add(Arrays.toString(shape) + " " + inputs + ", " + mode + " (block " + block(h, w) + ", strip "
                + (shape[0] * shape[1] < GradLoss.WHOLE_PLANES ? GradLoss.stripRows(h, w) : h) + "): " + err + at);
    }

    private void assertNoFailures() {
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + 2 * shapes + " runs disagree with the reference:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(25, failures.size()))));
        }
    }

    @Test
    void heightsOfOneToFiveRowsOverAllWidths() {
        // one plane: one strip; three planes: one strip each; nine planes: whole-plane tasks
        for (int[] shape : gradSmallHeights()) check(shape);
        assertNoFailures();
    }

    @Test
    void heightsAroundOneAndTwoBlocks() {
        // one plane: strips once h passes the strip height; eight planes: whole-plane tasks, buffers reused across planes
        for (int[] shape : gradAroundBlocks()) check(shape);
        assertNoFailures();
    }

    @Test
    void stripsEndingWithOneOrTwoRows() {
        // seven planes: still strips
        for (int[] shape : gradStrips()) check(shape);
        assertNoFailures();
    }

    /** Widths whose bands end exactly on, or one row short of, a block: see {@link EdgeCases#gradBands()}. */
    @Test
    void bandsEndingOnOrJustShortOfABlock() {
        Bands bands = gradBands();
        for (int[] shape : bands.shapes()) check(shape);
        assertTrue(bands.hit().containsAll(bands.reasons()), bands.hit().toString());
        assertNoFailures();
    }

    @Test
    void extremeInputs() {
        for (int[] shape : GRAD_EXTREME_SHAPES) {
            int n = numel(shape);
            Rng rng = new Rng(77);
            float[][] noise = gradExtremes(shape, rng, (what, pred, target) -> {
                inputs = what;
                check(shape, pred, target, rng);
            });
            float[] x = noise[0], same = noise[1];
            inputs = "random";

            // constant images: every sign is 0, so the gradient is exactly 0 (and accumulating adds exactly 0)
            float[] grad = filled(n, Float.NaN);
            assertEquals(0.0, GRAD.forwardBackward(filled(n, -1.5f), filled(n, 0.9f), shape, grad, 1f, false), 0.0, Arrays.toString(shape));
            for (float g : grad) assertEquals(0f, g, 0f, Arrays.toString(shape));
            float[] before = uniform(rng, n);
            grad = before.clone();
            GRAD.forwardBackward(filled(n, -1.5f), filled(n, 0.9f), shape, grad, 2f, true);
            for (int i = 0; i < n; i++) assertEquals(before[i], grad[i], 0f, Arrays.toString(shape));

            // target = σ(pred) up to rounding: the errors are rounding noise, signs arbitrary;
            // the value must be that noise's size and the gradient finite and within its bound
            // (each pixel gets at most 9·2 sign shares of 1/8·|K| ≤ 2/8, times σ' ≤ 1/4, over 2n)
            grad = filled(n, Float.NaN);
            Loss.Reference ref = GRAD.reference(toDouble(x), toDouble(same), shape);
            double value = GRAD.forwardBackward(x, same, shape, grad, 1f, false);
            assertEquals(ref.value(), value, 1e-5 + 1e-4 * Math.abs(ref.value()), Arrays.toString(shape));
            assertTrue(value < 1e-6, Arrays.toString(shape) + " " + value);
            double bound = gradBound(n);
            for (float g : grad) assertTrue(Float.isFinite(g) && Math.abs(g) <= bound, Arrays.toString(shape) + " " + g);
        }
        assertNoFailures();
    }
}
