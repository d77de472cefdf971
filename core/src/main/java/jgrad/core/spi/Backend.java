package jgrad.core.spi;

import jgrad.core.BinaryOp;
import jgrad.core.Device;
import jgrad.core.Functional;
import jgrad.core.Tensor;
import jgrad.core.UnaryOp;

/**
 * The kernels of one device. Core's ops check their arguments, allocate outputs on the inputs'
 * device and record autodiff nodes; for a non-CPU tensor they call these methods for the
 * arithmetic. Every method writes all of its output (callers never zero-fill first) and records
 * no gradient.
 *
 * <p>Conventions: all tensors given are on {@link #device()} and start at their offset. Every
 * tensor is contiguous (packed row-major from its offset) except these strided ones, read
 * through their shape and strides: copy's dst and src, addInto's src, unary's and clamp's x, the
 * inputs of binary, binaryPartial and where, and matmul's a and bm. A broadcast input has the
 * output's rank and stride 0 along its broadcast dims. The CPU behaviour of the matching
 * op in {@link jgrad.core} is the specification: a backend must agree with it within float32
 * rounding, and the device contract test compares the two op by op.
 */
public interface Backend {
    Device device();

    // ---- memory ------------------------------------------------------------------------------

    /** Uninitialised device memory for {@code floats} values. */
    DeviceBuffer allocate(long floats);

    /** dst (contiguous) ← value. */
    void fill(Tensor dst, float value);

    /** dst (contiguous, n = dst.numel()) ← src[srcOffset, srcOffset + n). */
    void upload(float[] src, int srcOffset, Tensor dst);

    /** dst[dstOffset, dstOffset + n) ← src (contiguous, n = src.numel()); waits for the device. */
    void download(Tensor src, float[] dst, int dstOffset);

    /** dst (strided) ← src broadcast to dst's shape (src has dst's rank, stride 0 where broadcast). */
    void copy(Tensor dst, Tensor src);

    /** dst (contiguous) += src (broadcast as in {@link #copy}). */
    void addInto(Tensor dst, Tensor src);

    // ---- elementwise -------------------------------------------------------------------------

    /** y = op(x); x strided, y contiguous of x's shape. */
    void unary(UnaryOp op, Tensor x, Tensor y);

