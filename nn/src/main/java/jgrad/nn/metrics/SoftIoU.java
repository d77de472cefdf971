package jgrad.nn.metrics;

import jgrad.core.Tensor;

/**
 * Soft intersection over union of seed A, reported as {@code iou}.
 *
 * <p>With p = σ(logits) and target t, per image: I = Σ p·t, U = Σ(p + t) − I,
 * IoU = (I + 1e-6)/(U + 1e-6). The epoch value is the mean over all images seen (so batches count
 * in proportion to their size). A perfect prediction of a non-empty mask approaches 1 (only as
 * close as σ gets to 0 and 1).
 *
 * <p>An image whose target is all zeros scores (1e-6)/(Σp + 1e-6): close to 1 only while Σp stays
 * well below 1e-6, which takes logits below about −30 everywhere. A confident but realistic
 * background prediction scores close to 0 instead: logits of −10 over 32×32 pixels give
 * Σp ≈ 0.046 and an IoU of about 2e-5. Empty-mask images thus pull the epoch mean down.
 */
public final class SoftIoU extends MeanMetric {
    static final double EPS = 1e-6;

    public SoftIoU() {
        this("iou");
    }

    public SoftIoU(String name) {
        super(name, true, true);
    }

    @Override public Metric fresh() { return new SoftIoU(name()); }

    @Override
    double term(float[] x, float[] t, int n) {
        int per = x.length / n;
        double sum = 0;
        for (int b = 0; b < n; b++) {
            double[] o = Batches.overlap(x, t, b * per, (b + 1) * per);
            double inter = o[0], total = o[1];
            sum += (inter + EPS) / (total - inter + EPS);
        }
        return sum;
    }

    @Override
    Tensor term(Tensor output, Tensor target, int n) {
        Tensor[] o = DeviceSums.overlap(output, target);
        Tensor inter = o[0], total = o[1];
        return inter.add((float) EPS).div(total.sub(inter).add((float) EPS)).sum();
    }
}
