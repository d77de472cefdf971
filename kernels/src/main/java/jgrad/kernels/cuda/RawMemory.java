package jgrad.kernels.cuda;

/**
 * Uncached device memory, the layer under {@link DeviceAllocator}: on a GPU cuMemAlloc and
 * cuMemFree, in tests a fake. Not required to be thread-safe; the allocator serialises calls.
 */
public interface RawMemory {
    /**
     * Allocates {@code bytes} and returns the device address (never 0).
     *
     * @throws DeviceOutOfMemoryException when the device has no room
     */
    long malloc(long bytes);

    /** Frees an address returned by {@link #malloc}. */
    void free(long address);

    /** Waits until no queued device work can still use memory about to be freed. */
    default void synchronize() {}

    /** The device's memory state for error messages, e.g. "free 1.2 GiB of 80 GiB"; may be empty. */
    default String describe() {
        return "";
    }
}
