package jgrad.nn;

import jgrad.core.Functional;
import jgrad.core.Rng;
import jgrad.core.Tensor;

/**
 * y = x·Wᵀ + b over the last dimension, as {@code torch.nn.Linear}: x …×in → y …×out.
 * Gradients: ∂L/∂x = g·W, ∂L/∂W = gᵀ·x (summed over leading dims), ∂L/∂b = Σ g.
 * Parameters {@code weight} out×in and {@code bias} (out) with PyTorch's default init.
 */
public class Linear extends Module {
    public final int inFeatures, outFeatures;
    public final Tensor weight, bias;

    public Linear(int in, int out) {
        this(in, out, true, null);
    }

    /** @param rng generator for the initial values; null uses {@link Rng#global()} */
    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: feature counts must be positive, got " + in + ", " + out);
        this.inFeatures = in;
        this.outFeatures = out;
        this.weight = registerParameter("weight", Tensor.zeros(out, in));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
        Init.pytorchDefault(weight, this.bias, rng == null ? Rng.global() : rng);
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() < 1 || x.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + ", " + outFeatures + "): input "
                    + java.util.Arrays.toString(x.dims()) + " must end in " + inFeatures + " features");
        }
        return Functional.linear(x, weight, bias);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null);
    }
}
