package jgrad.core;

import jgrad.core.spi.DeviceBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Frees device memory deterministically, without waiting for the garbage collector. Every
 * device tensor allocated while a scope is open on the current thread belongs to the innermost
 * scope and is freed when that scope closes; tensors allocated outside any scope (parameters,
 * optimizer state) live until {@link Tensor#release()}. The gradients that backward stores in
 * leaves ({@link Tensor#grad()}) are the exception: they are kept outside scopes, so they can
 * accumulate over several steps, and freed by {@link Tensor#zeroGrad()}.
 *
 * <pre>
 *   try (var step = MemoryScope.open()) {
 *       optimizer.zeroGrad();                           // frees the last step's gradients
 *       Tensor loss = lossFn.apply(model.call(x), y);   // activations: in the scope
 *       loss.backward();
 *       optimizer.step();
 *       return loss.item();                             // copied to the host before the close
 *   }                                                   // every temporary freed here
 * </pre>
 * Outside any scope, device temporaries are reclaimed only when the backend notices them
 * unreachable (the CUDA backend through a cleaner), so loops over device tensors belong in a
 * scope.
 * A tensor that must outlive the scope is handed to the enclosing one with {@link #keep}. Using a
 * freed tensor fails with a message rather than reading stale memory. CPU tensors are plain Java
 * arrays and are not tracked.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<MemoryScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final boolean tracking;
    private final List<DeviceBuffer> owned = new ArrayList<>();
    private boolean closed;

    private MemoryScope(boolean tracking) {
        this.tracking = tracking;
    }

    /** A scope that frees what is allocated inside it when closed. */
    public static MemoryScope open() {
        MemoryScope s = new MemoryScope(true);
        STACK.get().push(s);
        return s;
    }

    /**
     * A scope inside which allocations are not tracked by any enclosing scope: for state that must
     * persist (optimizer moments created lazily during a step, say). Closing it frees nothing.
     */
    public static MemoryScope persistent() {
        MemoryScope s = new MemoryScope(false);
        STACK.get().push(s);
        return s;
    }

    /** Registers a freshly allocated device buffer with the innermost scope, if any. */
    static void track(DeviceBuffer buffer) {
        MemoryScope s = STACK.get().peek();
        if (s != null && s.tracking) s.owned.add(buffer);
    }

    /**
     * Moves t's device memory from this scope to the enclosing one (or out of scope tracking
     * altogether when there is none), so it survives this scope's close; returns t.
     */
    public Tensor keep(Tensor t) {
        if (closed) throw new IllegalStateException("MemoryScope.keep: the scope is already closed");
        DeviceBuffer b = t.buffer;
        if (b == null) return t;
        if (!owned.removeIf(x -> x == b)) return t;
        boolean passed = false;
        for (MemoryScope s : STACK.get()) {
            if (s == this) { passed = true; continue; }
            if (passed && !s.closed) {
                if (s.tracking) s.owned.add(b);
                return t;
            }
        }
        return t;
    }

    /** Number of device buffers this scope will free. */
    public int tracked() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) return;
        ArrayDeque<MemoryScope> stack = STACK.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("MemoryScope.close: scopes must be closed innermost first (use try-with-resources)");
        }
        stack.pop();
        closed = true;
        for (int i = owned.size() - 1; i >= 0; i--) owned.get(i).close();
        owned.clear();
    }
}
