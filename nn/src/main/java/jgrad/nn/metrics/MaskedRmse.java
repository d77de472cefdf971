package jgrad.nn.metrics;

import jgrad.core.Tensor;

/**
 * Root mean squared error of seed A, reported as {@code rmse}: per batch, over the pixels whose
 * target exceeds 1e-4 (the depth maps' "no data" zeros are skipped), sqrt(Σ(t − σ(x))²/count).
 * The epoch value is the mean of the batch values weighted by batch size.
 *
 * <p>A batch with no pixel above the threshold has no defined value and is left out of the epoch
 * mean (it neither adds a value nor its weight); an epoch with no such pixel at all reports NaN.
 */
public final class MaskedRmse implements Metric {
    static final double THRESHOLD = 1e-4;
    private final String name;
    private double weighted;
    private long weight;

    public MaskedRmse() {
        this("rmse");
    }

    public MaskedRmse(String name) {
        this.name = name;
    }

    @Override public String name() { return name; }
    @Override public boolean higherIsBetter() { return false; }
    @Override public Metric fresh() { return new MaskedRmse(name); }

    @Override
    public void reset() {
        weighted = 0;
        weight = 0;
    }

    @Override
    public void update(Tensor output, Tensor target) {
        int n = Batches.check("MaskedRmse", output, target);
        float[] x = output.toArray(), t = target.toArray();
        double sq = 0;
        long count = 0;
        for (int i = 0; i < x.length; i++) {
            if (t[i] > THRESHOLD) {
                double d = t[i] - Batches.sigmoid(x[i]);
                sq += d * d;
                count++;
            }
        }
        if (count == 0) return;
        weighted += n * Math.sqrt(sq / count);
        weight += n;
    }

    @Override
    public double value() {
        return weight == 0 ? Double.NaN : weighted / weight;
    }
}
