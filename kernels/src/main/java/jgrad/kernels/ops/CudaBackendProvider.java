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
        return new CudaBackend(index);
    }
}
