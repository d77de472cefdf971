package jgrad.nn.metrics;

import jgrad.core.Tensor;

/**
 * A quantity accumulated over the batches of an epoch and reported once per epoch.
 *
 * <p>Data flow: {@link #reset()} at the start of an epoch, {@link #update(Tensor, Tensor)} once per
 * batch with the model's raw output (logits) and the target, {@link #value()} at the end. The
 * metrics in this package apply σ to the logits themselves and use no threshold, as both seed
 * projects did. They never record an autodiff graph and read the values in double precision.
 */
public interface Metric {
    /** Short name used in progress bars, histories and CSV headers (e.g. {@code iou}, {@code rmse}). */
    String name();

    /** Forgets everything accumulated so far. */
    void reset();

    /** Adds one batch: {@code output} are logits, {@code target} has the same shape. */
    void update(Tensor output, Tensor target);

    /** The epoch value so far (NaN before any batch). */
    double value();

    /** True when a larger value is better (IoU), false when smaller is better (RMSE). */
    boolean higherIsBetter();

    /** A copy with the same name but nothing accumulated: one instance for training, one for validation. */
    Metric fresh();
}
