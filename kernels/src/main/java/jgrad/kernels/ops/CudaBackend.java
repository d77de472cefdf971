package jgrad.kernels.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jgrad.core.BinaryOp;
import jgrad.core.Device;
import jgrad.core.Functional;
import jgrad.core.Tensor;
import jgrad.core.UnaryOp;
import jgrad.core.spi.Backend;
import jgrad.core.spi.DeviceBuffer;
import jgrad.kernels.cuda.Cuda;
import jgrad.kernels.cuda.CudaBuffer;
import jgrad.kernels.cuda.CudaContext;
import jgrad.kernels.cuda.DeviceAllocator;
import jgrad.kernels.cuda.Launch;
import jgrad.kernels.cuda.Memcpy;

/**
 * jgrad's {@link Backend} on an NVIDIA GPU: jgrad's own kernels (kernels/src/main/cuda/ops, one
 * file per op family, each stating its math, passes and traffic) for elementwise ops,
 * reductions, pooling, resampling, padding, batch norm, dropout and the optimizer updates;
 * cuBLAS SGEMM for matmul ({@link CudaMatmul}) and cuDNN for convolutions
 * ({@link CudaConvolution}). Everything is queued in order on the context's one stream; only
 * {@link #download} and {@link #synchronize} wait for the device.
 *
 * <p>Launch configuration: elementwise and per-pixel kernels run grid-stride loops of 256
 * threads per block over at most 1,024 blocks (about one wave on an H100); per-plane sums (batch
 * norm) take one 256-thread block per plane; row reductions pick one thread, one warp or one
 * block (per chunk of the row) by the row length alone, so their summation order never depends
 * on the GPU. Gradients of pooling, resampling and padding are gathers (one thread per input
 * element), never scatters with atomics: every result is bitwise repeatable.
 *
 * <p>Temporaries (reduction partials, batch-norm statistics, packed matmul operands, cuDNN
 * workspaces) come from the caching allocator and are closed right after the work using them is
 * queued: the allocator only hands a block out again to work queued later on the same stream.
 */
public final class CudaBackend implements Backend {
    static final int BLOCK = 256;

    private final Device device;
    private final CudaContext context;
    private final DeviceAllocator allocator;
    private volatile CudaMatmul matmul;
    private volatile CudaConvolution convolution;

    CudaBackend(int index) {
        this(index, Cuda.context(index));
    }

    private CudaBackend(int index, CudaContext context) {
        this(index, context, context.allocator());
    }

    /** For tests without a GPU: launches recorded (see Launch.recordInto), memory from {@code allocator}. */
    CudaBackend(int index, CudaContext context, DeviceAllocator allocator) {
        this.device = new Device("cuda", index);
        this.context = context;
        this.allocator = allocator;
    }

    @Override
    public Device device() {
        return device;
    }

    CudaContext context() {
        return context;
    }

    /** The device address of t's first element; see {@link CudaBuffer#addressOf}. */
    static long ptr(Tensor t) {
        return CudaBuffer.addressOf(t);
    }

    private static long ptrOrNull(Tensor t) {
        return t == null ? 0L : ptr(t);
    }

    Launch kernel(String name) {
        return Launch.kernel(name).on(context);
    }

    /** A grid-stride launch over n elements. */
    Launch over(String name, long n) {
        return kernel(name).grid(Launch.blocksFor(n, BLOCK)).block(BLOCK);
    }

    private static int blocks(long threads) {
        return Math.toIntExact(Math.max(1, (threads + BLOCK - 1) / BLOCK));
    }

    /** A temporary device buffer of the given bytes; the caller closes it once its work is queued. */
    CudaBuffer scratch(long bytes) {
        return allocator.allocate(bytes);
    }

    // ---- memory ------------------------------------------------------------------------------

    @Override
    public DeviceBuffer allocate(long floats) {
        return allocator.allocateFloats(floats);
    }

    @Override
    public void fill(Tensor dst, float value) {
        Memcpy.fill(ptr(dst), dst.numel(), value);
    }

    @Override
    public void upload(float[] src, int srcOffset, Tensor dst) {
        Memcpy.toDevice(src, srcOffset, ptr(dst), dst.numel());
    }

    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {
        Memcpy.toHost(ptr(src), dst, dstOffset, src.numel());
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        copyStrided(ptr(dst), dst.dims(), dst.strides(), ptr(src), src.strides());
    }

