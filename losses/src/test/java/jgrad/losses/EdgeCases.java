package jgrad.losses;

import jgrad.core.Rng;
import jgrad.core.cpu.Simd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.IntToDoubleFunction;

import static jgrad.losses.LossInputs.filled;
import static jgrad.losses.LossInputs.logits;
import static jgrad.losses.LossInputs.numel;
import static jgrad.losses.LossInputs.toDouble;
import static jgrad.losses.LossInputs.uniform;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The edge-case grids of the fused losses: the shapes and inputs of {@link GradLossEdgeTest} (the
 * image-gradient loss around its blocks and strips) and {@link LossEdgeTest} (the other losses at
 * exact zeros, ties and clamps), and the allowances both make (sign kinks of the gradient loss,
 * rounding-noise gradients of SSIM at identical images). Shared with the CUDA edge test in
 * jgrad-kernels through this module's test jar, so that every backend faces the same cases.
 */
public final class EdgeCases {
    private EdgeCases() {}

    /** Weights of the accumulate runs, taken in turn. */
    public static final float[] WEIGHTS = {0.75f, -2.5f, 3f};

    /** Receives named inputs in the order a generator makes them. */
    @FunctionalInterface
    public interface Sink {
        void accept(String inputs, float[] pred, float[] target);
    }

    /** Named inputs; {@code noise}: the exact gradient is 0 and both twins give rounding noise (see {@link #compare}). */
    public record Input(String name, float[] pred, float[] target, boolean noise) {}

    /** One value per element from its (image, row, column). */
    @FunctionalInterface
    public interface Field {
        double at(int image, int row, int column);
    }

    public static float[] field(int[] shape, Field f) {
        int h = shape[2], w = shape[3], hw = h * w;
        float[] a = new float[numel(shape)];
        for (int i = 0; i < a.length; i++) a[i] = (float) f.at(i / hw, i % hw / w, i % w);
        return a;
    }

