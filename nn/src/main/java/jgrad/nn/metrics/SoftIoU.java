package jgrad.nn.metrics;

import jgrad.core.Autograd;
import jgrad.core.Tensor;

/**
 * Soft intersection over union of seed A, reported as {@code iou}.
 *
 * <p>With p = σ(logits) and target t, per image: I = Σ p·t, U = Σ(p + t) − I,
 * IoU = (I + 1e-6)/(U + 1e-6). The epoch value is the mean over all images seen (so batches count
 * in proportion to their size). A perfect prediction of a non-empty mask approaches 1 (only as
 * close as σ gets to 0 and 1), and an all-zero target with an all-zero prediction gives 1.
 */
public final class SoftIoU implements Metric {
    static final double EPS = 1e-6;
    private final String name;
    private double sum;
    private long images;
    private final DeviceSums onDevice = new DeviceSums(1);

    public SoftIoU() {
        this("iou");
    }

    public SoftIoU(String name) {
        this.name = name;
    }

    @Override public String name() { return name; }
    @Override public boolean higherIsBetter() { return true; }
    @Override public Metric fresh() { return new SoftIoU(name); }

    @Override
    public void reset() {
        sum = 0;
        images = 0;
        onDevice.clear();
    }

    @Override
    public void update(Tensor output, Tensor target) {
        int n = Batches.check("SoftIoU", output, target);
        if (!output.device().isCpu()) {
            try (var ng = Autograd.noGrad()) {
                Tensor[] o = DeviceSums.overlap(output, target);
                Tensor inter = o[0], total = o[1];
                onDevice.add(0, inter.add((float) EPS).div(total.sub(inter).add((float) EPS)).sum());
            }
            images += n;
            return;
        }
        float[] x = output.toArray(), t = target.toArray();
        int per = x.length / n;
        for (int b = 0; b < n; b++) {
            double[] o = Batches.overlap(x, t, b * per, (b + 1) * per);
            double inter = o[0], total = o[1];
            sum += (inter + EPS) / (total - inter + EPS);
        }
        images += n;
    }

    @Override
    public double value() {
        return images == 0 ? Double.NaN : (sum + onDevice.read()[0]) / images;
    }
}