    /** dst (strides dstStrides) ← src (strides srcStrides) over shape, from raw addresses. */
    void copyStrided(long dst, int[] shape, int[] dstStrides, long src, int[] srcStrides) {
        long n = numel(shape);
        if (n == 0) return;
        List<Object> args = new ArrayList<>(List.of(dst, src, n));
        Layout.of(shape, dstStrides, srcStrides).appendTo(args);
        over("elementwise_copy_f32", n).args(args.toArray()).run();
    }

    @Override
    public void addInto(Tensor dst, Tensor src) {
        addStrided(ptr(dst), dst.dims(), ptr(src), src.strides());
    }

    /** dst (contiguous, of shape) += src read through srcStrides. */
    void addStrided(long dst, int[] shape, long src, int[] srcStrides) {
        long n = numel(shape);
        if (n == 0) return;
        List<Object> args = new ArrayList<>(List.of(dst, src, n));
        Layout.of(shape, srcStrides).appendTo(args);
        over("elementwise_add_f32", n).args(args.toArray()).run();
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    // ---- elementwise -------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y) {
        long n = y.numel();
        List<Object> args = new ArrayList<>(List.of(ptr(y), ptr(x), n, op.ordinal()));
        Layout.of(x.dims(), x.strides()).appendTo(args);
        over("elementwise_unary_f32", n).args(args.toArray()).run();
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor g, Tensor dx) {
        long n = dx.numel();
        over("elementwise_unarybwd_f32", n).args(ptr(dx), ptr(x), ptr(y), ptr(g), n, op.ordinal()).run();
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        long n = out.numel();
        List<Object> args = new ArrayList<>(List.of(ptr(out), ptr(a), ptr(b), n, op.ordinal()));
        Layout.of(out.dims(), a.strides(), b.strides()).appendTo(args);
        over("elementwise_binary_f32", n).args(args.toArray()).run();
    }

    @Override
    public void binaryPartial(BinaryOp op, boolean wrtA, Tensor g, Tensor a, Tensor b, Tensor y, Tensor out) {
        if (!op.differentiable()) throw new UnsupportedOperationException(op.opName() + " has no gradient");
        long n = out.numel();
        List<Object> args = new ArrayList<>(List.of(ptr(out), ptr(g), ptr(a), ptr(b), ptr(y), n, op.ordinal(), wrtA ? 1 : 0));
        Layout.of(out.dims(), g.strides(), a.strides(), b.strides()).appendTo(args);
        over("elementwise_partial_f32", n).args(args.toArray()).run();
    }

    @Override
    public void clamp(Tensor x, float min, float max, Tensor y) {
        long n = y.numel();
        List<Object> args = new ArrayList<>(List.of(ptr(y), ptr(x), n, min, max));
        Layout.of(x.dims(), x.strides()).appendTo(args);
        over("elementwise_clamp_f32", n).args(args.toArray()).run();
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        long n = out.numel();
        List<Object> args = new ArrayList<>(List.of(ptr(out), ptr(cond), ptr(a), ptr(b), n));
        Layout.of(out.dims(), cond.strides(), a.strides(), b.strides()).appendTo(args);
        over("elementwise_where_f32", n).args(args.toArray()).run();
    }

    // ---- reductions --------------------------------------------------------------------------

    /** Rows up to this long take one thread each; up to {@link #WARP_ROW} one warp each. */
    static final int THREAD_ROW = 16;
    static final int WARP_ROW = 1024;
    /** Rows up to this long take one block; longer ones are split into chunks of at least {@link #CHUNK}. */
    static final int BLOCK_ROW = 8192;
    static final int CHUNK = 4096;

    /** Chunk length of a row of the given length (fixed by the length alone: deterministic on any GPU). */
    static long chunk(long length) {
        if (length <= BLOCK_ROW) return length;
        return Math.max(CHUNK, (length + 65534) / 65535);
    }

    @Override
    public void reduceRows(Reduce op, Tensor x, int rows, int length, Tensor out) {
        if (rows == 0) return;
        int code = op.ordinal();
        long xp = ptr(x), op2 = ptr(out);
        if (length <= THREAD_ROW) {
            kernel("reduce_thread_f32").grid(blocks(rows)).block(BLOCK).args(xp, rows, length, code, op2).run();
        } else if (length <= WARP_ROW) {
            kernel("reduce_warp_f32").grid(blocks(32L * rows)).block(BLOCK).args(xp, rows, length, code, op2).run();
        } else {
            long chunk = chunk(length);
            int chunks = Math.toIntExact((length + chunk - 1) / chunk);
            if (chunks == 1) {
                kernel("reduce_block_f32").grid(rows, 1, 1).block(BLOCK).args(xp, (long) length, chunk, code, op2, 0L).run();
                return;
            }
            try (CudaBuffer partials = scratch((long) Double.BYTES * rows * chunks)) {
                kernel("reduce_block_f32").grid(rows, chunks, 1).block(BLOCK)
                        .args(xp, (long) length, chunk, code, op2, partials).run();
                kernel("reduce_final_f32").grid(blocks(rows)).block(BLOCK).args(partials, rows, chunks, code, op2).run();
            }
        }
    }

