package jgrad.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Define-by-run reverse mode. Each differentiable op calls {@link #record} with its output, its
 * inputs and a backward function; {@link Tensor#backward} walks the recorded graph in reverse
 * topological order and accumulates (+=) each input's gradient, so fan-out needs no special case.
 *
 * <p>Each recorded op notes the {@link Tensor#version()} of its inputs and output; backward
 * refuses to run through an op whose tensors were written in place since, as PyTorch does,
 * rather than return a gradient computed from values the forward pass never saw.
 *
 * <p>A fused op outside this package (a loss, a convolution) integrates the same way:
 * <pre>
 *   Tensor out = ...compute...;
 *   return Autograd.record("dice-b", out, g -&gt; new Tensor[]{ dPred.mul(g) }, pred);
 * </pre>
 */
public final class Autograd {
    /** Maps the gradient of an op's output to the gradients of its inputs (null where none is needed). */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    /** A recorded op: what produced a tensor, from what, and how to differentiate it. */
    static final class Node {
        final String op;
        Tensor[] inputs;
        Backward backward;
        /** {@link Tensor#version()} of each input (0 for a null one) and, last, of the output, when recorded. */
        final int[] versions;

        Node(String op, Tensor[] inputs, Backward backward, Tensor out) {
            this.op = op;
            this.inputs = inputs;
            this.backward = backward;
            versions = new int[inputs.length + 1];
            for (int k = 0; k < inputs.length; k++) versions[k] = inputs[k] == null ? 0 : inputs[k].version();
            versions[inputs.length] = out.version();
        }

        /** Refuses to differentiate when an input or the output {@code out} was written in place since the op ran. */
        void checkUnmodified(Tensor out) {
            for (int k = 0; k <= inputs.length; k++) {
                Tensor t = k < inputs.length ? inputs[k] : out;
                if (t == null || t.version() == versions[k]) continue;
                String which = k < inputs.length ? "input " + k : "output";
                throw new IllegalStateException("backward: the " + which + " of '" + op + "' (shape " + Shape.str(t.dims())
                        + ") was modified in place after '" + op + "' used it (version " + versions[k] + ", now "
                        + t.version() + "), so its gradient would come from the new values. Modify a copy() instead, "
                        + "or modify it after backward()");
            }
        }

        boolean freed() {
            return backward == null;
        }
    }

    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {}

    /** True unless the calling thread is inside a {@link #noGrad()} scope. */
    public static boolean isEnabled() {
        return DISABLED.get()[0] == 0;
    }

    /**
     * A scope in which no graph is recorded, for evaluation and optimizer updates:
     * {@code try (var g = Autograd.noGrad()) { ... }}. Scopes nest.
     */
    public static NoGrad noGrad() {
        DISABLED.get()[0]++;
        return new NoGrad();
    }

    /** Closing ends the scope; see {@link Autograd#noGrad()}. */
    public static final class NoGrad implements AutoCloseable {
        private boolean closed;

        private NoGrad() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                DISABLED.get()[0]--;
            }
        }
    }

    /**
     * A scope in which graphs are recorded again even inside {@link #noGrad()}, as
     * {@code torch.enable_grad()}: for differentiating a helper computation inside a backward.
     */
    public static EnableGrad enableGrad() {
        int[] d = DISABLED.get();
        EnableGrad scope = new EnableGrad(d[0]);
        d[0] = 0;
        return scope;
    }

    /** Closing restores the grad mode that was in force before {@link Autograd#enableGrad()}. */
    public static final class EnableGrad implements AutoCloseable {
        private final int saved;
        private boolean closed;

        private EnableGrad(int saved) {
            this.saved = saved;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                DISABLED.get()[0] = saved;
            }
        }
    }

    /**
     * Attaches a backward function to {@code out} when grad mode is on and any input requires
     * a gradient; returns {@code out}.
     */
    public static Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        if (!isEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) any |= t != null && t.requiresGrad;
        if (!any) return out;
        out.requiresGrad = true;
        out.gradFn = new Node(op, inputs.clone(), backward, out);
        return out;
    }

    static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        if (!root.requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require a gradient (no input of the "
                    + "expression had requiresGrad(true), or it was computed under noGrad())");
        }
        if (gradient == null) {
            if (root.numel() != 1) {
                throw new IllegalStateException("backward: the output has shape " + Shape.str(root.dims())
                        + "; backward() without a gradient needs a scalar. Pass a gradient of the same shape, "
                        + "or reduce first (sum(), mean())");
            }
            gradient = Tensor.full(root.device(), 1f, root.dims());
        } else if (!java.util.Arrays.equals(gradient.dims(), root.dims())) {
            throw new IllegalArgumentException("backward: gradient shape " + Shape.str(gradient.dims())
                    + " does not match output shape " + Shape.str(root.dims()));
        } else if (!gradient.device().equals(root.device())) {
            throw new IllegalArgumentException("backward: the gradient is on " + gradient.device() + " but the output on "
                    + root.device());
        }
        if (root.gradFn != null && root.gradFn.freed()) throw freed(root.gradFn);
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, gradient);
        try (var scope = noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                Node node = t.gradFn;
                if (node == null || t.retainsGrad) t.accumulateGrad(g);
                if (node == null) continue;
                if (node.freed()) throw freed(node);
                node.checkUnmodified(t);
                Tensor[] inGrads = node.backward.apply(g);
                for (int k = 0; k < node.inputs.length; k++) {
                    Tensor in = node.inputs[k];
                    if (in == null || !in.requiresGrad || k >= inGrads.length || inGrads[k] == null) continue;
                    Tensor ig = inGrads[k];
                    if (!java.util.Arrays.equals(ig.dims(), in.dims())) {
                        throw new IllegalStateException("backward of " + node.op + ": gradient for input " + k
                                + " has shape " + Shape.str(ig.dims()) + " but the input has shape " + Shape.str(in.dims()));
                    }
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? ig : prev.add(ig));
                }
                if (!retainGraph) {
                    node.backward = null;
                    node.inputs = new Tensor[0];
                }
            }
        }
    }

    private static IllegalStateException freed(Node node) {
        return new IllegalStateException("backward: the graph through '" + node.op + "' was already freed by an "
                + "earlier backward(). Call backward(gradient, true) the first time to keep it, or recompute the expression");
    }

    /** Depth-first post-order over the graph from root (iterative: deep graphs need no stack). */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        seen.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.gradFn == null ? new Tensor[0] : t.gradFn.inputs;
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad && seen.add(in)) stack.push(new Object[]{in, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
