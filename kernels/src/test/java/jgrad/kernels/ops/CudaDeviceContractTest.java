package jgrad.kernels.ops;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jgrad.core.Device;
import jgrad.core.DeviceContract;
import jgrad.kernels.cuda.Cuda;
import jgrad.kernels.ffm.Cublas;
import jgrad.kernels.ffm.Cudnn;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * Every core op on the GPU against the CPU, through the CUDA backend (the contract's default
 * tolerances, atol 1e-5 + rtol 1e-4: the kernels either reproduce the CPU's float arithmetic or
 * accumulate in double, and cuBLAS/cuDNN run in FP32 FMA math, so no looser bound is needed).
 */
@Tag("cuda")
class CudaDeviceContractTest extends DeviceContract {
    @BeforeEach
    void needsGpu() {
        assumeTrue(Cuda.available(), Cuda.unavailableReason());
        // convolutions and matmul need the libraries too: without them, skip with their reason rather than fail
        assumeTrue(Cudnn.available(), Cudnn::unavailableReason);
        assumeTrue(Cublas.available(), Cublas::unavailableReason);
    }

    @Override
    protected Device device() {
        return Device.cuda();
    }
}
