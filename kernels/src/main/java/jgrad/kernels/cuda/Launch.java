package jgrad.kernels.cuda;

import java.util.Arrays;
import java.util.List;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;
import jgrad.core.spi.DeviceBuffer;

/**
 * A kernel launch, built fluently and run on the context's stream:
 * <pre>{@code
 * Launch.kernel("fill_f32").gridFor(n).args(buffer, 1.5f, (long) n).run();
 * }</pre>
 * Arguments map to kernel parameters as: {@link CudaBuffer} or any {@link DeviceBuffer} → its
 * address (a pointer parameter), {@code Long} → 8 bytes (a pointer or {@code long long}),
 * {@code Integer} → {@code int}, {@code Float} → {@code float}, {@code Double} → {@code double}.
 *
 * <p>Everything is checked in Java before any driver call: grid and block dimensions against
 * CUDA's limits, the dynamic shared memory against 48 KiB, argument types, closed buffers and,
 * from the PTX in the fatbin, the kernel's parameter count and types (so an {@code int} passed
 * where the kernel takes {@code long long} fails here instead of reading garbage on the GPU).
 * The launch is asynchronous; errors inside the kernel surface at the next synchronising call.
 */
public final class Launch {
    public static final int MAX_GRID_X = Integer.MAX_VALUE;
    public static final int MAX_GRID_YZ = 65535;
    public static final int MAX_BLOCK_XY = 1024;
    public static final int MAX_BLOCK_Z = 64;
    public static final int MAX_THREADS_PER_BLOCK = 1024;
    /** Dynamic shared memory a kernel may use without opting in to more. */
    public static final int MAX_DYNAMIC_SHARED_BYTES = 48 * 1024;
    /** Threads per block of jgrad's one-dimensional kernels (JG_BLOCK in jgrad.cuh). */
    public static final int DEFAULT_BLOCK = 256;
    /** Cap on blocks of grid-stride kernels (JG_MAX_BLOCKS in jgrad.cuh). */
    public static final int MAX_BLOCKS = 1024;

    private final String name;
    private CudaContext context;
    private int gx, gy = 1, gz = 1;
    private int bx, by = 1, bz = 1;
    private int sharedBytes;
    private Object[] args = new Object[0];

    private Launch(String name) {
        this.name = name;
    }

    /** A launch of the kernel with this extern "C" name. */
    public static Launch kernel(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("kernel name is empty");
        return new Launch(name);
    }

    /** Blocks for n elements at {@code block} threads each, capped at {@link #MAX_BLOCKS} (as jg_grid_for). */
    public static int blocksFor(long n, int block) {
        if (n < 0) throw new IllegalArgumentException("negative element count " + n);
        if (block <= 0) throw new IllegalArgumentException("block size " + block + " ≤ 0");
        long blocks = Math.max(1, Math.ceilDiv(n, block)); // n + block − 1 would overflow for n near Long.MAX_VALUE
        return (int) Math.min(blocks, MAX_BLOCKS);
    }

    /** Runs on this context instead of {@link Cuda#context()}. */
    public Launch on(CudaContext context) {
        this.context = context;
        return this;
    }

    public Launch grid(int x) {
        return grid(x, 1, 1);
    }

    public Launch grid(int x, int y, int z) {
        gx = x; gy = y; gz = z;
        return this;
    }

    public Launch block(int x) {
        return block(x, 1, 1);
    }

    public Launch block(int x, int y, int z) {
        bx = x; by = y; bz = z;
        return this;
    }

    /** A one-dimensional grid-stride launch over n elements: {@link #DEFAULT_BLOCK} threads, {@link #blocksFor} blocks. */
    public Launch gridFor(long n) {
        return grid(blocksFor(n, DEFAULT_BLOCK)).block(DEFAULT_BLOCK);
    }

    /** Dynamic shared memory per block, in bytes. */
    public Launch sharedBytes(int bytes) {
        sharedBytes = bytes;
        return this;
    }

    public Launch args(Object... args) {
        this.args = args == null ? new Object[]{null} : args.clone();
        return this;
    }

