package jgrad.nn.sched;

import jgrad.nn.optim.Optimizer;
import jgrad.nn.optim.ParamGroup;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Lowers the learning rate when a monitored value stops improving, with PyTorch's semantics
 * ({@code ReduceLROnPlateau}). On each {@link #step(double)} with value a:
 * <pre>
 *   better(a, best):  mode min, rel: a &lt; best·(1 − threshold)     min, abs: a &lt; best − threshold
 *                     mode max, rel: a &gt; best·(1 + threshold)     max, abs: a &gt; best + threshold
 *   if better: best ← a, bad ← 0   else bad ← bad + 1
 *   if cooldown counter &gt; 0: counter ← counter − 1, bad ← 0
 *   if bad &gt; patience: each group lr ← max(lr·factor, min_lr) (only when that lowers it by more
 *                      than eps = 1e-8); counter ← cooldown; bad ← 0
 * </pre>
 * best starts at +∞ (min) or −∞ (max). So with patience 2 the rate drops at the third epoch in a
 * row without improvement.
 */
public final class ReduceLROnPlateau extends LRScheduler {
    public enum Mode { MIN, MAX }

    public enum ThresholdMode { REL, ABS }

    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final ThresholdMode thresholdMode;
    private final int cooldown;
    private final double[] minLrs;
    private final double eps;

    private double best;
    private int numBadEpochs;
    private int cooldownCounter;

    /** PyTorch's defaults: mode min, factor 0.1, patience 10, threshold 1e-4 rel, cooldown 0, min_lr 0. */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this(optimizer, Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0, 1e-8);
    }

    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, double minLr) {
        this(optimizer, mode, factor, patience, 1e-4, ThresholdMode.REL, 0, minLr, 1e-8);
    }

    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, double threshold,
                             ThresholdMode thresholdMode, int cooldown, double minLr, double eps) {
        super(optimizer);
        if (!(factor < 1 && factor >= 0)) throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in [0, 1), got " + factor);
        // NaN would make no value an improvement, so the rate would drop every patience + 1 epochs
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: threshold must be finite and >= 0, got " + threshold);
        }
        if (!(eps >= 0)) throw new IllegalArgumentException("ReduceLROnPlateau: eps must be >= 0, got " + eps);
        if (patience < 0 || cooldown < 0) throw new IllegalArgumentException("ReduceLROnPlateau: patience and cooldown must be >= 0");
        if (!(minLr >= 0)) throw new IllegalArgumentException("ReduceLROnPlateau: invalid min_lr " + minLr);
        this.mode = Objects.requireNonNull(mode, "ReduceLROnPlateau: mode");
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.thresholdMode = Objects.requireNonNull(thresholdMode, "ReduceLROnPlateau: thresholdMode");
        this.cooldown = cooldown;
        this.minLrs = new double[baseLrs.length];
        java.util.Arrays.fill(minLrs, minLr);
        this.eps = eps;
        this.best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        this.lastEpoch = 0;
    }

    @Override
    public boolean needsMetric() {
        return true;
    }

    /** Without a metric there is nothing to decide. */
    @Override
    public void step() {
        throw new IllegalStateException("ReduceLROnPlateau: step() needs the monitored value; call step(metric)");
    }

    @Override
    public void step(double metric) {
        // NaN compares false with everything, so it counts as a bad epoch, as in PyTorch
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > patience) {
            reduce();
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
    }

    private boolean isBetter(double a) {
        if (mode == Mode.MIN) {
            return thresholdMode == ThresholdMode.REL ? a < best * (1 - threshold) : a < best - threshold;
        }
        return thresholdMode == ThresholdMode.REL ? a > best * (threshold + 1) : a > best + threshold;
    }

    private void reduce() {
        List<ParamGroup> gs = optimizer.paramGroups();
        for (int i = 0; i < gs.size(); i++) {
            double old = gs.get(i).lr();
            double nu = Math.max(old * factor, minLrs[i]);
            if (old - nu > eps) gs.get(i).setLr(nu);
        }
    }

    @Override
    protected double lrAt(int group, int t) {
        return optimizer.paramGroups().get(group).lr();
    }

    public double best() {
        return best;
    }

    public int numBadEpochs() {
        return numBadEpochs;
    }

    public int cooldownCounter() {
        return cooldownCounter;
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        m.put("factor", factor);
        m.put("patience", (long) patience);
        m.put("threshold", threshold);
        m.put("threshold_mode", thresholdMode.name().toLowerCase(java.util.Locale.ROOT));
        m.put("cooldown", (long) cooldown);
        m.put("min_lrs", list(minLrs));
        m.put("eps", eps);
        return m;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = super.state();
        // ±∞ is not valid JSON; store it as a string
        s.put("best", Double.isInfinite(best) ? (best > 0 ? "inf" : "-inf") : (Object) best);
        s.put("num_bad_epochs", (long) numBadEpochs);
        s.put("cooldown_counter", (long) cooldownCounter);
        return s;
    }

    @Override
    public void loadState(Map<String, Object> s) {
        checkType(s);
        Object b = s.get("best");
        double nb = "inf".equals(b) ? Double.POSITIVE_INFINITY : "-inf".equals(b) ? Double.NEGATIVE_INFINITY
                : number(s, "best").doubleValue();
        int bad = count(s, "num_bad_epochs"), cd = count(s, "cooldown_counter");
        super.loadState(s);
        best = nb;
        numBadEpochs = bad;
        cooldownCounter = cd;
    }
}
