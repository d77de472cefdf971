package jgrad.kernels.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jgrad.kernels.cuda.CudaBuffer;
import jgrad.kernels.cuda.CudaContext;
import jgrad.kernels.cuda.DeviceAllocator;

/**
 * cuDNN 9 convolutions and batch normalisation through FFM (libcudnn.so.9), for contiguous
 * N×C×H×W float tensors on the context's stream.
 *
 * <p>Convolution is cross-correlation, as {@code torch.nn.functional.conv2d}:
 * y[n,k,i,j] = Σ_{c∈group(k), r, s} x[n, c, i·sH − pH + r·dH, j·sW − pW + s·dW] · w[k, c, r, s],
 * with weights K × C/groups × kH × kW. Backward data gives dx = ∂L/∂x from dy, backward filter
 * dw = Σ_n dy ⋆ x, backward bias db[k] = Σ_{n,i,j} dy[n,k,i,j]. Each direction's algorithm is
 * chosen once per shape from cuDNN's heuristics (the _v7 queries): the first that succeeds, is
 * deterministic and needs at most {@link #maxWorkspaceBytes()} of workspace (falling back to the
 * first that succeeds if none is deterministic). Workspaces come from the context's caching
 * allocator and are released right after the call is queued (the stream orders their reuse).
 *
 * <p>Batch norm is CUDNN_BATCHNORM_SPATIAL (per channel over N, H, W): training normalises with
 * the batch mean and biased variance, updates running = (1 − momentum)·running + momentum·batch
 * (unbiased variance for the running variance) and saves mean and 1/√(var + eps) for backward.
 *
 * <p>Every argument is checked in Java before the native call. {@code accumulate} flags select
 * beta = 1 (add into the output) instead of beta = 0 (overwrite). A handle is not thread-safe
 * across threads at once; methods are synchronised.
 */
public final class Cudnn implements AutoCloseable {
    /** What to install when cuDNN is missing. */
    public static final String INSTALL = "cuDNN 9 (libcudnn.so.9)";
    static final List<String> SONAMES = List.of("libcudnn.so.9");
    static final List<String> SUBLIBRARIES = List.of("libcudnn_cnn.so.9", "libcudnn_ops.so.9");

    // cudnn_graph.h / cudnn_ops.h / cudnn_cnn.h enum values (cuDNN 9)
    static final int CUDNN_DATA_FLOAT = 0;
    static final int CUDNN_TENSOR_NCHW = 0;
    static final int CUDNN_CROSS_CORRELATION = 1;
    static final int CUDNN_DETERMINISTIC = 1;
    static final int CUDNN_BATCHNORM_SPATIAL = 1;
    static final int CUDNN_STATUS_SUCCESS = 0;

    /** Convolution math: cuDNN's default (may use TF32 tensor cores on Ampere and later) or strict FP32 FMA. */
    public enum MathType {
        DEFAULT(0), FMA(3);
        final int value;

        MathType(int value) {
            this.value = value;
        }
    }

    /** Layout of cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t (the same for all three). */
    static final MemoryLayout PERF = MemoryLayout.structLayout(
            JAVA_INT.withName("algo"), JAVA_INT.withName("status"), JAVA_FLOAT.withName("time"),
            MemoryLayout.paddingLayout(4), JAVA_LONG.withName("memory"), JAVA_INT.withName("determinism"),
            JAVA_INT.withName("mathType"), MemoryLayout.sequenceLayout(3, JAVA_INT).withName("reserved"),
            MemoryLayout.paddingLayout(4));