    /**
     * Checks dimensions and arguments without touching the GPU.
     *
     * @throws IllegalArgumentException naming the kernel and the offending value
     */
    public void validate() {
        String k = "kernel " + name + ": ";
        if (gx == 0 && bx == 0) throw new IllegalArgumentException(k + "grid and block were not set");
        if (gx < 1 || gy < 1 || gz < 1) {
            throw new IllegalArgumentException(k + "grid " + dims(gx, gy, gz) + " has a dimension < 1");
        }
        if (gy > MAX_GRID_YZ || gz > MAX_GRID_YZ) {
            throw new IllegalArgumentException(k + "grid " + dims(gx, gy, gz) + " exceeds " + MAX_GRID_YZ + " in y or z");
        }
        if (bx < 1 || by < 1 || bz < 1) {
            throw new IllegalArgumentException(k + "block " + dims(bx, by, bz) + " has a dimension < 1");
        }
        if (bx > MAX_BLOCK_XY || by > MAX_BLOCK_XY || bz > MAX_BLOCK_Z) {
            throw new IllegalArgumentException(k + "block " + dims(bx, by, bz) + " exceeds the per-dimension limits ("
                    + MAX_BLOCK_XY + ", " + MAX_BLOCK_XY + ", " + MAX_BLOCK_Z + ")");
        }
        if ((long) bx * by * bz > MAX_THREADS_PER_BLOCK) {
            throw new IllegalArgumentException(k + "block " + dims(bx, by, bz) + " has " + (long) bx * by * bz
                    + " threads, more than " + MAX_THREADS_PER_BLOCK);
        }
        if (sharedBytes < 0 || sharedBytes > MAX_DYNAMIC_SHARED_BYTES) {
            throw new IllegalArgumentException(k + "dynamic shared memory " + sharedBytes + " B is outside [0, "
                    + MAX_DYNAMIC_SHARED_BYTES + "]");
        }
        for (int i = 0; i < args.length; i++) {
            kindOf(k, i, args[i]);
        }
        List<KernelSignatures.Param> params = KernelModule.signatures().get(name);
        if (params == null) return;
        if (params.size() != args.length) {
            throw new IllegalArgumentException(k + "takes " + params.size() + " arguments " + params + ", got "
                    + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            KernelSignatures.Kind want = params.get(i).kind();
            KernelSignatures.Kind got = kindOf(k, i, args[i]);
            if (want == KernelSignatures.Kind.OTHER) {
                throw new IllegalArgumentException(k + "parameter " + i + " is a " + params.get(i).bytes()
                        + "-byte aggregate, which Launch cannot pass");
            }
            if (want != got) {
                throw new IllegalArgumentException(k + "parameter " + i + " is " + describe(want) + " but argument "
                        + i + " is " + describe(got) + " (" + args[i].getClass().getSimpleName() + ")");
            }
        }
    }

    private static KernelSignatures.Kind kindOf(String k, int i, Object a) {
        if (a == null) throw new IllegalArgumentException(k + "argument " + i + " is null");
        if (a instanceof DeviceBuffer b) {
            if (!b.isOpen()) throw new IllegalArgumentException(k + "argument " + i + " is a closed buffer");
            return KernelSignatures.Kind.INT64;
        }
        if (a instanceof Long) return KernelSignatures.Kind.INT64;
        if (a instanceof Integer) return KernelSignatures.Kind.INT32;
        if (a instanceof Float) return KernelSignatures.Kind.FLOAT32;
        if (a instanceof Double) return KernelSignatures.Kind.FLOAT64;
        throw new IllegalArgumentException(k + "argument " + i + " is a " + a.getClass().getName()
                + "; pass a CudaBuffer/DeviceBuffer, Long (device pointer or long long), Integer, Float or Double");
    }

    private static String describe(KernelSignatures.Kind kind) {
        return switch (kind) {
            case INT32 -> "a 32-bit int";
            case INT64 -> "a 64-bit value (pointer or long long)";
            case FLOAT32 -> "a float";
            case FLOAT64 -> "a double";
            case OTHER -> "an aggregate";
        };
    }

    private static String dims(int x, int y, int z) {
        return "(" + x + ", " + y + ", " + z + ")";
    }

    private static final ThreadLocal<java.util.List<Launch>> RECORDING = new ThreadLocal<>();

    /**
     * Until the returned scope closes, {@link #run()} on this thread validates each launch and
     * appends it to {@code into} instead of calling the driver: launch sequences (grids, argument
     * types against the fatbin's signatures) are then testable on a machine without a GPU.
     */
    public static AutoCloseable recordInto(java.util.List<Launch> into) {
        java.util.List<Launch> previous = RECORDING.get();
        RECORDING.set(into);
        return () -> RECORDING.set(previous);
    }

    public String name() {
        return name;
    }

    /** Grid size as {x, y, z}. */
    public int[] gridDims() {
        return new int[]{gx, gy, gz};
    }

    /** Validates, then queues the kernel on the context's stream (or records it, see {@link #recordInto}). */
    public void run() {
        validate();
        java.util.List<Launch> recording = RECORDING.get();
        if (recording != null) {
            recording.add(this);
            return;
        }
        CudaContext ctx = context != null ? context : Cuda.context();
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            params[i] = switch (a) {
                case DeviceBuffer b -> Pointer.to(new long[]{b.address()});
                case Long v -> Pointer.to(new long[]{v});
                case Integer v -> Pointer.to(new int[]{v});
                case Float v -> Pointer.to(new float[]{v});
                case Double v -> Pointer.to(new double[]{v});
                default -> throw new AssertionError(a);
            };
        }
        var function = ctx.module().function(name);
        ctx.makeCurrent();
        CudaException.check(JCudaDriver.cuLaunchKernel(function, gx, gy, gz, bx, by, bz, sharedBytes, ctx.stream(),
                Pointer.to(params), null), "cuLaunchKernel(" + name + ", grid " + dims(gx, gy, gz) + ", block "
                + dims(bx, by, bz) + ")");
    }

    @Override
    public String toString() {
        return "Launch[" + name + ", grid " + dims(gx, gy, gz) + ", block " + dims(bx, by, bz) + ", shared "
                + sharedBytes + ", args " + Arrays.toString(args) + "]";
    }
}
