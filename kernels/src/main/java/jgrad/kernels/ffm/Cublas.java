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
 * cuBLAS single-precision GEMM through FFM (libcublas.so.13, or .12): a handle bound to the
 * context's stream, {@code cublasSgemm_v2} and {@code cublasSgemmStridedBatched}.
 *
 * <p>cuBLAS is column-major. A row-major r×c matrix with leading dimension c is, read
 * column-major, its c×r transpose. So the row-major product C = op(A)·op(B) (C: m×n) is computed
 * as the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: the operands swap places, m and n swap, and each
 * operand's leading dimension is its row-major row length. {@link #gemmRowMajor} does exactly
 * this; {@link #sgemm} is the raw column-major call. Scalars are passed from host memory
 * (the default pointer mode). Math mode is cuBLAS's default (full FP32, no TF32).
 *
 * <p>A handle is not thread-safe: use one per thread, or synchronise.
 */
public final class Cublas implements AutoCloseable {
    /** What to install when cuBLAS is missing. */
    public static final String INSTALL = "cuBLAS from the CUDA toolkit 12 or 13 (libcublas.so.13)";
    static final String[] SONAMES = {"libcublas.so.13", "libcublas.so.12"};

    private static final int OP_N = 0;
    private static final int OP_T = 1;

    private static final class Api {
        final NativeLibrary lib;
        final MethodHandle create, destroy, setStream, sgemm, sgemmStridedBatched, getVersion;

        Api(NativeLibrary lib) {
            this.lib = lib;
            create = lib.downcall("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            destroy = lib.downcall("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            setStream = lib.downcall("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            getVersion = lib.downcall("cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            sgemm = lib.downcall("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT,
                    ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
            sgemmStridedBatched = lib.downcall("cublasSgemmStridedBatched", FunctionDescriptor.of(JAVA_INT,
                    ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG,
                    ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
        }
    }

    private static final LoadOnce<Api> API = new LoadOnce<>(() -> {
        String override = System.getProperty("jgrad.cublas.library", "");
        return new Api(override.isEmpty() ? NativeLibrary.load("cuBLAS", INSTALL, SONAMES)
                : NativeLibrary.load("cuBLAS", INSTALL, override));
    });

    private static Api api() {
        return API.get();
    }

    /** Whether libcublas loads and has every function used here. */
    public static boolean available() {
        return API.failure() == null;
    }

    /** Why cuBLAS is unavailable, or "cuBLAS is available". */
    public static String unavailableReason() {
        String failure = API.failure();
        return failure != null ? failure : "cuBLAS is available (" + api().lib.soname() + ")";
    }

    private final Api a;
    private MemorySegment handle;

    private Cublas(Api a, MemorySegment handle) {
        this.a = a;
        this.handle = handle;
    }

    /** A handle whose work runs on the context's stream. */
    public static Cublas create(CudaContext context) {
        Api a = api();
        context.makeCurrent();
        return create(a, context.streamHandle());
    }

    /** For tests against a stand-in library that mimics cuBLAS's C interface. */
    static Cublas createForTest(NativeLibrary stub, long stream) {
        return create(new Api(stub), stream);
    }

    private static Cublas create(Api a, long stream) {
        MemorySegment h;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cublasCreate_v2", (int) a.create.invokeExact(out));
            h = out.get(ADDRESS, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        Cublas c = new Cublas(a, h);
        try {
            c.setStream(stream);
        } catch (RuntimeException e) {
            try {
                c.close(); // the handle (and the memory cuBLAS holds for it) is not left behind
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return c;
    }

    /** Binds the handle to a stream (a cudaStream_t value). */
    public synchronized void setStream(long stream) {
        try {
            check("cublasSetStream_v2", (int) a.setStream.invokeExact(handle(), MemorySegment.ofAddress(stream)));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** cuBLAS's version number, e.g. 130000. */
    public synchronized int version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cublasGetVersion_v2", (int) a.getVersion.invokeExact(handle(), out));
            return out.get(JAVA_INT, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Column-major C = alpha·op(A)·op(B) + beta·C, C m×n, op(A) m×k, op(B) k×n (cublasSgemm_v2).
     * A, B, C are device addresses.
     */
    public synchronized void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long A, int lda,
                                   long B, int ldb, float beta, long C, int ldc) {
        checkSgemm(transA, transB, m, n, k, A, lda, B, ldb, C, ldc);
        try (Arena arena = Arena.ofConfined()) {
            check("cublasSgemm_v2", (int) a.sgemm.invokeExact(handle(), transA ? OP_T : OP_N, transB ? OP_T : OP_N,
                    m, n, k, arena.allocateFrom(JAVA_FLOAT, alpha), MemorySegment.ofAddress(A), lda,
                    MemorySegment.ofAddress(B), ldb, arena.allocateFrom(JAVA_FLOAT, beta), MemorySegment.ofAddress(C), ldc));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@link #sgemm} over {@code batch} matrices at fixed strides (in floats), cublasSgemmStridedBatched. */
    public synchronized void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                                 long A, int lda, long strideA, long B, int ldb, long strideB,
                                                 float beta, long C, int ldc, long strideC, int batch) {
        checkSgemm(transA, transB, m, n, k, A, lda, B, ldb, C, ldc);
        if (batch < 0) throw new IllegalArgumentException("batch " + batch + " < 0");
        if (strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("negative stride (" + strideA + ", " + strideB + ", " + strideC + ")");
        }
        if (batch > 1 && strideC < (long) ldc * n) {
            throw new IllegalArgumentException("strideC " + strideC + " < ldc·n = " + (long) ldc * n
                    + ": the batch's outputs would overlap");
        }
        try (Arena arena = Arena.ofConfined()) {
            check("cublasSgemmStridedBatched", (int) a.sgemmStridedBatched.invokeExact(handle(),
                    transA ? OP_T : OP_N, transB ? OP_T : OP_N, m, n, k, arena.allocateFrom(JAVA_FLOAT, alpha),
                    MemorySegment.ofAddress(A), lda, strideA, MemorySegment.ofAddress(B), ldb, strideB,
                    arena.allocateFrom(JAVA_FLOAT, beta), MemorySegment.ofAddress(C), ldc, strideC, batch));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Row-major C = alpha·op(A)·op(B) + beta·C for contiguous matrices: op(A) m×k (A stored m×k, or
     * k×m when transA), op(B) k×n (B stored k×n, or n×k when transB), C m×n.
     */
    public void gemmRowMajor(boolean transA, boolean transB, int m, int n, int k, float alpha, long A, long B,
                             float beta, long C) {
        sgemm(transB, transA, n, m, k, alpha, B, transB ? k : n, A, transA ? m : k, beta, C, n);
    }

    /** {@link #gemmRowMajor} over a batch of contiguous matrices, strides in floats. */
    public void gemmRowMajorBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, long A,
                                    long strideA, long B, long strideB, float beta, long C, long strideC, int batch) {
        sgemmStridedBatched(transB, transA, n, m, k, alpha, B, transB ? k : n, strideB, A, transA ? m : k, strideA,
                beta, C, n, strideC, batch);
    }

    /** The column-major argument rules of cuBLAS GEMM, checked before the call. */
    static void checkSgemm(boolean transA, boolean transB, int m, int n, int k, long A, int lda, long B, int ldb,
                           long C, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative GEMM size m=" + m + " n=" + n + " k=" + k);
        int rowsA = transA ? k : m;
        int rowsB = transB ? n : k;
        if (lda < Math.max(1, rowsA)) throw new IllegalArgumentException("lda " + lda + " < " + Math.max(1, rowsA)
                + " (rows of " + (transA ? "Aᵀ-stored A" : "A") + ")");
        if (ldb < Math.max(1, rowsB)) throw new IllegalArgumentException("ldb " + ldb + " < " + Math.max(1, rowsB)
                + " (rows of " + (transB ? "Bᵀ-stored B" : "B") + ")");
        if (ldc < Math.max(1, m)) throw new IllegalArgumentException("ldc " + ldc + " < " + Math.max(1, m));
        if (m > 0 && n > 0 && (C == 0 || (k > 0 && (A == 0 || B == 0)))) {
            throw new IllegalArgumentException("null device pointer (A=" + A + ", B=" + B + ", C=" + C + ")");
        }
    }

    private MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("cuBLAS handle was closed");
        return handle;
    }

    @Override
    public synchronized void close() {
        if (handle == null) return;
        MemorySegment h = handle;
        handle = null;
        try {
            check("cublasDestroy_v2", (int) a.destroy.invokeExact(h));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(String call, int status) {
        if (status != 0) throw new NativeCallException("cuBLAS", call, status, statusName(status));
    }

    /** cublasStatus_t by name. */
    public static String statusName(int status) {
        return switch (status) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cublasStatus " + status;
        };
    }
}
