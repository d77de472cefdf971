package jgrad.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jgrad.core.UnreachableBuffers;

import org.junit.jupiter.api.Test;

class DeviceAllocatorTest {
    private static final long MIB = 1L << 20;

    @Test
    void sizeClassesRoundTo512BelowOneMibAndTo2MibAbove() {
        assertEquals(512, DeviceAllocator.sizeClass(0));
        assertEquals(512, DeviceAllocator.sizeClass(1));
        assertEquals(512, DeviceAllocator.sizeClass(512));
        assertEquals(1024, DeviceAllocator.sizeClass(513));
        assertEquals(MIB, DeviceAllocator.sizeClass(MIB - 100));
        assertEquals(MIB, DeviceAllocator.sizeClass(MIB));
        assertEquals(2 * MIB, DeviceAllocator.sizeClass(MIB + 1));
        assertEquals(4 * MIB, DeviceAllocator.sizeClass(2 * MIB + 1));
        assertEquals(100 * MIB, DeviceAllocator.sizeClass(99 * MIB + 7));
        assertThrows(IllegalArgumentException.class, () -> DeviceAllocator.sizeClass(-1));
    }

    /** A request too large for any size class is refused, not rounded (with overflow) down to a small block. */
    @Test
    void requestsBeyondTheLargestSizeClassAreRefused() {
        assertEquals(DeviceAllocator.MAX_BYTES, DeviceAllocator.sizeClass(DeviceAllocator.MAX_BYTES));
        assertEquals(DeviceAllocator.MAX_BYTES, DeviceAllocator.sizeClass(DeviceAllocator.MAX_BYTES - 1));
        assertThrows(IllegalArgumentException.class, () -> DeviceAllocator.sizeClass(DeviceAllocator.MAX_BYTES + 1));
        assertThrows(IllegalArgumentException.class, () -> DeviceAllocator.sizeClass(Long.MAX_VALUE));
        FakeMemory raw = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(raw, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.allocate(Long.MAX_VALUE));
        assertTrue(e.getMessage().contains(Long.toString(Long.MAX_VALUE)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.allocateFloats(Long.MAX_VALUE / Float.BYTES));
        assertEquals(0, raw.mallocs);
        assertEquals(0, a.openBuffers());
    }

    @Test
    void aFreedBlockIsReusedForTheSameSizeClassOnly() {
        FakeMemory raw = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(raw, 0);
        CudaBuffer b1 = a.allocateFloats(1000);        // 4000 B -> class 4096
        long addr = b1.address();
        assertEquals(4000, b1.bytes());
        assertEquals(4096, b1.blockBytes());
        assertEquals(1000, b1.floats());
        b1.close();
        CudaBuffer other = a.allocate(8192);            // different class: new block
        assertNotEquals(addr, other.address());
        CudaBuffer b2 = a.allocate(3585);               // same class 4096: the cached block
        assertEquals(addr, b2.address());
        DeviceAllocator.Stats s = a.stats();
        assertEquals(2, s.mallocCount());
        assertEquals(1, s.cacheHits());
        assertEquals(1, s.frees());
        assertEquals(4096 + 8192, s.allocatedBytes());
        assertEquals(4096 + 8192, s.reservedBytes());
        assertEquals(4096 + 8192, s.peakAllocatedBytes());
        assertEquals(2, raw.mallocs);
    }

    @Test
    void statsTrackAllocatedReservedAndPeak() {
        FakeMemory raw = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(raw, 0);
        CudaBuffer big = a.allocate(3 * MIB);           // class 4 MiB
        CudaBuffer small = a.allocate(100);             // class 512
        assertEquals(4 * MIB + 512, a.stats().allocatedBytes());
        big.close();
        DeviceAllocator.Stats s = a.stats();
        assertEquals(512, s.allocatedBytes());
        assertEquals(4 * MIB + 512, s.reservedBytes());
        assertEquals(4 * MIB, s.cachedBytes());
        assertEquals(4 * MIB + 512, s.peakAllocatedBytes());
        a.resetPeak();
        assertEquals(512, a.stats().peakAllocatedBytes());
        small.close();
        assertEquals(0, a.openBuffers());
    }

    @Test
    void emptyCacheReturnsOnlyFreeBlocksAfterSynchronising() {
        FakeMemory raw = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(raw, 0);
        CudaBuffer keep = a.allocate(10_000);
        List<CudaBuffer> tmp = new ArrayList<>();
        for (int i = 0; i < 5; i++) tmp.add(a.allocate(5 * MIB));
        tmp.forEach(CudaBuffer::close);
        assertEquals(6, raw.live.size());
        a.emptyCache();
        assertEquals(1, raw.syncs);
        assertEquals(1, raw.live.size());
        assertTrue(raw.live.containsKey(keep.address()));
        DeviceAllocator.Stats s = a.stats();
        assertEquals(s.allocatedBytes(), s.reservedBytes());
        a.emptyCache();                                  // nothing cached: no sync, no frees
        assertEquals(1, raw.syncs);
        keep.close();
        a.emptyCache();
        assertTrue(raw.live.isEmpty());
        assertEquals(0, a.stats().reservedBytes());
    }

    @Test
    void closingTwiceIsANoOpAndAClosedBufferRefusesItsAddress() {
        DeviceAllocator a = new DeviceAllocator(new FakeMemory(1L << 30), 0);
        CudaBuffer b = a.allocate(64);
        assertTrue(b.isOpen());
        b.close();
        b.close();
        assertFalse(b.isOpen());
        assertEquals(1, a.stats().frees());
        assertThrows(IllegalStateException.class, b::address);
        assertThrows(IllegalStateException.class, b::pointer);
    }

    @Test
    void outOfMemoryEmptiesTheCacheRetriesOnceThenReportsTheStats() {
        FakeMemory raw = new FakeMemory(10 * MIB);
        DeviceAllocator a = new DeviceAllocator(raw, 0);
        CudaBuffer x = a.allocate(4 * MIB);
        CudaBuffer y = a.allocate(4 * MIB);
        y.close();                                       // 4 MiB cached, 8 MiB reserved
        CudaBuffer z = a.allocate(6 * MIB);              // needs the cached 4 MiB back: succeeds on retry
        assertEquals(4 * MIB + 6 * MIB, raw.used);
        assertEquals(10 * MIB, a.stats().reservedBytes());
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> a.allocate(MIB + 1));
        assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
        assertTrue(e.getMessage().contains("allocated 10.0 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("fake: "), e.getMessage());
        x.close();
        z.close();
    }

    @Test
    void reservedMemoryStaysFlatOverATrainingLikeLoop() {
        FakeMemory raw = new FakeMemory(1L << 34);
        DeviceAllocator a = new DeviceAllocator(raw, 0);
        // parameters live for the whole run
        List<CudaBuffer> params = new ArrayList<>();
        for (int i = 0; i < 10; i++) params.add(a.allocateFloats(3 * 3 * 64 * (i + 1)));
        long reservedAfterWarmup = -1;
        int mallocsAfterWarmup = -1;
        for (int step = 0; step < 1000; step++) {
            // a step: activations of varying sizes per layer, gradients, a workspace, all freed in reverse
            List<CudaBuffer> temps = new ArrayList<>();
            for (int layer = 0; layer < 12; layer++) {
                temps.add(a.allocateFloats(8L * 64 * (128 >> (layer % 4)) * (128 >> (layer % 4))));
                temps.add(a.allocateFloats(64 + layer));
            }
            temps.add(a.allocate((step % 3 + 1) * 3 * MIB));   // workspace: one of three sizes
            for (int i = temps.size() - 1; i >= 0; i--) temps.get(i).close();
            if (step == 10) {
                reservedAfterWarmup = a.stats().reservedBytes();
                mallocsAfterWarmup = raw.mallocs;
            }
        }
        DeviceAllocator.Stats s = a.stats();
        assertEquals(reservedAfterWarmup, s.reservedBytes());
        assertEquals(mallocsAfterWarmup, raw.mallocs);
        assertEquals(raw.used, s.reservedBytes());
        long paramBytes = params.stream().mapToLong(CudaBuffer::blockBytes).sum();
        assertEquals(paramBytes, s.allocatedBytes());
        assertTrue(s.cacheHits() > 20_000, s.toString());
        params.forEach(CudaBuffer::close);
        a.emptyCache();
        assertEquals(0, raw.used);
    }

    @Test
    void concurrentAllocationsNeverShareABlock() throws Exception {
        FakeMemory raw = new FakeMemory(1L << 34);
        DeviceAllocator a = new DeviceAllocator(raw, 0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> fs = new ArrayList<>();
            java.util.Set<Long> inUse = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int t = 0; t < 2; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 5000; i++) {
                        CudaBuffer b = a.allocate(512L * (i % 7 + 1));
                        if (!inUse.add(b.address())) throw new AssertionError("block handed out twice");
                        inUse.remove(b.address());
                        b.close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, a.stats().allocatedBytes());
        assertEquals(10_000, a.stats().frees());
    }

    @Test
    void settlingHandsBackUnreachableBuffersBeforeStatisticsAreCompared() {
        DeviceAllocator a = new DeviceAllocator(new FakeMemory(1L << 30), 0);
        CudaBuffer kept = a.allocate(4096);
        leakUnreachable(a, 50);
        UnreachableBuffers.settle(a::openBuffers);
        assertEquals(1, a.openBuffers(), "only the buffer still referenced stays open");
        assertEquals(4096, a.stats().allocatedBytes());
        kept.close();
    }

    private static void leakUnreachable(DeviceAllocator a, int count) {
        for (int i = 0; i < count; i++) a.allocate(512);
    }
}
