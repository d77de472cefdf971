package jgrad.kernels.cuda;

/** Stand-in for synchronous host/device copies on the context's stream. */
public final class Memcpy {
    private Memcpy() {}

    public static void hostToDevice(float[] src, CudaBuffer dst) {
        throw new CudaUnavailableException(Cuda.unavailableReason());
    }

    public static void hostToDevice(int[] src, CudaBuffer dst) {
        throw new CudaUnavailableException(Cuda.unavailableReason());
    }

    public static void deviceToHost(CudaBuffer src, float[] dst) {
        throw new CudaUnavailableException(Cuda.unavailableReason());
    }

    /** Asynchronous on the stream (for timing with events). */
    public static void deviceToDevice(CudaBuffer src, CudaBuffer dst, long bytes) {
        throw new CudaUnavailableException(Cuda.unavailableReason());
    }
}
