package jgrad.nn;

import jgrad.core.Device;
import jgrad.core.Tensor;
import jgrad.nn.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A building block of a network, as {@code torch.nn.Module}: it owns named parameters (tensors
 * that require a gradient), buffers (state that is saved but not trained, e.g. BatchNorm's running
 * statistics) and child modules, each registered in order under a name.
 *
 * <h2>Names and order</h2>
 * Names are dotted paths ({@code "enc1.conv.weight"}). {@link #stateDict()} lists, as PyTorch
 * does, a module's own parameters, then its own buffers, then each child's entries recursively, all in
 * registration order; {@link #parameters()} uses the same order without buffers.
 *
 * <h2>Calling a module</h2>
 * Subclasses implement {@link #forward(Tensor)} (one input, one output) or, for models with
 * several inputs or outputs (e.g. (bg, fg_bg) → (depth, mask)), {@link #forward(Tensor[])}.
 * Callers use {@link #call(Tensor)} or {@link #callAll(Tensor...)}, which run the forward hooks
 * around {@code forward} (the model summary is built from them). {@code forward} is protected so
 * that code outside a module's own class cannot skip the hooks by accident.
 *
 * Import this class by name ({@code import jgrad.nn.Module;}): with only {@code import jgrad.nn.*},
 * the name is ambiguous with {@code java.lang.Module} and does not compile.
 *
 * <pre>
 *   class Net extends Module {
 *       final Conv2d conv = registerModule("conv", new Conv2d(3, 8, 3, 1, 1));
 *       final ReLU relu = registerModule("relu", new ReLU());
 *       protected Tensor forward(Tensor x) { return relu.call(conv.call(x)); }
 *   }
 *   Tensor y = new Net().call(x);
 * </pre>
 *
 * <h2>Parameters are plain tensors</h2>
 * A parameter is a leaf {@link Tensor} with {@code requiresGrad(true)}; {@link #loadStateDict}
 * copies values into the existing tensors in place, so optimizers holding them stay valid. A
 * parameter frozen with {@code requiresGrad(false)} is still saved and counted as non-trainable.
 */
public abstract class Module {
    /** Called after a module's forward with its inputs and outputs. */
    @FunctionalInterface
    public interface ForwardHook {
        void afterForward(Module module, Tensor[] inputs, Tensor[] outputs);
    }

    /** Removes a registered hook when closed. */
    public interface HookHandle extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final List<ForwardHook> hooks = new ArrayList<>();
    private boolean training = true;

    // ---- forward -------------------------------------------------------------------------------

    /** One input, one output. Override this for ordinary layers. */
    protected Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(typeName() + ": forward(Tensor) is not implemented; this module "
                + "takes several inputs or gives several outputs, call callAll(...)");
    }

    /**
     * Any number of inputs and outputs. The default passes a single input to {@link #forward(Tensor)};
     * override it for multi-input or multi-output models.
     */
    protected Tensor[] forward(Tensor[] inputs) {
        if (inputs.length != 1) {
            throw new IllegalArgumentException(typeName() + ": takes one input, got " + inputs.length);
        }
        return new Tensor[]{forward(inputs[0])};
    }

    /** Runs the module on one input that gives one output, with its forward hooks. */
    public final Tensor call(Tensor x) {
        Tensor[] out = callAll(x);
        if (out.length != 1) {
            throw new IllegalStateException(typeName() + ": gives " + out.length + " outputs; use callAll(...)");
        }
        return out[0];
    }

    /** Runs the module on any number of inputs, with its forward hooks; returns all outputs. */
    public final Tensor[] callAll(Tensor... inputs) {
        Objects.requireNonNull(inputs, "inputs");
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) throw new IllegalArgumentException(typeName() + ": input " + i + " is null");
        }
        Tensor[] out = forward(inputs);
        if (!hooks.isEmpty()) {
            for (ForwardHook h : List.copyOf(hooks)) h.afterForward(this, inputs, out);
        }
        return out;
    }

    /**
     * Adds a hook run after every call of this module (not of its children). Closing the handle
     * removes this registration only, once: closing it again, or the same hook registered twice,
     * leaves the other registrations in place (as PyTorch's RemovableHandle).
     */
    public HookHandle registerForwardHook(ForwardHook hook) {
        Objects.requireNonNull(hook, "hook");
        ForwardHook registration = hook::afterForward; // a new object per call: removed by identity
        hooks.add(registration);
        return () -> hooks.removeIf(h -> h == registration);
    }

    // ---- registration --------------------------------------------------------------------------

    /** Registers a parameter under name (marking it requiresGrad(true)); returns it. */
    protected Tensor registerParameter(String name, Tensor t) {
        checkName(name);
        Objects.requireNonNull(t, "parameter " + name);
        if (!t.isLeaf()) {
            throw new IllegalArgumentException(typeName() + ": parameter '" + name + "' must be a leaf tensor (use detach())");
        }
        if (!ownsPackedStorage(t)) {
            throw new IllegalArgumentException(typeName() + ": parameter '" + name + "' must own packed data (use copy())");
        }
        params.put(name, t.requiresGrad(true));
        return t;
    }

    /** Registers a buffer (saved in the state dict, not trained); returns it. */
    protected Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        Objects.requireNonNull(t, "buffer " + name);
        if (!ownsPackedStorage(t)) {
            throw new IllegalArgumentException(typeName() + ": buffer '" + name + "' must own packed data (use copy())");
        }
        buffers.put(name, t);
        return t;
    }

    /** Registers a child module; returns it. */
    protected <M extends Module> M registerModule(String name, M child) {
        checkName(name);
        Objects.requireNonNull(child, "module " + name);
        if (child == this) throw new IllegalArgumentException(typeName() + ": a module cannot be its own child");
        children.put(name, child);
        return child;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(typeName() + ": invalid name '" + name + "' (non-empty, no dots)");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(typeName() + ": name '" + name + "' is already registered");
        }
    }

    // ---- traversal -----------------------------------------------------------------------------

    /** This module's own parameters, by local name. */
    public Map<String, Tensor> localParameters() {
        return Collections.unmodifiableMap(params);
    }

    /** This module's own buffers, by local name. */
    public Map<String, Tensor> localBuffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** Direct children, by name. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** All parameters with dotted names, in PyTorch's order. A tensor shared by two modules appears once. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectParameters("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    /** All parameters in PyTorch's order (what an optimizer takes). */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * All buffers with dotted names, in PyTorch's order. As {@code named_buffers()}, a tensor shared
     * by two modules appears once, under its first name ({@link #stateDict()} lists it under every name).
     */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out, Set<Tensor> seen) {
        for (var e : buffers.entrySet()) {
            if (seen.add(e.getValue())) out.put(prefix + e.getKey(), e.getValue());
        }
        for (var e : children.entrySet()) e.getValue().collectBuffers(prefix + e.getKey() + ".", out, seen);
    }

    /** This module and all descendants with dotted names ("" for this one), depth first. */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        namedModules("", out);
        return out;
    }

    private void namedModules(String prefix, Map<String, Module> out) {
        if (out.containsValue(this)) return;
        out.put(prefix, this);
        children.forEach((n, c) -> c.namedModules(prefix.isEmpty() ? n : prefix + "." + n, out));
    }

    private void collectParameters(String prefix, Map<String, Tensor> out, Set<Tensor> seen) {
        for (var e : params.entrySet()) {
            if (seen.add(e.getValue())) out.put(prefix + e.getKey(), e.getValue());
        }
        for (var e : children.entrySet()) e.getValue().collectParameters(prefix + e.getKey() + ".", out, seen);
    }

    /** Number of parameter elements. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : parameters()) n += t.numel();
        return n;
    }

    /** Number of elements of parameters that require a gradient. */
    public long trainableParameterCount() {
        long n = 0;
        for (Tensor t : parameters()) if (t.requiresGrad()) n += t.numel();
        return n;
    }

    // ---- modes ---------------------------------------------------------------------------------

    /** Training mode for this module and all descendants (dropout active, BN uses batch statistics). */
    public Module train() {
        return train(true);
    }

    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    /** Evaluation mode for this module and all descendants. */
    public Module eval() {
        return train(false);
    }

    /**
     * The train/eval flag of this module and of every descendant, each its own, so that
     * {@link Modes#restore()} puts back a mix (a BatchNorm kept in eval inside a training model)
     * that {@code train(wasTraining)} would flatten.
     */
    public Modes saveModes() {
        Map<Module, Boolean> flags = new java.util.IdentityHashMap<>();
        apply(m -> flags.put(m, m.training));
        return new Modes(flags);
    }

    /** Flags saved by {@link #saveModes()}. */
    public static final class Modes {
        private final Map<Module, Boolean> flags;

        private Modes(Map<Module, Boolean> flags) {
            this.flags = flags;
        }

        /** Sets every saved module's own flag back (not its children's: they have their own). */
        public void restore() {
            flags.forEach((m, on) -> m.training = on);
        }
    }

    public boolean isTraining() {
        return training;
    }

    /** Calls fn on every descendant and then on this module (children first, as PyTorch's apply); returns this. */
    public Module apply(java.util.function.Consumer<Module> fn) {
        for (Module c : children.values()) c.apply(fn);
        fn.accept(this);
        return this;
    }

    /** Freezes (false) or unfreezes (true) every parameter; frozen ones count as non-trainable. */
    public Module requiresGrad(boolean on) {
        for (Tensor t : parameters()) t.requiresGrad(on);
        return this;
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Tensor t : parameters()) t.zeroGrad();
    }

    /** True when t is contiguous from offset 0 over all of its storage (what in-place updates need). */
    static boolean ownsPackedStorage(Tensor t) {
        if (!t.isContiguous() || t.offset() != 0) return false;
        return t.device().isCpu() ? t.data().length == t.numel() : t.buffer().floats() == Math.max(1, t.numel());
    }

    /**
     * Moves every parameter and buffer (with any gradient) to a device in place, as
     * {@code nn.Module.to}: layers keep their tensor objects, so optimizers built before the move
     * still hold the right parameters. Returns this module.
     */
    public Module to(Device device) {
        Objects.requireNonNull(device, "device");
        for (Tensor t : parameters()) t.moveTo(device);
        for (Tensor t : namedBuffers().values()) t.moveTo(device);
        return this;
    }

    /** The device of the first parameter (or buffer); the CPU for a module with neither. */
    public Device device() {
        for (Tensor t : parameters()) return t.device();
        for (Tensor t : namedBuffers().values()) return t.device();
        return Device.CPU;
    }

    // ---- state ---------------------------------------------------------------------------------

    /**
     * Parameters and buffers by dotted name, in PyTorch's order. The tensors are the live ones
     * (not copies); a writer should save them before training continues.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        for (var e : params.entrySet()) out.putIfAbsent(prefix + e.getKey(), e.getValue());
        for (var e : buffers.entrySet()) out.putIfAbsent(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collectState(prefix + e.getKey() + ".", out);
    }

    /**
     * Local names of buffers that a loaded state may lack without being reported as missing; they
     * then keep their current values. None by default; BatchNorm's {@code num_batches_tracked}, as
     * in PyTorch, which fills it in for checkpoints written before the buffer existed.
     */
    protected Set<String> optionalStateNames() {
        return Set.of();
    }

    private void collectOptional(String prefix, Set<String> out) {
        for (String n : optionalStateNames()) out.add(prefix + n);
        for (var e : children.entrySet()) e.getValue().collectOptional(prefix + e.getKey() + ".", out);
    }

    /** As {@link #loadStateDict(Map, boolean)} with strict = true. */
    public void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies values into this module's parameters and buffers in place. Every entry is checked
     * before anything is written: a shape mismatch is always an error; with strict, missing and
     * unexpected names are errors too (an absent {@link #optionalStateNames() optional} buffer is
     * not missing). The error lists every problem, and on error nothing changes.
     *
     * @return the names that were missing and unexpected (empty lists after a strict load)
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Objects.requireNonNull(state, "state");
        Map<String, Tensor> own = stateDict();
        Set<String> optional = new java.util.HashSet<>();
        collectOptional("", optional);
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misShaped = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                if (!optional.contains(e.getKey())) missing.add(e.getKey());
            } else if (!Arrays.equals(src.dims(), e.getValue().dims())) {
                misShaped.add(e.getKey() + " (checkpoint " + Arrays.toString(src.dims()) + ", model "
                        + Arrays.toString(e.getValue().dims()) + ")");
            }
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!misShaped.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("loadStateDict: the state does not fit " + typeName() + ", nothing was loaded:");
            if (!missing.isEmpty()) sb.append("\n  missing keys: ").append(String.join(", ", missing));
            if (!unexpected.isEmpty()) sb.append("\n  unexpected keys: ").append(String.join(", ", unexpected));
            if (!misShaped.isEmpty()) sb.append("\n  shape mismatch: ").append(String.join(", ", misShaped));
            throw new IllegalArgumentException(sb.toString());
        }
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) continue;
            e.getValue().copyFrom(src);
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** Saves {@link #stateDict()} as a safetensors file, all-or-nothing (see {@link SafeTensors}). */
    public void save(Path file) throws IOException {
        SafeTensors.write(file, stateDict());
    }

    /**
     * Loads a safetensors file written by {@link #save} (or by PyTorch's safetensors; its F64 and
     * integer tensors, such as BatchNorm's int64 {@code num_batches_tracked}, are read as float32),
     * strictly: the file is read and checked in full, then checked against this module, before any
     * value changes.
     */
    public void load(Path file) throws IOException {
        loadStateDict(SafeTensors.read(file), true);
    }

    /** Names a non-strict load left alone (missing) or ignored (unexpected). */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    // ---- printing ------------------------------------------------------------------------------

    /** The class name, as the summary and error messages show it. */
    public String typeName() {
        String n = getClass().getSimpleName();
        return n.isEmpty() ? getClass().getName() : n;
    }

    /** Constructor arguments for printing, e.g. "3, 8, kernel_size=(3, 3)"; empty by default. */
    protected String extraRepr() {
        return "";
    }

    /** A tree like PyTorch's module printout. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(typeName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            children.forEach((n, c) -> sb.append("  (").append(n).append("): ")
                    .append(c.toString().replace("\n", "\n  ")).append('\n'));
        }
        return sb.append(')').toString();
    }
}
