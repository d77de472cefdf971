package jgrad.core;

import jgrad.core.cpu.Parallel;
import jgrad.core.spi.Backend;
import jgrad.core.cpu.Simd;

/**
 * Reductions over any set of dimensions. The reduced dims are moved innermost (a copy only when
 * they are not already), then each output is one contiguous run: vectorised, accumulated in
 * double, and split across cores either by output or, for a single output, by chunk.
 * sum and max/min are primitives; mean and var are composites of them.
 */
final class Reductions {
    private Reductions() {}

    /**
     * Marks the reduced dims, rejecting out-of-range and repeated ones. A 0-d tensor takes dim 0
     * or −1, as in torch, and reducing over it leaves its one value.
     */
    private static boolean[] mark(String op, Tensor x, int[] dims) {
        if (x.shape.length == 0) {
            if (dims.length > 1) throw new IllegalArgumentException(op + ": a 0-d tensor has one dimension to name (0 or -1), not " + dims.length);
            if (dims.length == 1 && dims[0] != 0 && dims[0] != -1) {
                throw new IllegalArgumentException(op + ": dimension " + dims[0] + " is out of range for a 0-d tensor (only 0 or -1)");
            }
            return new boolean[0];
        }
        boolean[] red = new boolean[x.shape.length];
        for (int d : dims) {
            int n = Shape.normalizeDim(op, d, x.shape.length);
            if (red[n]) throw new IllegalArgumentException(op + ": dimension " + d + " listed twice in " + java.util.Arrays.toString(dims));
            red[n] = true;
        }
        return red;
    }

    private static int[] keptShape(Tensor x, boolean[] red, boolean keepDim) {
        int k = 0;
        for (int i = 0; i < red.length; i++) if (keepDim || !red[i]) k++;
        int[] s = new int[k];
        k = 0;
        for (int i = 0; i < red.length; i++) {
            if (!red[i]) s[k++] = x.shape[i];
            else if (keepDim) s[k++] = 1;
        }
        return s;
    }

    /** x with the kept dims first and reduced dims last, packed; returns {M, R} in counts. */
    private static Tensor innermost(Tensor x, boolean[] red, int[] counts) {
        int[] perm = new int[red.length];
        int k = 0, m = 1, r = 1;
        for (int i = 0; i < red.length; i++) if (!red[i]) { perm[k++] = i; m *= x.shape[i]; }
        for (int i = 0; i < red.length; i++) if (red[i]) { perm[k++] = i; r *= x.shape[i]; }
        counts[0] = m;
        counts[1] = r;
        return x.detach().permute(perm).contiguous();
    }

    interface RunReducer {
        double reduce(float[] d, int off, int n);
    }

    private static Tensor reduce(String op, Tensor x, boolean[] red, boolean keepDim, RunReducer f, boolean splittable) {
        int[] counts = new int[2];
        Tensor p = innermost(x, red, counts);
        int m = counts[0], r = counts[1];
        if (r == 0 && !op.equals("sum")) {
            throw new IllegalArgumentException(op + ": cannot reduce over an empty dimension (shape " + Shape.str(x.shape) + ")");
        }
        if (!x.isCpu()) {
            Tensor out = Tensor.empty(x.device(), keptShape(x, red, keepDim));
            if (m == 0) return out;
            if (r == 0) {
                x.backend().fill(out, 0f);
            } else {
                Backend.Reduce kind = op.equals("sum") ? Backend.Reduce.SUM : op.equals("max") ? Backend.Reduce.MAX : Backend.Reduce.MIN;
                x.backend().reduceRows(kind, p, m, r, out);
            }
            return out;
        }
        Tensor out = Tensor.zeros(keptShape(x, red, keepDim));
        if (r == 0) return out;
        if (m == 1 && splittable && r >= 2 * Elementwise.GRAIN) {
            // chunks of a fixed length, partials added in chunk order: the same bits for any thread count
            int chunk = Elementwise.GRAIN;
            double[] parts = new double[(r + chunk - 1) / chunk];
            Parallel.range(parts.length, 1, (from, to) -> {
                for (int c = from; c < to; c++) {
                    int s = c * chunk, e = Math.min(r, s + chunk);
                    parts[c] = s < e ? f.reduce(p.data, p.offset + s, e - s) : 0;
                }
            });
            double total = 0;
            for (double v : parts) total += v;
            out.data[0] = (float) total;
        } else {
            Parallel.range(m, Math.max(1, Elementwise.GRAIN / r), (from, to) -> {
                for (int i = from; i < to; i++) out.data[i] = (float) f.reduce(p.data, p.offset + i * r, r);
            });
        }
        return out;
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        boolean[] red = mark("sum", x, dims);
        Tensor out = reduce("sum", x, red, keepDim, Simd::sum, true);
        int[] keep = keptShape(x, red, true), in = x.shape;
        return Autograd.record("sum", out, g -> new Tensor[]{g.reshape(keep).expand(in)}, x);
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        boolean[] red = mark("mean", x, dims);
        long n = 1;
        for (int i = 0; i < red.length; i++) if (red[i]) n *= x.shape[i];
        if (n == 0) throw new IllegalArgumentException("mean: cannot average over an empty dimension (shape " + Shape.str(x.shape) + ")");
        return sum(x, dims, keepDim).div((float) n);
    }

