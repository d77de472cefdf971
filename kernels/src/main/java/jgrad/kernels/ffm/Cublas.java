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
 * cuBLAS through FFM: one handle per context, bound to the context's stream, in the default
 * math mode (plain FP32 SGEMM, no TF32). Matrices are column-major as in cuBLAS itself; device
 * pointers are raw addresses.
 */
public final class Cublas {
    public static final int OP_N = 0;
    public static final int OP_T = 1;

    private static Native lib;
    private static MethodHandle create, setStream, sgemm, sgemmBatched;

    private final MemorySegment handle;

    private static synchronized void bind() {
        if (lib != null) return;
        Native l = Native.load("install cuBLAS from the CUDA toolkit (libcublas.so.13 or .12)", "libcublas.so.13",
                "libcublas.so.12");
        create = l.function("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setStream = l.function("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        sgemm = l.function("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        sgemmBatched = l.function("cublasSgemmStridedBatched", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT,
                JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
        lib = l;
    }

    /** A handle whose work runs on the context's stream. */
    public static Cublas create(CudaContext context) {
        bind();
        context.makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) create.invokeExact(p), "cublasCreate");
            MemorySegment h = p.get(ADDRESS, 0);
            check((int) setStream.invokeExact(h, Native.address(context.streamHandle())), "cublasSetStream");
            return new Cublas(h);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private Cublas(MemorySegment handle) {
        this.handle = handle;
    }

    private static void dims(int m, int n, int k, int lda, int rowsA, int ldb, int rowsB, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        if (lda < Math.max(1, rowsA) || ldb < Math.max(1, rowsB) || ldc < Math.max(1, m)) {
            throw new IllegalArgumentException("sgemm: leading dimensions lda=" + lda + " ldb=" + ldb + " ldc=" + ldc
                    + " too small for m=" + m + " n=" + n + " k=" + k);
        }
    }

    /** C = alpha·op(A)·op(B) + beta·C (column-major, m×n result, inner size k). */
    public void sgemm(int transA, int transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                      float beta, long c, int ldc) {
        dims(m, n, k, lda, transA == OP_N ? m : k, ldb, transB == OP_N ? k : n, ldc);
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment al = ar.allocateFrom(JAVA_FLOAT, alpha), be = ar.allocateFrom(JAVA_FLOAT, beta);
            check((int) sgemm.invokeExact(handle, transA, transB, m, n, k, al, Native.address(a), lda,
                    Native.address(b), ldb, be, Native.address(c), ldc), "cublasSgemm");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@link #sgemm} for {@code batch} matrices spaced by the given strides (in elements; 0 reuses one). */
    public void sgemmStridedBatched(int transA, int transB, int m, int n, int k, float alpha, long a, int lda,
                                    long strideA, long b, int ldb, long strideB, float beta, long c, int ldc,
                                    long strideC, int batch) {
        dims(m, n, k, lda, transA == OP_N ? m : k, ldb, transB == OP_N ? k : n, ldc);
        if (batch < 1 || strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("sgemmStridedBatched: batch " + batch + ", strides " + strideA + ", "
                    + strideB + ", " + strideC);
        }
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment al = ar.allocateFrom(JAVA_FLOAT, alpha), be = ar.allocateFrom(JAVA_FLOAT, beta);
            check((int) sgemmBatched.invokeExact(handle, transA, transB, m, n, k, al, Native.address(a), lda, strideA,
                    Native.address(b), ldb, strideB, be, Native.address(c), ldc, strideC, batch),
                    "cublasSgemmStridedBatched");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(int status, String call) {
        if (status != 0) throw new IllegalStateException(call + " failed with cublasStatus_t " + status);
    }
}
