package jgrad.nn.sched;

import jgrad.nn.optim.Optimizer;
import jgrad.nn.optim.ParamGroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Changes an optimizer's learning rates between steps, as {@code torch.optim.lr_scheduler}.
 *
 * <p>As in PyTorch, constructing a scheduler counts as step 0 and sets each group's rate for step
 * 0; each {@link #step()} advances the count by one and sets the rates for the new count. Epoch
 * schedulers (StepLR) are stepped once per epoch, {@link #perBatch()} ones (OneCycleLR) after every
 * optimizer step, and {@link #needsMetric()} ones (ReduceLROnPlateau) with {@link #step(double)}
 * and the monitored value.
 *
 * <p>{@link #state()} holds the step count, the scheduler's own counters and its settings (as
 * PyTorch's {@code state_dict} does) as JSON values, for resume together with the optimizer's state
 * (which carries the current rates). {@link #loadState} refuses a state saved with other settings
 * than this scheduler's, naming each that differs, rather than continue a different schedule.
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    /** Each group's learning rate when the scheduler was made (PyTorch's base_lrs). */
    protected final double[] baseLrs;
    /** Steps taken (PyTorch's last_epoch). */
    protected int lastEpoch;

    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        List<ParamGroup> gs = optimizer.paramGroups();
        baseLrs = new double[gs.size()];
        for (int i = 0; i < baseLrs.length; i++) baseLrs[i] = gs.get(i).lr();
    }

    /** Sets the rates for step 0; subclasses call it at the end of their constructor. */
    protected final void initialStep() {
        lastEpoch = 0;
        apply();
    }

    /** Advances one step and sets the new rates. */
    public void step() {
        lastEpoch++;
        apply();
    }

    /**
     * Steps with a monitored value. Only {@link #needsMetric()} schedulers use the value; others
     * ignore it and take an ordinary step, so a training loop may always pass its validation loss.
     */
    public void step(double metric) {
        step();
    }

    /** True for schedulers that must be given a metric (ReduceLROnPlateau). */
    public boolean needsMetric() {
        return false;
    }

    /** True for schedulers stepped after every batch (OneCycleLR) rather than every epoch. */
    public boolean perBatch() {
        return false;
    }

    /** Writes the rates (and other options) for {@link #lastEpoch} into the optimizer's groups. */
    protected void apply() {
        List<ParamGroup> gs = optimizer.paramGroups();
        for (int i = 0; i < gs.size(); i++) gs.get(i).setLr(lrAt(i, lastEpoch));
    }

    /** The learning rate of group i at step t. */
    protected abstract double lrAt(int group, int t);

    /** Steps taken so far. */
    public int lastEpoch() {
        return lastEpoch;
    }

    /** The current learning rate of every group. */
    public List<Double> lastLrs() {
        List<Double> out = new ArrayList<>();
        for (ParamGroup g : optimizer.paramGroups()) out.add(g.lr());
        return out;
    }

    /** The current learning rate of the first group. */
    public double lastLr() {
        return optimizer.lr();
    }

    public String name() {
        return getClass().getSimpleName();
    }

    /** Resumable state as JSON values. */
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", name());
        s.put("last_epoch", (long) lastEpoch);
        List<Object> b = new ArrayList<>();
        for (double v : baseLrs) b.add(v);
        s.put("base_lrs", b);
        s.putAll(settings());
        return s;
    }

    /**
     * The settings fixed at construction, by PyTorch's names, as JSON values (numbers, strings,
     * lists of numbers); saved by {@link #state()} and compared by {@link #loadState}.
     */
    protected Map<String, Object> settings() {
        return Map.of();
    }

    /**
     * Restores {@link #state()}; the optimizer's own state restores the current rates. Everything
     * is checked before anything changes: a state that does not fit throws and leaves this
     * scheduler as it was.
     */
    public void loadState(Map<String, Object> s) {
        checkType(s);
        checkSettings(s);
        if (!(s.get("base_lrs") instanceof List<?> b) || b.size() != baseLrs.length) {
            throw new IllegalArgumentException(name() + ".loadState: base_lrs missing or for a different number of groups");
        }
        double[] lrs = new double[b.size()];
        for (int i = 0; i < lrs.length; i++) {
            if (!(b.get(i) instanceof Number n)) {
                throw new IllegalArgumentException(name() + ".loadState: base_lrs[" + i + "] is not a number: " + b.get(i));
            }
            lrs[i] = n.doubleValue();
        }
        int epoch = count(s, "last_epoch");
        lastEpoch = epoch;
        System.arraycopy(lrs, 0, baseLrs, 0, lrs.length);
    }

    /** Fails unless s is a state of this scheduler's type. */
    protected void checkType(Map<String, Object> s) {
        Objects.requireNonNull(s, "state");
        if (!name().equals(s.get("type"))) {
            throw new IllegalArgumentException(name() + ".loadState: the state is for " + s.get("type"));
        }
    }

    /**
     * Fails, naming every setting that differs, when s was saved with other settings than this
     * scheduler's. Settings missing from s (a state written before they were saved) are not checked.
     */
    private void checkSettings(Map<String, Object> s) {
        List<String> differ = new ArrayList<>();
        for (var e : settings().entrySet()) {
            if (s.containsKey(e.getKey()) && !sameSetting(e.getValue(), s.get(e.getKey()))) {
                differ.add(e.getKey() + " " + s.get(e.getKey()) + " saved, " + e.getValue() + " here");
            }
        }
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException(name() + ".loadState: the state was saved with other settings ("
                    + String.join("; ", differ) + "); make the scheduler with the saved settings to resume it");
        }
    }

    /** Numbers compare by value (a JSON round trip may turn 2 into 2.0), lists element by element. */
    private static boolean sameSetting(Object mine, Object saved) {
        if (mine instanceof Number a) return saved instanceof Number b && Double.compare(a.doubleValue(), b.doubleValue()) == 0;
        if (mine instanceof List<?> a) {
            if (!(saved instanceof List<?> b) || a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!sameSetting(a.get(i), b.get(i))) return false;
            return true;
        }
        return Objects.equals(mine, saved);
    }

    /** The values of a as a JSON list. */
    protected static List<Object> list(double[] a) {
        List<Object> out = new ArrayList<>();
        for (double v : a) out.add(v);
        return out;
    }

    /** A whole number in [0, 2^31 − 1] under key, or an error naming the key and the value. */
    protected int count(Map<String, Object> s, String key) {
        Number n = number(s, key);
        double d = n.doubleValue();
        if (!(d >= 0 && d <= Integer.MAX_VALUE && d == Math.rint(d))) {
            throw new IllegalArgumentException(name() + ".loadState: '" + key + "' must be a whole number in [0, "
                    + Integer.MAX_VALUE + "], got " + n);
        }
        return n.intValue();
    }

    protected Number number(Map<String, Object> s, String key) {
        if (!(s.get(key) instanceof Number n)) throw new IllegalArgumentException(name() + ".loadState: '" + key + "' missing or not a number");
        return n;
    }
}
