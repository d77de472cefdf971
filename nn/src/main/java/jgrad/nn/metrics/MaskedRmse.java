package jgrad.nn.metrics;

import jgrad.core.Autograd;
import jgrad.core.Tensor;

/**
 * Root mean squared error of seed A, reported as {@code rmse}: per batch, over the pixels whose
 * target exceeds 1e-4 (the depth maps' "no data" zeros are skipped), sqrt(Σ(t − σ(x))²/count).
 * The epoch value is the mean of the batch values weighted by batch size.
 *
 * <p>Pixels that are skipped are skipped whatever they hold: a NaN target (which is not above the
 * threshold) or a non-finite logit at such a pixel does not reach the value.
 *
 * <p>A batch with no pixel above the threshold has no defined value and is left out of the epoch
 * mean (it neither adds a value nor its weight); an epoch with no such pixel at all reports NaN.
 */
public final class MaskedRmse implements Metric {
    static final double THRESHOLD = 1e-4;
    private final String name;
    private double weighted;
    private long weight;
    /** {Σ n·rmse, Σ n} over device batches: whether a batch counts is known on the device only. */
    private final DeviceSums onDevice = new DeviceSums(2);

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
        onDevice.clear();
    }

    @Override
    public void update(Tensor output, Tensor target) {
        int n = Batches.check("MaskedRmse", output, target);
        if (!output.device().isCpu()) {
            try (var ng = Autograd.noGrad()) {
                Tensor t = target.to(output.device());
                Tensor m = t.gt((float) THRESHOLD);
                // select, not multiply by the mask: NaN or ±∞ at a skipped pixel times 0 would be NaN
                Tensor d = Tensor.where(m, t.sub(output.sigmoid()), Tensor.zeros(output.device()));
                Tensor count = m.sum(), valid = count.gt(0f);
                Tensor rmse = d.mul(d).sum().div(count.maximum(1f)).sqrt();
                onDevice.add(0, rmse.mul((float) n).mul(valid));
                onDevice.add(1, valid.mul((float) n));
            }
            return;
        }
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
        double[] dev = onDevice.read();
        double w = weight + dev[1];
        return w == 0 ? Double.NaN : (weighted + dev[0]) / w;
    }
}
