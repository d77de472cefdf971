package jgrad.nn.metrics;

import jgrad.core.Autograd;
import jgrad.core.Tensor;

/**
 * The "mRMSE" of seed B, reported as {@code mrmse_b}: per batch sqrt(mean((σ(x) − t)²) + 1e-6)
 * over every pixel, and the epoch value is the plain mean of the batch values.
 *
 * <p>The 1e-6 inside the root sets a floor of 0.001 even for a perfect prediction.
 */
public final class MeanRmseB implements Metric {
    private final String name;
    private double sum;
    private final DeviceSums onDevice = new DeviceSums(1);
    private long batches;

    public MeanRmseB() {
        this("mrmse_b");
    }

    public MeanRmseB(String name) {
        this.name = name;
    }

    @Override public String name() { return name; }
    @Override public boolean higherIsBetter() { return false; }
    @Override public Metric fresh() { return new MeanRmseB(name); }

    @Override
    public void reset() {
        sum = 0;
        batches = 0;
        onDevice.clear();
    }

    @Override
    public void update(Tensor output, Tensor target) {
        Batches.check("MeanRmseB", output, target);
        if (!output.device().isCpu()) {
            try (var ng = Autograd.noGrad()) {
                Tensor d = output.sigmoid().sub(target.to(output.device()));
                onDevice.add(0, d.mul(d).mean().add(1e-6f).sqrt());
            }
            batches++;
            return;
        }
        float[] x = output.toArray(), t = target.toArray();
        double sq = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Batches.sigmoid(x[i]) - t[i];
            sq += d * d;
        }
        sum += Math.sqrt(sq / x.length + 1e-6);
        batches++;
    }

    @Override
    public double value() {
        return batches == 0 ? Double.NaN : (sum + onDevice.read()[0]) / batches;
    }
}
