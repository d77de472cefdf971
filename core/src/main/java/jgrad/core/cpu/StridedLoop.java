package jgrad.core.cpu;

import java.util.Arrays;

/**
 * Walks several strided operands of one shape together, one innermost row at a time. Adjacent
 * dimensions that every operand stores back to back are merged first, so a contiguous tensor is
 * one long row and a per-channel bias over N×C×H×W becomes rows of H·W.
 *
 * <pre>
 *   StridedLoop loop = new StridedLoop(shape, new int[][]{outStrides, inStrides}, new int[]{outOff, inOff});
 *   loop.run(grain, (off, len) -&gt; ... off[0] + i * loop.stride(0) ...);
 * </pre>
 */
public final class StridedLoop {
    /** One innermost row: the start offset of each operand, and the row length. */
    @FunctionalInterface
    public interface Row {
        void run(int[] offsets, int length);
    }

    private final int[] dims;        // coalesced outer dims (row index space), innermost excluded
    private final int[][] strides;   // per operand, per outer dim
    private final int[] base;
    private final int[] inner;       // innermost stride per operand
    private final int length;
    private final int rows;

    public StridedLoop(int[] shape, int[][] operandStrides, int[] offsets) {
        int k = operandStrides.length;
        // Drop size-1 dims, then merge dim i into i+1 when every operand allows it.
        int[] d = new int[shape.length];
        int[][] s = new int[k][shape.length];
        int r = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            if (r > 0) {
                boolean merge = true;
                for (int j = 0; j < k && merge; j++) {
                    merge = s[j][r - 1] == operandStrides[j][i] * shape[i];
                }
                if (merge) {
                    d[r - 1] *= shape[i];
                    for (int j = 0; j < k; j++) s[j][r - 1] = operandStrides[j][i];
                    continue;
                }
            }
            d[r] = shape[i];
            for (int j = 0; j < k; j++) s[j][r] = operandStrides[j][i];
            r++;
        }
        int total = 1;
        for (int v : shape) total *= v;
        this.base = offsets.clone();
        this.inner = new int[k];
        if (r == 0) {
            this.dims = new int[0];
            this.strides = new int[k][0];
            this.length = total == 0 ? 0 : 1;
            this.rows = total == 0 ? 0 : 1;
            return;
        }
        this.length = d[r - 1];
        for (int j = 0; j < k; j++) inner[j] = s[j][r - 1];
        this.dims = Arrays.copyOf(d, r - 1);
        this.strides = new int[k][];
        for (int j = 0; j < k; j++) strides[j] = Arrays.copyOf(s[j], r - 1);
        this.rows = total == 0 ? 0 : total / length;
    }

    /** Stride of operand j along the row. */
    public int stride(int j) {
        return inner[j];
    }

    public int rowLength() {
        return length;
    }

    public int rows() {
        return rows;
    }

    /** Runs every row, splitting rows across threads when there are more than grain elements per thread. */
    public void run(int grainElements, Row body) {
        int rowGrain = Math.max(1, grainElements / Math.max(1, length));
        Parallel.range(rows, rowGrain, (from, to) -> runRows(from, to, body));
    }

    /** Runs rows [from, to) on the calling thread. */
    public void runRows(int from, int to, Row body) {
        if (from >= to) return;
        int k = base.length, r = dims.length;
        int[] idx = new int[r];
        int[] off = base.clone();
        int rem = from;
        for (int i = r - 1; i >= 0; i--) {
            idx[i] = rem % dims[i];
            rem /= dims[i];
            for (int j = 0; j < k; j++) off[j] += idx[i] * strides[j][i];
        }
        for (int row = from; row < to; row++) {
            body.run(off, length);
            for (int i = r - 1; i >= 0; i--) {
                idx[i]++;
                for (int j = 0; j < k; j++) off[j] += strides[j][i];
                if (idx[i] < dims[i]) break;
                for (int j = 0; j < k; j++) off[j] -= strides[j][i] * dims[i];
                idx[i] = 0;
            }
        }
    }
}
