package jgrad.nn.optim;

import jgrad.core.spi.Backend;

import jgrad.core.Tensor;
import jgrad.core.cpu.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, as {@code torch.optim.SGD}. Per parameter p with
 * gradient g, weight decay λ, momentum μ, dampening τ, learning rate γ:
 * <pre>
 *   g ← g + λ·p
 *   b ← g                      on the first step
 *   b ← μ·b + (1 − τ)·g        afterwards            (only when μ ≠ 0)
 *   g ← g + μ·b  (nesterov)    or   g ← b
 *   p ← p − γ·g
 * </pre>
 * Options per group: lr, momentum, dampening, weight_decay, nesterov (1 or 0).
 */
public final class SGD extends Optimizer {
    private static final int GRAIN = 1 << 15;

    public SGD(List<Tensor> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    public SGD(List<Tensor> params, double lr, double momentum) {
        this(params, lr, momentum, 0, 0, false);
    }

    public SGD(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        this(single(params), lr, momentum, dampening, weightDecay, nesterov, true);
    }

    /** Parameter groups with their own options; the arguments are the defaults for options a group leaves out. */
    public static SGD withGroups(List<ParamGroup> groups, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        return new SGD(groups, lr, momentum, dampening, weightDecay, nesterov, true);
    }

    // the extra flag only tells this constructor apart from the public one (both take a List after erasure)
    private SGD(List<ParamGroup> groups, double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean groupsTag) {
        super(groups, Map.of("lr", lr, "momentum", momentum, "dampening", dampening,
                "weight_decay", weightDecay, "nesterov", nesterov ? 1.0 : 0.0));
        requireValidOptions();
    }

    @Override
    protected List<String> optionProblems(Map<String, Double> o) {
        List<String> problems = new ArrayList<>();
        double lr = o.get("lr"), mu = o.get("momentum"), wd = o.get("weight_decay");
        if (!(lr >= 0)) problems.add("invalid learning rate " + lr);
        if (!(mu >= 0)) problems.add("invalid momentum " + mu);
        if (!(wd >= 0)) problems.add("invalid weight_decay " + wd);
        if (o.get("nesterov") != 0 && (mu <= 0 || o.get("dampening") != 0)) {
            problems.add("nesterov momentum requires a momentum > 0 and zero dampening (momentum " + mu + ", dampening "
                    + o.get("dampening") + ")");
        }
        return problems;
    }

    @Override
    protected void updateOnDevice(ParamGroup group, Tensor p, Tensor grad, ParamState s, Backend backend) {
        float lr = (float) group.lr(), mu = (float) group.get("momentum");
        float wd = (float) group.get("weight_decay"), keep = (float) (1 - group.get("dampening"));
        boolean nesterov = group.get("nesterov") != 0;
        boolean first = mu != 0 && !s.has("momentum_buffer");
        Tensor b = mu == 0 ? null : s.deviceBuffer("momentum_buffer", p);
        backend.sgdStep(p, grad, b, lr, mu, keep, wd, nesterov, first);
    }

    @Override
    protected void update(ParamGroup group, float[] p, float[] grad, ParamState s) {
        float lr = (float) group.lr(), mu = (float) group.get("momentum");
        float wd = (float) group.get("weight_decay"), keep = (float) (1 - group.get("dampening"));
        boolean nesterov = group.get("nesterov") != 0;
        int n = p.length;
        if (mu == 0) {
            Parallel.range(n, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) p[i] -= lr * (grad[i] + wd * p[i]);
            });
            return;
        }
        boolean first = !s.buffers.containsKey("momentum_buffer");
        float[] b = s.buffer("momentum_buffer", n);
        Parallel.range(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float g = grad[i] + wd * p[i];
                float bi = first ? g : mu * b[i] + keep * g;
                b[i] = bi;
                p[i] -= lr * (nesterov ? g + mu * bi : bi);
            }
        });
    }
}