    // ---- linear algebra and convolution --------------------------------------------------------

    private CudaMatmul matmul() {
        CudaMatmul m = matmul;
        if (m == null) {
            synchronized (this) {
                if (matmul == null) matmul = new CudaMatmul(this);
                m = matmul;
            }
        }
        return m;
    }

    private CudaConvolution convolution() {
        CudaConvolution c = convolution;
        if (c == null) {
            synchronized (this) {
                if (convolution == null) convolution = new CudaConvolution(this);
                c = convolution;
            }
        }
        return c;
    }

    @Override
    public void matmul(Tensor a, Tensor bm, Tensor out) {
        matmul().multiply(a, bm, out);
    }

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2d p, Tensor y) {
        convolution().forward(x, w, p, y);
        if (bias != null) {
            int[] yd = y.dims();
            addStrided(ptr(y), yd, ptr(bias), new int[]{0, 1, 0, 0});
        }
    }

    @Override
    public void conv2dBackwardData(Tensor g, Tensor w, Conv2d p, Tensor dx) {
        convolution().backwardData(g, w, p, dx);
    }

    @Override
    public void conv2dBackwardWeight(Tensor x, Tensor g, Conv2d p, Tensor dw) {
        convolution().backwardWeight(x, g, p, dw);
    }

    // ---- pooling and resampling --------------------------------------------------------------

    /** Planes (all dims but the last two) of an N×C×H×W or C×H×W tensor. */
    private static int planes(int[] d) {
        int p = 1;
        for (int i = 0; i < d.length - 2; i++) p *= d[i];
        return p;
    }

    private static int height(int[] d) {
        return d[d.length - 2];
    }

    private static int width(int[] d) {
        return d[d.length - 1];
    }

    @Override
    public void maxPool2d(Tensor x, int kernel, int stride, int padding, Tensor y) {
        int[] xd = x.dims(), yd = y.dims();
        over("maxpool_fwd_f32", y.numel()).args(ptr(x), ptr(y), planes(xd), height(xd), width(xd), height(yd), width(yd),
                kernel, stride, padding).run();
    }

    @Override
    public void maxPool2dBackward(Tensor x, Tensor y, Tensor g, int kernel, int stride, int padding, Tensor dx) {
        int[] xd = x.dims(), yd = y.dims();
        over("maxpool_bwd_f32", dx.numel()).args(ptr(x), ptr(y), ptr(g), ptr(dx), planes(xd), height(xd), width(xd),
                height(yd), width(yd), kernel, stride, padding).run();
    }

    @Override
    public void avgPool2d(Tensor x, int kernel, int stride, int padding, Tensor y) {
        int[] xd = x.dims(), yd = y.dims();
        double inv = 1.0 / ((double) kernel * kernel);
        over("avgpool_fwd_f32", y.numel()).args(ptr(x), ptr(y), planes(xd), height(xd), width(xd), height(yd), width(yd),
                kernel, stride, padding, inv).run();
    }

    @Override
    public void avgPool2dBackward(Tensor g, int kernel, int stride, int padding, Tensor dx) {
        int[] gd = g.dims(), xd = dx.dims();
        float scale = (float) (1.0 / ((double) kernel * kernel));
        over("avgpool_bwd_f32", dx.numel()).args(ptr(g), ptr(dx), planes(xd), height(xd), width(xd), height(gd), width(gd),
                kernel, stride, padding, scale).run();
    }

    /** Source step per output position along one axis, in float exactly as Resampling.linearAxis. */
    static float linearScale(int in, int out, boolean alignCorners) {
        if (alignCorners) return out > 1 ? (float) (in - 1) / (out - 1) : 0f;
        return (float) in / out;
    }

    /** As Resampling.nearestAxis. */
    static float nearestScale(int in, int out) {
        return (float) in / out;
    }

    @Override
    public void upsampleBilinear(Tensor x, boolean alignCorners, Tensor y) {
        int[] xd = x.dims(), yd = y.dims();
        int h = height(xd), w = width(xd), oh = height(yd), ow = width(yd);
        over("bilinear_fwd_f32", y.numel()).args(ptr(x), ptr(y), planes(xd), h, w, oh, ow,
                linearScale(h, oh, alignCorners), linearScale(w, ow, alignCorners), alignCorners ? 1 : 0).run();
    }

    @Override
    public void upsampleBilinearBackward(Tensor g, boolean alignCorners, Tensor dx) {
        int[] xd = dx.dims(), gd = g.dims();
        int h = height(xd), w = width(xd), oh = height(gd), ow = width(gd);
        over("bilinear_bwd_f32", dx.numel()).args(ptr(g), ptr(dx), planes(xd), h, w, oh, ow,
                linearScale(h, oh, alignCorners), linearScale(w, ow, alignCorners), alignCorners ? 1 : 0).run();
    }

    @Override
    public void upsampleNearest(Tensor x, Tensor y) {
        int[] xd = x.dims(), yd = y.dims();
        int h = height(xd), w = width(xd), oh = height(yd), ow = width(yd);
        over("nearest_fwd_f32", y.numel()).args(ptr(x), ptr(y), planes(xd), h, w, oh, ow, nearestScale(h, oh),
                nearestScale(w, ow)).run();
    }

    @Override
    public void upsampleNearestBackward(Tensor g, Tensor dx) {
        int[] xd = dx.dims(), gd = g.dims();
        int h = height(xd), w = width(xd), oh = height(gd), ow = width(gd);
        over("nearest_bwd_f32", dx.numel()).args(ptr(g), ptr(dx), planes(xd), h, w, oh, ow, nearestScale(h, oh),
                nearestScale(w, ow)).run();
    }

    @Override
    public void pixelShuffle(Tensor x, int r, Tensor y) {
        int[] yd = y.dims();
        over("pixelshuffle_fwd_f32", y.numel()).args(ptr(x), ptr(y), planes(yd), r, height(yd) / r, width(yd) / r).run();
    }

    @Override
    public void pixelUnshuffle(Tensor y, int r, Tensor x) {
        int[] yd = y.dims();
        over("pixelshuffle_bwd_f32", x.numel()).args(ptr(y), ptr(x), planes(yd), r, height(yd) / r, width(yd) / r).run();
    }

    @Override
    public void pad(Tensor x, int[] before, int[] after, Functional.PadMode mode, Tensor y) {
        padLaunch("pad_fwd_f32", ptr(x), ptr(y), y.numel(), x.dims(), before, after, mode);
    }

    @Override
    public void padBackward(Tensor g, int[] before, int[] after, Functional.PadMode mode, Tensor dx) {
        padLaunch("pad_bwd_f32", ptr(g), ptr(dx), dx.numel(), dx.dims(), before, after, mode);
    }

    /**
     * Launches a pad kernel over {@code total} threads, with the dims of the unpadded input merged
     * where neither side of two neighbours is padded, innermost first: (input size, before, output size).
     */
    private void padLaunch(String name, long in, long out, long total, int[] shape, int[] before, int[] after,
                           Functional.PadMode mode) {
        int[] n = new int[Layout.MAX_RANK], b = new int[Layout.MAX_RANK], o = new int[Layout.MAX_RANK];
        Arrays.fill(n, 1);
        Arrays.fill(o, 1);
        int rank = 0;
        boolean lastPadded = true;
        for (int d = shape.length - 1; d >= 0; d--) {
            boolean padded = before[d] != 0 || after[d] != 0;
            if (!padded && !lastPadded && rank > 0) {
                n[rank - 1] = Math.multiplyExact(n[rank - 1], shape[d]);
                o[rank - 1] = n[rank - 1];
                continue;
            }
            if (rank == Layout.MAX_RANK) {
                throw new UnsupportedOperationException("cuda: pad supports at most " + Layout.MAX_RANK
                        + " dims after merging unpadded neighbours, input " + Arrays.toString(shape));
            }
            n[rank] = shape[d];
            b[rank] = before[d];
            o[rank] = shape[d] + before[d] + after[d];
            lastPadded = padded;
            rank++;
        }
        int code = switch (mode) {
            case CONSTANT -> 0;
            case REFLECT -> 1;
            case REPLICATE -> 2;
        };
        List<Object> args = new ArrayList<>(List.of(in, out, total, rank, code));
        for (int v : n) args.add(v);
        for (int v : b) args.add(v);
        for (int v : o) args.add(v);
        over(name, total).args(args.toArray()).run();
    }

    // ---- normalisation and dropout -----------------------------------------------------------

    @Override
    public void batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, boolean training,
                          double momentum, double eps, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        int[] d = x.dims();
        int n = d[0], c = d[1];
        long s = numel(d) / Math.max(1, (long) n * c);
        long total = x.numel();
        double m = (double) n * s;
        int planes = Math.multiplyExact(n, c);
        boolean running = runningMean != null && runningVar != null;
        try (CudaBuffer coef = scratch(3L * Float.BYTES * c)) {
            if (training) {
                try (CudaBuffer part = scratch((long) Double.BYTES * Math.max(1, planes));
                     CudaBuffer mean = scratch((long) Double.BYTES * c)) {
                    if (planes > 0) {
                        kernel("batchnorm_sums_f32").grid(planes).block(BLOCK).args(ptr(x), s, c, 0L, 0, part).run();
                    }
                    kernel("batchnorm_mean_f32").grid(blocks(c)).block(BLOCK).args(part, n, c, m, mean).run();
                    if (planes > 0) {
                        kernel("batchnorm_sums_f32").grid(planes).block(BLOCK).args(ptr(x), s, c, mean, 1, part).run();
                    }
                    kernel("batchnorm_finish_f32").grid(blocks(c)).block(BLOCK).args(part, n, c, m, 1, momentum, eps,
                            ptrOrNull(runningMean), ptrOrNull(runningVar), running ? 1 : 0, ptr(weight), ptr(bias), mean,
                            ptr(saveMean), ptr(saveInvStd), coef).run();
                }
            } else {
                kernel("batchnorm_finish_f32").grid(blocks(c)).block(BLOCK).args(0L, n, c, m, 0, momentum, eps,
                        ptr(runningMean), ptr(runningVar), 1, ptr(weight), ptr(bias), 0L, ptr(saveMean), ptr(saveInvStd),
                        coef).run();
            }
            if (total > 0) {
                over("batchnorm_apply_f32", total).args(ptr(x), coef, c, s, total, ptr(y)).run();
            }
        }
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor g, Tensor weight, Tensor saveMean, Tensor saveInvStd, boolean training,
                                  double eps, Tensor dx, Tensor dWeight, Tensor dBias) {
        int[] d = x.dims();
        int n = d[0], c = d[1];
        long s = numel(d) / Math.max(1, (long) n * c);
        long total = x.numel();
        double m = (double) n * s;
        int planes = Math.multiplyExact(n, c);
        try (CudaBuffer part = scratch(2L * Double.BYTES * Math.max(1, planes)); CudaBuffer coef = scratch(4L * Float.BYTES * c)) {
            if (planes > 0) {
                kernel("batchnorm_bwdsums_f32").grid(planes).block(BLOCK)
                        .args(ptr(x), ptr(g), s, c, ptr(saveMean), ptr(saveInvStd), part).run();
            }
            kernel("batchnorm_bwdfinish_f32").grid(blocks(c)).block(BLOCK).args(part, n, c, m, training ? 1 : 0,
                    ptr(weight), ptr(saveMean), ptr(saveInvStd), ptr(dWeight), ptr(dBias), coef).run();
            if (dx != null && total > 0) {
                over("batchnorm_bwdapply_f32", total).args(ptr(x), ptr(g), coef, c, s, total, ptr(dx)).run();
            }
        }
    }

    @Override
    public void dropoutMask(long seed, long threshold, float scale, Tensor mask) {
        long n = mask.numel();
        over("dropout_mask_f32", n).args(ptr(mask), n, seed, threshold, scale).run();
    }

    // ---- optimizer updates -------------------------------------------------------------------

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, float lr, float momentum, float keep,
                        float weightDecay, boolean nesterov, boolean firstStep) {
        long n = param.numel();
        over("optim_sgd_f32", n).args(ptr(param), ptr(grad), ptrOrNull(momentumBuffer), n, lr, momentum, keep, weightDecay,
                momentumBuffer != null ? 1 : 0, nesterov ? 1 : 0, firstStep ? 1 : 0).run();
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, float decay, float l2, float b1,
                         float b2, float c1, float c2, float stepSize, float sqrtBc2, float eps) {
        long n = param.numel();
        over("optim_adam_f32", n).args(ptr(param), ptr(grad), ptr(m), ptr(v), ptrOrNull(vmax), n, vmax != null ? 1 : 0,
                decay, l2, b1, b2, c1, c2, stepSize, sqrtBc2, eps).run();
    }

    @Override
    public MemoryStats memoryStats() {
        var st = allocator.stats();
        return new MemoryStats(st.allocatedBytes(), st.reservedBytes(), st.peakAllocatedBytes(), st.mallocCount());
    }

    @Override
    public void synchronize() {
        context.synchronize();
    }

    @Override
    public String toString() {
        return "CudaBackend[" + device + ", " + context.deviceName() + "]";
    }
}
