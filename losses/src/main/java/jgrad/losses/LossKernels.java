package jgrad.losses;

import jgrad.core.Device;
import jgrad.core.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The fused losses on a device other than the CPU. Providers are found with
 * {@link java.util.ServiceLoader}; the CUDA one lives in the {@code jgrad-kernels} module, so a
 * CPU-only user needs no native code.
 */
public interface LossKernels {
    /** The device type served, as in {@link jgrad.core.Device#type()} (for example "cuda"). */
    String deviceType();

    /** True when this provider has kernels for the loss, judged by its name and parameters. */
    boolean supports(Loss loss);

    /**
     * L as a 0-d tensor on the device, and {@code weight·dL/dpred} written into {@code grad} (added
     * to it when {@code accumulate}). {@code pred}, {@code target} and {@code grad} are contiguous
     * N×C×H×W float tensors on the device; the caller has checked shapes and sizes.
     */
    Tensor forwardBackward(Loss loss, Tensor pred, Tensor target, Tensor grad, float weight, boolean accumulate);

    /**
     * L and {@code weight·dL/dpred} on pred's device (see {@link #forwardBackward}): a provider's
     * kernels when one supports the loss, else, for a {@link WeightedSum}, its terms one after
     * another accumulating into the same gradient.
     */
    static Tensor run(Loss loss, Tensor pred, Tensor target, Tensor grad, float weight, boolean accumulate) {
        Device device = pred.device();
        for (LossKernels k : Providers.ALL) {
            if (k.deviceType().equals(device.type()) && k.supports(loss)) {
                return k.forwardBackward(loss, pred, target, grad, weight, accumulate);
            }
        }
        if (loss instanceof WeightedSum sum) {
            Tensor value = null;
            boolean acc = accumulate;
            for (WeightedSum.Term t : sum.terms()) {
                Tensor v = run(t.loss(), pred, target, grad, (float) (weight * t.weight()), acc).mul((float) t.weight());
                value = value == null ? v : value.add(v);
                acc = true;
            }
            return value;
        }
        throw new UnsupportedOperationException(loss.name() + ": no " + device.type() + " kernels for this loss"
                + (Providers.ALL.isEmpty() ? " (no device loss kernels are on the class path; add jgrad-kernels)" : ""));
    }

    /** The providers on the class path, loaded once. */
    final class Providers {
        static final List<LossKernels> ALL = load();

        private Providers() {}

        private static List<LossKernels> load() {
            List<LossKernels> out = new ArrayList<>();
            for (LossKernels k : ServiceLoader.load(LossKernels.class)) out.add(k);
            return List.copyOf(out);
        }
    }
}
