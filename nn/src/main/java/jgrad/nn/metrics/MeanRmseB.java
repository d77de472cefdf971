package jgrad.nn.metrics;

import jgrad.core.Tensor;

/**
 * The "mRMSE" of seed B, reported as {@code mrmse_b}: per batch sqrt(mean((σ(x) − t)²) + 1e-6)
 * over every pixel, and the epoch value is the plain mean of the batch values.
 *
 * <p>The 1e-6 inside the root sets a floor of 0.001 even for a perfect prediction.
 */
public final class MeanRmseB extends MeanMetric {
    public MeanRmseB() {
        this("mrmse_b");
    }

    public MeanRmseB(String name) {
        super(name, false, false);
    }

    @Override public Metric fresh() { return new MeanRmseB(name()); }

    @Override
    double term(float[] x, float[] t, int n) {
        double sq = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Batches.sigmoid(x[i]) - t[i];
            sq += d * d;
        }
        return Math.sqrt(sq / x.length + 1e-6);
    }

    @Override
    Tensor term(Tensor output, Tensor target, int n) {
        Tensor d = output.sigmoid().sub(target);
        return d.mul(d).mean().add(1e-6f).sqrt();
    }
}
