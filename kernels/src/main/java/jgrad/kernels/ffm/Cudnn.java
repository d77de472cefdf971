package jgrad.kernels.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import jgrad.kernels.cuda.CudaContext;

/**
 * cuDNN's legacy convolution API through FFM: a handle on the context's stream, NCHW float
 * tensor and filter descriptors, cross-correlation descriptors in CUDNN_FMA_MATH (no TF32),
 * heuristic algorithm choice (deterministic algorithms only for the backward passes), workspace
 * sizes and the three convolution passes. Descriptors are raw handles ({@code long}); device
 * pointers are raw addresses.
 */
public final class Cudnn {
    static final int TENSOR_NCHW = 0;
    static final int DATA_FLOAT = 0;
    static final int CROSS_CORRELATION = 1;
    static final int FMA_MATH = 3;
    static final int DETERMINISTIC = 1;
    /** Bytes of cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t. */
    private static final long PERF_BYTES = 48;
    /** Algorithms whose workspace exceeds this are passed over. */
    private static final long MAX_WORKSPACE = 1L << 30;

    private static Native lib;
    private static MethodHandle create, setStream, errorString;
    private static MethodHandle createTensor, setTensor, destroyTensor;
    private static MethodHandle createFilter, setFilter, destroyFilter;
    private static MethodHandle createConv, setConv, setGroups, setMath, destroyConv;
    private static MethodHandle fwdAlgos, bwdDataAlgos, bwdFilterAlgos;
    private static MethodHandle fwdWs, bwdDataWs, bwdFilterWs;
    private static MethodHandle fwd, bwdData, bwdFilter;

    private final MemorySegment handle;

    private static synchronized void bind() {
        if (lib != null) return;
        Native l = Native.load("install cuDNN 9 for CUDA 12 or 13 (libcudnn.so.9)", "libcudnn.so.9");
        FunctionDescriptor p1 = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        FunctionDescriptor p2 = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        create = l.function("cudnnCreate", p1);
        setStream = l.function("cudnnSetStream", p2);
        errorString = l.function("cudnnGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        createTensor = l.function("cudnnCreateTensorDescriptor", p1);
        setTensor = l.function("cudnnSetTensor4dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        destroyTensor = l.function("cudnnDestroyTensorDescriptor", p1);
        createFilter = l.function("cudnnCreateFilterDescriptor", p1);
        setFilter = l.function("cudnnSetFilter4dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        destroyFilter = l.function("cudnnDestroyFilterDescriptor", p1);
        createConv = l.function("cudnnCreateConvolutionDescriptor", p1);
        setConv = l.function("cudnnSetConvolution2dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        setGroups = l.function("cudnnSetConvolutionGroupCount", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setMath = l.function("cudnnSetConvolutionMathType", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        destroyConv = l.function("cudnnDestroyConvolutionDescriptor", p1);
        FunctionDescriptor algos = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
                ADDRESS, ADDRESS);
        fwdAlgos = l.function("cudnnGetConvolutionForwardAlgorithm_v7", algos);
        bwdDataAlgos = l.function("cudnnGetConvolutionBackwardDataAlgorithm_v7", algos);
        bwdFilterAlgos = l.function("cudnnGetConvolutionBackwardFilterAlgorithm_v7", algos);
        FunctionDescriptor ws = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
                ADDRESS);
        fwdWs = l.function("cudnnGetConvolutionForwardWorkspaceSize", ws);
        bwdDataWs = l.function("cudnnGetConvolutionBackwardDataWorkspaceSize", ws);
        bwdFilterWs = l.function("cudnnGetConvolutionBackwardFilterWorkspaceSize", ws);
        FunctionDescriptor run = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS);
        fwd = l.function("cudnnConvolutionForward", run);
        bwdData = l.function("cudnnConvolutionBackwardData", run);
        bwdFilter = l.function("cudnnConvolutionBackwardFilter", run);
        lib = l;
    }

    /** A handle whose work runs on the context's stream. */
    public static Cudnn create(CudaContext context) {
        bind();
        context.makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) create.invokeExact(p), "cudnnCreate");
            MemorySegment h = p.get(ADDRESS, 0);
            check((int) setStream.invokeExact(h, Native.address(context.streamHandle())), "cudnnSetStream");
            return new Cudnn(h);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private Cudnn(MemorySegment handle) {
        this.handle = handle;
    }

