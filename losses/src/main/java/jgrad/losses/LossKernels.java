package jgrad.losses;

import jgrad.core.Tensor;

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
}
