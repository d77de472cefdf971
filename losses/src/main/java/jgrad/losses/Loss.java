package jgrad.losses;

import jgrad.core.Autograd;
import jgrad.core.Tensor;

import java.util.Arrays;

/**
 * A scalar loss L(pred, target) of logits {@code pred} and targets in [0, 1], both N×C×H×W.
 * Shapes and sizes are checked; values are not (that would cost the fused paths another read of
 * the inputs). A NaN input or an infinite target makes the value NaN or infinite; an infinite
 * logit counts as σ = 0 or 1 (only bce's value turns non-finite); a target outside [0, 1] (a depth
 * map not scaled to 0..1) gives a finite but meaningless value. Check data where it enters (the
 * {@code loss} command does for its files).
 *
 * <p>Every loss has two twins that must agree:
 * <ul>
 *   <li>{@link #reference}: plain loops in double, returning L and the exact dL/dpred. It is the
 *       oracle of the contract test and is itself checked against finite differences.</li>
 *   <li>{@link #forwardBackward}: the fused CPU path. It computes L and, in the same one or two
 *       passes over the data, writes {@code weight·dL/dpred} into a gradient array, so no
 *       intermediate the size of the input is allocated besides that gradient.</li>
 * </ul>
 * {@link #apply} puts the fused path into the autodiff graph: the gradient is computed during the
 * forward and the recorded backward only scales it by the incoming scalar gradient. Gradients with
 * respect to the target are not provided (targets are data): {@link #apply} rejects a target that
 * requires a gradient rather than leave its gradient silently empty. On a device other than the
 * CPU, {@link #apply} runs the device's kernels ({@link LossKernels}) instead.
 *
 * <p>All derivatives are with respect to the logits: a loss on p = σ(x) multiplies its dL/dp by
 * σ'(x) = σ(x)σ(−x) = e/(1+e)² with e = exp(−|x|), which stays finite for any x.
 */
public interface Loss {
    /** Value and exact gradient of the reference implementation. */
    record Reference(double value, double[] grad) {}

    /** Value and float32 gradient of the fused path. */
    record Result(double value, float[] grad) {}

    /** The registry name. */
    String name();

    /** Plain-loop double-precision value and dL/dpred. */
    Reference reference(double[] pred, double[] target, int[] shape);

    /**
     * Fused forward + backward: returns L and writes {@code weight·dL/dpred} into {@code grad}
     * (adds it when {@code accumulate}, so weighted sums need no temporary). Arrays are row-major
     * N×C×H×W, checked first ({@link #check(float[], float[], int[], float[])}).
     */
    double forwardBackward(float[] pred, float[] target, int[] shape, float[] grad, float weight, boolean accumulate);

    /** Smallest H and W the loss is defined for (SSIM's valid window needs H, W ≥ 11). */
    default int minSize() {
        return 1;
    }

    /**
     * Bytes the loss must move per element at least: read pred and target once and write the
     * gradient (12), or read them twice when a global statistic precedes the gradient (20).
     * Benchmarks report effective bandwidth against this.
     */
    default int bytesPerElement() {
        return 12;
    }

    /**
     * The same loss with the quantities it holds constant in its gradient (BerHu's c) fixed at
     * their values for this input, so finite differences of it test the declared gradient.
     * Losses without such constants return themselves.
     */
    default Loss frozenAt(double[] pred, double[] target, int[] shape) {
        return this;
    }

    /** The fused path on arrays, allocating the gradient. */
    default Result fast(float[] pred, float[] target, int[] shape) {
        check(pred.length, target.length, shape);
        float[] grad = new float[pred.length];
        double v = forwardBackward(pred, target, shape, grad, 1f, false);
        return new Result(v, grad);
    }

    /**
     * L as a 0-d tensor recorded in the autodiff graph (as input {@code pred}); non-contiguous
     * inputs are packed first. The target must not require a gradient while gradients are
     * recorded (none would reach it): pass {@code target.detach()} to treat it as data.
     */
    default Tensor apply(Tensor pred, Tensor target) {
        int[] shape = pred.dims();
        if (!Arrays.equals(shape, target.dims())) {
            throw new IllegalArgumentException(name() + ": prediction " + Arrays.toString(shape)
                    + " and target " + Arrays.toString(target.dims()) + " differ in shape");
        }
        if (target.requiresGrad() && Autograd.isEnabled()) {
            throw new IllegalArgumentException(name() + ": the target " + Arrays.toString(shape) + " requires a gradient, "
                    + "which this loss does not compute (only the prediction gets one); pass target.detach() to use it as data");
        }
        check(pred.numel(), target.numel(), shape);
        if (!pred.device().isCpu()) {
            // on a device: the device's fused kernels; the gradient never leaves the device
            Tensor p = pred.detach().contiguous(), t = target.to(pred.device()).detach().contiguous();
            Tensor grad = Tensor.empty(pred.device(), shape);
            Tensor value = LossKernels.run(this, p, t, grad, 1f, false);
            return Autograd.record(name(), value.detach(), g -> new Tensor[]{grad.mul(g)}, pred);
        }
        float[] p = packed(pred), t = packed(target.device().isCpu() ? target : target.to(pred.device()));
        float[] grad = new float[p.length];
        double v = forwardBackward(p, t, shape, grad, 1f, false);
        Tensor out = Tensor.scalar((float) v);
        return Autograd.record(name(), out, g -> new Tensor[]{Tensor.wrap(grad, shape).mul(g)}, pred);
    }

    /** {@link #check(int, int, int[])} plus a gradient array of the same length. */
    default void check(float[] pred, float[] target, int[] shape, float[] grad) {
        check(pred.length, target.length, shape);
        if (grad.length != pred.length) {
            throw new IllegalArgumentException(name() + ": gradient array has " + grad.length + " elements, prediction "
                    + pred.length);
        }
    }

    /** Argument checks shared by all losses: 4-D, matching element counts, at least minSize(). */
    default void check(int predLength, int targetLength, int[] shape) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(name() + ": expected N×C×H×W inputs, got shape " + Arrays.toString(shape));
        }
        long n = 1;
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException(name() + ": shape " + Arrays.toString(shape) + " has an empty dimension");
            n *= d;
        }
        if (n != predLength || n != targetLength) {
            throw new IllegalArgumentException(name() + ": shape " + Arrays.toString(shape) + " has " + n
                    + " elements but prediction has " + predLength + " and target " + targetLength);
        }
        int m = minSize();
        if (shape[2] < m || shape[3] < m) {
            throw new IllegalArgumentException(name() + ": images of " + shape[2] + "×" + shape[3] + " (shape "
                    + Arrays.toString(shape) + ") are smaller than the " + m + "×" + m + " this loss needs");
        }
    }

    private static float[] packed(Tensor t) {
        float[] d = t.data();
        if (t.isContiguous() && t.offset() == 0 && d.length == t.numel()) return d;
        return t.toArray();
    }
}
