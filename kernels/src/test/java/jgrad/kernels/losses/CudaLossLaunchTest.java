package jgrad.kernels.losses;

import jgrad.kernels.cuda.DeviceAllocator;
import jgrad.kernels.cuda.DeviceOutOfMemoryException;
import jgrad.kernels.cuda.KernelModule;
import jgrad.kernels.cuda.Launch;
import jgrad.kernels.cuda.RawMemory;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
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

    /** Shapes with more elements than an int holds are refused, also those whose product wraps a long. */
    @ParameterizedTest
    @MethodSource("names")
    void shapesBeyondTheKernelsIndexAreRefused(String name) throws Exception {
        Loss loss = Losses.get(name);
        CudaLosses losses = new CudaLosses(new DeviceAllocator(new NoMemory(), 0));
        int m = Math.max(loss.minSize(), 1 << 16);
        for (int[] shape : new int[][]{{1 << 16, 1 << 16, m, m}, {3, 1, 1 << 15, 1 << 15}}) {
            List<Launch> launches = new ArrayList<>();
            try (var rec = Launch.recordInto(launches)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> losses.forwardBackward(loss, 1L << 20, 2L << 20, 3L << 20, shape, 1f, false, 4L << 20));
                assertTrue(e.getMessage().contains("more elements than the kernels index"), e.getMessage());
            }
            assertEquals(List.of(), launches, name + " launched for " + java.util.Arrays.toString(shape));
        }
    }

    /**
     * A scratch buffer that has to grow is closed before the larger one is allocated. When that
     * allocation fails (the device is full), a later call with a shape that fits the old size must
     * allocate afresh, not hand the kernels the closed buffer.
     */
    @Test
    void aFailedScratchGrowthLeavesTheLossesUsable() throws Exception {
        final class Refusing implements RawMemory {
            long next = 1L << 40;
            boolean refuseLarge;

            @Override
            public long malloc(long bytes) {
                if (refuseLarge && bytes > (1L << 20)) throw new DeviceOutOfMemoryException("pretend device full");
                long a = next;
                next += bytes + 256;
                return a;
            }

            @Override
            public void free(long ptr) {}
        }
        Refusing memory = new Refusing();
        CudaLosses losses = new CudaLosses(new DeviceAllocator(memory, 0));
        Loss ssim = Losses.get("ssim-b");
        int[] small = {1, 1, 8, 8}, large = {1, 1, 256, 256};  // derivative maps of 1.5 KiB and 1.5 MiB
        List<Launch> launches = new ArrayList<>();
        try (var rec = Launch.recordInto(launches)) {
            losses.forwardBackward(ssim, 1L << 20, 2L << 20, 3L << 20, small, 1f, false, 4L << 20);
            memory.refuseLarge = true;
            assertThrows(DeviceOutOfMemoryException.class,
                    () -> losses.forwardBackward(ssim, 1L << 20, 2L << 20, 3L << 20, large, 1f, false, 4L << 20));
            launches.clear();
            losses.forwardBackward(ssim, 1L << 20, 2L << 20, 3L << 20, small, 1f, false, 4L << 20);
        }
        assertEquals(List.of("ssim_b_stats_f32", "ssim_b_grad_f32"), launches.stream().map(Launch::name).toList());
    }

    /**
     * Images taller than 65535 tiles of 32 rows: the tiled kernels' gridDim.y is capped at the
     * driver's limit (the kernels loop over their tile rows), where an uncapped grid is refused.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"grad", "ssim-a", "ssim-b"})
    void tallImagesKeepTheGridWithinItsLimits(String name) throws Exception {
        Loss loss = Losses.get(name);
        int h = 65_535 * CudaLosses.TILE + 1000, w = loss.minSize();
        CudaLosses losses = new CudaLosses(new DeviceAllocator(new NoMemory(), 0));
        List<Launch> launches = new ArrayList<>();
        try (var rec = Launch.recordInto(launches)) {
            losses.forwardBackward(loss, 1L << 20, 2L << 20, 3L << 20, new int[]{1, 1, h, w}, 1f, false, 4L << 20);
        }
        launches.removeIf(l -> l.name().equals("fill_f32"));  // zeroing the ticket counter on first use
        assertFalse(launches.isEmpty());
        for (Launch l : launches) assertEquals(Launch.MAX_GRID_YZ, l.gridDims()[1], l.toString());
    }
}
