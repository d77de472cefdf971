package jgrad.nn.optim;

import jgrad.core.spi.Backend;

import jgrad.core.Tensor;
import jgrad.core.cpu.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam, as {@code torch.optim.Adam}, and with decoupled weight decay AdamW
 * ({@code torch.optim.AdamW}, see {@link AdamW}). Per parameter p with gradient g at step t:
 * <pre>
 *   Adam:  g ← g + λ·p                         (L2 penalty folded into the gradient)
 *   AdamW: p ← p·(1 − γ·λ)                     (decoupled decay, before the update)
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   v̂ ← max(v̂, v) with amsgrad, else v̂ = v
 *   p ← p − (γ / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * </pre>
 * β₁ is read at every step, so a scheduler may cycle it (OneCycleLR). Options per group: lr,
 * beta1, beta2, eps, weight_decay, amsgrad (1 or 0).
 */
public class Adam extends Optimizer {
    private static final int GRAIN = 1 << 14;
    private final boolean decoupled;

    public Adam(List<Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        this(single(params), lr, beta1, beta2, eps, weightDecay, amsgrad, false);
    }

    /** Parameter groups with their own options; the arguments are the defaults for options a group leaves out. */
    public static Adam withGroups(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        return new Adam(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, false);
    }

    Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad, boolean decoupled) {
        super(groups, Map.of("lr", lr, "beta1", beta1, "beta2", beta2, "eps", eps, "weight_decay", weightDecay,
                "amsgrad", amsgrad ? 1.0 : 0.0));
        this.decoupled = decoupled;
        requireValidOptions();
    }

    @Override
    protected List<String> optionProblems(Map<String, Double> o) {
        List<String> problems = new ArrayList<>();
        if (!(o.get("lr") >= 0)) problems.add("invalid learning rate " + o.get("lr"));
        if (!(o.get("eps") >= 0)) problems.add("invalid eps " + o.get("eps"));
        for (String b : new String[]{"beta1", "beta2"}) {
            if (!(o.get(b) >= 0 && o.get(b) < 1)) problems.add(b + " must be in [0, 1), got " + o.get(b));
        }
        if (!(o.get("weight_decay") >= 0)) problems.add("invalid weight_decay " + o.get("weight_decay"));
        return problems;
    }

    @Override
    protected void updateOnDevice(ParamGroup group, Tensor p, Tensor grad, ParamState s, Backend backend) {
        double lr = group.lr(), b1 = group.get("beta1"), b2 = group.get("beta2"), eps = group.get("eps");
        double wd = group.get("weight_decay");
        boolean ams = group.get("amsgrad") != 0;
        Tensor m = s.deviceBuffer("exp_avg", p), v = s.deviceBuffer("exp_avg_sq", p);
        Tensor vmax = ams ? s.deviceBuffer("max_exp_avg_sq", p) : null;
        double bc1 = 1 - Math.pow(b1, s.step), bc2 = 1 - Math.pow(b2, s.step);
        backend.adamStep(p, grad, m, v, vmax, decoupled ? (float) (1 - lr * wd) : 1f, decoupled ? 0f : (float) wd,
                (float) b1, (float) b2, (float) (1 - b1), (float) (1 - b2), (float) (lr / bc1), (float) Math.sqrt(bc2), (float) eps);
    }

    @Override
    protected void update(ParamGroup group, float[] p, float[] grad, ParamState s) {
        double lr = group.lr(), b1 = group.get("beta1"), b2 = group.get("beta2"), eps = group.get("eps");
        double wd = group.get("weight_decay");
        boolean ams = group.get("amsgrad") != 0;
        int n = p.length;
        float[] m = s.buffer("exp_avg", n), v = s.buffer("exp_avg_sq", n);
        float[] vmax = ams ? s.buffer("max_exp_avg_sq", n) : null;
        double bc1 = 1 - Math.pow(b1, s.step), bc2 = 1 - Math.pow(b2, s.step);
        float stepSize = (float) (lr / bc1), sqrtBc2 = (float) Math.sqrt(bc2);
        // coefficients rounded once from double, as PyTorch passes them to its float kernels
        float fb1 = (float) b1, fb2 = (float) b2, c1 = (float) (1 - b1), c2 = (float) (1 - b2), feps = (float) eps;
        float decay = decoupled ? (float) (1 - lr * wd) : 1f, l2 = decoupled ? 0f : (float) wd;
        Parallel.range(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float pi = p[i] * decay;
                float g = grad[i] + l2 * pi;
                float mi = fb1 * m[i] + c1 * g;
                float vi = fb2 * v[i] + c2 * g * g;
                m[i] = mi;
                v[i] = vi;
                if (vmax != null) {
                    vi = Math.max(vmax[i], vi);
                    vmax[i] = vi;
                }
                float denom = (float) Math.sqrt(vi) / sqrtBc2 + feps;
                p[i] = pi - stepSize * mi / denom;
            }
        });
    }
}
