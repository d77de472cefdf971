package jgrad.kernels.cuda;

import jcuda.driver.CUdeviceptr;
import jgrad.core.Device;
import jgrad.core.spi.DeviceBuffer;

/**
 * A block of device memory from a {@link DeviceAllocator}. Closing it returns the block to the
 * allocator's cache (not to the driver); closing twice is a no-op, and after the first close
 * {@link #address()} and {@link #pointer()} throw, so a stale handle cannot reach reused memory.
 * A buffer that is never closed is never freed: device memory does not follow the garbage
 * collector.
 */
public final class CudaBuffer implements DeviceBuffer {
    private final DeviceAllocator owner;
    private final long address;
    private final long bytes;
    private final long blockBytes;
    private volatile boolean open = true;

    CudaBuffer(DeviceAllocator owner, long address, long bytes, long blockBytes) {
        this.owner = owner;
        this.address = address;
        this.bytes = bytes;
        this.blockBytes = blockBytes;
    }

    @Override
    public Device device() {
        return new Device("cuda", owner.deviceIndex());
    }

    /** Index of the CUDA device the memory is on. */
    public int deviceIndex() {
        return owner.deviceIndex();
    }

    /** Requested size in bytes. */
    public long bytes() {
        return bytes;
    }

    /** Size of the underlying block (the size class), ≥ {@link #bytes()}. */
    public long blockBytes() {
        return blockBytes;
    }

    @Override
    public long floats() {
        return bytes / Float.BYTES;
    }

    @Override
    public long address() {
        checkOpen();
        return address;
    }

    /** The address of float {@code index}. */
    public long address(long floatIndex) {
        checkOpen();
        if (floatIndex < 0 || floatIndex > floats()) {
            throw new IndexOutOfBoundsException("float " + floatIndex + " of a buffer of " + floats());
        }
        return address + floatIndex * Float.BYTES;
    }

    /** The address as a JCuda device pointer, for driver calls. */
    public CUdeviceptr pointer() {
        return devicePointer(address());
    }

    /** A JCuda device pointer for a raw device address. */
    public static CUdeviceptr devicePointer(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    long address0() {
        return address;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!open) return;
            open = false;
        }
        owner.release(this);
    }

    private void checkOpen() {
        if (!open) throw new IllegalStateException("CUDA buffer of " + bytes + " bytes was already closed");
    }

    @Override
    public String toString() {
        return "CudaBuffer[" + bytes + " B at 0x" + Long.toHexString(address) + " on cuda:" + deviceIndex()
                + (open ? "" : ", closed") + "]";
    }
}
