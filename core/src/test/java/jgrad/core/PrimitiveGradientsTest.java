package jgrad.core;

import jgrad.core.Functional.PadMode;
import jgrad.core.cpu.Simd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The gradient of every differentiable primitive in core, in every variant a caller can reach
 * (broadcasting on either side, reduced dim subsets with and without keepDim, non-contiguous
 * inputs, odd sizes, the vector path and its scalar tail, each conv2d/pool/resample/pad
 * configuration), checked against central finite differences accumulated in double.
 *
 * <p>One line of {@link #cases()} per variant. Each case also proves that its own tolerance is
 * tight: the same analytic gradient scaled by 1.1, or with its elements in reverse order, must be
 * rejected for every input. Inputs stay away from kinks (ties, 0 for abs and relu, clamp bounds)
 * by more than the finite-difference step.
 *
 * <p>The build runs this class a second time with {@code -Djgrad.simd=false}, so the scalar
 * fallbacks of the vector kernels are checked too.
 */
class PrimitiveGradientsTest {
    /** Step and tolerance: an element passes when |numeric − analytic| ≤ atol + rtol·|numeric|. */
    record Tol(double eps, double atol, double rtol) {}

    /** Smooth ops: a small step keeps the truncation error (≈ ε²·f'''/6) below the rounding noise. */
    static final Tol SMOOTH = new Tol(3e-3, 5e-4, 1e-3);
    /**
     * Ops that are linear (or piecewise linear, away from the pieces' borders) in each input
     * element: the central difference is exact up to rounding, so a larger step shrinks the
     * float32 noise and the tolerance can be an order tighter.
     */
    static final Tol LINEAR = new Tol(1e-2, 1e-4, 5e-4);
    /**
     * Sums of products (matmul, conv2d): affine in each input element with no kinks at all, so
     * the step can be large, which keeps the rounding noise of the many outputs one element feeds
     * small.
     */
    static final Tol PRODUCT = new Tol(0.25, 1e-4, 5e-4);

    record Case(String name, Tol tol, Function<Tensor[], Tensor> f, Tensor[] inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Case> TABLE = new ArrayList<>();

    private static void add(String name, Tol tol, Function<Tensor[], Tensor> f, Tensor... inputs) {
        TABLE.add(new Case(name, tol, f, inputs));
    }

    // ---- inputs ------------------------------------------------------------------------------------

    private static Tensor g(Tensor t) {
        return t.requiresGrad(true);
    }

    private static Tensor randn(long seed, int... shape) {
        return g(Tensor.randn(new Rng(seed), shape));
    }

    /** |x| uniform in [0.2, 1.7] with random signs (or all positive): 0.2 away from 0. */
    private static Tensor awayFromZero(long seed, boolean positive, int... shape) {
        Rng rng = new Rng(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.data.length; i++) {
            float v = 0.2f + 1.5f * rng.nextFloat();
            t.data[i] = positive || rng.nextDouble() < 0.5 ? v : -v;
        }
        return g(t);
    }

    /**
     * phase + 0.25·k for random k in [lo, hi]: values from two grids of phases 0.05 and 0.17 are
     * never closer than 0.08, so maximum/minimum never meet a tie under the step.
     */
    private static Tensor grid(long seed, double phase, int lo, int hi, int... shape) {
        Rng rng = new Rng(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) (phase + 0.25 * (lo + rng.nextInt(hi - lo + 1)));
        return g(t);
    }

    /** A shuffled 0.1·(i − n/2) + 0.03: all distinct by 0.1, so max/min and max pooling have no ties. */
    private static Tensor distinct(long seed, int... shape) {
        int n = Shape.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (0.1 * (i - n / 2) + 0.03);
        new Rng(seed).shuffle(v);
        return g(Tensor.of(v, shape));
    }

    private static int[] p(int a, int b) {
        return new int[]{a, b};
    }

    // ---- the table ---------------------------------------------------------------------------------

    static {
        // elementwise unary: 5×9 = 45 elements run the vector loop and its scalar tail (lanes of 8 or
        // 16); the transposed view goes through the strided forward and a packed backward
        for (UnaryOp op : UnaryOp.values()) {
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.LOG1P;
            Tol tol = op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.RELU ? LINEAR : SMOOTH;
            add(op.opName() + " 5×9", tol, in -> Elementwise.unary(op, in[0]), awayFromZero(10 + op.ordinal(), positive, 5, 9));
            add(op.opName() + " transposed", tol, in -> Elementwise.unary(op, in[0].transpose(0, 1)),
                    awayFromZero(30 + op.ordinal(), positive, 3, 7));
        }

        // elementwise binary: same shape (vector path), both operands broadcast at once, a
        // non-contiguous left operand against a right-aligned row, and a 0-d left operand
        for (BinaryOp op : new BinaryOp[]{BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.POW,
                BinaryOp.MAXIMUM, BinaryOp.MINIMUM}) {
            Tol tol = op == BinaryOp.DIV || op == BinaryOp.POW ? SMOOTH : LINEAR;
            long s = 100 + 10L * op.ordinal();
            // a on phase 0.05, b on phase 0.17, all positive (pow differentiates log a)
            add(op.opName() + " same shape 5×9", tol, in -> Elementwise.binary(op, in[0], in[1]),
                    grid(s, 0.05, 1, 7, 5, 9), grid(s + 1, 0.17, 1, 7, 5, 9));
            add(op.opName() + " both broadcast 3×1 · 1×4", tol, in -> Elementwise.binary(op, in[0], in[1]),
                    grid(s + 2, 0.05, 1, 7, 3, 1), grid(s + 3, 0.17, 1, 7, 1, 4));
            add(op.opName() + " transposed · row", tol, in -> Elementwise.binary(op, in[0].transpose(1, 2), in[1]),
                    grid(s + 4, 0.05, 1, 7, 2, 5, 3), grid(s + 5, 0.17, 1, 7, 5));
            add(op.opName() + " 0-d · sliced", tol, in -> Elementwise.binary(op, in[0], in[1].slice(1, 1, 6, 2)),
                    grid(s + 6, 0.05, 1, 7), grid(s + 7, 0.17, 1, 7, 3, 6));
        }
        add("mul by a float constant", LINEAR, in -> in[0].mul(-1.7f).add(0.3f), randn(150, 4, 5));
        add("rsub, div by a float", SMOOTH, in -> in[0].rsub(2f).div(0.7f), randn(151, 3, 4));

        // clamp (values 0.05 away from the bounds) and where (every operand broadcast)
        add("clamp", LINEAR, in -> in[0].clamp(-0.5f, 0.6f), grid(160, 0.05, -5, 5, 5, 9));
        add("clamp transposed", LINEAR, in -> in[0].transpose(0, 1).clamp(-0.5f, 0.6f), grid(161, 0.05, -5, 5, 4, 3));
        Tensor cond = Tensor.of(new float[]{1, 0, 0, 1, 1, 0, 1, 0}, 2, 1, 4);
        add("where, all broadcast", LINEAR, in -> Tensor.where(cond, in[0], in[1]), randn(162, 3, 1), randn(163, 2, 3, 4));
        add("where, transposed operands", LINEAR, in -> Tensor.where(cond.squeeze(1), in[0].transpose(0, 1), in[1]),
                randn(164, 4, 2), randn(165, 4));

        // reductions: dim subsets with and without keepDim, all dims, negative dims, strided input
        add("sum dims {0,2} keepDim", LINEAR, in -> in[0].sum(new int[]{0, 2}, true), randn(200, 3, 4, 5));
        add("sum dim 1", LINEAR, in -> in[0].sum(1), randn(201, 3, 4, 5));
        add("sum all", LINEAR, in -> in[0].sum(), randn(202, 3, 5));
        add("sum dim -1 of permuted", LINEAR, in -> in[0].permute(2, 0, 1).sum(new int[]{-1}, false), randn(203, 3, 4, 5));
        add("mean dims {1,2}", LINEAR, in -> in[0].mean(new int[]{1, 2}, false), randn(204, 3, 4, 5));
        add("mean all of transposed", LINEAR, in -> in[0].transpose(0, 1).mean(), randn(205, 3, 5));
        add("max dims {0,2}", LINEAR, in -> in[0].max(new int[]{0, 2}, false), distinct(206, 3, 4, 5));
        add("max dim 1 keepDim", LINEAR, in -> in[0].max(new int[]{1}, true), distinct(207, 3, 4, 5));
        add("max all", LINEAR, in -> in[0].max(), distinct(208, 3, 5));
        add("min dims {1} of transposed", LINEAR, in -> in[0].transpose(0, 2).min(new int[]{1}, false), distinct(209, 3, 4, 5));
        add("min all keepDim", LINEAR, in -> in[0].min(new int[]{0, 1}, true), distinct(210, 3, 5));
        add("var unbiased dims {0,2}", SMOOTH, in -> in[0].var(new int[]{0, 2}, 1, false), randn(211, 3, 4, 5));
        add("var population dim 1 keepDim", SMOOTH, in -> in[0].var(new int[]{1}, 0, true), randn(212, 3, 4, 5));

        // views, alone and stacked on non-contiguous inputs
        add("permute", LINEAR, in -> in[0].permute(2, 0, 1), randn(300, 2, 3, 4));
        add("transpose then reshape (copy)", LINEAR, in -> in[0].transpose(0, 2).reshape(4, 6), randn(301, 2, 3, 4));
        add("view and flatten", LINEAR, in -> in[0].view(6, 4).flatten(0, 1), randn(302, 2, 3, 4));
        add("narrow of transposed", LINEAR, in -> in[0].transpose(1, 2).narrow(1, 1, 2), randn(303, 2, 3, 4));
        add("slice step 2 of permuted", LINEAR, in -> in[0].permute(2, 1, 0).slice(0, 1, 5, 2), randn(304, 2, 3, 5));
        add("slice step 3, odd end", LINEAR, in -> in[0].slice(1, 0, 7, 3), randn(305, 2, 7));
        add("expand size-1 and new leading dims", LINEAR, in -> in[0].expand(2, 3, 5), randn(306, 3, 1));
        add("expand of transposed", LINEAR, in -> in[0].transpose(0, 1).expand(4, 3, 2), randn(307, 1, 3));
        add("unsqueeze and squeeze of transposed", LINEAR, in -> in[0].transpose(0, 1).unsqueeze(2).unsqueeze(0).squeeze(-1),
                randn(308, 3, 4));
        add("unsqueeze at the end", LINEAR, in -> in[0].unsqueeze(-1).expand(3, 4, 2), randn(309, 3, 4));
        add("contiguous and copy", LINEAR, in -> in[0].transpose(0, 1).contiguous().mul(in[0].copy().transpose(0, 1)),
                randn(310, 3, 4));

        // matmul: odd sizes past the 8×32 register tile, batch broadcast on either side, strided
        // operands, the vector cases, batches split across threads
        add("matmul 2-d odd", PRODUCT, in -> in[0].matmul(in[1]), randn(400, 3, 5), randn(401, 5, 4));
        add("matmul 17×40 · 40×33", PRODUCT, in -> in[0].matmul(in[1]), randn(402, 17, 40), randn(403, 40, 33));
        add("matmul batch broadcast left", PRODUCT, in -> in[0].matmul(in[1]), randn(404, 2, 1, 3, 4), randn(405, 3, 4, 2));
        add("matmul batch broadcast right", PRODUCT, in -> in[0].matmul(in[1]), randn(406, 3, 2, 4), randn(407, 4, 5));
        add("matmul transposed operands", PRODUCT, in -> in[0].transpose(1, 2).matmul(in[1].transpose(0, 1)),
                randn(408, 2, 5, 3), randn(409, 4, 5));
        add("matmul many small batches", PRODUCT, in -> in[0].matmul(in[1]), randn(410, 5, 2, 3), randn(411, 5, 3, 2));
        add("matmul vector · batched", PRODUCT, in -> in[0].matmul(in[1]), randn(412, 4), randn(413, 2, 4, 3));
        add("matmul batched · vector", PRODUCT, in -> in[0].matmul(in[1]), randn(414, 2, 3, 4), randn(415, 4));
        add("matmul dot", PRODUCT, in -> in[0].matmul(in[1]), randn(416, 7), randn(417, 7));
        add("matmul a·a", SMOOTH, in -> in[0].matmul(in[0]), randn(418, 4, 4));
        add("linear", PRODUCT, in -> Functional.linear(in[0], in[1], in[2]), randn(419, 3, 5), randn(420, 4, 5), randn(421, 4));

        // conv2d: both stride-1 paths (padded wide grid; padding beyond the kernel's reach), general
        // strides, dilation, groups, bias, 1×1 kernels, one (sample, group) task or several
        add("conv2d 3×3 pad 1 bias", PRODUCT, in -> Functional.conv2d(in[0], in[1], in[2], 1, 1),
                randn(500, 2, 3, 5, 6), randn(501, 4, 3, 3, 3), randn(502, 4));
        add("conv2d single task, 3×2 kernel", PRODUCT, in -> Functional.conv2d(in[0], in[1], null, p(1, 1), p(1, 0), p(1, 1), 1),
                randn(503, 1, 2, 5, 6), randn(504, 3, 2, 3, 2));
        add("conv2d 1×1 pad {1,2}", PRODUCT, in -> Functional.conv2d(in[0], in[1], in[2], p(1, 1), p(1, 2), p(1, 1), 1),
                randn(505, 2, 3, 4, 5), randn(506, 2, 3, 1, 1), randn(507, 2));
        add("conv2d stride {2,1} dilation {1,2}", PRODUCT,
                in -> Functional.conv2d(in[0], in[1], in[2], p(2, 1), p(1, 0), p(1, 2), 1),
                randn(508, 2, 2, 7, 8), randn(509, 3, 2, 3, 2), randn(510, 3));
        add("conv2d stride 2 groups 2", PRODUCT, in -> Functional.conv2d(in[0], in[1], in[2], p(2, 2), p(1, 1), p(1, 1), 2),
                randn(511, 1, 4, 7, 6), randn(512, 4, 2, 3, 3), randn(513, 4));
        add("conv2d depthwise dilated", PRODUCT, in -> Functional.conv2d(in[0], in[1], null, p(1, 1), p(2, 2), p(2, 2), 3),
                randn(514, 2, 3, 5, 5), randn(515, 3, 1, 3, 3));
        add("conv2d strided views", PRODUCT,
                in -> Functional.conv2d(in[0].transpose(2, 3), in[1].transpose(2, 3), in[2], p(1, 2), p(0, 1), p(1, 1), 1),
                randn(516, 2, 2, 6, 5), randn(517, 3, 2, 2, 3), randn(518, 3));

        // pooling: stride below, at and above the kernel, padding, odd sizes, 3-d input, strided input
        for (int[] k : new int[][]{{3, 2, 1}, {2, 1, 0}, {2, 3, 0}, {3, 1, 1}, {2, 2, 1}}) {
            String cfg = " k" + k[0] + " s" + k[1] + " p" + k[2];
            add("maxPool2d" + cfg, LINEAR, in -> Functional.maxPool2d(in[0], k[0], k[1], k[2]), distinct(600 + k[0] * 10 + k[1], 2, 2, 5, 7));
            add("avgPool2d" + cfg, LINEAR, in -> Functional.avgPool2d(in[0], k[0], k[1], k[2]), randn(650 + k[0] * 10 + k[1], 2, 2, 5, 7));
        }
        add("maxPool2d 3-d transposed", LINEAR, in -> Functional.maxPool2d(in[0].transpose(1, 2), 2, 2, 1), distinct(690, 3, 5, 4));
        add("avgPool2d 3-d transposed", LINEAR, in -> Functional.avgPool2d(in[0].transpose(1, 2), 3, 2, 1), randn(691, 3, 5, 4));

        // resampling: bilinear with both align_corners up, down, to one pixel; nearest; pixel shuffle
        for (boolean ac : new boolean[]{false, true}) {
            String a = " align_corners=" + ac;
            add("bilinear up 3×4→7×9" + a, LINEAR, in -> Functional.upsampleBilinear(in[0], 7, 9, ac), randn(700, 2, 2, 3, 4));
            add("bilinear down 5×7→2×3" + a, LINEAR, in -> Functional.upsampleBilinear(in[0], 2, 3, ac), randn(701, 1, 2, 5, 7));
            add("bilinear to 1×5" + a, LINEAR, in -> Functional.upsampleBilinear(in[0], 1, 5, ac), randn(702, 1, 1, 3, 4));
            add("bilinear 3-d transposed" + a, LINEAR, in -> Functional.upsampleBilinear(in[0].transpose(1, 2), 6, 5, ac),
                    randn(703, 2, 4, 3));
        }
        add("nearest up 2×3→5×7", LINEAR, in -> Functional.upsampleNearest(in[0], 5, 7), randn(710, 2, 2, 2, 3));
        add("nearest down 5×7→3×2", LINEAR, in -> Functional.upsampleNearest(in[0], 3, 2), randn(711, 1, 2, 5, 7));
        add("nearest 3-d transposed", LINEAR, in -> Functional.upsampleNearest(in[0].transpose(1, 2), 4, 7), randn(712, 2, 3, 2));
        add("pixelShuffle r=2", LINEAR, in -> Functional.pixelShuffle(in[0], 2), randn(720, 2, 8, 2, 3));
        add("pixelShuffle r=3 3-d", LINEAR, in -> Functional.pixelShuffle(in[0], 3), randn(721, 9, 2, 3));
        add("pixelShuffle transposed", LINEAR, in -> Functional.pixelShuffle(in[0].transpose(2, 3), 2), randn(722, 1, 4, 3, 2));

        // padding: every mode on the last dim only, on two dims, on three, from a strided input
        for (PadMode m : PadMode.values()) {
            add("pad " + m + " last dim", LINEAR, in -> Functional.pad(in[0], new int[]{2, 3}, m), randn(800, 2, 3, 4));
            add("pad " + m + " two dims", LINEAR, in -> Functional.pad(in[0], new int[]{1, 2, 2, 1}, m), randn(801, 2, 2, 3, 4));
            add("pad " + m + " three dims", LINEAR, in -> Functional.pad(in[0], new int[]{0, 1, 1, 0, 2, 1}, m), randn(802, 1, 3, 3, 4));
            add("pad " + m + " transposed", LINEAR, in -> Functional.pad(in[0].transpose(1, 2), new int[]{1, 2, 3, 1}, m),
                    randn(803, 2, 5, 4));
        }

        // batch norm: training (statistics depend on x) on N×C×H×W, N×C×L, N×C, strided, without
        // affine, with running statistics being updated; eval (statistics constant)
        add("batchNorm train 4-d", SMOOTH, in -> Functional.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5),
                randn(900, 2, 3, 3, 4), awayFromZero(901, true, 3), randn(902, 3));
        add("batchNorm train 3-d", SMOOTH, in -> Functional.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5),
                randn(903, 4, 2, 5), awayFromZero(904, false, 2), randn(905, 2));
        add("batchNorm train 2-d", SMOOTH, in -> Functional.batchNorm(in[0], null, null, in[1], null, true, 0.1, 1e-5),
                randn(906, 6, 3), awayFromZero(907, true, 3));
        add("batchNorm train transposed, no affine", SMOOTH,
                in -> Functional.batchNorm(in[0].transpose(2, 3), null, null, null, null, true, 0.1, 1e-5), randn(908, 3, 2, 4, 3));
        Tensor rm = Tensor.zeros(3), rv = Tensor.ones(3);
        add("batchNorm train with running stats", SMOOTH, in -> Functional.batchNorm(in[0], rm, rv, in[1], in[2], true, 0.1, 1e-5),
                randn(909, 3, 3, 2, 2), awayFromZero(910, false, 3), randn(911, 3));
        Tensor em = Tensor.randn(new Rng(912), 3), ev = Tensor.rand(new Rng(913), 3).add(0.5f);
        add("batchNorm eval", LINEAR, in -> Functional.batchNorm(in[0], em, ev, in[1], in[2], false, 0.1, 1e-5),
                randn(914, 2, 3, 2, 3), randn(915, 3), randn(916, 3));

        // dropout with a fixed mask (a fresh generator with the same seed per call); 3×17 runs the
        // vector mask loop and its tail
        add("dropout p=0.3", LINEAR, in -> Functional.dropout(in[0], 0.3, true, new Rng(7)), randn(950, 3, 17));
        add("dropout transposed p=0.6", LINEAR, in -> Functional.dropout(in[0].transpose(0, 1), 0.6, true, new Rng(8)), randn(951, 5, 4));

        // joining and splitting
        add("cat dim 1 with a repeated input", LINEAR, in -> Tensor.cat(1, in[0], in[1], in[0]), randn(1000, 2, 3, 4), randn(1001, 2, 1, 4));
        add("cat last dim of transposed", LINEAR, in -> Tensor.cat(-1, in[0].transpose(0, 1), in[1]), randn(1002, 3, 2), randn(1003, 2, 5));
        add("stack dim -1", LINEAR, in -> Tensor.stack(-1, in[0], in[1].transpose(0, 1)), randn(1004, 2, 3), randn(1005, 3, 2));
        add("split uneven, reordered", LINEAR, in -> {
            Tensor[] s = in[0].split(3, 1);
            return Tensor.cat(1, s[2], s[0].mul(2f), s[1]);
        }, randn(1006, 3, 8));
    }

    static Stream<Arguments> cases() {
        return TABLE.stream().map(c -> Arguments.of(c.name(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferencesAndAWrongOneFails(String name, Case c) {
        GradCheck.Gradients gr = GradCheck.gradients(c.f(), c.tol().eps(), c.inputs());
        double[][] num = gr.numeric();
        float[][] ana = gr.analytic();
        GradCheck.Result ok = GradCheck.compare(num, ana, c.tol().atol(), c.tol().rtol(), c.inputs());
        assertTrue(ok.passed(), name + ": " + ok);
        for (int k = 0; k < ana.length; k++) {
            if (ana[k] == null) continue;
            float[][] wrong = ana.clone();
            wrong[k] = scaled(ana[k], 1.1f);
            GradCheck.Result r = GradCheck.compare(num, wrong, c.tol().atol(), c.tol().rtol(), c.inputs());
            assertFalse(r.passed(), name + ": input " + k + "'s gradient scaled by 1.1 still passes: " + r);
            // an index mix-up: the gradient in reverse order (skipped where it reads the same
            // backwards, as a one-element input's does)
            wrong[k] = reversed(ana[k]);
            double[][] self = new double[ana.length][];
            self[k] = toDouble(ana[k]);
            if (GradCheck.compare(self, wrong, c.tol().atol(), c.tol().rtol(), c.inputs()).passed()) continue;
            r = GradCheck.compare(num, wrong, c.tol().atol(), c.tol().rtol(), c.inputs());
            assertFalse(r.passed(), name + ": input " + k + "'s gradient in reverse order still passes: " + r);
        }
    }

    private static float[] scaled(float[] a, float f) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i] * f;
        return r;
    }

    private static double[] toDouble(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    private static float[] reversed(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[a.length - 1 - i];
        return r;
    }

    // ---- the multi-threaded backward loops ----------------------------------------------------------

    /**
     * The table's tensors are too small for the backward loops to split across threads (they split
     * above 2¹⁵ elements or many planes). Here x holds 3,000 independent planes, enough to split, and
     * each of three planes' gradients must equal that plane's gradient computed on its own (where
     * the table's checks apply).
     */
    private static void assertSplitMatchesOnePlane(String name, Function<Tensor, Tensor> f, int... shape) {
        Tensor x = Tensor.randn(new Rng(5), shape).requiresGrad(true);
        Tensor y = f.apply(x);
        Tensor w = Tensor.randn(new Rng(6), y.dims());
        y.backward(w);
        float[] all = x.grad().toArray();
        int planes = shape[0], per = all.length / planes;
        for (int p : new int[]{0, planes / 2, planes - 1}) {
            Tensor xp = x.detach().narrow(0, p, 1).copy().requiresGrad(true);
            f.apply(xp).backward(w.narrow(0, p, 1).copy());
            float[] one = xp.grad().toArray();
            for (int i = 0; i < per; i++) {
                assertEquals(one[i], all[p * per + i], 1e-5 * (1 + Math.abs(one[i])), name + ": plane " + p + ", element " + i);
            }
        }
    }

    @Test
    void backwardSplitAcrossThreadsMatchesOnePlaneAtATime() {
        int n = 3000;
        assertSplitMatchesOnePlane("tanh", Tensor::tanh, n, 5, 7);
        assertSplitMatchesOnePlane("log1p of strided", t -> t.abs().transpose(1, 2).log1p(), n, 5, 7);
        assertSplitMatchesOnePlane("softmax", t -> t.sub(t.max(new int[]{2}, true)).exp().div(t.exp().sum(new int[]{2}, true)), n, 5, 7);
        assertSplitMatchesOnePlane("maxPool2d", t -> Functional.maxPool2d(t, 3, 2, 1), n, 1, 5, 7);
        assertSplitMatchesOnePlane("avgPool2d", t -> Functional.avgPool2d(t, 3, 2, 1), n, 1, 5, 7);
        assertSplitMatchesOnePlane("bilinear", t -> Functional.upsampleBilinear(t, 7, 9, false), n, 1, 5, 7);
        assertSplitMatchesOnePlane("nearest", t -> Functional.upsampleNearest(t, 7, 9), n, 1, 5, 7);
        assertSplitMatchesOnePlane("pixelShuffle", t -> Functional.pixelShuffle(t, 2), n, 4, 3, 5);
        assertSplitMatchesOnePlane("pad reflect", t -> Functional.pad(t, new int[]{2, 1, 1, 3}, PadMode.REFLECT), n, 1, 5, 7);
        assertSplitMatchesOnePlane("pad replicate last dim", t -> Functional.pad(t, new int[]{2, 1}, PadMode.REPLICATE), n, 5, 7);
        Tensor k = Tensor.randn(new Rng(9), 2, 1, 3, 3);
        assertSplitMatchesOnePlane("conv2d stride 2", t -> Functional.conv2d(t, k, null, 2, 1), n, 1, 5, 7);
        assertSplitMatchesOnePlane("conv2d stride 1", t -> Functional.conv2d(t, k, null, 1, 1), n, 1, 5, 7);
        assertSplitMatchesOnePlane("matmul", t -> t.matmul(Tensor.randn(new Rng(3), 7, 4)), n, 5, 7);
        assertSplitMatchesOnePlane("batchNorm eval",
                t -> Functional.batchNorm(t, Tensor.zeros(5), Tensor.ones(5), Tensor.full(2f, 5), null, false, 0.1, 1e-5), n, 5, 7);
    }

    // ---- kinks, which finite differences cannot see: the subgradients PyTorch picks --------------

    private static float[] gradOf(Tensor x, Function<Tensor, Tensor> f, float[] weights) {
        x.zeroGrad();
        Tensor y = f.apply(x);
        y.backward(Tensor.of(weights, y.dims()));
        return x.grad().toArray();
    }

    @Test
    void tiedMaximaAndMinimaShareTheGradient() {
        Tensor a = Tensor.of(new float[]{1, 2, 5}, 3).requiresGrad(true), b = Tensor.of(new float[]{1, 3, 4}, 3).requiresGrad(true);
        a.minimum(b).backward(Tensor.of(new float[]{2, 3, 4}, 3));
        assertArrayEquals(new float[]{1, 3, 0}, a.grad().toArray());
        assertArrayEquals(new float[]{1, 0, 4}, b.grad().toArray());
        a.zeroGrad();
        b.zeroGrad();
        a.maximum(b).backward(Tensor.of(new float[]{2, 3, 4}, 3));
        assertArrayEquals(new float[]{1, 0, 4}, a.grad().toArray());
        assertArrayEquals(new float[]{1, 3, 0}, b.grad().toArray());
        // per slice: row 0 of min over dim 1 has a two-way tie, row 1 none
        Tensor x = Tensor.of(new float[]{2, 1, 1, 3, 0, 4}, 2, 3).requiresGrad(true);
        assertArrayEquals(new float[]{0, 1, 1, 0, 3, 0}, gradOf(x, t -> t.min(new int[]{1}, false), new float[]{2, 3}));
        // max over dim 0 with keepDim: column 0 tied, column 1 not; a three-way tie over all dims
        Tensor z = Tensor.of(new float[]{5, 1, 5, 2}, 2, 2).requiresGrad(true);
        assertArrayEquals(new float[]{0.5f, 0, 0.5f, 4}, gradOf(z, t -> t.max(new int[]{0}, true), new float[]{1, 4}));
        Tensor v = Tensor.of(new float[]{7, 1, 7, 7}, 4).requiresGrad(true);
        assertArrayEquals(new float[]{1, 0, 1, 1}, gradOf(v, Tensor::max, new float[]{3}));
    }

    @Test
    void clampPassesTheGradientAtItsBounds() {
        // as torch.clamp: the gradient flows where min ≤ x ≤ max, bounds included
        Tensor x = Tensor.of(new float[]{-2, -1, -0.5f, 1, 3}, 5).requiresGrad(true);
        assertArrayEquals(new float[]{0, 2, 3, 4, 0}, gradOf(x, t -> t.clamp(-1, 1), new float[]{1, 2, 3, 4, 5}));
    }

    @Test
    void reluAndAbsHaveZeroSlopeAtZeroOnBothPaths() {
        // 37 elements: vector lanes and the scalar tail both see x = 0
        float[] w = new float[37];
        java.util.Arrays.fill(w, 1f);
        Tensor x = Tensor.zeros(37).requiresGrad(true);
        assertArrayEquals(new float[37], gradOf(x, Tensor::relu, w));
        assertArrayEquals(new float[37], gradOf(x, Tensor::abs, w));
    }

    @Test
    void absHasZeroSlopeAtNaNOnBothPaths() {
        // torch: ∂|x| = g·sgn(x) and sgn(NaN) = 0; the vector lanes gave 0, the scalar loop NaN
        float[] w = new float[37];
        java.util.Arrays.fill(w, 1f);
        Tensor x = Tensor.full(Float.NaN, 37).requiresGrad(true);
        assertArrayEquals(new float[37], gradOf(x, Tensor::abs, w));
        Tensor one = Tensor.of(new float[]{Float.NaN}, 1).requiresGrad(true);
        assertArrayEquals(new float[1], gradOf(one, Tensor::abs, new float[]{1}));
    }

    @Test
    void simdSwitchIsTheOneThisRunAsksFor() {
        // the scalar run sets -Djgrad.simd=false; the default run has the Vector API module
        assertEquals(!"false".equals(System.getProperty("jgrad.simd")), Simd.VECTOR);
    }
}
