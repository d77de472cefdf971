package jgrad.examples.models;

import java.util.Arrays;
import java.util.Objects;

import jgrad.core.Tensor;
import jgrad.nn.Module;

/**
 * The common call shape of the depth + mask models: every model takes the background {@code bg}
 * and the composite {@code fg_bg} (each N×3×H×W, same shape, bg first) and returns logits.
 *
 * <h2>Convention</h2>
 * <ul>
 *   <li>{@link #run(Tensor, Tensor)} is what a trainer calls: it returns an {@link Output} whose
 *       {@code mask} is always present (N×1×H×W) and whose {@code depth} (N×1×H×W) is present only
 *       when {@link #predictsDepth()} is true. MaskNet predicts no depth, so its depth is
 *       {@code null}; a trainer asks {@link Output#hasDepth()} and skips the depth loss and depth
 *       metrics when it is false.</li>
 *   <li>At the {@link Module} level ({@code callAll(bg, fgBg)}, as {@link jgrad.nn.Summary} uses
 *       it) the outputs are {@code [depth, mask]} for the joint models, in that order as in both
 *       seeds, and {@code [mask]} for MaskNet, so the summary's last row matches seed A's table.</li>
 *   <li>H and W must be multiples of {@link #sizeMultiple()} (1 for MaskNet, 32 for DSResNet, 16
 *       for ResUNet): the encoders halve the size that many times and the decoders double it back.</li>
 * </ul>
 * Parameters and buffers carry the seeds' PyTorch names ({@code enc1.double_conv.conv1.0.weight},
 * {@code res_down1.proj_layer.1.running_mean}, …), so weights exported from the seeds' models load
 * with {@link Module#loadStateDict} (strictly for MaskNet and ResUNet; DSResNet leaves out six
 * convolutions that never ran, so its load must be non-strict and ignores those keys).
 */
public abstract class JointModel extends Module {
    /** The logits a model returns; {@code depth} is null for a mask-only model. */
    public record Output(Tensor depth, Tensor mask) {
        public Output {
            Objects.requireNonNull(mask, "mask");
        }

        public boolean hasDepth() {
            return depth != null;
        }
    }

    private final int width;

    protected JointModel(int width) {
        this.width = width;
    }

    /** The registry name ("masknet", "dsresnet", "resunet"). */
    public abstract String modelName();

    /** Whether the model has a depth head (false for MaskNet). */
    public abstract boolean predictsDepth();

    /** H and W must be multiples of this. */
    public abstract int sizeMultiple();

    /** The base channel count the model was built with (see each model's class comment). */
    public final int width() {
        return width;
    }

    /** Runs the model (with its forward hooks) on bg and fg_bg; see the class comment. */
    public final Output run(Tensor bg, Tensor fgBg) {
        Tensor[] out = callAll(bg, fgBg);
        return predictsDepth() ? new Output(out[0], out[1]) : new Output(null, out[0]);
    }

    /**
     * Checks a (bg, fg_bg) pair: two tensors, both N×3×H×W of the same shape, N ≥ 1, H and W
     * multiples of {@link #sizeMultiple()}. Messages name the model and the shapes.
     */
    protected final void checkPair(Tensor[] inputs) {
        if (inputs.length != 2) {
            throw new IllegalArgumentException(typeName() + ": takes two inputs (bg, fg_bg), got " + inputs.length);
        }
        Tensor bg = inputs[0], fgBg = inputs[1];
        if (bg.rank() != 4 || bg.size(1) != 3) {
            throw new IllegalArgumentException(typeName() + ": bg must be N×3×H×W, got " + Arrays.toString(bg.dims()));
        }
        if (!Arrays.equals(bg.dims(), fgBg.dims())) {
            throw new IllegalArgumentException(typeName() + ": bg " + Arrays.toString(bg.dims()) + " and fg_bg "
                    + Arrays.toString(fgBg.dims()) + " must have the same shape");
        }
        checkSize(bg);
    }

    /** Checks that H and W of an N×C×H×W input are positive multiples of {@link #sizeMultiple()}. */
    protected final void checkSize(Tensor x) {
        int m = sizeMultiple(), h = x.size(2), w = x.size(3);
        if (x.size(0) < 1 || h < m || w < m || h % m != 0 || w % m != 0) {
            throw new IllegalArgumentException(typeName() + ": input " + Arrays.toString(x.dims())
                    + " must have a batch of at least 1 and H and W that are positive multiples of " + m);
        }
    }
}
