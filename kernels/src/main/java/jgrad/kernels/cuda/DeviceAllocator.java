package jgrad.kernels.cuda;

/** Stand-in for the caching device allocator. */
public interface DeviceAllocator {
    CudaBuffer allocate(long bytes);
}
