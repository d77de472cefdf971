package jgrad.kernels.losses;

import jgrad.core.Rng;
import jgrad.kernels.cuda.Cuda;
import jgrad.losses.EdgeCases;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static jgrad.kernels.losses.CudaLossContractTest.run;
import static jgrad.losses.EdgeCases.*;
import static jgrad.losses.LossInputs.filled;
import static jgrad.losses.LossInputs.mismatch;
import static jgrad.losses.LossInputs.numel;
import static jgrad.losses.LossInputs.toDouble;
import static jgrad.losses.LossInputs.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CPU edge-case grids ({@link EdgeCases}: GradLossEdgeTest's and LossEdgeTest's shapes and
 * inputs) through the CUDA kernels, against the double-precision reference with the contract
 * tests' tolerance ({@link jgrad.losses.LossInputs#mismatch}). The grad shapes were chosen around
 * the CPU path's blocks and strips; on the device they are simply heights 1 to 5, tall and wide
 * planes, 1 to 9 planes, widths 1 to 6000, crossing the 32×32 tiles in many ways. Every case runs
 * twice: writing into a gradient filled with NaN (every element must be overwritten), and
 * accumulating with a weight ≠ 1 onto values of the gradient's own size. The allowances are the
 * CPU tests': the gradient loss's elements next to a sign's kink are left out
 * ({@link EdgeCases#nearKink}), and SSIM's gradient at identical images is only bounded as
 * rounding noise ({@link EdgeCases#compare}). Weighted sums without a CUDA kernel are left out.
 */
@Tag("cuda")
class CudaLossEdgeTest {
    @BeforeEach
    void needsCuda() {
        assumeTrue(Cuda.available(), Cuda.unavailableReason());
    }

    /** The device: the gradient it starts from is the one given, its result is copied back into it. */
    private final Checker checker = new Checker((loss, pred, target, shape, grad, weight, accumulate) -> {
        CudaLossContractTest.GpuResult r = run(loss, pred, target, shape, weight, accumulate, grad);
        System.arraycopy(r.grad(), 0, grad, 0, grad.length);
        return r.value();
    });

    // ---- grad ------------------------------------------------------------------------------------

    /** Every grid shape of GradLossEdgeTest on random inputs (seeded as there). */
    @Test
    void gradOnTheCpuBlockAndStripGrids() {
        Loss grad = Losses.get("grad");
        List<int[]> shapes = new ArrayList<>(gradSmallHeights());
        shapes.addAll(gradAroundBlocks());
        shapes.addAll(gradStrips());
        shapes.addAll(gradBands().shapes());
        int seed = 0;
        for (int[] shape : shapes) {
            float[][] in = gradRandom(new Rng(1000 + seed++), shape);
            boolean[] kink = nearKink(in[0], in[1], shape);
            int skipped = 0;
            for (boolean k : kink) if (k) skipped++;
            assertTrue(skipped <= kinkAllowance(numel(shape)), Arrays.toString(shape) + ": " + skipped + " elements next to a kink");
            checker.check(grad, "random", shape, in[0], in[1], kink, false);
        }
        checker.assertNoFailures();
    }

    @Test
    void gradOnExtremeInputs() {
        Loss grad = Losses.get("grad");
        for (int[] shape : GRAD_EXTREME_SHAPES) {
            int n = numel(shape);
            Rng rng = new Rng(77);
            float[][] noise = gradExtremes(shape, rng,
                    (what, pred, target) -> checker.check(grad, what, shape, pred, target, nearKink(pred, target, shape), false));
            String at = Arrays.toString(shape);

            // constant images: every sign is 0, so the gradient is exactly 0 (and accumulating adds exactly 0)
            var written = run(grad, filled(n, -1.5f), filled(n, 0.9f), shape);
            assertEquals(0f, written.value(), 0f, at);
            for (float g : written.grad()) assertEquals(0f, g, 0f, at);
            float[] before = uniform(rng, n);
            var added = run(grad, filled(n, -1.5f), filled(n, 0.9f), shape, 2f, true, before);
            for (int i = 0; i < n; i++) assertEquals(before[i], added.grad()[i], 0f, at);

            // target = σ(pred) up to rounding: the value is that noise's size, the gradient finite and within its bound
            float[] x = noise[0], same = noise[1];
            Loss.Reference ref = grad.reference(toDouble(x), toDouble(same), shape);
            var r = run(grad, x, same, shape);
            assertEquals(ref.value(), r.value(), 1e-5 + 1e-4 * Math.abs(ref.value()), at);
            assertTrue(r.value() < 1e-6, at + " " + r.value());
            double bound = gradBound(n);
            for (float g : r.grad()) assertTrue(Float.isFinite(g) && Math.abs(g) <= bound, at + " " + g);
        }
        checker.assertNoFailures();
    }

    // ---- the other losses ------------------------------------------------------------------------

    private void grid(Loss loss, int[] shape) {
        for (Input in : EdgeCases.grid(loss, shape)) checker.check(loss, in.name(), shape, in.pred(), in.target(), null, in.noise());
    }

    @Test
    void elementwiseAndOverlapLossesOnTheGrid() {
        for (String name : ELEMENTWISE) {
            Loss loss = Losses.get(name);
            for (int[] shape : elementwiseShapes()) grid(loss, shape);
        }
        checker.assertNoFailures();
    }

    @Test
    void weightedSumsWithKernelsOnTheGrid() {
        for (Loss loss : weightedSums()) {
            if (!CudaLosses.supports(loss)) continue;
            for (int[] shape : WEIGHTED_SUM_SHAPES) grid(loss, shape);
        }
        checker.assertNoFailures();
    }

    @Test
    void ssimAtAndAroundItsSmallestSizes() {
        Loss a = Losses.get("ssim-a"), b = Losses.get("ssim-b");
        for (int[] shape : SSIM_A_SHAPES) grid(a, shape);
        for (int[] shape : SSIM_B_SHAPES) grid(b, shape);
        checker.assertNoFailures();
        for (int[] hw : new int[][]{{10, 11}, {11, 10}}) assertRejected(a, hw[0], hw[1]);
        for (int[] hw : new int[][]{{5, 6}, {6, 5}, {5, 33}}) assertRejected(b, hw[0], hw[1]);
    }

    private static void assertRejected(Loss loss, int h, int w) {
        int[] shape = {2, 1, h, w};
        int n = numel(shape);
        var ex = assertThrows(IllegalArgumentException.class, () -> run(loss, new float[n], new float[n], shape));
        assertTrue(ex.getMessage().startsWith(loss.name() + ":"), ex.getMessage());
    }
}
