package jgrad.kernels.cuda;

/**
 * Stand-in for the CUDA entry point (the real class loads the driver and the kernel module).
 * This version reports CUDA unavailable, so GPU tests skip and GPU benchmarks print the reason.
 */
public final class Cuda {
    private static final String REASON = "the CUDA driver plumbing (jgrad.kernels.cuda) is a stand-in in this build";

    private Cuda() {}

    public static boolean available() {
        return false;
    }

    public static String unavailableReason() {
        return REASON;
    }

    public static CudaContext context() {
        throw new CudaUnavailableException(REASON);
    }
}
