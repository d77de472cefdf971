package jgrad.kernels.cuda;

/** Stand-in for the process-wide CUDA context: device, stream, allocator. */
public interface CudaContext {
    String deviceName();

    DeviceAllocator allocator();

    void synchronize();
}
