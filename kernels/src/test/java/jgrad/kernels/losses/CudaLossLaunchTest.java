package jgrad.kernels.losses;

import jgrad.kernels.cuda.DeviceAllocator;
import jgrad.kernels.cuda.KernelModule;
import jgrad.kernels.cuda.Launch;
import jgrad.kernels.cuda.RawMemory;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every loss's launch sequence, run without a GPU: {@link Launch#recordInto} validates each
 * launch (grid and block limits, each argument's type against the kernel's parameter list read
 * from the built fatbin) and records it instead of calling the driver. Scratch memory comes from
 * an allocator over pretend addresses. A wrong argument type or count fails here, not on the GPU.
 */
class CudaLossLaunchTest {
    /** Pretend device memory: increasing addresses, nothing behind them. */
    static final class NoMemory implements RawMemory {
        long next = 1L << 40;

        @Override
        public long malloc(long bytes) {
            long a = next;
            next += bytes + 256;
            return a;
        }

        @Override
        public void free(long ptr) {}
    }

    static Stream<String> names() {
        return Losses.names().stream();
    }

    @ParameterizedTest
    @MethodSource("names")
    void launchesTypeCheckAgainstTheFatbin(String name) throws Exception {
        Assumptions.assumeTrue(KernelModule.present(), "the kernels were not built (no nvcc)");
        Loss loss = Losses.get(name);
        int m = loss.minSize();
        int[][] shapes = {{128, 1, 96, 96}, {2, 1, Math.max(m, 7), Math.max(m, 9)}, {3, 2, Math.max(m, 33), Math.max(m, 17)},
                {1, 1, m, m}, {64, 1, 512, 512}, {70_000, 1, Math.max(m, 1), Math.max(m, 1)}};
        CudaLosses losses = new CudaLosses(new DeviceAllocator(new NoMemory(), 0));
        List<Launch> first = new ArrayList<>();
        try (var rec = Launch.recordInto(first)) {
            losses.forwardBackward(loss, 1L << 20, 2L << 20, 3L << 20, shapes[0], 1f, false, 4L << 20);
        }
        for (int[] shape : shapes) {
            List<Launch> launches = new ArrayList<>();
            try (var rec = Launch.recordInto(launches)) {
                losses.forwardBackward(loss, 1L << 20, 2L << 20, 3L << 20, shape, 0.5f, true, 4L << 20);
            }
            assertFalse(launches.isEmpty(), name + ": nothing launched");
            assertTrue(launches.size() <= 2, name + " at " + java.util.Arrays.toString(shape) + ": " + launches.size()
                    + " launches " + launches.stream().map(Launch::name).toList());
            for (Launch l : launches) {
                assertTrue(l.name().startsWith(name.replace('-', '_') + "_"), name + " launched " + l.name());
            }
        }
    }
}
