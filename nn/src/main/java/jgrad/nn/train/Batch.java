package jgrad.nn.train;

import jgrad.core.Device;
import jgrad.core.Tensor;

import java.util.Arrays;

/**
 * One mini-batch: the model's inputs and the targets, each an array so that one shape of batch
 * serves a single-input model ({@code x → mask}) and the joint model
 * ({@code (bg, fg_bg) → (depth, mask)}, inputs {bg, fg_bg}, targets {depth, mask}).
 * Every tensor's first dimension is the batch size.
 */
public record Batch(Tensor[] inputs, Tensor[] targets) {
    public Batch {
        if (inputs == null || inputs.length == 0) throw new IllegalArgumentException("Batch: at least one input is needed");
        if (targets == null) targets = new Tensor[0];
        int n = -1;
        for (Tensor[] group : new Tensor[][]{inputs, targets}) {
            for (Tensor t : group) {
                if (t == null) throw new IllegalArgumentException("Batch: null tensor in inputs or targets");
                if (t.rank() == 0) throw new IllegalArgumentException("Batch: a 0-d tensor has no batch dimension");
                if (n < 0) n = t.size(0);
                else if (t.size(0) != n) {
                    throw new IllegalArgumentException("Batch: batch sizes differ: inputs " + shapes(inputs) + ", targets " + shapes(targets));
                }
            }
        }
        inputs = inputs.clone();
        targets = targets.clone();
    }

    /** One input and one target. */
    public static Batch of(Tensor input, Tensor target) {
        return new Batch(new Tensor[]{input}, new Tensor[]{target});
    }

    /** The same batch on {@code device} (this batch when it is already there). */
    public Batch to(Device device) {
        boolean there = true;
        for (Tensor t : inputs) there &= t.device().equals(device);
        for (Tensor t : targets) there &= t.device().equals(device);
        if (there) return this;
        Tensor[] in = new Tensor[inputs.length], tg = new Tensor[targets.length];
        for (int i = 0; i < in.length; i++) in[i] = inputs[i].to(device);
        for (int i = 0; i < tg.length; i++) tg[i] = targets[i].to(device);
        return new Batch(in, tg);
    }

    /** Number of samples (first dimension of the first input). */
    public int size() {
        return inputs[0].size(0);
    }

    @Override
    public Tensor[] inputs() {
        return inputs.clone();
    }

    @Override
    public Tensor[] targets() {
        return targets.clone();
    }

    private static String shapes(Tensor[] ts) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ts.length; i++) sb.append(i == 0 ? "" : ", ").append(Arrays.toString(ts[i].dims()));
        return sb.append(']').toString();
    }
}