    /**
     * A 2-D convolution's geometry: input n×c×h×w, k filters of c/groups × kh × kw, padding, stride
     * and dilation per direction. Checked on construction.
     */
    public record ConvShape(int n, int c, int h, int w, int k, int kh, int kw, int padH, int padW,
                            int strideH, int strideW, int dilationH, int dilationW, int groups) {
        public ConvShape {
            if (n < 1 || c < 1 || h < 1 || w < 1 || k < 1 || kh < 1 || kw < 1) {
                throw new IllegalArgumentException("conv sizes must be ≥ 1: n=" + n + " c=" + c + " h=" + h + " w=" + w
                        + " k=" + k + " kernel " + kh + "×" + kw);
            }
            if (padH < 0 || padW < 0) throw new IllegalArgumentException("negative padding " + padH + "×" + padW);
            if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) {
                throw new IllegalArgumentException("stride " + strideH + "×" + strideW + " and dilation " + dilationH
                        + "×" + dilationW + " must be ≥ 1");
            }
            if (groups < 1 || c % groups != 0 || k % groups != 0) {
                throw new IllegalArgumentException("groups " + groups + " must divide channels " + c + " and filters " + k);
            }
            // fields are assigned after this block, so the output size is computed from the parameters
            long oh = outExtent(h, padH, kh, strideH, dilationH), ow = outExtent(w, padW, kw, strideW, dilationW);
            String geometry = " for " + n + "×" + c + "×" + h + "×" + w + ", kernel " + kh + "×" + kw + ", padding "
                    + padH + "×" + padW + ", stride " + strideH + "×" + strideW + ", dilation " + dilationH + "×" + dilationW;
            if (oh < 1 || ow < 1) {
                throw new IllegalArgumentException("the kernel does not fit the padded input (output " + oh + "×" + ow + ")"
                        + geometry);
            }
            if (oh > Integer.MAX_VALUE || ow > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("output " + oh + "×" + ow + " exceeds cuDNN's int dimensions" + geometry);
            }
        }

        /** Output extent along one axis, in long: (size + 2·pad − dilation·(kernel − 1) − 1) / stride + 1, below 1 when the kernel does not fit. */
        private static long outExtent(int size, int pad, int kernel, int stride, int dilation) {
            long span = (long) size + 2L * pad - (long) dilation * (kernel - 1) - 1;
            return span < 0 ? 0 : span / stride + 1;
        }

        /** Same padding, stride and dilation in both directions. */
        public static ConvShape of(int n, int c, int h, int w, int k, int kernel, int pad, int stride, int dilation, int groups) {
            return new ConvShape(n, c, h, w, k, kernel, kernel, pad, pad, stride, stride, dilation, dilation, groups);
        }

        public int outH() {
            return (int) outExtent(h, padH, kh, strideH, dilationH);
        }

        public int outW() {
            return (int) outExtent(w, padW, kw, strideW, dilationW);
        }

        public long inputFloats() {
            return (long) n * c * h * w;
        }

        public long weightFloats() {
            return (long) k * (c / groups) * kh * kw;
        }

