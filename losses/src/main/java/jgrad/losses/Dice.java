package jgrad.losses;

/**
 * Soft Dice loss on p = σ(x): per group L_g = 1 − (2I + s_num)/(P + T + s_den) with
 * P = Σp, T = Σt, I = Σp·t; the loss is the mean over groups.
 * ∂L_g/∂I = −2/den and ∂L_g/∂P = (2I + s_num)/den², den = P + T + s_den.
 *
 * <ul>
 *   <li>{@link #seedA()} ("dice-a"): the whole batch is one group, s_num = s_den = 1.</li>
 *   <li>{@link #seedB()} ("dice-b"): one group per image, s_num = 0, s_den = 1e-6.</li>
 * </ul>
 * Data flow: see {@link OverlapLoss} (two passes, 20 B/element).
 */
public final class Dice extends OverlapLoss {
    private final double smoothNum, smoothDen;

    public Dice(String name, boolean perImage, double smoothNum, double smoothDen) {
        super(name, perImage);
        if (!(Double.isFinite(smoothNum) && Double.isFinite(smoothDen) && smoothNum >= 0 && smoothDen >= 0)) {
            throw new IllegalArgumentException(name + ": the smoothing terms must be finite and ≥ 0, got " + smoothNum + ", " + smoothDen);
        }
        this.smoothNum = smoothNum;
        this.smoothDen = smoothDen;
    }

    public static Dice seedA() {
        return new Dice("dice-a", false, 1, 1);
    }

    public static Dice seedB() {
        return new Dice("dice-b", true, 0, 1e-6);
    }

    @Override
    double[] terms(double p, double t, double i) {
        double den = p + t + smoothDen, num = 2 * i + smoothNum;
        return new double[]{1 - num / den, num / (den * den), -2 / den};
    }
}
