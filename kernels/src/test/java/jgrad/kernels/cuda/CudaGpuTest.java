package jgrad.kernels.cuda;

import static jgrad.kernels.cuda.GpuTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The driver plumbing on a real GPU. */
@Tag("cuda")
class CudaGpuTest {
    static CudaContext ctx;

    @BeforeAll
    static void context() {
        if (!Cuda.available()) return;
        ctx = Cuda.context();
        System.out.println("CUDA device: " + ctx + ", " + ctx.multiprocessorCount() + " SMs, " + ctx.memoryInfo());
    }

    @BeforeEach
    void requireGpu() {
        assumeTrue(Cuda.available(), Cuda.unavailableReason());
    }

    @Test
    void contextDescribesTheDevice() {
        assertFalse(ctx.deviceName().isBlank());
        assertTrue(ctx.computeCapability().major() >= 7, ctx.computeCapability().toString());
        CudaContext.MemoryInfo m = ctx.memoryInfo();
        assertTrue(m.totalBytes() > 0 && m.freeBytes() > 0 && m.freeBytes() <= m.totalBytes(), m.toString());
        assertTrue(ctx.streamHandle() != 0);
        assertTrue(Cuda.context() == ctx);
    }

    @Test
    void memcpyRoundTripsAndFillsWriteTheValue() {
        float[] host = random(1, 100_003);
        try (CudaBuffer b = Memcpy.upload(host); CudaBuffer c = ctx.allocator().allocateFloats(host.length)) {
            assertArrayEquals(host, Memcpy.toHost(b));
            Memcpy.deviceToDevice(b, c);
            assertArrayEquals(host, Memcpy.toHost(c));
            Memcpy.fill(c.address(10), 5, -2.5f);
            float[] back = Memcpy.toHost(c);
            for (int i = 0; i < host.length; i++) {
                assertEquals(i >= 10 && i < 15 ? -2.5f : host[i], back[i], "element " + i);
            }
            float[] part = new float[7];
            Memcpy.toHost(b.address(3), part, 2, 5);
            assertArrayEquals(new float[]{0, 0, host[3], host[4], host[5], host[6], host[7]}, part);
        }
    }

    @Test
    void fillKernelWritesEveryElement() {
        int n = 1_000_001;   // more than MAX_BLOCKS·256: the grid-stride loop must cover the rest
        try (CudaBuffer b = ctx.allocator().allocateFloats(n)) {
            Memcpy.fill(b, 0f);
            Launch.kernel("fill_f32").gridFor(n).args(b, 3.25f, (long) n).run();
            float[] out = Memcpy.toHost(b);
            for (int i = 0; i < n; i++) assertEquals(3.25f, out[i], "element " + i);
        }
    }

    @Test
    void twoPassSumIsAccurateAndBitIdenticalAcrossRuns() {
        int n = 3_000_017;
        float[] x = random(7, n);
        double want = 0;
        for (float v : x) want += v;
        int blocks = Launch.blocksFor(n, Launch.DEFAULT_BLOCK);
        try (CudaBuffer in = Memcpy.upload(x);
             CudaBuffer partials = ctx.allocator().allocate((long) blocks * Double.BYTES);
             CudaBuffer out = ctx.allocator().allocateFloats(1)) {
            float first = Float.NaN;
            for (int run = 0; run < 5; run++) {
                Launch.kernel("sum_partials_f32").grid(blocks).block(Launch.DEFAULT_BLOCK).args(in, (long) n, partials).run();
                Launch.kernel("sum_final_f32").grid(1).block(Launch.DEFAULT_BLOCK).args(partials, blocks, out).run();
                float got = Memcpy.toHost(out)[0];
                assertEquals(want, got, 1e-6 * Math.sqrt(n) + 1e-3, "sum");
                if (run == 0) first = got;
                assertEquals(Float.floatToRawIntBits(first), Float.floatToRawIntBits(got), "run " + run + " differs");
            }
        }
    }

    @Test
    void aMissingKernelIsNamed() {
        CudaException e = assertThrows(CudaException.class,
                () -> Launch.kernel("no_such_kernel_f32").grid(1).block(32).run());
        assertTrue(e.getMessage().contains("no_such_kernel_f32 is missing"), e.getMessage());
    }

    @Test
    void eventsTimeWork() {
        int n = 1 << 24;
        try (CudaBuffer b = ctx.allocator().allocateFloats(n); CudaEvent start = CudaEvent.create(); CudaEvent end = CudaEvent.create()) {
            start.record();
            for (int i = 0; i < 10; i++) Launch.kernel("fill_f32").gridFor(n).args(b, (float) i, (long) n).run();
            end.record();
            float ms = end.elapsedMillisSince(start);
            assertTrue(ms > 0 && ms < 10_000, ms + " ms");
            System.out.printf("fill_f32: %.1f GB/s on %s%n", 10.0 * n * 4 / (ms * 1e6), ctx.deviceName());
        }
    }

    @Test
    void allocatorHoldsDeviceMemoryFlatOver1000Steps() {
        DeviceAllocator a = ctx.allocator();
        List<CudaBuffer> params = new ArrayList<>();
        for (int i = 0; i < 8; i++) params.add(a.allocateFloats(64 * 64 * 9 * (i + 1)));
        long reserved = -1, mallocs = -1, freeDevice = -1;
        for (int step = 0; step < 1000; step++) {
            List<CudaBuffer> temps = new ArrayList<>();
            for (int layer = 0; layer < 10; layer++) {
                CudaBuffer t = a.allocateFloats(16L * 64 * (64 >> (layer % 3)) * (64 >> (layer % 3)));
                temps.add(t);
                Launch.kernel("fill_f32").gridFor(t.floats()).args(t, (float) step, t.floats()).run();
            }
            for (int i = temps.size() - 1; i >= 0; i--) temps.get(i).close();
            if (step == 5) {
                ctx.synchronize();
                reserved = a.stats().reservedBytes();
                mallocs = a.stats().mallocCount();
                freeDevice = ctx.memoryInfo().freeBytes();
            }
        }
        ctx.synchronize();
        DeviceAllocator.Stats s = a.stats();
        System.out.println("allocator after 1000 steps: " + s);
        assertEquals(reserved, s.reservedBytes());
        assertEquals(mallocs, s.mallocCount());
        assertEquals(freeDevice, ctx.memoryInfo().freeBytes());
        params.forEach(CudaBuffer::close);
    }
}