        public long outputFloats() {
            return (long) n * k * outH() * outW();
        }
    }

    /** One direction's chosen algorithm: cuDNN's enum value, its workspace and whether it is deterministic. */
    public record Algorithm(int algo, long workspaceBytes, boolean deterministic, int mathType) {}

    /** The three algorithms chosen for a shape. */
    public record ConvAlgorithms(Algorithm forward, Algorithm backwardData, Algorithm backwardFilter) {}

    private static final class Api {
        final NativeLibrary lib;
        final MethodHandle getVersion, getErrorString, create, destroy, setStream;
        final MethodHandle createTensor, destroyTensor, setTensor4d;
        final MethodHandle createFilter, destroyFilter, setFilter4d;
        final MethodHandle createConv, destroyConv, setConv2d, setGroupCount, setMathType, getOutputDim;
        final MethodHandle fwdAlgo, bwdDataAlgo, bwdFilterAlgo, fwdWs, bwdDataWs, bwdFilterWs;
        final MethodHandle convFwd, convBwdData, convBwdFilter, convBwdBias;
        final MethodHandle bnFwdTrain, bnFwdInfer, bnBwd;

        Api(NativeLibrary lib) {
            this.lib = lib;
            var A = ADDRESS;
            var I = JAVA_INT;
            var L = JAVA_LONG;
            var D = JAVA_DOUBLE;
            getVersion = lib.downcall("cudnnGetVersion", FunctionDescriptor.of(L));
            getErrorString = lib.downcall("cudnnGetErrorString", FunctionDescriptor.of(A, I));
            create = lib.downcall("cudnnCreate", FunctionDescriptor.of(I, A));
            destroy = lib.downcall("cudnnDestroy", FunctionDescriptor.of(I, A));
            setStream = lib.downcall("cudnnSetStream", FunctionDescriptor.of(I, A, A));
            createTensor = lib.downcall("cudnnCreateTensorDescriptor", FunctionDescriptor.of(I, A));
            destroyTensor = lib.downcall("cudnnDestroyTensorDescriptor", FunctionDescriptor.of(I, A));
            setTensor4d = lib.downcall("cudnnSetTensor4dDescriptor", FunctionDescriptor.of(I, A, I, I, I, I, I, I));
            createFilter = lib.downcall("cudnnCreateFilterDescriptor", FunctionDescriptor.of(I, A));
            destroyFilter = lib.downcall("cudnnDestroyFilterDescriptor", FunctionDescriptor.of(I, A));
            setFilter4d = lib.downcall("cudnnSetFilter4dDescriptor", FunctionDescriptor.of(I, A, I, I, I, I, I, I));
            createConv = lib.downcall("cudnnCreateConvolutionDescriptor", FunctionDescriptor.of(I, A));
            destroyConv = lib.downcall("cudnnDestroyConvolutionDescriptor", FunctionDescriptor.of(I, A));
            setConv2d = lib.downcall("cudnnSetConvolution2dDescriptor", FunctionDescriptor.of(I, A, I, I, I, I, I, I, I, I));
            setGroupCount = lib.downcall("cudnnSetConvolutionGroupCount", FunctionDescriptor.of(I, A, I));
            setMathType = lib.downcall("cudnnSetConvolutionMathType", FunctionDescriptor.of(I, A, I));
            getOutputDim = lib.downcall("cudnnGetConvolution2dForwardOutputDim", FunctionDescriptor.of(I, A, A, A, A, A, A, A));
            fwdAlgo = lib.downcall("cudnnGetConvolutionForwardAlgorithm_v7", FunctionDescriptor.of(I, A, A, A, A, A, I, A, A));
            bwdDataAlgo = lib.downcall("cudnnGetConvolutionBackwardDataAlgorithm_v7", FunctionDescriptor.of(I, A, A, A, A, A, I, A, A));
            bwdFilterAlgo = lib.downcall("cudnnGetConvolutionBackwardFilterAlgorithm_v7", FunctionDescriptor.of(I, A, A, A, A, A, I, A, A));
            fwdWs = lib.downcall("cudnnGetConvolutionForwardWorkspaceSize", FunctionDescriptor.of(I, A, A, A, A, A, I, A));
            bwdDataWs = lib.downcall("cudnnGetConvolutionBackwardDataWorkspaceSize", FunctionDescriptor.of(I, A, A, A, A, A, I, A));
            bwdFilterWs = lib.downcall("cudnnGetConvolutionBackwardFilterWorkspaceSize", FunctionDescriptor.of(I, A, A, A, A, A, I, A));
            convFwd = lib.downcall("cudnnConvolutionForward", FunctionDescriptor.of(I, A, A, A, A, A, A, A, I, A, L, A, A, A));
            convBwdData = lib.downcall("cudnnConvolutionBackwardData", FunctionDescriptor.of(I, A, A, A, A, A, A, A, I, A, L, A, A, A));
            convBwdFilter = lib.downcall("cudnnConvolutionBackwardFilter", FunctionDescriptor.of(I, A, A, A, A, A, A, A, I, A, L, A, A, A));
            convBwdBias = lib.downcall("cudnnConvolutionBackwardBias", FunctionDescriptor.of(I, A, A, A, A, A, A, A));
            bnFwdTrain = lib.downcall("cudnnBatchNormalizationForwardTraining",
                    FunctionDescriptor.of(I, A, I, A, A, A, A, A, A, A, A, A, D, A, A, D, A, A));
            bnFwdInfer = lib.downcall("cudnnBatchNormalizationForwardInference",
                    FunctionDescriptor.of(I, A, I, A, A, A, A, A, A, A, A, A, A, A, D));
            bnBwd = lib.downcall("cudnnBatchNormalizationBackward",
                    FunctionDescriptor.of(I, A, I, A, A, A, A, A, A, A, A, A, A, A, A, A, A, D, A, A));
        }
    }

    private static final LoadOnce<Api> API = new LoadOnce<>(() -> {
        String override = System.getProperty("jgrad.cudnn.library", "");
        List<String> sonames = override.isEmpty() ? SONAMES : List.of(override);
        return new Api(NativeLibrary.load("cuDNN", INSTALL, sonames, SUBLIBRARIES));
    });

    private static Api api() {
        return API.get();
    }

    /** Whether libcudnn.so.9 loads and has every function used here. */
    public static boolean available() {
        return API.failure() == null;
    }

    /** Why cuDNN is unavailable, or "cuDNN is available". */
    public static String unavailableReason() {
        String failure = API.failure();
        return failure != null ? failure : "cuDNN is available (" + api().lib.soname() + ")";
    }

    private record Dims(int n, int c, int h, int w) {}

    private record FilterDims(int k, int c, int h, int w) {}

    private record ConvParams(int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, int groups) {}

    private final Api a;
    private final CudaContext context;   // null in tests that drive a stub library
    private final DeviceAllocator allocator;
    private final MathType mathType;
    private final Arena arena = Arena.ofShared();
    private final Map<Dims, MemorySegment> tensors = new HashMap<>();
    private final Map<FilterDims, MemorySegment> filters = new HashMap<>();
    private final Map<ConvParams, MemorySegment> convs = new HashMap<>();
    private final Map<ConvShape, ConvAlgorithms> algorithms = new HashMap<>();
    private long maxWorkspaceBytes = 1L << 30;
    private MemorySegment handle;

    private Cudnn(Api a, CudaContext context, DeviceAllocator allocator, long stream, MathType mathType) {
        this.a = a;
        this.context = context;
        this.allocator = allocator;
        this.mathType = mathType;
        try {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cudnnCreate", call(a.create, out));
            handle = out.get(ADDRESS, 0);
            check("cudnnSetStream", call(a.setStream, handle, MemorySegment.ofAddress(stream)));
        } catch (RuntimeException e) {
            // the handle (and the device memory cuDNN holds for it) and the arena are not left behind
            try {
                if (handle != null) call(a.destroy, handle);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            handle = null;
            arena.close();
            throw e;
        }
    }

    /** A handle on the context's stream, with cuDNN's default math. */
    public static Cudnn create(CudaContext context) {
        return create(context, MathType.DEFAULT);
    }

    public static Cudnn create(CudaContext context, MathType mathType) {
        Api a = api();
        context.makeCurrent();
        return new Cudnn(a, context, context.allocator(), context.streamHandle(), mathType);
    }

    /** For tests against a stand-in library: no CUDA context, workspace from the given allocator. */
    static Cudnn createForTest(NativeLibrary stub, long stream, DeviceAllocator allocator, MathType mathType) {
        return new Cudnn(new Api(stub), null, allocator, stream, mathType);
    }

    /** cuDNN's version, e.g. 90100 for 9.1.0. */
    public long version() {
        return (long) call(a.getVersion);
    }

    /** The most workspace an algorithm may need to be chosen (default 1 GiB). */
    public synchronized long maxWorkspaceBytes() {
        return maxWorkspaceBytes;
    }

    public synchronized void maxWorkspaceBytes(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative workspace limit");
        maxWorkspaceBytes = bytes;
        algorithms.clear();
    }

    // ---- convolution ---------------------------------------------------------------------------

    /** y = conv(x, w) (or y += with accumulate); x n×c×h×w, w k×(c/groups)×kh×kw, y n×k×outH×outW. */
    public synchronized void conv2dForward(ConvShape s, long x, long w, long y, boolean accumulate) {
        requirePointers("conv2dForward", x, "x", w, "w", y, "y");
        ConvAlgorithms al = algorithms(s);
        MemorySegment conv = convDescriptor(s, al.forward().mathType());
        try (Arena tmp = Arena.ofConfined(); CudaBuffer ws = workspace(al.forward().workspaceBytes())) {
            check("cudnnConvolutionForward", call(a.convFwd, handle(), tmp.allocateFrom(JAVA_FLOAT, 1f),
                    inputDescriptor(s), seg(x), filterDescriptor(s), seg(w), conv, al.forward().algo(),
                    wsSeg(ws), al.forward().workspaceBytes(), tmp.allocateFrom(JAVA_FLOAT, accumulate ? 1f : 0f),
                    outputDescriptor(s), seg(y)));
        }
    }

    /** dx = ∂L/∂x from dy and w (or dx += with accumulate). */
    public synchronized void conv2dBackwardData(ConvShape s, long w, long dy, long dx, boolean accumulate) {
        requirePointers("conv2dBackwardData", w, "w", dy, "dy", dx, "dx");
        ConvAlgorithms al = algorithms(s);
        MemorySegment conv = convDescriptor(s, al.backwardData().mathType());
        try (Arena tmp = Arena.ofConfined(); CudaBuffer ws = workspace(al.backwardData().workspaceBytes())) {
            check("cudnnConvolutionBackwardData", call(a.convBwdData, handle(), tmp.allocateFrom(JAVA_FLOAT, 1f),
                    filterDescriptor(s), seg(w), outputDescriptor(s), seg(dy), conv, al.backwardData().algo(),
                    wsSeg(ws), al.backwardData().workspaceBytes(), tmp.allocateFrom(JAVA_FLOAT, accumulate ? 1f : 0f),
                    inputDescriptor(s), seg(dx)));
        }
    }

    /** dw = ∂L/∂w from x and dy (or dw += with accumulate). */
    public synchronized void conv2dBackwardFilter(ConvShape s, long x, long dy, long dw, boolean accumulate) {
        requirePointers("conv2dBackwardFilter", x, "x", dy, "dy", dw, "dw");
        ConvAlgorithms al = algorithms(s);
        MemorySegment conv = convDescriptor(s, al.backwardFilter().mathType());
        try (Arena tmp = Arena.ofConfined(); CudaBuffer ws = workspace(al.backwardFilter().workspaceBytes())) {
            check("cudnnConvolutionBackwardFilter", call(a.convBwdFilter, handle(), tmp.allocateFrom(JAVA_FLOAT, 1f),
                    inputDescriptor(s), seg(x), outputDescriptor(s), seg(dy), conv, al.backwardFilter().algo(),
                    wsSeg(ws), al.backwardFilter().workspaceBytes(), tmp.allocateFrom(JAVA_FLOAT, accumulate ? 1f : 0f),
                    filterDescriptor(s), seg(dw)));
        }
    }

    /** db[k] = Σ over n, h, w of dy (or db += with accumulate); dy n×k×h×w, db k floats. */
    public synchronized void conv2dBackwardBias(int n, int k, int h, int w, long dy, long db, boolean accumulate) {
        positive("conv2dBackwardBias", n, k, h, w);
        requirePointers("conv2dBackwardBias", dy, "dy", db, "db", db, "db");
        try (Arena tmp = Arena.ofConfined()) {
            check("cudnnConvolutionBackwardBias", call(a.convBwdBias, handle(), tmp.allocateFrom(JAVA_FLOAT, 1f),
                    tensor(n, k, h, w), seg(dy), tmp.allocateFrom(JAVA_FLOAT, accumulate ? 1f : 0f),
                    tensor(1, k, 1, 1), seg(db)));
        }
    }

    /** The algorithms used for a shape (chosen on first use and cached). */
    public synchronized ConvAlgorithms algorithms(ConvShape s) {
        ConvAlgorithms al = algorithms.get(s);
        if (al != null) return al;
        MemorySegment x = inputDescriptor(s), w = filterDescriptor(s), y = outputDescriptor(s);
        MemorySegment conv = convDescriptor(s, mathType.value);
        checkOutputDims(s, conv, x, w);
        Algorithm fwd = choose("cudnnGetConvolutionForwardAlgorithm_v7", a.fwdAlgo, a.fwdWs, x, w, conv, y, true);
        Algorithm bd = choose("cudnnGetConvolutionBackwardDataAlgorithm_v7", a.bwdDataAlgo, a.bwdDataWs, w, y, conv, x, false);
        Algorithm bf = choose("cudnnGetConvolutionBackwardFilterAlgorithm_v7", a.bwdFilterAlgo, a.bwdFilterWs, x, y, conv, w, false);
        al = new ConvAlgorithms(fwd, bd, bf);
        algorithms.put(s, al);
        return al;
    }

    private void checkOutputDims(ConvShape s, MemorySegment conv, MemorySegment x, MemorySegment w) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment out = tmp.allocate(JAVA_INT, 4);
            check("cudnnGetConvolution2dForwardOutputDim", call(a.getOutputDim, conv, x, w, out.asSlice(0, 4),
                    out.asSlice(4, 4), out.asSlice(8, 4), out.asSlice(12, 4)));
            int[] d = out.toArray(JAVA_INT);
            if (d[0] != s.n() || d[1] != s.k() || d[2] != s.outH() || d[3] != s.outW()) {
                throw new IllegalStateException("cuDNN computes output " + d[0] + "×" + d[1] + "×" + d[2] + "×" + d[3]
                        + " but jgrad expects " + s.n() + "×" + s.k() + "×" + s.outH() + "×" + s.outW() + " for " + s);
            }
        }
    }

    /**
     * Queries cuDNN's ranked algorithm list for one direction and picks the first usable one. The
     * descriptor order (d1, d2, conv, d3) is the query's own; the workspace query takes the same.
     */
    private Algorithm choose(String query, MethodHandle find, MethodHandle wsQuery, MemorySegment d1, MemorySegment d2,
                             MemorySegment conv, MemorySegment d3, boolean forward) {
        final int requested = 16;
        List<int[]> usable = new ArrayList<>();      // {algo, determinism, mathType}
        List<Long> memory = new ArrayList<>();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment count = tmp.allocate(JAVA_INT);
            MemorySegment perf = tmp.allocate(PERF, requested);
            check(query, call(find, handle(), d1, d2, conv, d3, requested, count, perf));
            int n = Math.min(count.get(JAVA_INT, 0), requested);
            for (int i = 0; i < n; i++) {
                MemorySegment p = perf.asSlice(i * PERF.byteSize(), PERF.byteSize());
                int status = p.get(JAVA_INT, 4);
                long mem = p.get(JAVA_LONG, 16);
                if (status != CUDNN_STATUS_SUCCESS || mem > maxWorkspaceBytes) continue;
                usable.add(new int[]{p.get(JAVA_INT, 0), p.get(JAVA_INT, 24), p.get(JAVA_INT, 28)});
                memory.add(mem);
            }
        }
        if (usable.isEmpty()) {
            throw new IllegalStateException(query + " found no algorithm that works within a workspace of "
                    + maxWorkspaceBytes + " bytes");
        }
        // the first deterministic entry reported for the requested math type (FMA: no TF32); failing
        // that, the first for that math type, then the first deterministic one, then the first
        int pick = -1;
        for (int pass = 0; pass < 4 && pick < 0; pass++) {
            for (int i = 0; i < usable.size() && pick < 0; i++) {
                boolean sameMath = usable.get(i)[2] == mathType.value, det = usable.get(i)[1] == CUDNN_DETERMINISTIC;
                if ((pass == 0 && sameMath && det) || (pass == 1 && sameMath) || (pass == 2 && det) || pass == 3) pick = i;
            }
        }
        int[] chosen = usable.get(pick);
        // the workspace for the chosen algorithm run with the requested math type, as it will run
        setConvMath(conv, mathType.value);
        long ws;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment size = tmp.allocate(JAVA_LONG);
            String wsName = forward ? "cudnnGetConvolutionForwardWorkspaceSize" : query.replace("Algorithm_v7", "WorkspaceSize");
            check(wsName, call(wsQuery, handle(), d1, d2, conv, d3, chosen[0], size));
            ws = size.get(JAVA_LONG, 0);
        }
        return new Algorithm(chosen[0], Math.max(ws, memory.get(pick)), chosen[1] == CUDNN_DETERMINISTIC, mathType.value);
    }

    // ---- batch normalisation -------------------------------------------------------------------

    /**
     * Training-mode batch norm of x (n×c×h×w) into y with per-channel gamma and beta (c floats each).
     * Updates runningMean/runningVar in place (both may be 0 to skip) and writes saveMean and
     * saveInvStd (c floats each) for {@link #batchNormBackward}.
     */
    public synchronized void batchNormForwardTraining(int n, int c, int h, int w, long x, long y, long gamma, long beta,
                                                      double momentum, double eps, long runningMean, long runningVar,
                                                      long saveMean, long saveInvStd) {
        positive("batchNormForwardTraining", n, c, h, w);
        if ((long) n * h * w < 2) {
            throw new IllegalArgumentException("batch norm in training needs more than one value per channel (n·h·w = "
                    + (long) n * h * w + ")");
        }
        checkEps(eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("momentum " + momentum + " outside [0, 1]");
        requirePointers("batchNormForwardTraining", x, "x", y, "y", gamma, "gamma");
        requirePointers("batchNormForwardTraining", beta, "beta", saveMean, "saveMean", saveInvStd, "saveInvStd");
        if ((runningMean == 0) != (runningVar == 0)) {
            throw new IllegalArgumentException("give both running statistics or neither");
        }
        MemorySegment xd = tensor(n, c, h, w);
        try (Arena tmp = Arena.ofConfined()) {
            check("cudnnBatchNormalizationForwardTraining", call(a.bnFwdTrain, handle(), CUDNN_BATCHNORM_SPATIAL,
                    tmp.allocateFrom(JAVA_FLOAT, 1f), tmp.allocateFrom(JAVA_FLOAT, 0f), xd, seg(x), xd, seg(y),
                    tensor(1, c, 1, 1), seg(gamma), seg(beta), momentum, seg(runningMean), seg(runningVar), eps,
                    seg(saveMean), seg(saveInvStd)));
        }
    }

    /** Inference-mode batch norm: y = gamma·(x − mean)/√(var + eps) + beta with the given statistics. */
    public synchronized void batchNormForwardInference(int n, int c, int h, int w, long x, long y, long gamma, long beta,
                                                       long mean, long var, double eps) {
        positive("batchNormForwardInference", n, c, h, w);
        checkEps(eps);
        requirePointers("batchNormForwardInference", x, "x", y, "y", gamma, "gamma");
        requirePointers("batchNormForwardInference", beta, "beta", mean, "mean", var, "var");
        MemorySegment xd = tensor(n, c, h, w);
        try (Arena tmp = Arena.ofConfined()) {
            check("cudnnBatchNormalizationForwardInference", call(a.bnFwdInfer, handle(), CUDNN_BATCHNORM_SPATIAL,
                    tmp.allocateFrom(JAVA_FLOAT, 1f), tmp.allocateFrom(JAVA_FLOAT, 0f), xd, seg(x), xd, seg(y),
                    tensor(1, c, 1, 1), seg(gamma), seg(beta), seg(mean), seg(var), eps));
        }
    }

    /**
     * Backward of training-mode batch norm: dx (overwritten), and dGamma, dBeta (overwritten, or
     * added to with accumulateParams), from x, dy, gamma and the saved mean and 1/std.
     */
    public synchronized void batchNormBackward(int n, int c, int h, int w, long x, long dy, long dx, long gamma,
                                               long dGamma, long dBeta, double eps, long saveMean, long saveInvStd,
                                               boolean accumulateParams) {
        positive("batchNormBackward", n, c, h, w);
        checkEps(eps);
        requirePointers("batchNormBackward", x, "x", dy, "dy", dx, "dx");
        requirePointers("batchNormBackward", gamma, "gamma", dGamma, "dGamma", dBeta, "dBeta");
        if ((saveMean == 0) != (saveInvStd == 0)) throw new IllegalArgumentException("give both saved statistics or neither");
        MemorySegment xd = tensor(n, c, h, w);
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment one = tmp.allocateFrom(JAVA_FLOAT, 1f);
            MemorySegment zero = tmp.allocateFrom(JAVA_FLOAT, 0f);
            check("cudnnBatchNormalizationBackward", call(a.bnBwd, handle(), CUDNN_BATCHNORM_SPATIAL,
                    one, zero, one, accumulateParams ? one : zero, xd, seg(x), xd, seg(dy), xd, seg(dx),
                    tensor(1, c, 1, 1), seg(gamma), seg(dGamma), seg(dBeta), eps, seg(saveMean), seg(saveInvStd)));
        }
    }

    // ---- descriptors ---------------------------------------------------------------------------

    private MemorySegment inputDescriptor(ConvShape s) {
        return tensor(s.n(), s.c(), s.h(), s.w());
    }

    private MemorySegment outputDescriptor(ConvShape s) {
        return tensor(s.n(), s.k(), s.outH(), s.outW());
    }

    private MemorySegment tensor(int n, int c, int h, int w) {
        return tensors.computeIfAbsent(new Dims(n, c, h, w), d -> {
            MemorySegment desc = createDescriptor("cudnnCreateTensorDescriptor", a.createTensor);
            check("cudnnSetTensor4dDescriptor", call(a.setTensor4d, desc, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, c, h, w));
            return desc;
        });
    }

    private MemorySegment filterDescriptor(ConvShape s) {
        return filters.computeIfAbsent(new FilterDims(s.k(), s.c() / s.groups(), s.kh(), s.kw()), f -> {
            MemorySegment desc = createDescriptor("cudnnCreateFilterDescriptor", a.createFilter);
            check("cudnnSetFilter4dDescriptor", call(a.setFilter4d, desc, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW,
                    f.k(), f.c(), f.h(), f.w()));
            return desc;
        });
    }

    /** The convolution descriptor for the shape's parameters, with the given math type set. */
    private MemorySegment convDescriptor(ConvShape s, int math) {
        MemorySegment conv = convs.computeIfAbsent(new ConvParams(s.padH(), s.padW(), s.strideH(), s.strideW(),
                s.dilationH(), s.dilationW(), s.groups()), p -> {
            MemorySegment desc = createDescriptor("cudnnCreateConvolutionDescriptor", a.createConv);
            check("cudnnSetConvolution2dDescriptor", call(a.setConv2d, desc, p.padH(), p.padW(), p.strideH(), p.strideW(),
                    p.dilationH(), p.dilationW(), CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
            check("cudnnSetConvolutionGroupCount", call(a.setGroupCount, desc, p.groups()));
            return desc;
        });
        setConvMath(conv, math);
        return conv;
    }

    private void setConvMath(MemorySegment conv, int math) {
        check("cudnnSetConvolutionMathType", call(a.setMathType, conv, math));
    }

    private MemorySegment createDescriptor(String name, MethodHandle create) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment out = tmp.allocate(ADDRESS);
            check(name, call(create, out));
            return out.get(ADDRESS, 0);
        }
    }

    private CudaBuffer workspace(long bytes) {
        if (bytes == 0) return null;
        if (context != null) context.makeCurrent();
        return allocator.allocate(bytes);
    }

    private static MemorySegment wsSeg(CudaBuffer ws) {
        return ws == null ? MemorySegment.NULL : MemorySegment.ofAddress(ws.address());
    }

    private MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("cuDNN handle was closed");
        if (context != null) context.makeCurrent();
        return handle;
    }

    private static MemorySegment seg(long address) {
        return MemorySegment.ofAddress(address);
    }

    private static void positive(String op, int n, int c, int h, int w) {
        if (n < 1 || c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException(op + ": sizes must be ≥ 1, got " + n + "×" + c + "×" + h + "×" + w);
        }
    }

    private static void checkEps(double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps " + eps + " must be > 0");
    }

    private static void requirePointers(String op, long p1, String n1, long p2, String n2, long p3, String n3) {
        if (p1 == 0 || p2 == 0 || p3 == 0) {
            String which = p1 == 0 ? n1 : p2 == 0 ? n2 : n3;
            throw new IllegalArgumentException(op + ": device pointer " + which + " is null");
        }
    }

    private Object call(MethodHandle h, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void check(String name, Object status) {
        int s = (Integer) status;
        if (s != CUDNN_STATUS_SUCCESS) throw new NativeCallException("cuDNN", name, s, errorString(a, s));
    }

    /** cudnnGetErrorString for a status. */
    public static String errorString(int status) {
        return errorString(api(), status);
    }

    private static String errorString(Api a, int status) {
        try {
            MemorySegment p = (MemorySegment) a.getErrorString.invokeExact(status);
            return p.equals(MemorySegment.NULL) ? "cudnnStatus " + status : p.reinterpret(256).getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public synchronized void close() {
        if (handle == null) return;
        try {
            for (MemorySegment d : tensors.values()) check("cudnnDestroyTensorDescriptor", call(a.destroyTensor, d));
            for (MemorySegment d : filters.values()) check("cudnnDestroyFilterDescriptor", call(a.destroyFilter, d));
            for (MemorySegment d : convs.values()) check("cudnnDestroyConvolutionDescriptor", call(a.destroyConv, d));
            check("cudnnDestroy", call(a.destroy, handle));
        } finally {
            tensors.clear();
            filters.clear();
            convs.clear();
            algorithms.clear();
            handle = null;
            arena.close();
        }
    }
}
