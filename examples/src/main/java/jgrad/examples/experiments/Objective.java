package jgrad.examples.experiments;

import jgrad.core.Autograd;
import jgrad.core.Tensor;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import jgrad.nn.metrics.Metric;
import jgrad.nn.train.LossFunction;

/**
 * What a run minimises: total = segWeight·seg(mask) + depthWeight·depth(depth), with both losses
 * taken from the {@link Losses} registry by name; for a mask-only model (MaskNet) depth is null and
 * total = segWeight·seg(mask).
 *
 * <p>Trainer outputs are {@code [depth, mask]} for a joint model and {@code [mask]} for MaskNet;
 * the targets are always {@code [depth, mask]}. {@link #maskOutput()} says which output is the mask.
 * Gradients flow from each loss's autodiff node into its own head.
 *
 * @param label short label for tables ("bce-dice/rmse")
 */
public record Objective(String label, String seg, double segWeight, String depth, double depthWeight) {
    public Objective {
        Losses.get(seg); // unknown names fail here, listing the known ones
        if (depth != null) Losses.get(depth);
    }

    /** Seed B's form: seg(m) + 2·depth(d). */
    public static Objective seedB(String seg, String depth) {
        return new Objective(seg + "/" + depth, seg, 1, depth, 2);
    }

    /** Mask-only (MaskNet): seg(m). */
    public static Objective maskOnly(String seg) {
        return new Objective(seg, seg, 1, null, 0);
    }

    public boolean joint() {
        return depth != null;
    }

    /** Index of the mask among the model's outputs. */
    public int maskOutput() {
        return joint() ? 1 : 0;
    }

    /** The human-readable formula, e.g. "1·bce-dice(mask) + 2·rmse(depth)". */
    public String formula() {
        String s = num(segWeight) + "·" + seg + "(mask)";
        return joint() ? s + " + " + num(depthWeight) + "·" + depth + "(depth)" : s;
    }

    private static String num(double w) {
        return w == Math.rint(w) ? String.valueOf((long) w) : String.valueOf(w);
    }

    /** The trainer's loss function. */
    public LossFunction lossFunction() {
        Loss s = Losses.get(seg), d = joint() ? Losses.get(depth) : null;
        int mo = maskOutput();
        float sw = (float) segWeight, dw = (float) depthWeight;
        return (out, t) -> {
            Tensor total = s.apply(out[mo], t[1]).mul(sw);
            if (d != null) total = total.add(d.apply(out[0], t[0]).mul(dw));
            return total;
        };
    }

    /** The unweighted mask loss as a metric named {@code seg_loss}. */
    public Metric segMetric() {
        return new LossMetric("seg_loss", seg);
    }

    /** The unweighted depth loss as a metric named {@code depth_loss} (joint models only). */
    public Metric depthMetric() {
        return new LossMetric("depth_loss", depth);
    }

    /** A registry loss reported as a metric: the sample-weighted mean of its per-batch values. */
    static final class LossMetric implements Metric {
        private final String name, loss;
        private final Loss impl;
        private double sum;
        private long count;

        LossMetric(String name, String loss) {
            this.name = name;
            this.loss = loss;
            this.impl = Losses.get(loss);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void reset() {
            sum = 0;
            count = 0;
        }

        @Override
        public void update(Tensor output, Tensor target) {
            try (var ng = Autograd.noGrad()) {
                double v = impl.apply(output, target).item();
                int n = output.size(0);
                sum += v * n;
                count += n;
            }
        }

        @Override
        public double value() {
            return count == 0 ? Double.NaN : sum / count;
        }

        @Override
        public boolean higherIsBetter() {
            return false;
        }

        @Override
        public Metric fresh() {
            return new LossMetric(name, loss);
        }
    }
}
