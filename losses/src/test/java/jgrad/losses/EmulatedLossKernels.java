package jgrad.losses;

import jgrad.core.Device;
import jgrad.core.Tensor;

/**
 * Loss "kernels" for core's emulated test device: the fused CPU path run on host copies. They
 * leave {@link WeightedSum}s to {@link LossKernels#run}'s term-by-term fallback, so that path is
 * tested too, and refuse losses named "no-kernel…", to test the message for a missing kernel.
 */
public final class EmulatedLossKernels implements LossKernels {
    @Override
    public String deviceType() {
        return "emu";
    }

    @Override
    public boolean supports(Loss loss) {
        return !(loss instanceof WeightedSum) && !loss.name().startsWith("no-kernel");
    }

    @Override
    public Tensor forwardBackward(Loss loss, Tensor pred, Tensor target, Tensor grad, float weight, boolean accumulate) {
        float[] g = accumulate ? grad.toArray() : new float[grad.numel()];
        double v = loss.forwardBackward(pred.toArray(), target.toArray(), pred.dims(), g, weight, accumulate);
        grad.copyFrom(Tensor.wrap(g, grad.dims()));
        Device d = pred.device();
        return Tensor.scalar((float) v).to(d);
    }
}
