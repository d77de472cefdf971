package jgrad.kernels.cuda;

import jgrad.core.Tensor;

/**
 * Stand-in for the core device seam: {@code Tensor.buffer().address()} and a 0-d device tensor
 * owning a one-float buffer.
 */
public final class DeviceTensors {
    private DeviceTensors() {}

    public static long address(Tensor t) {
        throw new UnsupportedOperationException("device tensors: " + Cuda.unavailableReason());
    }

    public static Tensor scalar(CudaBuffer value) {
        throw new UnsupportedOperationException("device tensors: " + Cuda.unavailableReason());
    }
}
