package jgrad.core;

import jgrad.core.cpu.Parallel;

/**
 * Padding of the trailing dimensions, as {@code F.pad}: {@code pads} holds (before, after) pairs
 * from the last dimension backwards.
 *
 * <p>Every output index o along a padded dim of input size n with pad b before maps to a source:
 * <pre>
 *   CONSTANT:  i = o − b if 0 ≤ o − b &lt; n, else none (the value is 0)
 *   REFLECT:   i = |o − b| mirrored at the edges without repeating them (… c b | a b c | b a …),
 *              which needs pad &lt; n
 *   REPLICATE: i = clamp(o − b, 0, n − 1)
 * </pre>
 * An output element reads the source whose every coordinate maps (unpadded dims map to
 * themselves). The derivative is the transpose of this gather: ∂x[i] = Σ over outputs mapping
 * to i of g, so border sources collect several contributions under REFLECT and REPLICATE.
 *
 * <p>Data flow: the input is packed once; the output is produced row by row along the last dim
 * (the middle of a row is one array copy) with rows split across threads. The scatter backward is
 * split across threads by the leading unpadded dims, whose slices never share a source.
 */
final class Padding {
    private Padding() {}

    static Tensor pad(Tensor x, int[] pads, Functional.PadMode mode) {
        int r = x.rank();
        if (pads == null || mode == null) throw new IllegalArgumentException("pad: pads and mode must be given (input " + Shape.str(x.shape) + ")");
        if (pads.length % 2 != 0 || pads.length / 2 > r) {
            throw new IllegalArgumentException("pad: " + java.util.Arrays.toString(pads) + " must hold (before, after) pairs for at most "
                    + r + " dims of input " + Shape.str(x.shape));
        }
        if (r == 0) return x;
        int[] before = new int[r], after = new int[r];
        for (int k = 0; k < pads.length / 2; k++) {
            int d = r - 1 - k;
            before[d] = pads[2 * k];
            after[d] = pads[2 * k + 1];
            int n = x.shape[d];
            if (before[d] < 0 || after[d] < 0) {
                throw new IllegalArgumentException("pad: negative padding " + java.util.Arrays.toString(pads) + " for input "
                        + Shape.str(x.shape) + " (cropping is not supported)");
            }
            boolean padded = before[d] > 0 || after[d] > 0;
            if (mode == Functional.PadMode.REFLECT && padded && (before[d] >= n || after[d] >= n)) {
                throw new IllegalArgumentException("pad: reflect padding (" + before[d] + ", " + after[d] + ") must be smaller than dim "
                        + d + " of size " + n + " (input " + Shape.str(x.shape) + ")");
            }
            if (mode == Functional.PadMode.REPLICATE && padded && n == 0) {
                throw new IllegalArgumentException("pad: cannot replicate-pad the empty dim " + d + " of input " + Shape.str(x.shape));
            }
        }
        int[] outShape = new int[r];
        int[][] map = new int[r][];
        for (int d = 0; d < r; d++) {
            outShape[d] = x.shape[d] + before[d] + after[d];
            map[d] = sourceIndex(x.shape[d], before[d], outShape[d], mode);
        }
        Shape.check("pad", outShape);
        Tensor xc = x.detach().contiguous();
        if (!x.isCpu()) {
            Tensor y = Tensor.empty(x.device(), outShape);
            if (y.numel() > 0) x.backend().pad(xc, before, after, mode, y);
            return Autograd.record("pad", y, g -> {
                Tensor dx = Tensor.empty(x.device(), x.shape);
                if (dx.numel() > 0) x.backend().padBackward(g.contiguous(), before, after, mode, dx);
                return new Tensor[]{dx};
            }, x);
        }
        Tensor y = Tensor.zeros(outShape);
        int ol = outShape[r - 1], il = x.shape[r - 1], lb = before[r - 1];
        int rows = ol == 0 ? 0 : y.data.length / ol;
        int[] xs = xc.strides;
        float[] xd = xc.data, yd = y.data;
        int[] lastMap = map[r - 1];
        Parallel.range(rows, Math.max(1, Elementwise.GRAIN / Math.max(1, ol)), (from, to) -> {
            for (int row = from; row < to; row++) {
                int src = sourceRow(row, outShape, map, xs, xc.offset);
                int yo = row * ol;
                if (src < 0) continue; // the whole row lies in constant padding: already zero
                if (il > 0) System.arraycopy(xd, src, yd, yo + lb, il);
                if (mode != Functional.PadMode.CONSTANT) {
                    for (int o = 0; o < lb; o++) yd[yo + o] = xd[src + lastMap[o]];
                    for (int o = lb + il; o < ol; o++) yd[yo + o] = xd[src + lastMap[o]];
                }
            }
        });
        int[] in = x.shape;
        return Autograd.record("pad", y, g -> {
            Tensor gc = g.contiguous();
            Tensor dx = Tensor.zeros(in);
            // leading dims with no padding index independent slices of both gradients
            int lead = 0, slices = 1;
            while (lead < r - 1 && before[lead] == 0 && after[lead] == 0) slices *= in[lead++];
            int inSlice = slices == 0 ? 0 : dx.data.length / slices, outRows = rows / Math.max(1, slices);
            Parallel.range(slices, Math.max(1, Elementwise.GRAIN / Math.max(1, inSlice)), (from, to) -> {
                for (int s = from; s < to; s++) {
                    for (int row = s * outRows, end = row + outRows; row < end; row++) {
                        int src = sourceRow(row, outShape, map, dx.strides, 0);
                        if (src < 0) continue;
                        int go = gc.offset + row * ol;
                        for (int o = 0; o < ol; o++) {
                            int i = lastMap[o];
                            if (i >= 0) dx.data[src + i] += gc.data[go + o];
                        }
                    }
                }
            });
            return new Tensor[]{dx};
        }, x);
    }

    /** Source index along one dim for each output position, −1 for constant padding. */
    static int[] sourceIndex(int n, int b, int out, Functional.PadMode mode) {
        int[] m = new int[out];
        for (int o = 0; o < out; o++) {
            int i = o - b;
            m[o] = switch (mode) {
                case CONSTANT -> i >= 0 && i < n ? i : -1;
                case REPLICATE -> Math.min(Math.max(i, 0), n - 1);
                case REFLECT -> {
                    if (n == 1) yield 0;
                    int period = 2 * (n - 1);
                    int j = Math.floorMod(i, period); // pads < n keep |i| within one period; this folds any i
                    yield j < n ? j : period - j;
                }
            };
        }
        return m;
    }

    /** Offset in the packed source of the row (all dims but the last) of output row index row, or −1. */
    private static int sourceRow(int row, int[] outShape, int[][] map, int[] xs, int base) {
        int off = base;
        for (int d = outShape.length - 2; d >= 0; d--) {
            int o = row % outShape[d];
            row /= outShape[d];
            int i = map[d][o];
            if (i < 0) return -1;
            off += i * xs[d];
        }
        return off;
    }
}
