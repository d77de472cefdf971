package jgrad.losses;

/**
 * Tversky loss per image on p = σ(x): with TP = Σp·t = I, FP = Σp(1−t) = P − I and
 * FN = Σ(1−p)t = T − I, L_g = 1 − TP/(TP + α·FP + β·FN + ε); mean over images. α weighs false
 * positives, β false negatives (seed B: α = 0.6, β = 0.5, ε = 1e-6).
 * With den = (1−α−β)·I + α·P + β·T + ε: ∂L_g/∂I = −(den − (1−α−β)·I)/den², ∂L_g/∂P = α·I/den².
 * Data flow: see {@link OverlapLoss} (two passes, 20 B/element).
 */
public final class Tversky extends OverlapLoss {
    private final double alpha, beta, eps;

    public Tversky(String name, double alpha, double beta, double eps) {
        super(name, true);
        if (!(Double.isFinite(alpha) && Double.isFinite(beta) && alpha >= 0 && beta >= 0)) {
            throw new IllegalArgumentException(name + ": α and β must be finite and ≥ 0, got " + alpha + ", " + beta);
        }
        if (!(Double.isFinite(eps) && eps >= 0)) throw new IllegalArgumentException(name + ": ε must be finite and ≥ 0, got " + eps);
        this.alpha = alpha;
        this.beta = beta;
        this.eps = eps;
    }

    /** Seed B's Tversky: α = 0.6 on false positives, β = 0.5 on false negatives, ε = 1e-6. */
    public static Tversky seedB() {
        return new Tversky("tversky", 0.6, 0.5, 1e-6);
    }

    @Override
    double[] terms(double p, double t, double i) {
        double k = 1 - alpha - beta;
        double den = k * i + alpha * p + beta * t + eps;
        return new double[]{1 - i / den, alpha * i / (den * den), -(den - k * i) / (den * den)};
    }
}
