package jgrad.kernels.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A caching allocator of device memory, so a training step's many short-lived buffers cost a
 * free-list lookup instead of a cuMemAlloc / cuMemFree pair (each of which synchronises the GPU).
 *
 * <p>Requests are rounded up to a size class: a multiple of 512 B up to 1 MiB, a multiple of
 * 2 MiB above. A freed buffer's block goes to the free list of its exact size class and is handed
 * out again for the next request of that class; nothing is split or merged, so a repeating
 * workload (a training step) reaches a steady state where every request is a cache hit and the
 * reserved memory stays flat. {@link #emptyCache()} returns the cached blocks to the device.
 *
 * <p>Ordering: the backend runs all work on one stream, so a block freed here while kernels that
 * use it are still queued is only reused by work queued after them. Before blocks go back to the
 * driver the allocator waits for the device ({@link RawMemory#synchronize()}).
 *
 * <p>When the device is out of memory the allocator empties its cache and retries once, then
 * throws {@link DeviceOutOfMemoryException} with the statistics below. Thread-safe.
 */
public final class DeviceAllocator {
    /** Size classes below this are multiples of {@link #SMALL_GRANULE}; above, of {@link #LARGE_GRANULE}. */
    public static final long SMALL_LIMIT = 1L << 20;
    public static final long SMALL_GRANULE = 512;
    public static final long LARGE_GRANULE = 2L << 20;

    /**
     * Allocator counters, in bytes of size classes (what the device holds, not what was asked).
     *
     * @param allocatedBytes     held by open buffers
     * @param reservedBytes      obtained from the device and not yet returned: allocated + cached
     * @param peakAllocatedBytes highest allocatedBytes since creation or {@link #resetPeak()}
     * @param mallocCount        device allocations made (cache misses)
     * @param cacheHits          requests served from a free list
     * @param frees              buffers closed
     */
    public record Stats(long allocatedBytes, long reservedBytes, long peakAllocatedBytes,
                        long mallocCount, long cacheHits, long frees) {
        /** Bytes cached for reuse: reserved − allocated. */
        public long cachedBytes() {
            return reservedBytes - allocatedBytes;
        }

        @Override
        public String toString() {
            return "allocated " + bytes(allocatedBytes) + ", reserved " + bytes(reservedBytes)
                    + ", peak allocated " + bytes(peakAllocatedBytes) + ", " + mallocCount + " device allocations, "
                    + cacheHits + " cache hits, " + frees + " frees";
        }
    }

    private final RawMemory raw;
    private final int deviceIndex;
    private final Map<Long, ArrayDeque<Long>> freeLists = new HashMap<>();
    /** Address → size class of every block held by an open buffer. */
    private final Map<Long, Long> live = new HashMap<>();
    private long allocatedBytes;
    private long reservedBytes;
    private long peakAllocatedBytes;
    private long mallocCount;
    private long cacheHits;
    private long frees;

    /** An allocator over {@code raw} for the CUDA device with the given index. */
    public DeviceAllocator(RawMemory raw, int deviceIndex) {
        if (raw == null) throw new IllegalArgumentException("raw memory is null");
        if (deviceIndex < 0) throw new IllegalArgumentException("device index " + deviceIndex + " < 0");
        this.raw = raw;
        this.deviceIndex = deviceIndex;
    }

    /** The largest request that has a size class (the largest multiple of {@link #LARGE_GRANULE} that is a long). */
    public static final long MAX_BYTES = Long.MAX_VALUE / LARGE_GRANULE * LARGE_GRANULE;

    /**
     * The size class a request of {@code bytes} is served from (a zero-byte request gets the smallest).
     *
     * @throws IllegalArgumentException for a negative request, or one above {@link #MAX_BYTES}
     */
    public static long sizeClass(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative size: " + bytes + " bytes");
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("too large: " + bytes + " bytes has no size class (at most " + MAX_BYTES + ")");
        }
        long granule = bytes <= SMALL_LIMIT ? SMALL_GRANULE : LARGE_GRANULE;
        long rounded = (bytes + granule - 1) / granule * granule;
        return Math.max(rounded, SMALL_GRANULE);
    }

    /** A buffer of {@code floats} floats (contents undefined). */
    public CudaBuffer allocateFloats(long floats) {
        if (floats < 0) throw new IllegalArgumentException("negative size: " + floats + " floats");
        if (floats > Long.MAX_VALUE / Float.BYTES) throw new IllegalArgumentException("too large: " + floats + " floats");
        return allocate(floats * Float.BYTES);
    }

    /** A buffer of {@code bytes} bytes (contents undefined), from the cache when a block of its size class is free. */
    public synchronized CudaBuffer allocate(long bytes) {
        long size = sizeClass(bytes);
        long address;
        ArrayDeque<Long> list = freeLists.get(size);
        if (list != null && !list.isEmpty()) {
            address = list.pop();
            cacheHits++;
        } else {
            address = mallocWithRetry(size, bytes);
            mallocCount++;
            reservedBytes += size;
        }
        live.put(address, size);
        allocatedBytes += size;
        peakAllocatedBytes = Math.max(peakAllocatedBytes, allocatedBytes);
        return new CudaBuffer(this, address, bytes, size);
    }

    private long mallocWithRetry(long size, long requested) {
        try {
            return raw.malloc(size);
        } catch (DeviceOutOfMemoryException first) {
            emptyCacheLocked();
            try {
                return raw.malloc(size);
            } catch (DeviceOutOfMemoryException second) {
                String device = raw.describe();
                throw new DeviceOutOfMemoryException("CUDA device " + deviceIndex + " is out of memory: tried to allocate "
                        + bytes(requested) + " (size class " + bytes(size) + ") after emptying the cache; "
                        + statsLocked() + (device.isEmpty() ? "" : "; device: " + device)
                        + ". Free buffers sooner (MemoryScope), or use smaller batches", second);
            }
        }
    }

    /** Gives the block of a closed buffer back to its free list. */
    synchronized void release(long address) {
        Long size = live.remove(address);
        if (size == null) {
            throw new IllegalStateException("address 0x" + Long.toHexString(address) + " is not an open buffer of this allocator");
        }
        allocatedBytes -= size;
        frees++;
        freeLists.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
    }

    /** Returns every cached (free) block to the device; open buffers are untouched. */
    public synchronized void emptyCache() {
        emptyCacheLocked();
    }

    private void emptyCacheLocked() {
        boolean any = false;
        for (ArrayDeque<Long> list : freeLists.values()) {
            if (!list.isEmpty()) { any = true; break; }
        }
        if (!any) return;
        raw.synchronize();
        for (Map.Entry<Long, ArrayDeque<Long>> e : freeLists.entrySet()) {
            ArrayDeque<Long> list = e.getValue();
            while (!list.isEmpty()) {
                raw.free(list.pop());
                reservedBytes -= e.getKey();
            }
        }
        freeLists.clear();
    }

    public synchronized Stats stats() {
        return statsLocked();
    }

    private Stats statsLocked() {
        return new Stats(allocatedBytes, reservedBytes, peakAllocatedBytes, mallocCount, cacheHits, frees);
    }

    /** Sets the peak to the current allocated bytes. */
    public synchronized void resetPeak() {
        peakAllocatedBytes = allocatedBytes;
    }

    /** Number of buffers currently open. */
    public synchronized int openBuffers() {
        return live.size();
    }

    public int deviceIndex() {
        return deviceIndex;
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1L << 20) return String.format("%.1f KiB", b / 1024.0);
        if (b < 1L << 30) return String.format("%.1f MiB", b / (double) (1L << 20));
        return String.format("%.2f GiB", b / (double) (1L << 30));
    }
}
