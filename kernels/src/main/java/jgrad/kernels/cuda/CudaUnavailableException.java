package jgrad.kernels.cuda;

/** Stand-in: thrown when CUDA cannot be used, with the reason. */
public class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String reason) {
        super(reason);
    }
}
