package jgrad.kernels.cuda;

/**
 * Device memory is exhausted. {@link RawMemory} implementations throw it when the driver refuses
 * an allocation; {@link DeviceAllocator} catches that, frees its cache, retries once and then
 * throws a new one whose message carries the allocator's statistics.
 */
public class DeviceOutOfMemoryException extends RuntimeException {
    public DeviceOutOfMemoryException(String message) {
        super(message);
    }

    public DeviceOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
