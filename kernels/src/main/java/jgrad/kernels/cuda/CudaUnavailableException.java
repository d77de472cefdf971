package jgrad.kernels.cuda;

/** CUDA cannot be used in this process; the message says why (no driver, no GPU, no kernels). */
public class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String reason) {
        super(reason);
    }
}
