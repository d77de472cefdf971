package jgrad.core;

import jgrad.core.cpu.Gemm;
import jgrad.core.cpu.Parallel;

import java.util.Arrays;

/**
 * Matrix products with {@code torch.matmul} semantics, on the packed {@link Gemm}.
 *
 * <p>Math: for A of shape […, M, K] and B of shape […, K, N], C[b] = A[b]·B[b] for every index b
 * of the broadcast batch shape. A 1-D left operand is a row vector (a 1 is put in front, then
 * removed from the result); a 1-D right operand is a column vector (a 1 is appended, then
 * removed). Two 1-D operands give their dot product as a 0-d tensor.
 *
 * <p>Derivative: with g = ∂L/∂C, ∂L/∂A[b] = g[b]·B[b]ᵀ and ∂L/∂B[b] = A[b]ᵀ·g[b], each then
 * summed over the batch dims along which the operand was broadcast. The vector cases get theirs
 * from the recorded unsqueeze/squeeze views around the batched core.
 *
 * <p>Data flow: no operand is copied; each batch matrix is read in place through its two
 * innermost strides (a transposed view costs nothing), packed panel by panel by the GEMM, and
 * written to a fresh contiguous output. Many small matrices are split across threads by batch,
 * a few large ones inside the GEMM.
 */
final class LinearAlgebra {
    private LinearAlgebra() {}

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least one dimension, got shapes "
                    + Shape.str(a.shape) + " and " + Shape.str(b.shape));
        }
        int ka = a.shape[a.rank() - 1];
        int kb = b.rank() == 1 ? b.shape[0] : b.shape[b.rank() - 2];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(a.shape) + " and " + Shape.str(b.shape)
                    + " cannot be multiplied (inner sizes " + ka + " and " + kb + " differ)");
        }
        int[] batchA = Arrays.copyOf(a.shape, Math.max(0, a.rank() - 2)), batchB = Arrays.copyOf(b.shape, Math.max(0, b.rank() - 2));
        for (int i = 1; i <= Math.min(batchA.length, batchB.length); i++) {
            int da = batchA[batchA.length - i], db = batchB[batchB.length - i];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("matmul: shapes " + Shape.str(a.shape) + " and " + Shape.str(b.shape)
                        + " cannot be multiplied (batch dims " + Shape.str(batchA) + " and " + Shape.str(batchB)
                        + " cannot be broadcast: " + da + " vs " + db + ")");
            }
        }
        Tensor a2 = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.rank() == 1 ? b.unsqueeze(1) : b;
        Tensor c = batched(a2, b2);
        if (b.rank() == 1) c = c.squeeze(-1);
        if (a.rank() == 1) c = c.squeeze(a.rank() == 1 && b.rank() == 1 ? 0 : -2);
        return c;
    }

    /** The batched core: both operands have rank ≥ 2 and matching inner sizes. */
    private static Tensor batched(Tensor a, Tensor b) {
        int ra = a.rank(), rb = b.rank();
        int m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
        int[] batch = Shape.broadcast("matmul", Arrays.copyOf(a.shape, ra - 2), Arrays.copyOf(b.shape, rb - 2));
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor[] ab = Elementwise.sameDevice("matmul", a, b);
        Tensor out;
        if (!ab[0].isCpu()) {
            out = Tensor.empty(ab[0].device(), outShape);
            int count = Shape.numel(batch);
            if (count > 0 && m > 0 && n > 0) {
                if (k == 0) ab[0].backend().fill(out, 0f);
                else ab[0].backend().matmul(flattenBatch(ab[0], batch, count), flattenBatch(ab[1], batch, count),
                        out.viewOf(0, new int[]{count, m, n}, Shape.contiguousStrides(new int[]{count, m, n})));
            }
        } else {
            out = Tensor.zeros(outShape);
            multiply(a, b, batch, m, n, k, out.data);
        }
        return Autograd.record("matmul", out, g -> {
            Tensor ga = null, gb = null;
            if (a.requiresGrad) ga = Reductions.sumTo(batched(g, b.transpose(-1, -2)), a.shape);
            if (b.requiresGrad) gb = Reductions.sumTo(batched(a.transpose(-1, -2), g), b.shape);
            return new Tensor[]{ga, gb};
        }, a, b);
    }

    /** out[b] = a[b]·b[b] for each batch index, out contiguous. */
    private static void multiply(Tensor a, Tensor b, int[] batch, int m, int n, int k, float[] out) {
        int count = Shape.numel(batch);
        if (count == 0 || m == 0 || n == 0) return;
        int[] as = batchStrides(a, batch), bs = batchStrides(b, batch);
        int ars = a.strides[a.rank() - 2], acs = a.strides[a.rank() - 1];
        int brs = b.strides[b.rank() - 2], bcs = b.strides[b.rank() - 1];
        long work = (long) m * n * k;
        boolean byBatch = count >= Parallel.THREADS && work < (1L << 22);
        Parallel.range(byBatch ? count : 1, 1, (from, to) -> {
            int hi = byBatch ? to : count;
            for (int i = byBatch ? from : 0; i < hi; i++) {
                int ao = a.offset, bo = b.offset, rem = i;
                for (int d = batch.length - 1; d >= 0; d--) {
                    int idx = rem % batch[d];
                    rem /= batch[d];
                    ao += idx * as[d];
                    bo += idx * bs[d];
                }
                Gemm.Source sa = new Gemm.Strided(a.data, ao, ars, acs);
                Gemm.Source sbT = new Gemm.Strided(b.data, bo, bcs, brs);
                Gemm.gemm(m, n, k, sa, sbT, 0f, out, i * m * n, n, !byBatch);
            }
        });
    }

    /**
     * t (rank ≥ 2) broadcast to the batch shape and viewed as count×rows×cols: a view when its
     * batch strides merge into one (always so for a single matrix or a broadcast one), else a
     * packed copy.
     */
    private static Tensor flattenBatch(Tensor t, int[] batch, int count) {
        int r = t.rank(), rows = t.shape[r - 2], cols = t.shape[r - 1];
        int[] bs = batchStrides(t, batch);
        // dims of size 1 never move the pointer; the rest merge when each outer stride spans the inner dim
        boolean merges = true;
        int stride = 0, innerSize = 0;
        for (int i = batch.length - 1; i >= 0; i--) {
            if (batch[i] == 1) continue;
            if (innerSize == 0) stride = bs[i];
            else merges &= bs[i] == stride * innerSize;
            innerSize = innerSize == 0 ? batch[i] : innerSize * batch[i];
        }
        int[] shape3 = {count, rows, cols};
        if (merges) return t.viewOf(t.offset, shape3, new int[]{stride, t.strides[r - 2], t.strides[r - 1]});
        int[] full = java.util.Arrays.copyOf(batch, batch.length + 2);
        full[batch.length] = rows;
        full[batch.length + 1] = cols;
        int[] st = java.util.Arrays.copyOf(bs, bs.length + 2);
        st[bs.length] = t.strides[r - 2];
        st[bs.length + 1] = t.strides[r - 1];
        Tensor packed = t.viewOf(t.offset, full, st).copy();
        return packed.viewOf(packed.offset, shape3, Shape.contiguousStrides(shape3));
    }

    /** Strides of t's batch dims read as the broadcast batch shape (0 where t has size 1 or lacks the dim). */
    private static int[] batchStrides(Tensor t, int[] batch) {
        int tb = t.rank() - 2, lead = batch.length - tb;
        int[] s = new int[batch.length];
        for (int i = 0; i < tb; i++) s[lead + i] = t.shape[i] == 1 ? 0 : t.strides[i];
        return s;
    }
}
