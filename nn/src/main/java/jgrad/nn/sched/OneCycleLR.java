package jgrad.nn.sched;

import jgrad.nn.optim.Optimizer;
import jgrad.nn.optim.ParamGroup;

import java.util.List;
import java.util.Objects;

/**
 * The 1cycle policy, as {@code torch.optim.lr_scheduler.OneCycleLR} with {@code three_phase=False},
 * stepped after every batch. With initial = max_lr / div_factor and min = initial / final_div_factor,
 * two phases over steps t = 0 … total−1:
 * <pre>
 *   phase 1: t ∈ [0, e₁],  e₁ = pct_start·total − 1:   lr  initial → max_lr,   momentum max_m → base_m
 *   phase 2: t ∈ (e₁, total − 1]:                      lr  max_lr → min,       momentum base_m → max_m
 *   within a phase from step s to e, pct = (t − s)/(e − s) and
 *   cos anneal(a, b, pct) = b + (a − b)/2 · (cos(π·pct) + 1),   linear: (b − a)·pct + a
 * </pre>
 * With cycleMomentum the "momentum" is SGD's momentum or, for Adam/AdamW, beta1 (PyTorch's
 * {@code betas[0]}); it is set at construction to max_momentum. Stepping more than total times
 * is an error, as in PyTorch.
 */
public final class OneCycleLR extends LRScheduler {
    public enum Anneal { COS, LINEAR }

    private final int totalSteps;
    private final double[] maxLrs, initialLrs, minLrs;
    private final double phase1End, phase2End;
    private final Anneal anneal;
    private final boolean cycleMomentum;
    private final double baseMomentum, maxMomentum;
    private final String momentumKey;

    /** PyTorch's defaults: pct_start 0.3, cos, momentum 0.85–0.95, div_factor 25, final_div_factor 1e4. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, maxLr, totalSteps, 0.3, Anneal.COS, true, 0.85, 0.95, 25, 1e4);
    }

    /** As PyTorch's steps_per_epoch and epochs: total = epochs · stepsPerEpoch. */
    public static OneCycleLR ofEpochs(Optimizer optimizer, double maxLr, int epochs, int stepsPerEpoch) {
        if (epochs <= 0 || stepsPerEpoch <= 0) {
            throw new IllegalArgumentException("OneCycleLR: epochs and stepsPerEpoch must be positive, got " + epochs + ", " + stepsPerEpoch);
        }
        return new OneCycleLR(optimizer, maxLr, Math.multiplyExact(epochs, stepsPerEpoch));
    }

    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart, Anneal anneal,
                      boolean cycleMomentum, double baseMomentum, double maxMomentum,
                      double divFactor, double finalDivFactor) {
        super(optimizer);
        if (totalSteps <= 0) throw new IllegalArgumentException("OneCycleLR: total steps must be positive, got " + totalSteps);
        if (!(pctStart >= 0 && pctStart <= 1)) throw new IllegalArgumentException("OneCycleLR: pct_start must be in [0, 1], got " + pctStart);
        if (!(maxLr > 0) || !(divFactor > 0) || !(finalDivFactor > 0)) {
            throw new IllegalArgumentException("OneCycleLR: max_lr, div_factor and final_div_factor must be positive");
        }
        this.totalSteps = totalSteps;
        this.anneal = Objects.requireNonNull(anneal, "OneCycleLR: anneal");
        this.cycleMomentum = cycleMomentum;
        this.baseMomentum = baseMomentum;
        this.maxMomentum = maxMomentum;
        this.phase1End = pctStart * totalSteps - 1;
        this.phase2End = totalSteps - 1;
        List<ParamGroup> gs = optimizer.paramGroups();
        int n = gs.size();
        maxLrs = new double[n];
        initialLrs = new double[n];
        minLrs = new double[n];
        for (int i = 0; i < n; i++) {
            maxLrs[i] = maxLr;
            initialLrs[i] = maxLr / divFactor;
            minLrs[i] = initialLrs[i] / finalDivFactor;
            baseLrs[i] = initialLrs[i];
        }
        String key = null;
        if (cycleMomentum) {
            ParamGroup g0 = gs.get(0);
            key = g0.has("beta1") ? "beta1" : g0.has("momentum") ? "momentum" : null;
            if (key == null) {
                throw new IllegalArgumentException("OneCycleLR: the optimizer " + optimizer.name()
                        + " has neither momentum nor beta1; pass cycleMomentum = false");
            }
        }
        this.momentumKey = key;
        initialStep();
    }

    @Override
    protected java.util.Map<String, Object> settings() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("total_steps", (long) totalSteps);
        m.put("max_lrs", list(maxLrs));
        m.put("initial_lrs", list(initialLrs));
        m.put("min_lrs", list(minLrs));
        m.put("phase1_end", phase1End);
        m.put("anneal_strategy", anneal.name().toLowerCase(java.util.Locale.ROOT));
        m.put("cycle_momentum", cycleMomentum ? 1L : 0L);
        m.put("base_momentum", baseMomentum);
        m.put("max_momentum", maxMomentum);
        return m;
    }

    @Override
    public boolean perBatch() {
        return true;
    }

    public int totalSteps() {
        return totalSteps;
    }

    @Override
    public void step() {
        if (lastEpoch + 1 > totalSteps) {
            throw new IllegalStateException("OneCycleLR: tried to step " + (lastEpoch + 1) + " times; the schedule has "
                    + totalSteps + " steps in total");
        }
        super.step();
    }

    /** As {@link LRScheduler#loadState}; a step count beyond this schedule's total is refused here, not at the next step. */
    @Override
    public void loadState(java.util.Map<String, Object> s) {
        checkType(s);
        int t = count(s, "last_epoch");
        if (t > totalSteps) {
            throw new IllegalArgumentException("OneCycleLR.loadState: the state has taken " + t + " steps, this schedule has "
                    + totalSteps + " in total (was it made for another number of epochs or batches?)");
        }
        super.loadState(s);
    }

    @Override
    protected void apply() {
        List<ParamGroup> gs = optimizer.paramGroups();
        for (int i = 0; i < gs.size(); i++) {
            gs.get(i).setLr(lrAt(i, lastEpoch));
            if (cycleMomentum) gs.get(i).set(momentumKey, momentumAt(lastEpoch));
        }
    }

    @Override
    protected double lrAt(int group, int t) {
        return t <= phase1End
                ? anneal(initialLrs[group], maxLrs[group], pct(t, 0, phase1End))
                : anneal(maxLrs[group], minLrs[group], pct(t, phase1End, phase2End));
    }

    /** The momentum (or beta1) at step t. */
    public double momentumAt(int t) {
        return t <= phase1End
                ? anneal(maxMomentum, baseMomentum, pct(t, 0, phase1End))
                : anneal(baseMomentum, maxMomentum, pct(t, phase1End, phase2End));
    }

    /** Progress through a phase; a phase of zero length counts as finished (PyTorch divides by zero there). */
    private static double pct(int t, double start, double end) {
        return end == start ? 1 : (t - start) / (end - start);
    }

    private double anneal(double start, double end, double pct) {
        if (anneal == Anneal.COS) return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
        return (end - start) * pct + start;
    }
}
