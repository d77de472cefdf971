package jgrad.losses;

/**
 * Losses that depend on the prediction only through the sums P = Σp, T = Σt and I = Σp·t of a
 * group (the whole batch, or one image), p = σ(x): Dice and Tversky. For a group loss
 * L_g(P, T, I), ∂L_g/∂p_i = ∂L_g/∂P + t_i·∂L_g/∂I, so the gradient is (a·t_i + b)·σ'(x_i) with
 * two numbers per group. The loss is the mean of L_g over the G groups.
 *
 * <p>Fast path: two passes over x and t (20 B/element): block sums of (P, T, I), then the
 * gradient with each group's (a, b).
 */
abstract class OverlapLoss implements Loss {
    private final String name;
    private final boolean perImage;

    OverlapLoss(String name, boolean perImage) {
        this.name = name;
        this.perImage = perImage;
    }

    /** {L_g, ∂L_g/∂P, ∂L_g/∂I} for one group's sums. */
    abstract double[] terms(double p, double t, double i);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public int bytesPerElement() {
        return 20;
    }

    private int groups(int[] shape) {
        return perImage ? shape[0] : 1;
    }

    @Override
    public Reference reference(double[] pred, double[] target, int[] shape) {
        check(pred.length, target.length, shape);
        int groups = groups(shape), size = pred.length / groups;
        double total = 0;
        double[] g = new double[pred.length];
        for (int k = 0; k < groups; k++) {
            double sp = 0, st = 0, spt = 0;
            for (int i = k * size; i < (k + 1) * size; i++) {
                double p = Sigmoid.of(pred[i]);
                sp += p;
                st += target[i];
                spt += p * target[i];
            }
            double[] v = terms(sp, st, spt);
            total += v[0];
            for (int i = k * size; i < (k + 1) * size; i++) {
                g[i] = (v[1] + v[2] * target[i]) * Sigmoid.derivative(pred[i]) / groups;
            }
        }
        return new Reference(total / groups, g);
    }

    @Override
    public double forwardBackward(float[] pred, float[] target, int[] shape, float[] grad, float weight, boolean accumulate) {
        check(pred, target, shape, grad);
        int groups = groups(shape);
        Blocks blocks = new Blocks(groups, pred.length / groups);
        double[] partial = new double[blocks.count * 3];
        blocks.run((b, grp, from, to) -> Kernels.overlapStats(pred, target, from, to, partial, 3 * b));
        double[] sums = blocks.reduce(partial, 3);
        float[] a = new float[groups], c = new float[groups];
        double total = 0;
        for (int k = 0; k < groups; k++) {
            double[] v = terms(sums[3 * k], sums[3 * k + 1], sums[3 * k + 2]);
            total += v[0];
            c[k] = (float) (weight * v[1] / groups);
            a[k] = (float) (weight * v[2] / groups);
        }
        blocks.run((b, grp, from, to) -> Kernels.overlapGrad(pred, target, grad, from, to, a[grp], c[grp], accumulate));
        return total / groups;
    }
    /**
     * overlapWeight·L + bceWeight·bce in the same two passes as L alone (the bce value joins the
     * first pass, its gradient (σ(x) − t)/n the second): returns {L, bce}. Used by
     * {@link WeightedSum} for bce-dice, bce-dice-a and bce-tversky.
     */
    double[] forwardBackwardWithBce(float[] pred, float[] target, int[] shape, float[] grad, float overlapWeight,
                                    float bceWeight, boolean accumulate) {
        check(pred, target, shape, grad);
        int groups = groups(shape), n = pred.length;
        Blocks blocks = new Blocks(groups, n / groups);
        double[] partial = new double[blocks.count * 4];
        blocks.run((b, grp, from, to) -> Kernels.overlapBceStats(pred, target, from, to, partial, 4 * b));
        double[] sums = blocks.reduce(partial, 4);
        float[] a = new float[groups], c = new float[groups];
        double total = 0, bce = 0;
        for (int k = 0; k < groups; k++) {
            double[] v = terms(sums[4 * k], sums[4 * k + 1], sums[4 * k + 2]);
            total += v[0];
            bce += sums[4 * k + 3];
            c[k] = (float) (overlapWeight * v[1] / groups);
            a[k] = (float) (overlapWeight * v[2] / groups);
        }
        float cb = bceWeight / n;
        blocks.run((b, grp, from, to) -> Kernels.overlapBceGrad(pred, target, grad, from, to, a[grp], c[grp], cb, accumulate));
        return new double[]{total / groups, bce / n};
    }
}
