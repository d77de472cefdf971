package jgrad.kernels.cuda;

import jcuda.driver.CUresult;

/**
 * A CUDA driver call that returned an error: the call, the CUresult name and, where one helps, a
 * hint about the usual cause. Errors from a faulting kernel (illegal address, launch failure)
 * leave the context unusable; the process has to restart to use the GPU again.
 */
public class CudaException extends RuntimeException {
    private final String call;
    private final int result;

    public CudaException(String call, int result, String hint) {
        super(call + " failed: " + CUresult.stringFor(result) + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")"));
        this.call = call;
        this.result = result;
    }

    /** The driver function (with the salient argument) that failed. */
    public String call() {
        return call;
    }

    /** The CUresult code. */
    public int result() {
        return result;
    }

    /** The CUresult name, e.g. CUDA_ERROR_OUT_OF_MEMORY. */
    public String resultName() {
        return CUresult.stringFor(result);
    }

    /** Throws a CudaException unless {@code result} is CUDA_SUCCESS. */
    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call, result, hintFor(result));
        }
    }

    static String hintFor(int result) {
        return switch (result) {
            case CUresult.CUDA_ERROR_OUT_OF_MEMORY -> "the GPU is out of memory";
            case CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU ->
                    "jgrad.fatbin has no code for this GPU: rebuild jgrad-kernels with an nvcc that targets it";
            case CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION ->
                    "the driver is older than the nvcc that built jgrad.fatbin: update the NVIDIA driver or build with an older toolkit";
            case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, CUresult.CUDA_ERROR_LAUNCH_FAILED,
                 CUresult.CUDA_ERROR_MISALIGNED_ADDRESS, CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION ->
                    "a kernel faulted, possibly an earlier asynchronous one; the context is now unusable "
                            + "(compute-sanitizer names the kernel)";
            case CUresult.CUDA_ERROR_INVALID_VALUE -> "an argument was out of range";
            case CUresult.CUDA_ERROR_NOT_INITIALIZED -> "cuInit was not called";
            case CUresult.CUDA_ERROR_INVALID_CONTEXT -> "no current context on this thread";
            case CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES ->
                    "too many registers or too much shared memory for this block size";
            default -> "";
        };
    }
}
