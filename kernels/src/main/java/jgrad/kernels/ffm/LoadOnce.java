package jgrad.kernels.ffm;

import java.util.function.Supplier;

/**
 * A native binding loaded on first use and remembered, the failure included: a missing library
 * is looked for once, and every later use throws the same explanation.
 */
final class LoadOnce<T> {
    private final Supplier<T> loader;
    private volatile Object value; // the T, or the RuntimeException that loading threw

    LoadOnce(Supplier<T> loader) {
        this.loader = loader;
    }

    @SuppressWarnings("unchecked")
    T get() {
        Object v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    try {
                        v = loader.get();
                    } catch (RuntimeException e) {
                        v = e;
                    }
                    value = v;
                }
            }
        }
        if (v instanceof RuntimeException e) throw e;
        return (T) v;
    }

    /** Null when the binding loads, else why it does not. */
    String failure() {
        try {
            get();
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
