package jgrad.kernels.cuda;

import java.util.HashMap;
import java.util.Map;

/** RawMemory over a pretend device of fixed capacity: hands out increasing addresses and tracks what is live. */
final class FakeMemory implements RawMemory {
    final long capacity;
    final Map<Long, Long> live = new HashMap<>();
    long used;
    long next = 1L << 32;
    int mallocs;
    int freeCalls;
    int syncs;

    FakeMemory(long capacity) {
        this.capacity = capacity;
    }

    @Override
    public long malloc(long bytes) {
        if (used + bytes > capacity) throw new DeviceOutOfMemoryException("fake device full");
        long a = next;
        next += bytes + 4096;
        live.put(a, bytes);
        used += bytes;
        mallocs++;
        return a;
    }

    @Override
    public void free(long address) {
        Long b = live.remove(address);
        if (b == null) throw new AssertionError("double or foreign free of 0x" + Long.toHexString(address));
        used -= b;
        freeCalls++;
    }

    @Override
    public void synchronize() {
        syncs++;
    }

    @Override
    public String describe() {
        return "fake: " + used + " of " + capacity + " bytes used";
    }
}
