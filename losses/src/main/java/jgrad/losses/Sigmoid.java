package jgrad.losses;

/**
 * Overflow-free logistic function and its derivative, shared by the reference implementations.
 * With e = exp(−|x|) ∈ (0, 1]: σ(x) = 1/(1+e) for x ≥ 0 and e/(1+e) otherwise, and
 * σ'(x) = σ(x)σ(−x) = e/(1+e)², so logits of ±100 (or ±1000) give finite values everywhere.
 */
final class Sigmoid {
    private Sigmoid() {}

    static double of(double x) {
        double e = Math.exp(-Math.abs(x));
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    static double derivative(double x) {
        double e = Math.exp(-Math.abs(x));
        double r = 1 / (1 + e);
        return e * r * r;
    }

    static float of(float x) {
        float e = (float) Math.exp(-Math.abs(x));
        float r = 1f / (1f + e);
        return x >= 0 ? r : e * r;
    }

    static float derivative(float x) {
        float e = (float) Math.exp(-Math.abs(x));
        float r = 1f / (1f + e);
        return e * r * r;
    }
}
