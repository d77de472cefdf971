package jgrad.nn.metrics;

import jgrad.core.Autograd;
import jgrad.core.Tensor;

/**
 * The "mIoU" of seed B, reported as {@code miou_b}: per image I/(Σ(p + t) + 1e-6) with
 * p = σ(logits), I = Σ p·t; the mean over the images of a batch, and the epoch value is the mean
 * of the batch means (a small last batch counts as much as a full one).
 *
 * <p>The denominator is not the union but Σp + Σt, so this is half of the Dice coefficient and
 * never exceeds 0.5 (a perfect prediction gives I/(2I) = 0.5). It is kept under its own name so it
 * is never compared with {@link SoftIoU}.
 */
public final class MeanIoUB implements Metric {
    private final String name;
    private double sum;
    private long batches;
    private final DeviceSums onDevice = new DeviceSums(1);

    public MeanIoUB() {
        this("miou_b");
    }

    public MeanIoUB(String name) {
        this.name = name;
    }

    @Override public String name() { return name; }
    @Override public boolean higherIsBetter() { return true; }
    @Override public Metric fresh() { return new MeanIoUB(name); }

    @Override
    public void reset() {
        sum = 0;
        batches = 0;
        onDevice.clear();
    }

    @Override
    public void update(Tensor output, Tensor target) {
        int n = Batches.check("MeanIoUB", output, target);
        if (!output.device().isCpu()) {
            try (var ng = Autograd.noGrad()) {
                Tensor[] o = DeviceSums.overlap(output, target);
                onDevice.add(0, o[0].div(o[1].add((float) SoftIoU.EPS)).sum().div(n));
            }
            batches++;
            return;
        }
        float[] x = output.toArray(), t = target.toArray();
        int per = x.length / n;
        double batch = 0;
        for (int b = 0; b < n; b++) {
            double[] o = Batches.overlap(x, t, b * per, (b + 1) * per);
            double inter = o[0], total = o[1];
            batch += inter / (total + SoftIoU.EPS);
        }
        sum += batch / n;
        batches++;
    }

    @Override
    public double value() {
        return batches == 0 ? Double.NaN : (sum + onDevice.read()[0]) / batches;
    }
}
