package jgrad.kernels.losses;

import jgrad.core.Tensor;
import jgrad.kernels.cuda.CudaBuffer;
import jgrad.losses.Loss;
import jgrad.losses.LossKernels;

/**
 * The CUDA provider of {@link LossKernels} (registered in
 * {@code META-INF/services/jgrad.losses.LossKernels}): the fused kernels of {@link CudaLosses} on
 * device tensors. L comes back as a 0-d device tensor (in the caller's memory scope).
 */
public final class CudaLossKernels implements LossKernels {
    @Override
    public String deviceType() {
        return "cuda";
    }

    @Override
    public boolean supports(Loss loss) {
        return CudaLosses.supports(loss);
    }

    @Override
    public Tensor forwardBackward(Loss loss, Tensor pred, Tensor target, Tensor grad, float weight, boolean accumulate) {
        Tensor value = Tensor.empty(pred.device());
        CudaLosses.shared().forwardBackward(loss, CudaBuffer.addressOf(pred), CudaBuffer.addressOf(target),
                CudaBuffer.addressOf(grad), pred.dims(), weight, accumulate, CudaBuffer.addressOf(value));
        return value;
    }
}
