package jgrad.kernels.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** {@link RawMemory} on a GPU: cuMemAlloc and cuMemFree in the context's primary context. */
final class JcudaMemory implements RawMemory {
    private final CudaContext context;

    JcudaMemory(CudaContext context) {
        this.context = context;
    }

    @Override
    public long malloc(long bytes) {
        context.makeCurrent();
        Handles.DevicePointer p = new Handles.DevicePointer();
        int r = JCudaDriver.cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            throw new DeviceOutOfMemoryException("cuMemAlloc(" + bytes + ") failed: CUDA_ERROR_OUT_OF_MEMORY");
        }
        CudaException.check(r, "cuMemAlloc(" + bytes + ")");
        return p.address();
    }

    @Override
    public void free(long address) {
        context.makeCurrent();
        CudaException.check(JCudaDriver.cuMemFree(CudaBuffer.devicePointer(address)), "cuMemFree");
    }

    @Override
    public void synchronize() {
        context.synchronize();
    }

    @Override
    public String describe() {
        return context.memoryInfo().toString();
    }
}
