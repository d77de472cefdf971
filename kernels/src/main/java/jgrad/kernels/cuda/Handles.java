package jgrad.kernels.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/** JCuda handle types that expose their native value, which JCuda keeps protected. */
final class Handles {
    private Handles() {}

    /** A stream whose cudaStream_t value can be handed to cuBLAS and cuDNN. */
    static final class Stream extends CUstream {
        long address() {
            return getNativePointer();
        }
    }

    /** A device pointer filled in by cuMemAlloc, whose address can be read back. */
    static final class DevicePointer extends CUdeviceptr {
        long address() {
            return getNativePointer() + getByteOffset();
        }
    }
}
