package jgrad.kernels.ops;

import java.util.Arrays;
import java.util.List;

/**
 * The iteration space of an elementwise kernel: a shape and one stride list per strided operand,
 * simplified for the GPU. Size-1 dims are dropped and neighbouring dims merge when every operand
 * steps through them as one (outer stride = inner stride · inner size), which keeps the row-major
 * order of the elements; the result (at most {@link #MAX_RANK} dims) is listed innermost first, as
 * the kernels in elementwise.cu take it: rank, 8 sizes, then 8 strides per operand, as plain ints.
 */
final class Layout {
    static final int MAX_RANK = 8;

    final int rank;
    final int[] sizes;
    final int[][] strides;

    private Layout(int rank, int[] sizes, int[][] strides) {
        this.rank = rank;
        this.sizes = sizes;
        this.strides = strides;
    }

    static Layout of(int[] shape, int[]... operandStrides) {
        int k = operandStrides.length;
        int[] sizes = new int[MAX_RANK];
        int[][] strides = new int[k][MAX_RANK];
        Arrays.fill(sizes, 1);
        int rank = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            int n = shape[d];
            if (n == 1) continue;
            if (rank > 0) {
                boolean merges = true;
                for (int j = 0; j < k; j++) {
                    merges &= (long) operandStrides[j][d] == (long) strides[j][rank - 1] * sizes[rank - 1];
                }
                if (merges) {
                    sizes[rank - 1] = Math.multiplyExact(sizes[rank - 1], n);
                    continue;
                }
            }
            if (rank == MAX_RANK) {
                throw new UnsupportedOperationException("cuda: an elementwise operand of shape " + Arrays.toString(shape)
                        + " needs more than " + MAX_RANK + " dims after merging; make it contiguous first");
            }
            sizes[rank] = n;
            for (int j = 0; j < k; j++) strides[j][rank] = operandStrides[j][d];
            rank++;
        }
        return new Layout(rank, sizes, strides);
    }

    /** Appends rank, the 8 sizes and each operand's 8 strides to a kernel's argument list. */
    void appendTo(List<Object> args) {
        args.add(rank);
        for (int s : sizes) args.add(s);
        for (int[] st : strides) for (int s : st) args.add(s);
    }
}
