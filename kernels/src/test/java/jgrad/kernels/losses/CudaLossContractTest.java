package jgrad.kernels.losses;

import jgrad.core.Rng;
import jgrad.kernels.cuda.Cuda;
import jgrad.kernels.cuda.CudaBuffer;
import jgrad.kernels.cuda.DeviceAllocator;
import jgrad.kernels.cuda.Memcpy;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.stream.Stream;

import static jgrad.losses.LossInputs.extremes;
import static jgrad.losses.LossInputs.filled;
import static jgrad.losses.LossInputs.fit;
import static jgrad.losses.LossInputs.logits;
import static jgrad.losses.LossInputs.mismatch;
import static jgrad.losses.LossInputs.numel;
import static jgrad.losses.LossInputs.toDouble;
import static jgrad.losses.LossInputs.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every registered loss on the GPU against its double-precision reference: odd sizes and sizes
 * that cross the 32×32 tiles, extreme inputs, a single pixel, more image planes than a grid's z
 * extent, weight and accumulate, and bitwise repeatability. Runs over {@link Losses#names()}.
 */
@Tag("cuda")
class CudaLossContractTest {
    @BeforeEach
    void needsCuda() {
        assumeTrue(Cuda.available(), Cuda.unavailableReason());
    }

    static Stream<String> losses() {
        return Losses.names().stream();
    }

    record GpuResult(float value, float[] grad) {}

    /** One forward + backward on the device; grad starts as {@code initialGrad}. */
    static GpuResult run(Loss loss, float[] pred, float[] target, int[] shape, float weight, boolean accumulate, float[] initialGrad) {
        DeviceAllocator alloc = Cuda.context().allocator();
        long bytes = 4L * pred.length;
        try (CudaBuffer p = alloc.allocate(bytes); CudaBuffer t = alloc.allocate(bytes); CudaBuffer g = alloc.allocate(bytes);
             CudaBuffer v = alloc.allocate(4)) {
            Memcpy.toDevice(pred, p);
            Memcpy.toDevice(target, t);
            Memcpy.toDevice(initialGrad, g);
            Memcpy.toDevice(new float[]{Float.NaN}, v);
            CudaLosses.shared().forwardBackward(loss, p.address(), t.address(), g.address(), shape, weight, accumulate, v.address());
            Cuda.context().synchronize();
            float[] grad = new float[pred.length], value = new float[1];
            Memcpy.toHost(g, grad);
            Memcpy.toHost(v, value);
            return new GpuResult(value[0], grad);
        }
    }

    /** Write mode into a gradient array filled with NaN: every element must be overwritten. */
    static GpuResult run(Loss loss, float[] pred, float[] target, int[] shape) {
        return run(loss, pred, target, shape, 1f, false, filled(pred.length, Float.NaN));
    }

    static void assertMatchesReference(String what, Loss loss, float[] pred, float[] target, int[] shape) {
        GpuResult r = run(loss, pred, target, shape);
        String err = mismatch(loss.reference(toDouble(pred), toDouble(target), shape), r.value(), r.grad());
        if (err != null) fail(what + " " + Arrays.toString(shape) + ": " + err);
    }

    @ParameterizedTest
    @MethodSource("losses")
    void matchesReferenceOnOddAndTileCrossingSizes(String name) {
        Loss loss = Losses.get(name);
        Rng rng = new Rng(5);
        for (int[] s : new int[][]{{2, 1, 7, 9}, {3, 2, 33, 17}, {2, 1, 70, 45}, {1, 3, 65, 97}}) {
            int[] shape = fit(loss, s);
            float[] pred = logits(rng, numel(shape), 2), target = uniform(rng, numel(shape));
            assertMatchesReference(name, loss, pred, target, shape);
        }
    }

    @ParameterizedTest
    @MethodSource("losses")
    void smallestImagesTheLossAllows(String name) {
        Loss loss = Losses.get(name);
        Rng rng = new Rng(8);
        int m = loss.minSize();
        for (int[] shape : new int[][]{{2, 1, m, m}, {1, 2, m, m + 1}, {3, 1, m + 1, m}}) {
            assertMatchesReference(name, loss, logits(rng, numel(shape), 2), uniform(rng, numel(shape)), shape);
        }
    }

    @ParameterizedTest
    @MethodSource("losses")
    void extremeInputs(String name) {
        Loss loss = Losses.get(name);
        int[] shape = fit(loss, 2, 1, 7, 9);
        for (var e : extremes(shape).entrySet()) {
            String what = name + ", " + e.getKey();
            float[] pred = e.getValue()[0], target = e.getValue()[1];
            Loss.Reference ref = loss.reference(toDouble(pred), toDouble(target), shape);
            GpuResult r = run(loss, pred, target, shape);
            assertTrue(Float.isFinite(r.value()), what + ": value " + r.value());
            for (int i = 0; i < r.grad().length; i++) assertTrue(Float.isFinite(r.grad()[i]), what + ": gradient[" + i + "] = " + r.grad()[i]);
            if (e.getKey().startsWith("identical")) {
                // σ in float and the float target differ by rounding, so sign-type gradients sit
                // at their kink and SSIM's gradient is rounding noise around 0: values only
                assertEquals(ref.value(), r.value(), 1e-5 + 1e-4 * Math.abs(ref.value()), what);
            } else {
                String err = mismatch(ref, r.value(), r.grad());
                if (err != null) fail(what + ": " + err);
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
            assertMatchesReference(name + " single pixel", loss, pred, target, shape);
        } else {
            var ex = assertThrows(IllegalArgumentException.class, () -> run(loss, pred, target, shape));
            assertTrue(ex.getMessage().startsWith(name + ":"), ex.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("losses")
    void morePlanesThanTheGridHolds(String name) {
        // 70 000 planes: past the 65 535 blocks of a grid's z extent (tiled kernels loop over planes)
        // and past 2048 groups (per-image losses then use one block per image)
        Loss loss = Losses.get(name);
        int m = Math.max(2, loss.minSize());
        int[] shape = {70_000, 1, m, m};
        Rng rng = new Rng(13);
        assertMatchesReference(name, loss, logits(rng, numel(shape), 2), uniform(rng, numel(shape)), shape);
    }

    @ParameterizedTest
    @MethodSource("losses")
    void weightScalesAndAccumulateAdds(String name) {
        Loss loss = Losses.get(name);
        int[] shape = fit(loss, 2, 3, 20, 37);
        Rng rng = new Rng(17);
        int n = numel(shape);
        float[] pred = logits(rng, n, 2), target = uniform(rng, n), start = logits(rng, n, 1);
        Loss.Reference ref = loss.reference(toDouble(pred), toDouble(target), shape);
        float w = 0.37f;
        GpuResult written = run(loss, pred, target, shape, w, false, filled(n, Float.NaN));
        GpuResult added = run(loss, pred, target, shape, w, true, start);
        double[] expectWritten = new double[n], expectAdded = new double[n];
        for (int i = 0; i < n; i++) {
            expectWritten[i] = w * ref.grad()[i];
            expectAdded[i] = start[i] + w * ref.grad()[i];
        }
        // the value is L itself, not weighted
        String e1 = mismatch(new Loss.Reference(ref.value(), expectWritten), written.value(), written.grad());
        if (e1 != null) fail(name + " weight " + w + ": " + e1);
        double gmax = Arrays.stream(expectWritten).map(Math::abs).max().orElse(0);
        for (int i = 0; i < n; i++) {
            double tol = 1e-4 * gmax + 1e-3 * Math.abs(w * ref.grad()[i]) + 1e-6 * Math.abs(start[i]);
            assertEquals(expectAdded[i], added.grad()[i], tol, name + " accumulate [" + i + "]");
        }
        assertEquals(written.value(), added.value(), name + ": accumulate changed the value");
    }

    @ParameterizedTest
    @MethodSource("losses")
    void bitwiseRepeatable(String name) {
        Loss loss = Losses.get(name);
        int[] shape = fit(loss, 3, 2, 100, 99);
        Rng rng = new Rng(9);
        float[] pred = logits(rng, numel(shape), 2), target = uniform(rng, numel(shape));
        GpuResult a = run(loss, pred, target, shape);
        // another loss in between: scratch and the ticket counter must be left ready for reuse
        Loss other = Losses.get(name.equals("bce") ? "berhu" : "bce");
        run(other, logits(rng, 5000, 1), uniform(rng, 5000), new int[]{5, 1, 25, 40});
        GpuResult b = run(loss, pred, target, shape);
        assertEquals(Float.floatToRawIntBits(a.value()), Float.floatToRawIntBits(b.value()), name + " value");
        assertArrayEquals(a.grad(), b.grad(), name + " gradient");
    }
}
