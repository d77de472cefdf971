package jgrad.nn;

import jgrad.core.Autograd;
import jgrad.core.MemoryScope;
import jgrad.core.Tensor;

import java.util.List;

/**
 * Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}.
 * By norm: n = (Σ over all parameters of Σ g²)^½ (accumulated in double; other orders and +∞ as
 * PyTorch's {@code norm_type}); when maxNorm / (n + 1e-6)
 * &lt; 1, as in PyTorch, every gradient is scaled in place by that factor. Parameters without a
 * gradient are skipped.
 * Gradients on a device are clipped there (the norm costs one float copied back per parameter).
 */
public final class GradClip {
    private GradClip() {}

    /** Scales the gradients so that their joint L2 norm is at most maxNorm; returns the norm before clipping. */
    public static double clipNorm(List<Tensor> params, double maxNorm) {
        return clipNorm(params, maxNorm, 2, false);
    }

    /**
     * As {@code clip_grad_norm_(params, max_norm, norm_type, error_if_nonfinite)}: the joint norm
     * n = (Σ over all gradient elements of |g|^p)^(1/p), or max |g| for p = +∞, and the same scaling
     * by maxNorm / (n + 1e-6) when that is below 1. Returns n.
     *
     * @param normType         p &gt; 0, or {@code Double.POSITIVE_INFINITY}
     * @param errorIfNonfinite throw (changing no gradient) when n is NaN or infinite
     * @throws IllegalStateException for a non-finite norm when errorIfNonfinite is set
     */
    public static double clipNorm(List<Tensor> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("GradClip.clipNorm: maxNorm must be positive, got " + maxNorm);
        if (!(normType > 0)) {
            throw new IllegalArgumentException("GradClip.clipNorm: normType must be positive or Double.POSITIVE_INFINITY, got " + normType);
        }
        double norm = norm(params, normType);
        if (errorIfNonfinite && !Double.isFinite(norm)) {
            throw new IllegalStateException("GradClip.clipNorm: the total norm of order " + normType + " of the gradients is "
                    + norm + " (non-finite), so it cannot be clipped; pass errorIfNonfinite = false to scale by it anyway");
        }
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) p.setGrad(scaled(g, coef, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY));
            }
        }
        return norm;
    }

    private static double norm(List<Tensor> params, double p) {
        boolean max = p == Double.POSITIVE_INFINITY;
        double acc = 0;
        for (Tensor param : params) {
            Tensor g = param.grad();
            if (g == null || g.numel() == 0) continue;
            if (g.device().isCpu()) {
                for (float v : g.toArray()) {
                    double a = Math.abs((double) v);
                    if (max) acc = Math.max(acc, a); // NaN stays NaN
                    else acc += p == 2 ? a * a : p == 1 ? a : Math.pow(a, p);
                }
            } else {
                // on the device: one reduction per gradient, one float back per parameter
                try (var scope = MemoryScope.open(); var ng = Autograd.noGrad()) {
                    if (max) acc = Math.max(acc, g.abs().max().item());
                    else if (p == 2) acc += g.square().sum().item();
                    else if (p == 1) acc += g.abs().sum().item();
                    else acc += g.abs().pow((float) p).sum().item();
                }
            }
        }
        return max || p == 1 ? acc : p == 2 ? Math.sqrt(acc) : Math.pow(acc, 1 / p);
    }

    /** Limits every gradient element to [−clip, clip]. */
    public static void clipValue(List<Tensor> params, double clip) {
        if (!(clip >= 0)) throw new IllegalArgumentException("GradClip.clipValue: clip must be >= 0, got " + clip);
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g != null) p.setGrad(scaled(g, 1, (float) -clip, (float) clip));
        }
    }

    private static Tensor scaled(Tensor g, double coef, float lo, float hi) {
        if (!g.device().isCpu()) {
            try (var ng = Autograd.noGrad(); var scope = MemoryScope.open()) {
                return g.copyFrom(g.mul((float) coef).clamp(lo, hi)); // in place, on the gradient's device
            }
        }
        float[] v = g.toArray();
        float c = (float) coef;
        for (int i = 0; i < v.length; i++) v[i] = Math.max(lo, Math.min(hi, v[i] * c));
        return Tensor.wrap(v, g.dims());
    }
}
