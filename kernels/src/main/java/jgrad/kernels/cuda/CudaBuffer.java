package jgrad.kernels.cuda;

import jcuda.driver.CUdeviceptr;
import jgrad.core.Device;
import jgrad.core.Tensor;
import jgrad.core.spi.DeviceBuffer;

import java.lang.ref.Cleaner;

/**
 * A block of device memory from a {@link DeviceAllocator}. Closing it returns the block to the
 * allocator's cache (not to the driver); closing twice is a no-op, and after the first close
 * {@link #address()} and {@link #pointer()} throw, so a stale handle cannot reach reused memory.
 * Memory scopes and {@link #close()} free buffers deterministically; as a safety net, a buffer
 * that becomes unreachable without being closed is returned to the cache by a {@link Cleaner},
 * so a forgotten temporary outside any scope is not lost for good.
 */
public final class CudaBuffer implements DeviceBuffer {
    private final DeviceAllocator owner;
    private final long address;
    private final long bytes;
    private final long blockBytes;
    private static final Cleaner CLEANER = Cleaner.create();

    private final Device device;
    private final Release release;
    private final Cleaner.Cleanable cleanable;

    CudaBuffer(DeviceAllocator owner, long address, long bytes, long blockBytes) {
        this.owner = owner;
        this.device = new Device("cuda", owner.deviceIndex());
        this.release = new Release(owner, address);
        this.cleanable = CLEANER.register(this, release);
        this.address = address;
        this.bytes = bytes;
        this.blockBytes = blockBytes;
    }

    @Override
    public Device device() {
        return device;
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

    /**
     * The device address of a CUDA tensor's first element (its buffer's address plus its offset);
     * fails clearly for a tensor on another device or one whose memory was freed.
     */
    public static long addressOf(Tensor t) {
        DeviceBuffer b = t.buffer();
        if (!(b instanceof CudaBuffer)) {
            throw new IllegalArgumentException("cuda: a tensor of shape " + t.shape() + " on " + t.device()
                    + " was given to the CUDA backend");
        }
        if (!b.isOpen()) {
            throw new IllegalStateException("cuda: a tensor of shape " + t.shape() + " was released: its device memory "
                    + "was freed (by its MemoryScope or release()) and must not be used again");
        }
        return b.address() + (long) Float.BYTES * t.offset();
    }

    /** The address as a JCuda device pointer, for driver calls. */
    public CUdeviceptr pointer() {
        return devicePointer(address());
    }

    /** A JCuda device pointer for a raw device address. */
    public static CUdeviceptr devicePointer(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    @Override
    public boolean isOpen() {
        return release.open;
    }

    @Override
    public void close() {
        cleanable.clean(); // runs the release at most once, whether from here or from the cleaner
    }

    private void checkOpen() {
        if (!release.open) {
            throw new IllegalStateException("CUDA buffer of " + bytes + " bytes was already freed (closed, or its MemoryScope ended)");
        }
    }

    /** Gives the block back to the allocator; holds no reference to the buffer, so the cleaner can run it. */
    private static final class Release implements Runnable {
        private final DeviceAllocator owner;
        private final long address;
        private volatile boolean open = true;

        Release(DeviceAllocator owner, long address) {
            this.owner = owner;
            this.address = address;
        }

        @Override
        public void run() {
            open = false;
            owner.release(address);
        }
    }

    @Override
    public String toString() {
        return "CudaBuffer[" + bytes + " B at 0x" + Long.toHexString(address) + " on cuda:" + deviceIndex()
                + (release.open ? "" : ", closed") + "]";
    }
}
