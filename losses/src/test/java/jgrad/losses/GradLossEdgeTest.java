package jgrad.losses;

import jgrad.core.Rng;
import jgrad.core.cpu.Simd;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

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
 * elements next to an output at a sign's kink are left out ({@link #nearKink}).
 */
class GradLossEdgeTest {
    private static final Loss GRAD = Losses.get("grad");
    private static final int[] WIDTHS = {1, 2, 15, 16, 17, 31, 33, 48, 500, 512, 2500};
    private static final float[] WEIGHTS = {0.75f, -2.5f, 3f};

    /** Rows per streaming block of the vector path for an h×w plane (the scalar path has none; then the same formula with 16 lanes). */
    static int block(int h, int w) {
        if (Simd.VECTOR) return new VectorKernels.SobelRows(w, h).block;
        int stride = (w + 15) / 16 * 16;
        return Math.min(h, Math.max(4, 16 * 1024 / stride));
    }

    /** Rows per strip when there are fewer than 8 planes, for planes taller than one strip. */
    static int strip(int w) {
        return GradLoss.stripRows(Integer.MAX_VALUE, w);
    }

    private final List<String> failures = new ArrayList<>();
    private int shapes, seed;
    private String inputs = "random";

    /** Runs one shape in both modes on random inputs, recording failures. */
    private void check(int n, int c, int h, int w) {
        int[] shape = {n, c, h, w};
        Rng rng = new Rng(1000 + seed++);
        int numel = numel(shape);
        float[] pred = logits(rng, numel, 2), target = uniform(rng, numel);
        int skipped = check(shape, pred, target, rng);
        // random inputs put very few outputs at a kink; more would mean the comparison is blind
        assertTrue(skipped <= 20 + numel / 1000, Arrays.toString(shape) + ": " + skipped + " elements next to a kink");
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

    /**
     * Elements whose reference gradient takes the sign of an 8·Gx or 8·Gy with 0 < |·| < 1e-5
     * (in double, from the float inputs): the float errors of the fast path (about 2e-7 per e,
     * Σ|K| = 8) may give the other sign there, which moves a gradient element by a quarter of a
     * sign share, far outside the tolerance. Exact zeros (equal neighbours) are zero in float too.
     */
    static boolean[] nearKink(float[] pred, float[] target, int[] shape) {
        int planes = shape[0] * shape[1], h = shape[2], w = shape[3], hw = h * w;
        double[] e = new double[pred.length];
        for (int k = 0; k < e.length; k++) e[k] = target[k] - Sigmoid.of((double) pred[k]);
        boolean[] near = new boolean[pred.length];
        for (int pl = 0; pl < planes; pl++) {
            int base = pl * hw;
            for (int i = 0; i < h; i++) {
                int up = base + Math.max(i - 1, 0) * w, mid = base + i * w, down = base + Math.min(i + 1, h - 1) * w;
                for (int j = 0; j < w; j++) {
                    int l = Math.max(j - 1, 0), r = Math.min(j + 1, w - 1);
                    double gx = (e[up + r] - e[up + l]) + 2 * (e[mid + r] - e[mid + l]) + (e[down + r] - e[down + l]);
                    double gy = (e[down + l] + 2 * e[down + j] + e[down + r]) - (e[up + l] + 2 * e[up + j] + e[up + r]);
                    if (gx != 0 && Math.abs(gx) < 1e-5 || gy != 0 && Math.abs(gy) < 1e-5) {
                        for (int row : new int[]{up, mid, down}) {
                            near[row + l] = near[row + j] = near[row + r] = true;
                        }
                    }
                }
            }
        }
        return near;
    }

    private void record(int[] shape, String mode, Loss.Reference ref, boolean[] kink, double value, float[] grad) {
        float[] compared = grad.clone();
        for (int i = 0; i < grad.length; i++) if (kink[i] && Float.isFinite(grad[i])) compared[i] = (float) ref.grad()[i];
        String err = mismatch(ref, value, compared);
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
        for (int w : WIDTHS) {
            for (int h = 1; h <= 5; h++) {
                check(1, 1, h, w);  // one plane: one strip
                check(1, 3, h, w);  // three planes: one strip each
                check(3, 3, h, w);  // nine planes: whole-plane tasks
            }
        }
        assertNoFailures();
    }

    @Test
    void heightsAroundOneAndTwoBlocks() {
        for (int w : WIDTHS) {
            int b = block(Integer.MAX_VALUE, w);
            for (int h : new LinkedHashSet<>(List.of(b - 1, b, b + 1, 2 * b - 1, 2 * b, 2 * b + 1))) {
                check(1, 1, h, w);  // one plane: strips once h passes the strip height
            }
            for (int h : new LinkedHashSet<>(List.of(b + 1, 2 * b + 1))) {
                check(2, 4, h, w);  // eight planes: whole-plane tasks, buffers reused across planes
            }
        }
        assertNoFailures();
    }

    @Test
    void stripsEndingWithOneOrTwoRows() {
        for (int w : WIDTHS) {
            int s = strip(w);
            for (int h : new int[]{s + 1, s + 2, 2 * s + 1, 2 * s + 2}) check(1, 1, h, w);
            check(7, 1, s + 1, w);  // seven planes: still strips
            check(1, 3, 2 * s + 2, w);
        }
        assertNoFailures();
    }

    /**
     * A band streams the source rows it reads in blocks: the first band its s rows and two
     * below, an inner one two more on each side (s + 4), the last one its rows and two above.
     * Widths where such a count (or the strip itself) is a whole number of blocks, or one row
     * short of it, end the last block exactly at the band's end or leave it one row; the last
     * strips here have 1, 2, block − 2 and block − 1 rows (a last band of block + 1 rows).
     */
    @Test
    void bandsEndingOnOrJustShortOfABlock() {
        List<String> reasons = List.of("strip = k·block", "inner band = k·block", "inner band = k·block − 1",
                "first band = k·block");
        List<String> hit = new ArrayList<>();
        for (int w = 600; w <= 6000 && hit.size() < 2 * reasons.size(); w++) {
            int b = block(Integer.MAX_VALUE, w), s = strip(w);
            boolean[] why = {s % b == 0, (s + 4) % b == 0, (s + 4) % b == b - 1, (s + 2) % b == 0};
            String reason = null;
            for (int k = 0; k < why.length && reason == null; k++) {
                String r = reasons.get(k);
                if (why[k] && hit.stream().filter(r::equals).count() < 2) reason = r;
            }
            if (reason == null) continue;
            hit.add(reason);
            for (int last : new LinkedHashSet<>(List.of(1, 2, b - 2, b - 1))) {
                if (last <= s) check(1, 1, 2 * s + last, w);
            }
            check(1, 2, 3 * s, w);
        }
        assertTrue(hit.containsAll(reasons), hit.toString());
        assertNoFailures();
    }

    @Test
    void extremeInputs() {
        int[][] shapes = {{1, 1, 1, 1}, {1, 1, 3, 1}, {1, 1, 2, 17}, {1, 1, 17, 2500}, {1, 1, 20, 2500}, {2, 1, 65, 512}, {9, 1, 33, 17}};
        for (int[] shape : shapes) {
            int n = numel(shape), h = shape[2], w = shape[3];
            Rng rng = new Rng(77);
            float[] pm100 = new float[n], mixed = logits(rng, n, 2), bits = new float[n], perfect = new float[n];
            float[] rowWise = new float[n], colWise = new float[n], rowT = new float[n], colT = new float[n];
            float[] x = logits(rng, n, 2), same = new float[n];
            for (int i = 0; i < n; i++) {
                pm100[i] = rng.nextDouble() < 0.5 ? -100 : 100;
                if (rng.nextDouble() < 0.3) mixed[i] = pm100[i];
                bits[i] = rng.nextDouble() < 0.5 ? 0 : 1;
                perfect[i] = bits[i] == 1 ? 100 : -100;
                int r = i % (h * w) / w, c = i % w;
                // images constant along rows (Gx = 0 exactly, sign 0) or along columns (Gy = 0)
                rowWise[i] = (float) Math.sin(3.1 * r);
                rowT[i] = (float) (0.5 + 0.4 * Math.cos(1.7 * r));
                colWise[i] = (float) Math.sin(2.3 * c);
                colT[i] = (float) (0.5 + 0.4 * Math.cos(1.3 * c));
                same[i] = (float) Sigmoid.of((double) x[i]);
            }
            inputs = "logits ±100";
            check(shape, pm100, uniform(rng, n), rng);
            inputs = "30% of the logits ±100";
            check(shape, mixed, uniform(rng, n), rng);
            inputs = "logits ±100, binary targets";
            check(shape, pm100, bits, rng);
            inputs = "perfect ±100 prediction of binary targets";
            check(shape, perfect, bits, rng);
            inputs = "rows constant";
            check(shape, rowWise, rowT, rng);
            inputs = "columns constant";
            check(shape, colWise, colT, rng);
            inputs = "constant images";
            check(shape, filled(n, 0.3f), filled(n, 0.6f), rng);
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
            double bound = 18 * 0.25 / (2.0 * n) * (1 + 1e-6);
            for (float g : grad) assertTrue(Float.isFinite(g) && Math.abs(g) <= bound, Arrays.toString(shape) + " " + g);
        }
        assertNoFailures();
    }
}
