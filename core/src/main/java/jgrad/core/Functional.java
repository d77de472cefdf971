package jgrad.core;

/**
 * The neural-network ops, as {@code torch.nn.functional}: convolution, pooling, resampling,
 * padding, batch normalisation, dropout. Each is a fused op with its own backward; the bodies live
 * in package-private classes named after the op family.
 *
 * <p>Image tensors are N×C×H×W, contiguous or not.
 */
public final class Functional {
    private Functional() {}

    // ---- convolution ---------------------------------------------------------------------------

    /**
     * 2-D cross-correlation, as {@code torch.nn.functional.conv2d}.
     *
     * @param x        input N×C×H×W
     * @param weight   filters O×(C/groups)×kH×kW
     * @param bias     O values, or null
     * @param stride   {sH, sW}
     * @param padding  {pH, pW} zeros on each side
     * @param dilation {dH, dW}
     * @param groups   C and O must both be divisible by it
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /** conv2d with the same stride and padding in both directions, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, new int[]{stride, stride}, new int[]{padding, padding}, new int[]{1, 1}, 1);
    }


    // ---- pooling -------------------------------------------------------------------------------

    /** Max pooling over kernel×kernel windows (padding counts as −∞); the gradient goes to the max. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return Pooling.max(x, kernel, stride, padding);
    }


    /** Average pooling; padded zeros count in the divisor (count_include_pad = true, as PyTorch's default). */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return Pooling.avg(x, kernel, stride, padding);
    }


    // ---- resampling ----------------------------------------------------------------------------

    /** Bilinear resize to outH×outW, as {@code F.interpolate(mode="bilinear", align_corners=...)}. */
    public static Tensor upsampleBilinear(Tensor x, int outH, int outW, boolean alignCorners) {
        return Resampling.bilinear(x, outH, outW, alignCorners);
    }


    /** Nearest-neighbour resize to outH×outW, as {@code F.interpolate(mode="nearest")}. */
    public static Tensor upsampleNearest(Tensor x, int outH, int outW) {
        return Resampling.nearest(x, outH, outW);
    }


    /** N×(C·r²)×H×W → N×C×(H·r)×(W·r), as {@code torch.nn.PixelShuffle(r)}. */
    public static Tensor pixelShuffle(Tensor x, int upscale) {
        return Resampling.pixelShuffle(x, upscale);
    }


    // ---- padding -------------------------------------------------------------------------------

    /** How {@link #pad} fills the border. */
    public enum PadMode {
        /** zeros (there is no other fill value) */
        CONSTANT,
        /** mirror without repeating the edge: a b c | b a */
        REFLECT,
        /** repeat the edge value */
        REPLICATE
    }

    /**
     * Pads the last dimensions, as {@code F.pad}: {@code pads} holds (before, after) pairs starting
     * from the last dimension, e.g. {left, right, top, bottom} for an image.
     */
    public static Tensor pad(Tensor x, int[] pads, PadMode mode) {
        return Padding.pad(x, pads, mode);
    }


    // ---- normalisation and regularisation --------------------------------------------------------

    /**
     * Batch normalisation over N, H, W per channel of an N×C×H×W (or N×C) input.
     * In training it normalises with the batch statistics (biased variance) and, when the running
     * tensors are given, updates them in place with the unbiased variance:
     * running = (1 − momentum)·running + momentum·batch. In eval it uses the running statistics.
     *
     * @param weight gamma (C) or null for 1
     * @param bias   beta (C) or null for 0
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return BatchNorm.forward(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }


    /** Zeroes each element with probability p and scales the rest by 1/(1 − p) when training; identity otherwise. */
    public static Tensor dropout(Tensor x, double p, boolean training, Rng rng) {
        return Dropout.forward(x, p, training, rng);
    }


    /**
     * log softmax along dim, as {@code torch.log_softmax}: x − m − log Σ e^(x − m), with m the
     * maximum along dim (held constant: the result does not depend on it, and it keeps e^(x − m) ≤ 1
     * from overflowing). A composite, so its gradient (g − softmax·Σg) comes from its parts.
     */
    public static Tensor logSoftmax(Tensor x, int dim) {
        int d = Shape.normalizeDim("logSoftmax", dim, x.dims().length);
        Tensor shifted = x.sub(x.max(new int[]{d}, true).detach());
        return shifted.sub(shifted.exp().sum(new int[]{d}, true).log());
    }

    /** softmax along dim, as {@code torch.softmax}: e^(log softmax). */
    public static Tensor softmax(Tensor x, int dim) {
        return logSoftmax(x, dim).exp();
    }

    /**
     * Cross-entropy of class scores, as {@code torch.nn.functional.cross_entropy} with its defaults
     * (mean over every position, no weights, no smoothing): logits N×C (or N×C×d1×…), target the
     * class indices as floats, of the logits' shape without dim 1; loss = −mean(log softmax(logits)
     * at the target's class). The gradient w.r.t. the logits is (softmax − onehot)/positions.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        int[] ld = logits.dims(), td = target.dims();
        if (ld.length < 2) throw new IllegalArgumentException("crossEntropy: logits must be N×C or N×C×…, got " + Shape.str(ld));
        int c = ld[1];
        int[] want = new int[ld.length - 1];
        want[0] = ld[0];
        System.arraycopy(ld, 2, want, 1, ld.length - 2);
        if (!java.util.Arrays.equals(td, want)) {
            throw new IllegalArgumentException("crossEntropy: target " + Shape.str(td) + " must be logits " + Shape.str(ld)
                    + " without the class dim, " + Shape.str(want));
        }
        int[] classes = new int[ld.length];
        java.util.Arrays.fill(classes, 1);
        classes[1] = c;
        Tensor oneHot = target.detach().unsqueeze(1).eq(Tensor.arange(c).reshape(classes).to(target.device()));
        if (oneHot.sum(new int[]{1}, false).min().item() != 1f) {
            throw new IllegalArgumentException("crossEntropy: the target holds a value that is not a class index in [0, " + c + ")");
        }
        return logSoftmax(logits, 1).mul(oneHot).sum(new int[]{1}, false).mean().neg();
    }

    /** x·Wᵀ + b for x of shape …×in, W of shape out×in (composite of matmul). */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Tensor y = x.matmul(weight.transpose(0, 1));
        return bias == null ? y : y.add(bias);
    }
}
