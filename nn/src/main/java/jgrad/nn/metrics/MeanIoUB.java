package jgrad.nn.metrics;

import jgrad.core.Tensor;

/**
 * The "mIoU" of seed B, reported as {@code miou_b}: per image I/(Σ(p + t) + 1e-6) with
 * p = σ(logits), I = Σ p·t; the mean over the images of a batch, and the epoch value is the mean
 * of the batch means (a small last batch counts as much as a full one).
 *
 * <p>The denominator is not the union but Σp + Σt, so this is half of the Dice coefficient and
 * never exceeds 0.5 (a perfect prediction gives I/(2I) = 0.5). An image with an all-zero target
 * has I = 0 and scores 0 whatever the prediction. It is kept under its own name so it is never
 * compared with {@link SoftIoU}.
 */
public final class MeanIoUB extends MeanMetric {
    public MeanIoUB() {
        this("miou_b");
    }

    public MeanIoUB(String name) {
        super(name, true, false);
    }

    @Override public Metric fresh() { return new MeanIoUB(name()); }

    @Override
    double term(float[] x, float[] t, int n) {
        int per = x.length / n;
        double batch = 0;
        for (int b = 0; b < n; b++) {
            double[] o = Batches.overlap(x, t, b * per, (b + 1) * per);
            batch += o[0] / (o[1] + SoftIoU.EPS);
        }
        return batch / n;
    }

    @Override
    Tensor term(Tensor output, Tensor target, int n) {
        Tensor[] o = DeviceSums.overlap(output, target);
        return o[0].div(o[1].add((float) SoftIoU.EPS)).sum().div(n);
    }
}
