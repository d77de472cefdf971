package jgrad.core;

/**
 * Where a tensor's data lives. The CPU is always available; other devices come from backends
 * found on the class path (the {@code jgrad-kernels} module provides CUDA).
 */
public enum Device {
    CPU,
    CUDA;

    /** The CUDA device; fails with an explanation when no CUDA backend is on the class path. */
    public static Device cuda() {
        throw new UnsupportedOperationException("Device.cuda(): no CUDA backend is available. Put the jgrad-kernels "
                + "module on the class path and run on a machine with an NVIDIA GPU and driver");
    }
}
