package jgrad.nn.optim;

import jgrad.core.Autograd;
import jgrad.core.Tensor;
import jgrad.core.spi.Backend;
import jgrad.core.spi.Backends;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Base of the gradient-descent optimizers, as {@code torch.optim.Optimizer}. It holds parameter
 * groups (each with its own options, see {@link ParamGroup}) and per-parameter state (step count
 * and named buffers such as momentum or Adam's moments).
 *
 * <p>{@link #step()} runs under {@link Autograd#noGrad()} and writes each parameter in place (a
 * CPU parameter's float array; a parameter on a device there, with the backend's fused update
 * kernel); parameters without a gradient are skipped. Subclasses implement, one parameter at a
 * time, {@link #update} over plain arrays and {@link #updateOnDevice} on a device.
 *
 * <p>{@link #stateDict()} gives everything needed to resume: group options and step counts as JSON
 * values, buffers as tensors named {@code "state.<index>.<buffer>"}, where index counts
 * parameters across groups in order (as PyTorch does).
 */
public abstract class Optimizer {
    /** Per-parameter state: steps taken and named buffers of the parameter's size. */
    protected static final class ParamState {
        public long step;
        /** State of a CPU parameter, and state loaded from a file until a device step takes it. */
        public final Map<String, float[]> buffers = new LinkedHashMap<>();
        /** State of a parameter on a device, kept there. */
        public final Map<String, Tensor> deviceBuffers = new LinkedHashMap<>();

        /** The buffer called name, created zero-filled on first use. */
        public float[] buffer(String name, int size) {
            return buffers.computeIfAbsent(name, k -> new float[size]);
        }

        /**
         * The buffer called name on the parameter's device: created zero-filled (or from loaded
         * state) on first use, outside any memory scope so it persists across steps.
         */
        public Tensor deviceBuffer(String name, Tensor param) {
            Tensor t = deviceBuffers.get(name);
            if (t != null) return t;
            try (var keep = jgrad.core.MemoryScope.persistent()) {
                float[] loaded = buffers.remove(name);
                t = loaded != null ? Tensor.wrap(loaded, param.dims()).to(param.device()) : Tensor.zeros(param.device(), param.dims());
            }
            deviceBuffers.put(name, t);
            return t;
        }

        /**
         * Brings the device state home when its parameter has moved: a parameter now on the CPU,
         * or on another device, gets its state downloaded into {@link #buffers} (and the device
         * copies freed); a later device step uploads it again.
         */
        void followParameter(Tensor param) {
            if (deviceBuffers.isEmpty()) return;
            jgrad.core.Device d = param.device();
            boolean stale = false;
            for (Tensor t : deviceBuffers.values()) stale |= !t.device().equals(d);
            if (!stale) return;
            for (var e : deviceBuffers.entrySet()) {
                buffers.put(e.getKey(), e.getValue().toArray());
                e.getValue().release();
            }
            deviceBuffers.clear();
        }

        /** True when the buffer exists on the device or on the host. */
        public boolean has(String name) {
            return deviceBuffers.containsKey(name) || buffers.containsKey(name);
        }
    }

    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<String, Double> defaults;
    private final Map<Tensor, ParamState> state = new IdentityHashMap<>();

    protected Optimizer(List<ParamGroup> groups, Map<String, Double> defaults) {
        Objects.requireNonNull(groups, "groups");
        if (groups.isEmpty()) throw new IllegalArgumentException(name() + ": no parameter groups");
        this.defaults = Map.copyOf(defaults);
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) {
                if (seen.put(p, true) != null) {
                    throw new IllegalArgumentException(name() + ": a parameter appears in more than one group");
                }
            }
            g.putDefaults(this.defaults);
            this.groups.add(g);
        }
    }

    /**
     * What is wrong with one group's options (all options set, defaults included), as short
     * phrases without the optimizer's name; empty when they are valid. Checked by the
     * constructors and, before anything is loaded, by {@link #loadStateDict}.
     */
    protected List<String> optionProblems(Map<String, Double> options) {
        return List.of();
    }

    /** Throws naming the first invalid option of any group; for subclass constructors. */
    protected final void requireValidOptions() {
        for (ParamGroup g : groups) {
            List<String> problems = optionProblems(g.options());
            if (!problems.isEmpty()) throw new IllegalArgumentException(name() + ": " + problems.get(0));
        }
    }

    /** One group of all parameters. */
    protected static List<ParamGroup> single(List<Tensor> params) {
        return List.of(new ParamGroup(params));
    }

    /** Short name of the optimizer for messages and state files ("SGD", "Adam", "AdamW"). */
    public String name() {
        return getClass().getSimpleName();
    }

    /** Applies one update to every parameter that has a gradient. */
    public void step() {
        try (var ng = Autograd.noGrad()) {
            for (ParamGroup g : groups) {
                for (Tensor p : g.params()) {
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    if (!Arrays.equals(grad.dims(), p.dims())) {
                        throw new IllegalStateException(name() + ": gradient " + Arrays.toString(grad.dims())
                                + " does not match parameter " + Arrays.toString(p.dims()));
                    }
                    if (!grad.device().equals(p.device())) {
                        throw new IllegalStateException(name() + ": gradient on " + grad.device() + ", parameter on " + p.device());
                    }
                    ParamState s = state.computeIfAbsent(p, k -> new ParamState());
                    s.followParameter(p);
                    s.step++;
                    if (!p.device().isCpu()) {
                        updateOnDevice(g, p, grad.contiguous(), s, Backends.of(p.device()));
                        p.markModified();
                        continue;
                    }
                    float[] gv = grad.isContiguous() && grad.offset() == 0 && grad.data().length == grad.numel()
                            ? grad.data() : grad.toArray();
                    update(g, p.data(), gv, s);
                    p.markModified();
                }
            }
        }
    }

    /**
     * Updates one parameter in place.
     *
     * @param group the parameter's group (read options from it)
     * @param param the parameter's values, written in place
     * @param grad  its gradient (read only)
     * @param s     its state; {@code s.step} already counts this step
     */
    protected abstract void update(ParamGroup group, float[] param, float[] grad, ParamState s);

    /**
     * Updates one parameter that lives on a device, in place, with the backend's fused update
     * kernel: the same arithmetic as {@link #update}, so a device step matches the CPU step.
     */
    protected abstract void updateOnDevice(ParamGroup group, Tensor param, Tensor grad, ParamState s, Backend backend);

    /** Clears the gradient of every parameter (set to none, as PyTorch's default). */
    public void zeroGrad() {
        for (ParamGroup g : groups) for (Tensor p : g.params()) p.zeroGrad();
    }

    public List<ParamGroup> paramGroups() {
        return List.copyOf(groups);
    }

    /** The learning rate of the first group. */
    public double lr() {
        return groups.get(0).lr();
    }

    /** Sets the learning rate of every group. */
    public void setLr(double lr) {
        for (ParamGroup g : groups) g.setLr(lr);
    }

    public double lr(int group) {
        return groups.get(group).lr();
    }

    public void setLr(int group, double lr) {
        groups.get(group).setLr(lr);
    }

    /** The optimizer's default options (what a group without its own value uses). */
    public Map<String, Double> defaults() {
        return defaults;
    }

    // ---- resume --------------------------------------------------------------------------------

    /** Everything needed to resume: see the class comment. */
    public OptimizerState stateDict() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("type", name());
        List<Object> gs = new ArrayList<>();
        Map<String, Object> steps = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int index = 0;
        for (ParamGroup g : groups) {
            Map<String, Object> gm = new LinkedHashMap<>(g.options());
            List<Object> ids = new ArrayList<>();
            for (Tensor p : g.params()) {
                ids.add((long) index);
                ParamState s = state.get(p);
                if (s != null) {
                    steps.put(Integer.toString(index), s.step);
                    for (var b : s.buffers.entrySet()) {
                        tensors.put("state." + index + "." + b.getKey(), Tensor.of(b.getValue(), p.dims()));
                    }
                    for (var b : s.deviceBuffers.entrySet()) {
                        tensors.put("state." + index + "." + b.getKey(), Tensor.of(b.getValue().toArray(), p.dims()));
                    }
                }
                index++;
            }
            gm.put("params", ids);
            gs.add(gm);
        }
        meta.put("param_groups", gs);
        meta.put("steps", steps);
        return new OptimizerState(meta, tensors);
    }

    /**
     * Restores a state saved by {@link #stateDict()} of an optimizer of the same type over
     * parameters of the same shapes. Everything is checked before anything changes, the saved
     * group options as the constructor checks its own (booleans, as PyTorch saves its flags, load
     * as 1 and 0).
     */
    public void loadStateDict(OptimizerState st) {
        Objects.requireNonNull(st, "state");
        Map<String, Object> meta = st.meta();
        List<String> problems = new ArrayList<>();
        if (!name().equals(meta.get("type"))) problems.add("type is " + meta.get("type") + ", this optimizer is " + name());
        List<?> gs = meta.get("param_groups") instanceof List<?> l ? l : null;
        Map<?, ?> steps = meta.get("steps") instanceof Map<?, ?> m ? m : Map.of();
        List<Tensor> flat = new ArrayList<>();
        for (ParamGroup g : groups) flat.addAll(g.params());
        if (gs == null) {
            problems.add("no param_groups");
        } else if (gs.size() != groups.size()) {
            problems.add(gs.size() + " parameter groups saved, " + groups.size() + " here");
        } else {
            for (int i = 0; i < gs.size(); i++) {
                if (!(gs.get(i) instanceof Map<?, ?> gm) || !(gm.get("params") instanceof List<?> ids)) {
                    problems.add("group " + i + " is malformed");
                } else if (ids.size() != groups.get(i).params().size()) {
                    problems.add("group " + i + " has " + ids.size() + " parameters saved, " + groups.get(i).params().size() + " here");
                } else {
                    Map<String, Double> options = new LinkedHashMap<>(groups.get(i).options());
                    for (var e : gm.entrySet()) {
                        if ("params".equals(e.getKey())) continue;
                        Double v = optionValue(e.getValue());
                        if (v != null) {
                            options.put(String.valueOf(e.getKey()), v);
                        } else if (defaults.containsKey(String.valueOf(e.getKey()))) {
                            problems.add("group " + i + ": option " + e.getKey() + " is " + e.getValue() + ", not a number");
                        }
                    }
                    for (String p : optionProblems(options)) problems.add("group " + i + ": " + p);
                }
            }
        }
        for (var e : st.tensors().entrySet()) {
            String[] parts = e.getKey().split("\\.", 3);
            int idx = parts.length == 3 && parts[0].equals("state") ? parseIndex(parts[1]) : -1;
            if (idx < 0 || idx >= flat.size()) {
                problems.add("unexpected state tensor " + e.getKey());
            } else if (!Arrays.equals(e.getValue().dims(), flat.get(idx).dims())) {
                problems.add(e.getKey() + " has shape " + Arrays.toString(e.getValue().dims()) + ", parameter "
                        + idx + " has " + Arrays.toString(flat.get(idx).dims()));
            }
        }
        for (Object k : steps.keySet()) {
            int idx = parseIndex(String.valueOf(k));
            if (idx < 0 || idx >= flat.size()) {
                problems.add("bad step entry " + k);
            } else if (!(steps.get(k) instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() == Math.rint(n.doubleValue()))) {
                // a negative count would make Adam's bias correction 1 − β^0 = 0 and every parameter NaN
                problems.add("step count of parameter " + k + " is " + steps.get(k) + ", not a whole number >= 0");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(name() + ".loadStateDict: the state does not fit, nothing was loaded:\n  "
                    + String.join("\n  ", problems));
        }
        for (int i = 0; i < gs.size(); i++) {
            Map<?, ?> gm = (Map<?, ?>) gs.get(i);
            for (var e : gm.entrySet()) {
                Double v = "params".equals(e.getKey()) ? null : optionValue(e.getValue());
                if (v != null) groups.get(i).set(String.valueOf(e.getKey()), v);
            }
        }
        for (ParamState old : state.values()) for (Tensor t : old.deviceBuffers.values()) t.release();
        state.clear();
        for (Object k : steps.keySet()) {
            int idx = parseIndex(String.valueOf(k));
            state.computeIfAbsent(flat.get(idx), t -> new ParamState()).step = ((Number) steps.get(k)).longValue();
        }
        for (var e : st.tensors().entrySet()) {
            String[] parts = e.getKey().split("\\.", 3);
            Tensor p = flat.get(parseIndex(parts[1]));
            state.computeIfAbsent(p, t -> new ParamState()).buffers.put(parts[2], e.getValue().toArray());
        }
    }

    /** A saved option as a number: numbers as they are, booleans (as PyTorch saves its flags) as 1 or 0; otherwise null. */
    private static Double optionValue(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof Boolean b) return b ? 1.0 : 0.0;
        return null;
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Steps taken for a parameter (0 before its first update). */
    public long stepCount(Tensor param) {
        ParamState s = state.get(param);
        return s == null ? 0 : s.step;
    }
}
