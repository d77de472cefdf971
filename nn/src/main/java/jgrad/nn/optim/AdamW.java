package jgrad.nn.optim;

import jgrad.core.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay, as {@code torch.optim.AdamW}: each step first shrinks the
 * parameter, p ← p·(1 − γ·λ), then applies the Adam update with the raw gradient (see {@link Adam}
 * for the formulas). PyTorch's default λ is 0.01.
 */
public final class AdamW extends Adam {
    public AdamW(List<Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01, false);
    }

    public AdamW(List<Tensor> params, double lr, double weightDecay) {
        this(params, lr, 0.9, 0.999, 1e-8, weightDecay, false);
    }

    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        super(single(params), lr, beta1, beta2, eps, weightDecay, amsgrad, true);
    }

    private AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad, Void marker) {
        super(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, true);
    }

    /** Parameter groups with their own options; the arguments are the defaults for options a group leaves out. */
    public static AdamW withGroups(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        return new AdamW(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, (Void) null);
    }
}
