package jgrad.nn;

import jgrad.core.Functional;
import jgrad.core.Rng;
import jgrad.core.Tensor;

/**
 * In training, zeroes each element with probability p and scales the others by 1/(1 − p), as
 * {@code torch.nn.Dropout}; the identity in eval. The mask comes from the layer's own seeded
 * {@link Rng}, so runs repeat exactly. The gradient is the same mask and scale
 * ({@link Functional#dropout}).
 */
public class Dropout extends Module {
    public final double p;
    private final Rng rng;

    /** A generator forked from {@link Rng#global()} at construction (seed that for repeatable runs). */
    public Dropout(double p) {
        this(p, Rng.global().fork());
    }

    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        this.p = p;
        this.rng = rng == null ? Rng.global().fork() : rng;
    }

    /** The layer's generator (its state can be saved for exact resume). */
    public Rng rng() {
        return rng;
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        return Functional.dropout(x, p, true, rng);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