    /** A float NCHW tensor descriptor. */
    public long tensor4d(int n, int c, int h, int w) {
        positive("tensor", n, c, h, w);
        long d = make(createTensor, "cudnnCreateTensorDescriptor");
        call(() -> (int) setTensor.invokeExact(Native.address(d), TENSOR_NCHW, DATA_FLOAT, n, c, h, w), "cudnnSetTensor4dDescriptor");
        return d;
    }

    /** A float NCHW filter descriptor (k output channels, c input channels per group). */
    public long filter4d(int k, int c, int h, int w) {
        positive("filter", k, c, h, w);
        long d = make(createFilter, "cudnnCreateFilterDescriptor");
        call(() -> (int) setFilter.invokeExact(Native.address(d), DATA_FLOAT, TENSOR_NCHW, k, c, h, w), "cudnnSetFilter4dDescriptor");
        return d;
    }

    /** A float cross-correlation descriptor in FMA math (no tensor cores, no TF32). */
    public long convolution(int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, int groups) {
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("convolution: negative padding " + padH + ", " + padW);
        positive("convolution", strideH, strideW, dilationH, dilationW, groups);
        long d = make(createConv, "cudnnCreateConvolutionDescriptor");
        MemorySegment s = Native.address(d);
        call(() -> (int) setConv.invokeExact(s, padH, padW, strideH, strideW, dilationH, dilationW, CROSS_CORRELATION,
                DATA_FLOAT), "cudnnSetConvolution2dDescriptor");
        call(() -> (int) setGroups.invokeExact(s, groups), "cudnnSetConvolutionGroupCount");
        call(() -> (int) setMath.invokeExact(s, FMA_MATH), "cudnnSetConvolutionMathType");
        return d;
    }

    public void destroyTensor(long d) {
        call(() -> (int) destroyTensor.invokeExact(Native.address(d)), "cudnnDestroyTensorDescriptor");
    }

    public void destroyFilter(long d) {
        call(() -> (int) destroyFilter.invokeExact(Native.address(d)), "cudnnDestroyFilterDescriptor");
    }

    public void destroyConvolution(long d) {
        call(() -> (int) destroyConv.invokeExact(Native.address(d)), "cudnnDestroyConvolutionDescriptor");
    }

    /** The fastest forward algorithm by cuDNN's heuristics that runs in FMA math. */
    public int forwardAlgorithm(long x, long w, long conv, long y) {
        return choose(fwdAlgos, "cudnnGetConvolutionForwardAlgorithm_v7", x, w, conv, y, false, 0);
    }

    /** The fastest deterministic backward-data algorithm (ALGO_1 when the heuristics offer none). */
    public int backwardDataAlgorithm(long w, long dy, long conv, long dx) {
        return choose(bwdDataAlgos, "cudnnGetConvolutionBackwardDataAlgorithm_v7", w, dy, conv, dx, true, 1);
    }

    /** The fastest deterministic backward-filter algorithm (ALGO_1 when the heuristics offer none). */
    public int backwardFilterAlgorithm(long x, long dy, long conv, long dw) {
        return choose(bwdFilterAlgos, "cudnnGetConvolutionBackwardFilterAlgorithm_v7", x, dy, conv, dw, true, 1);
    }

