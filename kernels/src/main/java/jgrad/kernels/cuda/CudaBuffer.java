package jgrad.kernels.cuda;

/** Stand-in for a device allocation handed out by the {@link DeviceAllocator}. */
public interface CudaBuffer extends AutoCloseable {
    long pointer();

    long bytes();

    @Override
    void close();
}
