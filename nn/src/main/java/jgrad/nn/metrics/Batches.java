package jgrad.nn.metrics;

import jgrad.core.Tensor;

import java.util.Arrays;

/** Shared plumbing for the metrics: argument checks and σ of logits in double precision. */
final class Batches {
    private Batches() {}

    /** Checks shapes (equal, at least one dimension, first dimension = batch) and returns N. */
    static int check(String metric, Tensor output, Tensor target) {
        if (output == null || target == null) throw new IllegalArgumentException(metric + ": output and target must not be null");
        int[] o = output.dims(), t = target.dims();
        if (!Arrays.equals(o, t)) {
            throw new IllegalArgumentException(metric + ": output " + Arrays.toString(o) + " and target "
                    + Arrays.toString(t) + " must have the same shape");
        }
        if (o.length == 0 || o[0] == 0) {
            throw new IllegalArgumentException(metric + ": expected a batch N×… with N ≥ 1, got shape " + Arrays.toString(o));
        }
        if (output.numel() == 0) {
            // no value per image: mrmse_b would be 0/0 = NaN for the whole epoch, iou a perfect 1 per image
            throw new IllegalArgumentException(metric + ": the images of the batch hold no values, shape " + Arrays.toString(o));
        }
        return o[0];
    }

    static double sigmoid(float x) {
        return 1.0 / (1.0 + Math.exp(-(double) x));
    }

    /** {Σ p·t, Σ (p + t)} over x[from, to) with p = σ(x): the overlap sums both IoU metrics use. */
    static double[] overlap(float[] x, float[] t, int from, int to) {
        double inter = 0, total = 0;
        for (int i = from; i < to; i++) {
            double p = sigmoid(x[i]);
            inter += p * t[i];
            total += p + t[i];
        }
        return new double[]{inter, total};
    }
}
