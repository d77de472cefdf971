package jgrad.nn;

import jgrad.core.Autograd;
import jgrad.core.MemoryScope;
import jgrad.core.Tensor;

import java.util.List;

/**
 * Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}.
 * By norm: n = (Σ over all parameters of Σ g²)^½ (accumulated in double); when maxNorm / (n + 1e-6)
 * &lt; 1, as in PyTorch, every gradient is scaled in place by that factor. Parameters without a
 * gradient are skipped.
 * Gradients on a device are clipped there (the norm costs one float copied back per parameter).
 */
public final class GradClip {
    private GradClip() {}

    /** Scales the gradients so that their joint L2 norm is at most maxNorm; returns the norm before clipping. */
    public static double clipNorm(List<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("GradClip.clipNorm: maxNorm must be positive, got " + maxNorm);
        double sumSq = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            if (g.device().isCpu()) {
                for (float v : g.toArray()) sumSq += (double) v * v;
            } else {
                // on the device: one reduction per gradient, one float back per parameter
                try (var scope = MemoryScope.open(); var ng = Autograd.noGrad()) {
                    sumSq += g.square().sum().item();
                }
            }
        }
        double norm = Math.sqrt(sumSq);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) p.setGrad(scaled(g, coef, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY));
            }
        }
        return norm;
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
