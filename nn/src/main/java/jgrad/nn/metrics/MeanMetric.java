package jgrad.nn.metrics;

import jgrad.core.Autograd;
import jgrad.core.Tensor;

/**
 * A metric whose epoch value is a mean: a sum of per-batch terms divided by a count (of images or
 * of batches). Batches on the CPU add their term in double precision on the host; batches on a
 * device add it on the device, and the host reads the sum only in {@link #value()}.
 */
abstract class MeanMetric implements Metric {
    private final String name;
    private final boolean higherIsBetter;
    private final boolean perImage;
    private final DeviceSums onDevice = new DeviceSums(1);
    private double sum;
    private long count;

    /** perImage: the mean is over images (a batch of n counts n), else over batches (each counts 1). */
    MeanMetric(String name, boolean higherIsBetter, boolean perImage) {
        this.name = name;
        this.higherIsBetter = higherIsBetter;
        this.perImage = perImage;
    }

    /** This batch's term, from the logits x and target t of n images (same length). */
    abstract double term(float[] x, float[] t, int n);

    /** The same term as a scalar tensor on the output's device. */
    abstract Tensor term(Tensor output, Tensor target, int n);

    @Override public final String name() { return name; }
    @Override public final boolean higherIsBetter() { return higherIsBetter; }

    @Override
    public final void reset() {
        sum = 0;
        count = 0;
        onDevice.clear();
    }

    @Override
    public final void update(Tensor output, Tensor target) {
        int n = Batches.check(getClass().getSimpleName(), output, target);
        if (output.device().isCpu()) {
            sum += term(output.toArray(), target.toArray(), n);
        } else {
            try (var ng = Autograd.noGrad()) {
                onDevice.add(0, term(output, target.to(output.device()), n));
            }
        }
        count += perImage ? n : 1;
    }

    @Override
    public final double value() {
        return count == 0 ? Double.NaN : (sum + onDevice.read()[0]) / count;
    }
}