    /** max (or min) over dims; the gradient is shared equally among tied extremes. */
    static Tensor extreme(Tensor x, int[] dims, boolean keepDim, boolean max) {
        String op = max ? "max" : "min";
        boolean[] red = mark(op, x, dims);
        Tensor out = reduce(op, x, red, keepDim, max ? Simd::max : Simd::min, false);
        int[] keep = keptShape(x, red, true);
        return Autograd.record(op, out, g -> {
            Tensor mask = x.eq(out.reshape(keep));
            Tensor count = mask.sum(dims, true);
            return new Tensor[]{mask.div(count).mul(g.reshape(keep))};
        }, x);
    }

    /**
     * argmax (or argmin) along one dim, from ops every device has: with m the extreme (NaN when
     * the slice holds one), the hits are x = m or x ≠ x (NaN); hit·(n − i) is largest at the first
     * hit, so the index is n − max(hit·(n − i)).
     */
    static Tensor argExtreme(Tensor x, int dim, boolean keepDim, boolean max) {
        String op = max ? "argmax" : "argmin";
        int d = Shape.normalizeDim(op, dim, x.shape.length);
        int n = x.shape[d];
        if (n == 0) throw new IllegalArgumentException(op + ": dim " + dim + " is empty (shape " + Shape.str(x.shape) + ")");
        try (var ignored = Autograd.noGrad()) {
            Tensor m = extreme(x, new int[]{d}, true, max);
            Tensor hit = x.eq(m).add(x.ne(x)).gt(0f);
            int[] along = new int[x.shape.length];
            java.util.Arrays.fill(along, 1);
            along[d] = n;
            Tensor fromEnd = Tensor.arange(n).rsub(n).reshape(along).to(x.device());
            return hit.mul(fromEnd).max(new int[]{d}, keepDim).rsub(n);
        }
    }

    static Tensor var(Tensor x, int[] dims, int correction, boolean keepDim) {
        boolean[] red = mark("var", x, dims);
        long n = 1;
        for (int i = 0; i < red.length; i++) if (red[i]) n *= x.shape[i];
        if (n == 0) throw new IllegalArgumentException("var: cannot take the variance over an empty dimension (shape " + Shape.str(x.shape) + ")");
        Tensor centered = x.sub(x.mean(dims, true));
        // torch divides by max(0, n − correction): +∞ (or NaN for 0/0) rather than a negative variance
        return centered.mul(centered).sum(dims, keepDim).div((float) Math.max(0, n - correction));
    }

    /** Sums a broadcast gradient back down to the shape of the operand it came from. */
    static Tensor sumTo(Tensor g, int[] target) {
        if (java.util.Arrays.equals(g.shape, target)) return g;
        int lead = g.shape.length - target.length;
        int[] dims = new int[g.shape.length];
        int k = 0;
        for (int i = 0; i < g.shape.length; i++) {
            if (i < lead || (target[i - lead] == 1 && g.shape[i] != 1)) dims[k++] = i;
        }
        Tensor s = sum(g, java.util.Arrays.copyOf(dims, k), true);
        return s.reshape(target);
    }
}
