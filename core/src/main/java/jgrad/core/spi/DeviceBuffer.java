package jgrad.core.spi;

import jgrad.core.Device;

/**
 * A block of float32 memory on a device, owned by one tensor storage and shared by its views.
 * {@link #close()} returns it to its backend's allocator; a closed buffer must never be read
 * again, and backends check {@link #isOpen()} before every use so a stale tensor fails with a
 * message instead of reading freed memory.
 */
public interface DeviceBuffer extends AutoCloseable {
    Device device();

    /** Capacity in floats. */
    long floats();

    /** The device address of the first float (what a kernel receives). */
    long address();

    boolean isOpen();

    /** Frees the buffer; closing twice is harmless. */
    @Override
    void close();
}
