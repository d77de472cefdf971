package jgrad.nn.metrics;

import jgrad.core.Autograd;
import jgrad.core.MemoryScope;
import jgrad.core.Tensor;

/**
 * Running sums that stay on the device of the tensors they add up, so a metric updated every
 * training step costs a few kernel launches and no copy to the host; the host reads them only
 * when the metric's value is asked for. Holds {@code slots} sums in one device tensor, allocated
 * outside any memory scope and freed by {@link #clear()}.
 */
final class DeviceSums {
    private final int slots;
    private Tensor sums;

    DeviceSums(int slots) {
        this.slots = slots;
    }

    /** sums[slot] += value (a one-element tensor on a device). */
    void add(int slot, Tensor value) {
        try (var ng = Autograd.noGrad()) {
            if (sums == null) {
                try (var keep = MemoryScope.persistent()) {
                    sums = Tensor.zeros(value.device(), slots);
                }
            }
            try (var scope = MemoryScope.open()) {
                Tensor s = sums.narrow(0, slot, 1);
                s.copyFrom(s.add(value.reshape(1)));
            }
        }
    }

    /** The sums on the host (zeros before the first add). */
    double[] read() {
        double[] out = new double[slots];
        if (sums == null) return out;
        float[] v = sums.toArray();
        for (int i = 0; i < slots; i++) out[i] = v[i];
        return out;
    }

    void clear() {
        if (sums != null) sums.release();
        sums = null;
    }

    /**
     * Per image {Σ p·t, Σ (p + t)} with p = σ(output), as device tensors of N values: the overlap
     * sums both IoU metrics use ({@link Batches#overlap} on the host). Call under no-grad, with
     * the target on the output's device.
     */
    static Tensor[] overlap(Tensor output, Tensor t) {
        Tensor p = output.sigmoid();
        int[] dims = new int[p.rank() - 1];
        for (int i = 0; i < dims.length; i++) dims[i] = i + 1;
        return new Tensor[]{p.mul(t).sum(dims, false), p.add(t).sum(dims, false)};
    }
}
