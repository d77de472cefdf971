package jgrad.core.spi;

/**
 * A block of float memory on a device, owned by whoever holds the handle: {@link #close()} gives
 * it back to the device's allocator. The address is only meaningful to that device's backend.
 */
public interface DeviceBuffer extends AutoCloseable {
    jgrad.core.Device device();

    /** Capacity in floats. */
    long floats();

    /** The device address of the first float. */
    long address();

    boolean isOpen();

    @Override
    void close();
}
