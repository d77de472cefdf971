package jgrad.kernels.losses;

import jgrad.core.Tensor;
import jgrad.kernels.cuda.Cuda;
import jgrad.kernels.cuda.CudaBuffer;
import jgrad.kernels.cuda.DeviceTensors;
import jgrad.losses.Loss;
import jgrad.losses.LossKernels;

/**
 * The CUDA provider of {@link LossKernels} (registered in
 * {@code META-INF/services/jgrad.losses.LossKernels}): the fused kernels of {@link CudaLosses} on
 * device tensors. L comes back as a 0-d device tensor owning a one-float allocation.
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
        CudaBuffer value = Cuda.context().allocator().allocate(Float.BYTES);
        try {
            CudaLosses.shared().forwardBackward(loss, DeviceTensors.address(pred), DeviceTensors.address(target),
                    DeviceTensors.address(grad), pred.dims(), weight, accumulate, value.pointer());
            return DeviceTensors.scalar(value);
        } catch (RuntimeException e) {
            value.close();
            throw e;
        }
    }
}