    private int choose(MethodHandle h, String name, long a, long b, long conv, long c, boolean deterministic, int fallback) {
        int requested = 8;
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment count = ar.allocate(JAVA_INT), perf = ar.allocate(PERF_BYTES * requested, 8);
            check((int) h.invokeExact(handle, Native.address(a), Native.address(b), Native.address(conv), Native.address(c),
                    requested, count, perf), name);
            for (int i = 0; i < count.get(JAVA_INT, 0); i++) {
                long o = i * PERF_BYTES;
                int algo = perf.get(JAVA_INT, o), status = perf.get(JAVA_INT, o + 4);
                long memory = perf.get(JAVA_LONG, o + 16);
                int determinism = perf.get(JAVA_INT, o + 24), math = perf.get(JAVA_INT, o + 28);
                if (status != 0 || memory > MAX_WORKSPACE || (math != FMA_MATH && math != 0)) continue;
                if (deterministic && determinism != DETERMINISTIC) continue;
                return algo;
            }
            return fallback;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public long forwardWorkspaceBytes(long x, long w, long conv, long y, int algo) {
        return workspace(fwdWs, "cudnnGetConvolutionForwardWorkspaceSize", x, w, conv, y, algo);
    }

    public long backwardDataWorkspaceBytes(long w, long dy, long conv, long dx, int algo) {
        return workspace(bwdDataWs, "cudnnGetConvolutionBackwardDataWorkspaceSize", w, dy, conv, dx, algo);
    }

    public long backwardFilterWorkspaceBytes(long x, long dy, long conv, long dw, int algo) {
        return workspace(bwdFilterWs, "cudnnGetConvolutionBackwardFilterWorkspaceSize", x, dy, conv, dw, algo);
    }

    private long workspace(MethodHandle h, String name, long a, long b, long conv, long c, int algo) {
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment size = ar.allocate(JAVA_LONG);
            check((int) h.invokeExact(handle, Native.address(a), Native.address(b), Native.address(conv), Native.address(c),
                    algo, size), name);
            return size.get(JAVA_LONG, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** y = conv(x, w) (beta = 0: y is overwritten). */
    public void forward(long xDesc, long x, long wDesc, long w, long conv, int algo, long workspace, long workspaceBytes,
                        long yDesc, long y) {
        run(fwd, "cudnnConvolutionForward", xDesc, x, wDesc, w, conv, algo, workspace, workspaceBytes, yDesc, y);
    }

    /** dx = the transpose of the convolution applied to dy (overwritten). */
    public void backwardData(long wDesc, long w, long dyDesc, long dy, long conv, int algo, long workspace,
                             long workspaceBytes, long dxDesc, long dx) {
        run(bwdData, "cudnnConvolutionBackwardData", wDesc, w, dyDesc, dy, conv, algo, workspace, workspaceBytes, dxDesc, dx);
    }

    /** dw = the weight gradient of the convolution for x and dy (overwritten). */
    public void backwardFilter(long xDesc, long x, long dyDesc, long dy, long conv, int algo, long workspace,
                               long workspaceBytes, long dwDesc, long dw) {
        run(bwdFilter, "cudnnConvolutionBackwardFilter", xDesc, x, dyDesc, dy, conv, algo, workspace, workspaceBytes, dwDesc, dw);
    }

    private void run(MethodHandle h, String name, long aDesc, long a, long bDesc, long b, long conv, int algo, long ws,
                     long wsBytes, long cDesc, long c) {
        if (a == 0 || b == 0 || c == 0) throw new IllegalArgumentException(name + ": null device pointer");
        if (wsBytes > 0 && ws == 0) throw new IllegalArgumentException(name + ": " + wsBytes + " B of workspace but no buffer");
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment one = ar.allocateFrom(JAVA_FLOAT, 1f), zero = ar.allocateFrom(JAVA_FLOAT, 0f);
            check((int) h.invokeExact(handle, one, Native.address(aDesc), Native.address(a), Native.address(bDesc),
                    Native.address(b), Native.address(conv), algo, Native.address(ws), wsBytes, zero, Native.address(cDesc),
                    Native.address(c)), name);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private interface Call {
        int run() throws Throwable;
    }

    private static void call(Call c, String name) {
        try {
            check(c.run(), name);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static long make(MethodHandle h, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) h.invokeExact(p), name);
            return p.get(ADDRESS, 0).address();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void positive(String what, int... v) {
        for (int x : v) if (x < 1) throw new IllegalArgumentException(what + ": sizes must be positive, got " + java.util.Arrays.toString(v));
    }

    private static void check(int status, String call) {
        if (status == 0) return;
        String text;
        try {
            text = ((MemorySegment) errorString.invokeExact(status)).reinterpret(256).getString(0);
        } catch (Throwable t) {
            text = "status " + status;
        }
        throw new IllegalStateException(call + " failed: " + text);
    }
}
