package jgrad.nn.optim;

import jgrad.core.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of parameters sharing hyper-parameters, as an entry of PyTorch's {@code param_groups}.
 * Options are numbers by name ("lr", "momentum", "weight_decay", "beta1", "beta2", "eps", ...);
 * schedulers change them between steps, the optimizer reads them at every step.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final Map<String, Double> options = new LinkedHashMap<>();

    /** A group; options not given here take the optimizer's defaults. */
    public ParamGroup(List<Tensor> params, Map<String, Double> options) {
        if (params == null || params.isEmpty()) throw new IllegalArgumentException("ParamGroup: no parameters");
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p == null) throw new IllegalArgumentException("ParamGroup: parameter " + i + " is null");
            if (!p.isLeaf()) throw new IllegalArgumentException("ParamGroup: parameter " + i + " is not a leaf tensor");
            if (!p.isContiguous() || p.offset() != 0 || (p.device().isCpu() && p.data().length != p.numel())) {
                throw new IllegalArgumentException("ParamGroup: parameter " + i + " " + java.util.Arrays.toString(p.dims())
                        + " does not own packed data; optimizers update the array in place");
            }
        }
        this.params = List.copyOf(params);
        if (options != null) this.options.putAll(options);
    }

    public ParamGroup(List<Tensor> params) {
        this(params, Map.of());
    }

    public List<Tensor> params() {
        return params;
    }

    /** The value of an option; fails naming the option when it is not set. */
    public double get(String option) {
        Double v = options.get(option);
        if (v == null) throw new IllegalArgumentException("ParamGroup: no option '" + option + "' (have " + options.keySet() + ")");
        return v;
    }

    public boolean has(String option) {
        return options.containsKey(option);
    }

    public void set(String option, double value) {
        options.put(option, value);
    }

    public double lr() {
        return get("lr");
    }

    public void setLr(double lr) {
        set("lr", lr);
    }

    /** All options, read-only. */
    public Map<String, Double> options() {
        return Collections.unmodifiableMap(options);
    }

    void putDefaults(Map<String, Double> defaults) {
        defaults.forEach(options::putIfAbsent);
    }
}
