package jgrad.core;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Finite-difference gradient checker for any function of tensors.
 *
 * <p>The function's output is reduced to the scalar L = Σ w·f(x) with fixed random weights w (so
 * every output element counts, with distinct weights). The analytic gradient is
 * {@code f(x).backward(w)}; the numeric one is the central difference
 * (L(x + ε) − L(x − ε)) / 2ε per input element, with L accumulated in double. An element passes
 * when |numeric − analytic| ≤ atol + rtol·|numeric|. Inputs may live on any device (all on one).
 *
 * <p>Let f return its tensor as it is, not a scalar made from it ({@code .square().sum()}): the
 * forward runs in float32, so a large scalar carries a rounding error of about 6e-8·|L|, which the
 * central difference divides by 2ε; at |L| = 400 that is ±0.01 per element, more than the default
 * atol, and correct derivatives fail.
 *
 * <pre>
 *   GradCheck.assertGradients(in -&gt; in[0].sigmoid().mul(in[1]), x, y);
 * </pre>
 */
public final class GradCheck {
    /** Default step: the forward runs in float32, so ε balances truncation against rounding error. */
    public static final double EPS = 1e-3;
    public static final double ATOL = 1e-3;
    public static final double RTOL = 1e-2;

    /**
     * Outcome of a check: whether every element passed, the largest |numeric − analytic|, and the
     * worst element, the one furthest outside its tolerance (error / (atol + rtol·|numeric|)
     * largest), so that a failed check names an element that failed.
     */
    public record Result(boolean passed, double maxAbsError, String worst, int checked) {
        @Override
        public String toString() {
            return (passed ? "passed" : "FAILED") + " (" + checked + " elements, max |error| " + maxAbsError
                    + (worst == null ? "" : ", worst at " + worst) + ")";
        }
    }

    private GradCheck() {}

    /** Checks with the default tolerances; throws AssertionError naming the worst element on failure. */
    public static void assertGradients(Function<Tensor[], Tensor> f, Tensor... inputs) {
        assertGradients(f, EPS, ATOL, RTOL, inputs);
    }

    public static void assertGradients(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        Result r = check(f, eps, atol, rtol, inputs);
        if (!r.passed()) throw new AssertionError("gradient check " + r);
    }

    /**
     * The two gradients of one check, per input that requires a gradient (null for the others),
     * each in the input's row-major order: {@code numeric} by central differences with L in
     * double, {@code analytic} from {@code backward}. Tests that probe how tight a check is compare
     * them (or deliberately wrong variants of {@code analytic}) with {@link #compare}.
     */
    public record Gradients(double[][] numeric, float[][] analytic) {}

    /**
     * Compares analytic and numeric gradients of f for every input with requiresGrad set. The
     * inputs must be leaf tensors; they are perturbed in place and restored.
     */
    public static Result check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        Gradients g = gradients(f, eps, inputs);
        return compare(g.numeric(), g.analytic(), atol, rtol, inputs);
    }

    /** Both gradients of f (see {@link Gradients}); the inputs must be leaf tensors, perturbed in place and restored. */
    public static Gradients gradients(Function<Tensor[], Tensor> f, double eps, Tensor... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (!inputs[i].isLeaf()) throw new IllegalArgumentException("GradCheck: input " + i + " is not a leaf tensor");
            inputs[i].zeroGrad();
        }
        Tensor out = f.apply(inputs);
        Rng rng = new Rng(1234);
        Tensor w = Tensor.zeros(out.dims());
        for (int i = 0; i < w.data.length; i++) w.data[i] = (float) (0.5 + rng.nextDouble()) * (rng.nextDouble() < 0.5 ? -1 : 1);
        if (!out.requiresGrad()) throw new IllegalArgumentException("GradCheck: the output does not depend on any input that requires grad");
        out.backward(out.isCpu() ? w : w.to(out.device()));

        double[][] numeric = new double[inputs.length][];
        float[][] analytic = new float[inputs.length][];
        for (int k = 0; k < inputs.length; k++) {
            Tensor in = inputs[k];
            if (!in.requiresGrad()) continue;
            analytic[k] = in.grad() == null ? new float[in.numel()] : in.grad().toArray();
            double[] num = numeric[k] = new double[in.numel()];
            int[] idx = new int[in.rank()];
            for (int e = 0; e < num.length; e++) {
                int p = in.offset;
                for (int d = 0; d < idx.length; d++) p += idx[d] * in.strides[d];
                float orig = in.isCpu() ? in.data[p] : in.get(idx);
                perturb(in, p, idx, (float) (orig + eps));
                double plus = weighted(f, inputs, w);
                perturb(in, p, idx, (float) (orig - eps));
                double minus = weighted(f, inputs, w);
                perturb(in, p, idx, orig);
                // the step actually taken in float32
                double h = ((double) (float) (orig + eps) - (double) (float) (orig - eps));
                num[e] = (plus - minus) / h;
                for (int d = idx.length - 1; d >= 0; d--) {
                    if (++idx[d] < in.shape[d]) break;
                    idx[d] = 0;
                }
            }
        }
        return new Gradients(numeric, analytic);
    }

    /**
     * Element by element, |numeric − analytic| ≤ atol + rtol·|numeric| for every input that has
     * both (inputs only name the elements in the report).
     */
    public static Result compare(double[][] numeric, float[][] analytic, double atol, double rtol, Tensor... inputs) {
        double maxErr = 0, worstRatio = 0;
        String worst = null;
        boolean passed = true;
        int checked = 0;
        for (int k = 0; k < numeric.length; k++) {
            if (numeric[k] == null || analytic[k] == null) continue;
            int[] shape = k < inputs.length ? inputs[k].dims() : new int[]{numeric[k].length};
            for (int e = 0; e < numeric[k].length; e++) {
                double num = numeric[k][e];
                double err = Math.abs(num - analytic[k][e]);
                double tolerance = atol + rtol * Math.abs(num);
                if (!(err <= tolerance)) passed = false;
                if (err > maxErr || Double.isNaN(err)) maxErr = err;
                double ratio = Double.isNaN(err) ? Double.POSITIVE_INFINITY : tolerance > 0 ? err / tolerance
                        : err > 0 ? Double.POSITIVE_INFINITY : 0;
                if (ratio > worstRatio) {
                    worstRatio = ratio;
                    worst = "input " + k + " index " + Arrays.toString(unravel(e, shape)) + ": analytic " + analytic[k][e] + ", numeric " + num;
                }
                checked++;
            }
        }
        return new Result(passed, maxErr, worst, checked);
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) continue;
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Writes one element of an input: straight into the array on the CPU, through {@link Tensor#set} on a device. */
    private static void perturb(Tensor in, int position, int[] idx, float value) {
        if (in.isCpu()) in.data[position] = value;
        else in.set(value, idx);
    }

    private static double weighted(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor w) {
        try (var g = Autograd.noGrad()) {
            float[] y = f.apply(inputs).toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) y[i] * w.data[i];
            return s;
        }
    }
}
