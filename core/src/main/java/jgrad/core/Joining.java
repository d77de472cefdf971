package jgrad.core;

import java.util.Arrays;

/**
 * Concatenation, stacking and splitting.
 *
 * <p>cat along dim d: y = [x₀; x₁; …] with offsets o_k = Σ_{j&lt;k} size_d(x_j); each input is copied
 * into its slab of the output (one strided copy per input, split across threads). Its derivative
 * hands each input the slab of g it produced: ∂x_k = g.narrow(d, o_k, size_d(x_k)), a view.
 * stack is cat of the inputs unsqueezed at d; split is a list of narrow views, so both get their
 * derivatives from the view ops they are built on.
 */
final class Joining {
    private Joining() {}

    static Tensor cat(int dim, Tensor... tensors) {
        if (tensors == null || tensors.length == 0) throw new IllegalArgumentException("cat: needs at least one tensor");
        Tensor first = tensors[0];
        int r = first.rank();
        if (r == 0) throw new IllegalArgumentException("cat: cannot concatenate 0-d tensors (use stack)");
        int d = Shape.normalizeDim("cat", dim, r);
        int total = 0;
        for (int k = 0; k < tensors.length; k++) {
            Tensor t = tensors[k];
            if (t == null) throw new IllegalArgumentException("cat: tensor " + k + " is null");
            boolean ok = t.rank() == r;
            for (int i = 0; ok && i < r; i++) ok = i == d || t.shape[i] == first.shape[i];
            if (!ok) {
                throw new IllegalArgumentException("cat: tensor " + k + " has shape " + Shape.str(t.shape) + " but tensor 0 has "
                        + Shape.str(first.shape) + "; all sizes but dim " + dim + " must match");
            }
            total += t.shape[d];
        }
        int[] outShape = first.shape.clone();
        outShape[d] = total;
        Shape.check("cat", outShape);
        Tensor[] parts = Elementwise.sameDevice("cat", tensors);
        Tensor out = Tensor.empty(parts[0].device(), outShape);
        int[] starts = new int[tensors.length];
        int at = 0;
        for (int k = 0; k < tensors.length; k++) {
            starts[k] = at;
            int len = parts[k].shape[d];
            if (len > 0) Elementwise.copyInto(slab(out, d, at, len), parts[k]);
            at += len;
        }
        int[] sizes = new int[tensors.length];
        for (int k = 0; k < tensors.length; k++) sizes[k] = tensors[k].shape[d];
        return Autograd.record("cat", out, g -> {
            Tensor[] gs = new Tensor[sizes.length];
            for (int k = 0; k < gs.length; k++) gs[k] = tensors[k].requiresGrad ? g.narrow(d, starts[k], sizes[k]) : null;
            return gs;
        }, tensors);
    }

    /** out's elements [start, start+len) along d as a plain view (no graph). */
    private static Tensor slab(Tensor out, int d, int start, int len) {
        int[] s = out.shape.clone();
        s[d] = len;
        return out.viewOf(out.offset + start * out.strides[d], s, out.strides);
    }

    static Tensor stack(int dim, Tensor... tensors) {
        if (tensors == null || tensors.length == 0) throw new IllegalArgumentException("stack: needs at least one tensor");
        int r = tensors[0].rank();
        int d = Shape.normalizeInsertDim("stack", dim, r);
        Tensor[] u = new Tensor[tensors.length];
        for (int k = 0; k < tensors.length; k++) {
            Tensor t = tensors[k];
            if (t == null) throw new IllegalArgumentException("stack: tensor " + k + " is null");
            if (!Arrays.equals(t.shape, tensors[0].shape)) {
                throw new IllegalArgumentException("stack: tensor " + k + " has shape " + Shape.str(t.shape) + " but tensor 0 has "
                        + Shape.str(tensors[0].shape) + "; all must be equal");
            }
            u[k] = t.unsqueeze(d);
        }
        return cat(d, u);
    }

    static Tensor[] split(Tensor x, int splitSize, int dim) {
        if (x.rank() == 0) throw new IllegalArgumentException("split: cannot split a 0-d tensor");
        int d = Shape.normalizeDim("split", dim, x.rank());
        int n = x.shape[d];
        if (splitSize <= 0) {
            throw new IllegalArgumentException("split: split size must be positive, got " + splitSize + " (shape " + Shape.str(x.shape) + ")");
        }
        int parts = Math.max(1, (n + splitSize - 1) / splitSize);
        Tensor[] out = new Tensor[parts];
        for (int k = 0; k < parts; k++) {
            int start = k * splitSize;
            out[k] = x.narrow(d, start, Math.min(splitSize, n - start));
        }
        return out;
    }
}
