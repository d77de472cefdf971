package jgrad.kernels.ops;

import jgrad.core.Tensor;
import jgrad.kernels.cuda.CudaBuffer;
import jgrad.kernels.ffm.Cublas;

/**
 * Batched matrix products on cuBLAS: out[b] = a[b]·bm[b] for B×M×K a and B×K×N bm (any strides,
 * batch stride 0 when broadcast), out contiguous B×M×N, all row-major.
 *
 * <p>cuBLAS is column-major, and a row-major R×C matrix is the column-major C×R matrix of its
 * transpose, so the row-major product C = A·B is computed as the column-major Cᵀ = Bᵀ·Aᵀ
 * (m = N, n = M, k = K, ldc = N). Each operand goes in without a copy when one of its two inner
 * strides is 1: unit column stride is a column-major matrix of the transpose (no transpose flag,
 * ld = row stride); unit row stride is the column-major matrix itself (transpose flag, ld = column
 * stride). Anything
 * else (e.g. a broadcast row) is first packed with the strided copy kernel. One call of
 * cublasSgemm for a single matrix, of cublasSgemmStridedBatched otherwise. FP32 FMA throughout
 * (cuBLAS's default math mode; no TF32).
 */
final class CudaMatmul {
    private final CudaBackend backend;
    private final Cublas cublas;

    CudaMatmul(CudaBackend backend) {
        this.backend = backend;
        this.cublas = Cublas.create(backend.context());
    }

    /** An operand as cuBLAS takes it, and the packed copy made for it, if any. */
    private record Operand(long address, boolean transposed, int ld, long batchStride, CudaBuffer packed) {}

    /**
     * The column-major view of Xᵀ for a row-major rows×cols matrix X of tensor t (B×rows×cols),
     * packing t when neither inner stride is usable.
     */
    private Operand operand(Tensor t, int batch, int rows, int cols) {
        int[] st = t.strides();
        long batchStride = batch == 1 ? 0 : st[0];
        int rs = st[1], cs = st[2];
        long address = CudaBackend.ptr(t);
        if ((cs == 1 || cols == 1) && (rows == 1 || rs >= Math.max(1, cols))) {
            return new Operand(address, false, rows == 1 ? Math.max(1, cols) : rs, batchStride, null);
        }
        if ((rs == 1 || rows == 1) && (cols == 1 || cs >= Math.max(1, rows))) {
            return new Operand(address, true, cols == 1 ? Math.max(1, rows) : cs, batchStride, null);
        }
        int copies = batchStride == 0 ? 1 : batch;
        long matrix = (long) rows * cols;
        CudaBuffer packed = backend.scratch(Float.BYTES * matrix * copies);
        int[] shape = {copies, rows, cols};
        backend.copyStrided(packed.address(), shape, new int[]{Math.toIntExact(matrix), cols, 1}, address,
                new int[]{(int) batchStride, rs, cs});
        return new Operand(packed.address(), false, Math.max(1, cols), batchStride == 0 ? 0 : matrix, packed);
    }

    void multiply(Tensor a, Tensor bm, Tensor out) {
        backend.context().makeCurrent(); // cuBLAS runs on the calling thread's current context
        int[] ad = a.dims(), bd = bm.dims();
        int batch = ad[0], m = ad[1], k = ad[2], n = bd[2];
        Operand opA = operand(a, batch, m, k);
        Operand opB = null;
        try {
            opB = operand(bm, batch, k, n);
            long c = CudaBackend.ptr(out);
            if (batch == 1) {
                cublas.sgemm(opB.transposed(), opA.transposed(), n, m, k, 1f, opB.address(), opB.ld(), opA.address(),
                        opA.ld(), 0f, c, Math.max(1, n));
            } else {
                cublas.sgemmStridedBatched(opB.transposed(), opA.transposed(), n, m, k, 1f, opB.address(), opB.ld(),
                        opB.batchStride(), opA.address(), opA.ld(), opA.batchStride(), 0f, c, Math.max(1, n), (long) m * n,
                        batch);
            }
        } finally {
            if (opA.packed() != null) opA.packed().close();
            if (opB != null && opB.packed() != null) opB.packed().close();
        }
    }
}