    /** dx = g·op'(x, y); all contiguous. */
    void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor g, Tensor dx);

    /** out = a op b; a and b broadcast to out's shape. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** out = g·∂(a op b)/∂a (or ∂b when !wrtA), from {@link BinaryOp#da}/{@link BinaryOp#db}; g, a, b broadcast to y's shape. */
    void binaryPartial(BinaryOp op, boolean wrtA, Tensor g, Tensor a, Tensor b, Tensor y, Tensor out);

    /** y = min(max(x, min), max). */
    void clamp(Tensor x, float min, float max, Tensor y);

    /** out = cond ≠ 0 ? a : b, all broadcast to out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    // ---- reductions --------------------------------------------------------------------------

    enum Reduce { SUM, MAX, MIN }

    /**
     * out[i] = op over x[i·length, (i+1)·length) for i &lt; rows; x contiguous rows×length, length ≥ 1.
     * Sums are accumulated in a fixed order (bitwise repeatable); max and min propagate NaN.
     */
    void reduceRows(Reduce op, Tensor x, int rows, int length, Tensor out);

    // ---- linear algebra ----------------------------------------------------------------------

    /**
     * out[b] = a[b]·bm[b] for B×M×K a and B×K×N bm (any strides, batch stride 0 when broadcast);
     * out contiguous B×M×N.
     */
    void matmul(Tensor a, Tensor bm, Tensor out);

    // ---- convolution -------------------------------------------------------------------------

    /** Stride, padding, dilation (each {H, W}) and groups of a 2-d convolution. */
    record Conv2d(int[] stride, int[] padding, int[] dilation, int groups) {}

    /** y = conv2d(x, w) + bias (bias may be null); x N×C×H×W, w O×C/g×kH×kW contiguous. */
    void conv2d(Tensor x, Tensor w, Tensor bias, Conv2d p, Tensor y);

    /** dx = ∂(conv2d)/∂x applied to g. */
    void conv2dBackwardData(Tensor g, Tensor w, Conv2d p, Tensor dx);

    /** dw = ∂(conv2d)/∂w applied to g. */
    void conv2dBackwardWeight(Tensor x, Tensor g, Conv2d p, Tensor dw);

    // ---- pooling and resampling (x, g contiguous N×C×H×W) -----------------------------------

    void maxPool2d(Tensor x, int kernel, int stride, int padding, Tensor y);

    /** The gradient goes to the first (row-major) element of each window equal to its maximum. */
    void maxPool2dBackward(Tensor x, Tensor y, Tensor g, int kernel, int stride, int padding, Tensor dx);

    /** Averages over kernel² taps, padding counted as zeros (count_include_pad). */
    void avgPool2d(Tensor x, int kernel, int stride, int padding, Tensor y);

    void avgPool2dBackward(Tensor g, int kernel, int stride, int padding, Tensor dx);

    void upsampleBilinear(Tensor x, boolean alignCorners, Tensor y);

    void upsampleBilinearBackward(Tensor g, boolean alignCorners, Tensor dx);

    void upsampleNearest(Tensor x, Tensor y);

    void upsampleNearestBackward(Tensor g, Tensor dx);

    /** (N·C·r²)×H×W planes → (N·C)×(H·r)×(W·r); the backward is {@code pixelUnshuffle}. */
    void pixelShuffle(Tensor x, int r, Tensor y);

    void pixelUnshuffle(Tensor y, int r, Tensor x);

    /** y = x padded by before[d]/after[d] along each dim d (x contiguous). */
    void pad(Tensor x, int[] before, int[] after, Functional.PadMode mode, Tensor y);

    /** dx = the transpose of {@link #pad} applied to g. */
    void padBackward(Tensor g, int[] before, int[] after, Functional.PadMode mode, Tensor dx);

    // ---- normalisation and dropout -----------------------------------------------------------

    /**
     * Batch norm over x viewed as N×C×S (contiguous). Training: batch statistics, biased variance
     * for normalising, running ← (1 − momentum)·running + momentum·(μ, unbiased σ²) when running
     * tensors are given (updated in place). Eval: running statistics. Writes y and the per-channel
     * saveMean and saveInvStd = 1/√(σ² + eps) used by the backward. weight and bias are never null.
     */
    void batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, boolean training,
                   double momentum, double eps, Tensor y, Tensor saveMean, Tensor saveInvStd);

    /**
     * dx (may be null), dWeight and dBias (per channel, never null) of {@link #batchNorm}; in
     * eval the statistics are constants.
     */
    void batchNormBackward(Tensor x, Tensor g, Tensor weight, Tensor saveMean, Tensor saveInvStd, boolean training,
                           double eps, Tensor dx, Tensor dWeight, Tensor dBias);

    /**
     * mask[i] = scale when (splitmix64(seed + (i + 1)·γ) &gt;&gt;&gt; 40) ≥ threshold, else 0, with γ =
     * 0x9E3779B97F4A7C15 (mask contiguous): the CPU dropout mask, bit for bit.
     */
    void dropoutMask(long seed, long threshold, float scale, Tensor mask);

    // ---- optimizer updates (all tensors contiguous, same shape; updated in place) ------------

    /**
     * One SGD step, as the CPU optimizer computes it in float: d = g + wd·p; without momentum
     * (momentumBuffer null) p −= lr·d; with it buf = firstStep ? d : momentum·buf + keep·d and
     * p −= lr·(nesterov ? d + momentum·buf : buf), keep = 1 − dampening.
     */
    void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, float lr, float momentum, float keep,
                 float weightDecay, boolean nesterov, boolean firstStep);

    /**
     * One Adam/AdamW step with coefficients precomputed in double and rounded once, as the CPU
     * optimizer does: p' = p·decay; g' = g + l2·p'; m = b1·m + c1·g'; v = b2·v + c2·g'²; with
     * vmax (AMSGrad, may be null) v̂ = vmax = max(vmax, v) else v̂ = v; p = p' − stepSize·m/(√v̂/sqrtBc2 + eps).
     */
    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, float decay, float l2, float b1,
                  float b2, float c1, float c2, float stepSize, float sqrtBc2, float eps);

    /**
     * Device memory: bytes in use by tensors, bytes held from the device (in use plus cached),
     * the peak in use, and how many times memory was taken from the device (cache misses).
     */
    record MemoryStats(long allocatedBytes, long reservedBytes, long peakAllocatedBytes, long deviceMallocs) {}

    MemoryStats memoryStats();

    /** Waits until all queued work on the device is done. */
    void synchronize();
}