    public static float[] each(int n, IntToDoubleFunction f) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) f.applyAsDouble(i);
        return a;
    }

    // ---- the image-gradient loss ("grad") ---------------------------------------------------------

    public static final int[] GRAD_WIDTHS = {1, 2, 15, 16, 17, 31, 33, 48, 500, 512, 2500};

    /** Rows per streaming block of the CPU vector path for an h×w plane (the scalar path has none; then the same formula with 16 lanes). */
    public static int block(int h, int w) {
        if (Simd.VECTOR) return new VectorKernels.SobelRows(w, h).block;
        int stride = (w + 15) / 16 * 16;
        return Math.min(h, Math.max(4, 16 * 1024 / stride));
    }

    /** Rows per strip of the CPU path when there are fewer than 8 planes, for planes taller than one strip. */
    public static int strip(int w) {
        return GradLoss.stripRows(Integer.MAX_VALUE, w);
    }

    /** Heights 1 to 5 over all widths, as one plane, three planes (one strip each) and nine (whole-plane tasks). */
    public static List<int[]> gradSmallHeights() {
        List<int[]> shapes = new ArrayList<>();
        for (int w : GRAD_WIDTHS) {
            for (int h = 1; h <= 5; h++) {
                shapes.add(new int[]{1, 1, h, w});
                shapes.add(new int[]{1, 3, h, w});
                shapes.add(new int[]{3, 3, h, w});
            }
        }
        return shapes;
    }

    /** Heights around one and two blocks: one plane (strips once h passes the strip height), and eight (whole planes, buffers reused). */
    public static List<int[]> gradAroundBlocks() {
        List<int[]> shapes = new ArrayList<>();
        for (int w : GRAD_WIDTHS) {
            int b = block(Integer.MAX_VALUE, w);
            for (int h : new LinkedHashSet<>(List.of(b - 1, b, b + 1, 2 * b - 1, 2 * b, 2 * b + 1))) shapes.add(new int[]{1, 1, h, w});
            for (int h : new LinkedHashSet<>(List.of(b + 1, 2 * b + 1))) shapes.add(new int[]{2, 4, h, w});
        }
        return shapes;
    }

    /** Strips whose last one has one or two rows; seven planes (still strips) and three planes. */
    public static List<int[]> gradStrips() {
        List<int[]> shapes = new ArrayList<>();
        for (int w : GRAD_WIDTHS) {
            int s = strip(w);
            for (int h : new int[]{s + 1, s + 2, 2 * s + 1, 2 * s + 2}) shapes.add(new int[]{1, 1, h, w});
            shapes.add(new int[]{7, 1, s + 1, w});
            shapes.add(new int[]{1, 3, 2 * s + 2, w});
        }
        return shapes;
    }

    /** The shapes of {@link #gradBands()}, the reasons sought and the reason each chosen width met. */
    public record Bands(List<int[]> shapes, List<String> reasons, List<String> hit) {}

    /**
     * A band streams the source rows it reads in blocks: the first band its s rows and two
     * below, an inner one two more on each side (s + 4), the last one its rows and two above.
     * Widths where such a count (or the strip itself) is a whole number of blocks, or one row
     * short of it, end the last block exactly at the band's end or leave it one row; the last
     * strips here have 1, 2, block − 2 and block − 1 rows (a last band of block + 1 rows). Two
     * widths per reason, searched from 600 up.
     */
    public static Bands gradBands() {
        List<String> reasons = List.of("strip = k·block", "inner band = k·block", "inner band = k·block − 1",
                "first band = k·block");
        List<String> hit = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
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
                if (last <= s) shapes.add(new int[]{1, 1, 2 * s + last, w});
            }
            shapes.add(new int[]{1, 2, 3 * s, w});
        }
        return new Bands(shapes, reasons, hit);
    }

    /** Random inputs of one grid shape: logits of scale 2 and uniform targets, drawn in that order from {@code rng}. */
    public static float[][] gradRandom(Rng rng, int[] shape) {
        int n = numel(shape);
        return new float[][]{logits(rng, n, 2), uniform(rng, n)};
    }

    /** Shapes of the extreme inputs ({@link #gradExtremes}). */
    public static final int[][] GRAD_EXTREME_SHAPES = {{1, 1, 1, 1}, {1, 1, 3, 1}, {1, 1, 2, 17}, {1, 1, 17, 2500},
            {1, 1, 20, 2500}, {2, 1, 65, 512}, {9, 1, 33, 17}};

    /**
     * The extreme inputs of one shape, given to {@code sink} in turn: logits ±100 (all, or 30%),
     * against uniform and binary targets, a perfect ±100 prediction, images constant along rows
     * or columns (Gx or Gy exactly 0), constant images. The uniform targets are drawn from
     * {@code rng} just before each case is given, so a sink that draws from the same {@code rng}
     * gets the same sequence each time. Returns {x, σ(x)} (logits and targets equal to σ of them
     * in float), whose errors are rounding noise: the caller compares values and bounds gradients.
     */
    public static float[][] gradExtremes(int[] shape, Rng rng, Sink sink) {
        int n = numel(shape), h = shape[2], w = shape[3];
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
        sink.accept("logits ±100", pm100, uniform(rng, n));
        sink.accept("30% of the logits ±100", mixed, uniform(rng, n));
        sink.accept("logits ±100, binary targets", pm100, bits);
        sink.accept("perfect ±100 prediction of binary targets", perfect, bits);
        sink.accept("rows constant", rowWise, rowT);
        sink.accept("columns constant", colWise, colT);
        sink.accept("constant images", filled(n, 0.3f), filled(n, 0.6f));
        return new float[][]{x, same};
    }

    /** Bound on |gradient| of the gradient loss: each pixel gets at most 9·2 sign shares of 1/8·|K| ≤ 2/8, times σ' ≤ 1/4, over 2n. */
    public static double gradBound(int n) {
        return 18 * 0.25 / (2.0 * n) * (1 + 1e-6);
    }

    /** How many elements next to a kink random inputs may have before the comparison counts as blind. */
    public static int kinkAllowance(int numel) {
        return 20 + numel / 1000;
    }

    /**
     * Elements whose reference gradient takes the sign of an 8·Gx or 8·Gy with 0 < |·| < 1e-5
     * (in double, from the float inputs): the float errors of a float path (about 2e-7 per e,
     * Σ|K| = 8) may give the other sign there, which moves a gradient element by a quarter of a
     * sign share, far outside the tolerance. Exact zeros (equal neighbours) are zero in float too.
     */
    public static boolean[] nearKink(float[] pred, float[] target, int[] shape) {
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

    /** The gradient with the elements next to a kink replaced by the reference's (non-finite ones kept, so they still fail). */
    public static float[] outsideKinks(float[] grad, boolean[] kink, Loss.Reference ref) {
        float[] compared = grad.clone();
        for (int i = 0; i < grad.length; i++) if (kink[i] && Float.isFinite(grad[i])) compared[i] = (float) ref.grad()[i];
        return compared;
    }

    // ---- the other losses -------------------------------------------------------------------------

    public static final int[] WIDTHS = {1, 15, 16, 17, 33};
    /** The elementwise and overlap losses run over {@link #elementwiseShapes()}. */
    public static final List<String> ELEMENTWISE = List.of("bce", "dice-a", "dice-b", "tversky", "bce-dice", "bce-dice-a",
            "bce-tversky", "rmse", "berhu");
    /** Bound on "zero up to rounding" for SSIM at identical images, as a fraction of 1/(elements per image). */
    public static final double NOISE = 1e-4;

    /** Widths {@link #WIDTHS}, heights 1, 3 and 16, as one image of one channel and nine of two. */
    public static List<int[]> elementwiseShapes() {
        List<int[]> shapes = new ArrayList<>();
        for (int w : WIDTHS) {
            for (int h : new int[]{1, 3, 16}) {
                shapes.add(new int[]{1, 1, h, w});
                shapes.add(new int[]{9, 2, h, w});
            }
        }
        return shapes;
    }

    /** Weighted sums outside the registry's fused pairs. */
    public static List<Loss> weightedSums() {
        return List.of(WeightedSum.of("rmse-berhu", 1, new Rmse(), 3, new BerHu()),
                WeightedSum.of("tversky-bce", 0.5, Tversky.seedB(), 1.5, new Bce()),
                WeightedSum.of("ssim-dice", 2, Ssim.seedA(), 1, Dice.seedA()));
    }

    public static final int[][] WEIGHTED_SUM_SHAPES = {{1, 1, 11, 11}, {9, 2, 12, 17}};
    /** ssim-a (window 11) at and next to its smallest size. */
    public static final int[][] SSIM_A_SHAPES = {{1, 1, 11, 11}, {1, 1, 11, 12}, {1, 1, 12, 11}, {1, 1, 12, 12}, {9, 2, 11, 11},
            {1, 2, 11, 33}, {9, 1, 33, 11}, {1, 1, 11, 16}, {1, 1, 17, 11}};
    /** ssim-b (reflect padding by 5: 6 rows and columns at least) at and next to its smallest size. */
    public static final int[][] SSIM_B_SHAPES = {{1, 1, 6, 6}, {1, 1, 6, 7}, {1, 1, 7, 6}, {1, 1, 7, 7}, {9, 2, 6, 6},
            {1, 2, 6, 33}, {9, 1, 17, 6}, {1, 1, 6, 16}, {1, 1, 11, 12}};

    /**
     * The adversarial inputs on one shape. For SSIM, identical images give noise-sized gradients
     * (marked {@link Input#noise()}); otherwise σ(pred) = target is an exact zero of every loss's
     * error and compared as any input.
     */
    public static List<Input> grid(Loss loss, int[] shape) {
        boolean ssim = loss instanceof Ssim;
        int n = numel(shape), h = shape[2], w = shape[3];
        Rng rng = new Rng(31L * n + h);
        float[] x = logits(rng, n, 2), t = uniform(rng, n);
        float[] pm100 = each(n, i -> rng.nextDouble() < 0.5 ? -100 : 100);
        float[] bits = each(n, i -> rng.nextDouble() < 0.5 ? 0 : 1);
        List<Input> in = new ArrayList<>();

        in.add(new Input("random", x, t, false));
        in.add(new Input("constant images", filled(n, 0.3f), filled(n, 0.6f), false));
        in.add(new Input("constant prediction, random target", filled(n, -0.4f), t, false));
        in.add(new Input("random prediction, constant target", x, filled(n, 0.25f), false));
        // flat along rows (each row constant) or columns (each column constant): zero variance along one axis
        in.add(new Input("rows constant", field(shape, (im, r, c) -> 2 * Math.sin(3.1 * r + im)),
                field(shape, (im, r, c) -> 0.5 + 0.4 * Math.cos(1.7 * r - im)), false));
        in.add(new Input("columns constant", field(shape, (im, r, c) -> 2 * Math.sin(2.3 * c + im)),
                field(shape, (im, r, c) -> 0.5 + 0.4 * Math.cos(1.3 * c - im)), false));
        in.add(new Input("rows constant against columns constant", field(shape, (im, r, c) -> 2 * Math.sin(3.1 * r)),
                field(shape, (im, r, c) -> 0.5 + 0.4 * Math.cos(1.3 * c)), false));
        // σ(0) = 0.5 and σ(±100) = 1 (and ≈ 4e-44 against 0) in float and double alike
        in.add(new Input("identical: logits 0, target 0.5", new float[n], filled(n, 0.5f), ssim));
        float[] mixed = each(n, i -> i % 3 == 0 ? 0 : pm100[i]), mixedT = each(n, i -> i % 3 == 0 ? 0.5 : pm100[i] > 0 ? 1 : 0);
        in.add(new Input("identical: logits 0 and ±100, targets 0.5 and 1, 0", mixed, mixedT, ssim));
        in.add(new Input("identical: rows constant at logits ±100, binary targets",
                field(shape, (im, r, c) -> (r + im) % 2 == 0 ? 100 : -100), field(shape, (im, r, c) -> (r + im) % 2 == 0 ? 1 : 0), ssim));
        in.add(new Input("logits ±100, random targets", pm100, t, false));
        in.add(new Input("logits ±100, binary targets", pm100, bits, false));
        in.add(new Input("logits ±100, inverted binary targets", pm100, each(n, i -> pm100[i] > 0 ? 0 : 1), false));
        // empty and full masks, with the prediction at 0 (logits −100), 1 (+100) or random
        in.add(new Input("empty masks, logits −100", filled(n, -100), new float[n], false));
        in.add(new Input("empty masks, logits +100", filled(n, 100), new float[n], false));
        in.add(new Input("empty masks, random logits", x, new float[n], false));
        in.add(new Input("full masks, logits +100", filled(n, 100), filled(n, 1), false));
        in.add(new Input("full masks, logits −100", filled(n, -100), filled(n, 1), false));
        in.add(new Input("full masks, random logits", x, filled(n, 1), false));
        // the first image of the batch empty and predicted empty, the others random
        int first = shape[1] * h * w;
        in.add(new Input("first image empty and predicted empty", each(n, i -> i < first ? -100 : x[i]),
                each(n, i -> i < first ? 0 : bits[i]), false));
        // BerHu: logits 0 give p = 0.5; targets 0.1875 (d = 0.3125, the largest, so c = 0.0625
        // exactly in float and double), 0.4375 and 0.5625 (d = c exactly), 0.5 (d = 0), others inside
        float[] ties = {0.1875f, 0.4375f, 0.5625f, 0.5f, 0.3f, 0.6f, 0.45f, 0.8125f};
        in.add(new Input("berhu ties: d = c and d = 0 at logits 0", new float[n], each(n, i -> ties[i % ties.length]), false));
        return in;
    }

    /** {@link #NOISE} for this shape: the bound on a rounding-noise gradient element. */
    public static double noiseBound(int[] shape) {
        return NOISE * shape[0] * shape[1] / numel(shape);
    }

    /** Size of the values an accumulate run starts from: max |reference gradient|, or 1/n where that is 0 or noise. */
    public static double startScale(Loss.Reference ref, boolean noise) {
        double gmax = 0;
        for (double g : ref.grad()) gmax = Math.max(gmax, Math.abs(g));
        return gmax == 0 || noise ? 1.0 / ref.grad().length : gmax;
    }

    /**
     * Null if the value and gradient agree with the reference, else what differs: {@link LossInputs#mismatch}
     * or, with {@code noise}, the value to the same tolerance and every gradient element within {@code bound}.
     */
    public static String compare(Loss.Reference ref, double value, float[] grad, boolean noise, double bound) {
        if (!noise) return LossInputs.mismatch(ref, value, grad);
        if (!(Math.abs(value - ref.value()) <= 1e-5 + 1e-4 * Math.abs(ref.value()))) return "value " + value + " vs reference " + ref.value();
        for (int i = 0; i < grad.length; i++) {
            if (!(Math.abs(grad[i]) <= bound)) return "gradient[" + i + "] " + grad[i] + " is not zero up to rounding (bound " + bound + ")";
        }
        return null;
    }

    /** Null if the reference gradient is zero up to rounding ({@code bound}), else the first element that is not. */
    public static String referenceNotNoise(Loss.Reference ref, double bound) {
        for (int i = 0; i < ref.grad().length; i++) {
            if (!(Math.abs(ref.grad()[i]) <= bound)) return "reference gradient[" + i + "] " + ref.grad()[i] + " is not zero up to rounding";
        }
        return null;
    }

    /** One run of a loss: writes (or, accumulating, adds) weight·dL/dpred into {@code grad} and returns L. */
    @FunctionalInterface
    public interface Runner {
        double run(Loss loss, float[] pred, float[] target, int[] shape, float[] grad, float weight, boolean accumulate);
    }

    /**
     * Runs edge cases through one implementation (the CPU fast path, the CUDA kernels) against the
     * reference and collects the disagreements, so that a test reports all of them at once.
     */
    public static final class Checker {
        private final Runner runner;
        private final List<String> failures = new ArrayList<>();
        private int runs;

        public Checker(Runner runner) {
            this.runner = runner;
        }

        /**
         * Both modes for one input: writing into a gradient filled with NaN, and accumulating with
         * a weight ≠ 1 onto values of the gradient's own size. {@code kink}: gradient elements
         * left out as next to a sign's kink (null: none); {@code noise}: the exact gradient is 0,
         * so compare the value and bound the gradient.
         */
        public void check(Loss loss, String inputs, int[] shape, float[] pred, float[] target, boolean[] kink, boolean noise) {
            String what = loss.name() + " " + Arrays.toString(shape) + " " + inputs;
            Loss.Reference ref = loss.reference(toDouble(pred), toDouble(target), shape);
            int n = pred.length;
            double bound = noiseBound(shape);
            if (noise) {
                String err = referenceNotNoise(ref, bound);
                if (err != null) failures.add(what + ": " + err);
            }

            runs++;
            float[] grad = filled(n, Float.NaN);
            double value = runner.run(loss, pred, target, shape, grad, 1f, false);
            compare(what + ", write", ref, value, grad, kink, noise, bound);

            runs++;
            double m = startScale(ref, noise);
            Rng rng = new Rng(runs);
            float weight = WEIGHTS[runs % WEIGHTS.length];
            float[] before = each(n, i -> m * (2 * rng.nextDouble() - 1));
            grad = before.clone();
            value = runner.run(loss, pred, target, shape, grad, weight, true);
            float[] added = new float[n];
            for (int i = 0; i < n; i++) added[i] = (float) (((double) grad[i] - before[i]) / weight);
            // what accumulating adds is known to the float rounding of the sum, |before| ~ max|grad|
            compare(what + ", accumulate ×" + weight, ref, value, added, kink, noise, bound + 2e-7 * m);
        }

        /** Records a disagreement of (value, grad) with the reference, if any. */
        public void compare(String what, Loss.Reference ref, double value, float[] grad, boolean[] kink, boolean noise, double bound) {
            String err = EdgeCases.compare(ref, value, kink == null ? grad : outsideKinks(grad, kink, ref), noise, bound);
            if (err != null) failures.add(what + ": " + err);
        }

        public List<String> failures() {
            return failures;
        }

        public void assertNoFailures() {
            if (!failures.isEmpty()) {
                fail(failures.size() + " of " + runs + " runs disagree with the reference:\n  "
                        + String.join("\n  ", failures.subList(0, Math.min(25, failures.size()))));
            }
        }
    }
}
