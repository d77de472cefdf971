package jgrad.kernels.ffm;

import static jgrad.kernels.cuda.GpuTestSupport.assertClose;
import static jgrad.kernels.cuda.GpuTestSupport.random;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jgrad.kernels.cuda.Cuda;
import jgrad.kernels.cuda.CudaBuffer;
import jgrad.kernels.cuda.Memcpy;

/** cuBLAS SGEMM on a GPU against a plain triple loop in double. */
@Tag("cuda")
class CublasGpuTest {
    static Cublas blas;

    @BeforeAll
    static void open() {
        if (!Cuda.available() || !Cublas.available()) return;
        blas = Cublas.create(Cuda.context());
        System.out.println(Cublas.unavailableReason() + ", version " + blas.version());
    }

    @BeforeEach
    void requireLibrary() {
        assumeTrue(Cuda.available(), Cuda.unavailableReason());
        assumeTrue(Cublas.available(), Cublas.unavailableReason());
    }

    @AfterAll
    static void close() {
        if (blas != null) blas.close();
    }

    /** Row-major reference: C = alpha·op(A)·op(B) + beta·C0. */
    static float[] reference(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c0) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[p * m + i] : a[i * k + p];
                    double bv = tb ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                }
                c[i * n + j] = (float) (alpha * s + beta * c0[i * n + j]);
            }
        }
        return c;
    }

    @ParameterizedTest
    @CsvSource({"false,false,37,53,71", "true,false,64,31,17", "false,true,5,128,300", "true,true,100,1,9"})
    void rowMajorGemmMatchesTheTripleLoop(boolean ta, boolean tb, int m, int n, int k) {
        float[] a = random(1, m * k), b = random(2, k * n), c0 = random(3, m * n);
        float[] want = reference(ta, tb, m, n, k, 0.75f, a, b, 0.5f, c0);
        try (CudaBuffer da = Memcpy.upload(a); CudaBuffer db = Memcpy.upload(b); CudaBuffer dc = Memcpy.upload(c0)) {
            blas.gemmRowMajor(ta, tb, m, n, k, 0.75f, da.address(), db.address(), 0.5f, dc.address());
            assertClose(want, Memcpy.toHost(dc), 1e-4, 1e-4, "sgemm " + m + "×" + n + "×" + k);
        }
    }

    @ParameterizedTest
    @CsvSource({"false,false,12,7,5,4", "true,true,3,9,16,3"})
    void batchedGemmMatchesPerMatrixLoops(boolean ta, boolean tb, int m, int n, int k, int batch) {
        float[] a = random(4, batch * m * k), b = random(5, batch * k * n);
        float[] want = new float[batch * m * n];
        for (int i = 0; i < batch; i++) {
            float[] ai = java.util.Arrays.copyOfRange(a, i * m * k, (i + 1) * m * k);
            float[] bi = java.util.Arrays.copyOfRange(b, i * k * n, (i + 1) * k * n);
            System.arraycopy(reference(ta, tb, m, n, k, 1f, ai, bi, 0f, new float[m * n]), 0, want, i * m * n, m * n);
        }
        try (CudaBuffer da = Memcpy.upload(a); CudaBuffer db = Memcpy.upload(b);
             CudaBuffer dc = Memcpy.upload(new float[batch * m * n])) {
            blas.gemmRowMajorBatched(ta, tb, m, n, k, 1f, da.address(), (long) m * k, db.address(), (long) k * n,
                    0f, dc.address(), (long) m * n, batch);
            assertClose(want, Memcpy.toHost(dc), 1e-4, 1e-4, "batched sgemm");
        }
    }
}
