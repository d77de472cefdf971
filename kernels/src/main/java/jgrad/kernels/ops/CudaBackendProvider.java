package jgrad.kernels.ops;

import jgrad.core.spi.Backend;
import jgrad.core.spi.BackendProvider;
import jgrad.kernels.cuda.Cuda;

/** Serves device type "cuda" with a {@link CudaBackend}, when a GPU, its driver and jgrad's kernels are present. */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String type() {
        return "cuda";
    }

    @Override
    public String unavailableReason() {
        return Cuda.available() ? null : Cuda.unavailableReason();
    }

    @Override
    public Backend open(int index) {
        // copies, fills and the loss kernels' scratch memory use the first device's context
        if (index != 0) {
            throw new UnsupportedOperationException("cuda:" + index + ": this version of jgrad drives one GPU, cuda:0");
        }
        return new CudaBackend(index);
    }
}
