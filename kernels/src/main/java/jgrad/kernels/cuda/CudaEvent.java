package jgrad.kernels.cuda;

/** Stand-in for a CUDA event on the context's stream, used to time kernels. */
public final class CudaEvent implements AutoCloseable {
    public CudaEvent() {
        throw new CudaUnavailableException(Cuda.unavailableReason());
    }

    public void record() {}

    public void synchronize() {}

    /** Milliseconds from this event to {@code end} (both recorded and completed). */
    public float elapsedMillis(CudaEvent end) {
        return 0f;
    }

    @Override
    public void close() {}
}
