package jgrad.core;

import jgrad.core.cpu.Parallel;
import jgrad.core.cpu.Simd;

/**
 * Inverted dropout, as {@code F.dropout}: in training each element is kept with probability 1 − p
 * and scaled by 1/(1 − p), so the expectation is unchanged; in eval (or with p = 0) it is the
 * identity. y = x·m with m ∈ {0, 1/(1 − p)}, so ∂x = g·m with the same mask.
 *
 * <p>The mask is counter-based: one 64-bit seed s is drawn from the given {@link Rng}, and element
 * i is kept when u_i ≥ p, where u_i is the 24-bit uniform of SplitMix64's output for state
 * s + (i + 1)·γ, exactly the i-th draw of {@code new Rng(s).nextFloat()}. Each element's draw thus
 * depends on its index alone: the mask is reproducible from the Rng's state and independent of
 * how the loop is split across threads. Data flow: one pass writes the mask (4 B/element; the hash
 * runs in 64-bit vector lanes in {@link VectorDropout} when the Vector API is on), one multiply
 * applies it; the backward is one multiply.
 */
final class Dropout {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Dropout() {}

    static Tensor forward(Tensor x, double p, boolean training, Rng rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p + " (input " + Shape.str(x.shape) + ")");
        }
        if (!training || p == 0) return x;
        if (rng == null) throw new IllegalArgumentException("dropout: an Rng is needed in training (input " + Shape.str(x.shape) + ")");
        long seed = rng.nextLong();
        Tensor mask;
        if (!x.isCpu()) {
            if (p < 1) {
                mask = Tensor.empty(x.device(), x.shape);
                if (mask.numel() > 0) x.backend().dropoutMask(seed, (long) Math.ceil(p * 0x1.0p24), (float) (1 / (1 - p)), mask);
            } else {
                mask = Tensor.zeros(x.device(), x.shape);
            }
        } else if (p < 1) {
            mask = Tensor.zeros(x.shape);
            float[] md = mask.data;
            float scale = (float) (1 / (1 - p));
            // u = b·2⁻²⁴ ≥ p ⟺ b ≥ ⌈p·2²⁴⌉ = t for the 24-bit integer b; (t − 1 − b) >>> 63 is that
            // test as 0/1 without a branch (a random 50 % branch costs more than the hash)
            long t = (long) Math.ceil(p * 0x1.0p24);
            Parallel.range(md.length, Elementwise.GRAIN, (from, to) -> {
                if (Simd.VECTOR) VectorDropout.mask(seed, GOLDEN, t, scale, md, from, to);
                else mask(seed, t, scale, md, from, to);
            });
        } else {
            mask = Tensor.zeros(x.shape);
        }
        Tensor y;
        try (var scope = Autograd.noGrad()) {
            y = x.mul(mask);
        }
        return Autograd.record("dropout", y, g -> new Tensor[]{g.mul(mask)}, x);
    }

    /** Scalar mask: md[i] = scale if bits(i) ≥ t else 0 for i in [from, to), bits(i) = mix(seed + (i + 1)·γ) >>> 40. */
    static void mask(long seed, long t, float scale, float[] md, int from, int to) {
        for (int i = from; i < to; i++) {
            long b = mix(seed + (i + 1L) * GOLDEN) >>> 40;
            md[i] = scale * ((t - 1 - b) >>> 63);
        }
    }

    /** SplitMix64's output function. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
