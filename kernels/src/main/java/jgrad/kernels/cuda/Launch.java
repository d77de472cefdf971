package jgrad.kernels.cuda;

/**
 * Stand-in for the kernel launch builder:
 * {@code Launch.kernel(name).grid(gx, gy, gz).block(bx).sharedBytes(n).args(...).run()}.
 * Arguments: CudaBuffer or long (device pointer, or a 64-bit integer), int, float, double.
 */
public final class Launch {
    private final String name;

    private Launch(String name) {
        this.name = name;
    }

    public static Launch kernel(String name) {
        return new Launch(name);
    }

    public Launch grid(int... dims) {
        return this;
    }

    public Launch block(int... dims) {
        return this;
    }

    public Launch sharedBytes(int bytes) {
        return this;
    }

    public Launch args(Object... args) {
        return this;
    }

    public void run() {
        throw new CudaUnavailableException("cannot launch " + name + ": " + Cuda.unavailableReason());
    }
}
