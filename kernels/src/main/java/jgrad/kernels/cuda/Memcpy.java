package jgrad.kernels.cuda;

import static jgrad.kernels.cuda.CudaException.check;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.JCudaDriver;
import jgrad.core.spi.DeviceBuffer;

/**
 * Copies and fills of float data on device 0's context.
 *
 * <p>Host ↔ device copies are synchronous: they first wait for the stream (so they see, and do
 * not overtake, earlier kernels), then copy from or into the Java array with cuMemcpyHtoD /
 * cuMemcpyDtoH, which return once the array is no longer needed. Device → device copies and
 * fills are queued on the stream and return at once. Offsets and lengths count floats and are
 * checked against the arrays and buffers before any driver call.
 */
public final class Memcpy {
    private Memcpy() {}

    /** A new buffer holding a copy of {@code src}. */
    public static CudaBuffer upload(float[] src) {
        CudaBuffer b = Cuda.context().allocator().allocateFloats(src.length);
        try {
            toDevice(src, b);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    /** Copies all of {@code src} to the start of {@code dst}. */
    public static void toDevice(float[] src, DeviceBuffer dst) {
        checkRange("destination", dst.floats(), 0, src.length);
        toDevice(src, 0, dst.address(), src.length);
    }

    /** Copies {@code floats} floats from {@code src[srcOffset..]} to the device address {@code dst}. */
    public static void toDevice(float[] src, int srcOffset, long dst, int floats) {
        checkRange("source array", src.length, srcOffset, floats);
        checkAddress(dst, floats);
        if (floats == 0) return;
        CudaContext ctx = Cuda.context();
        ctx.synchronize();
        check(JCudaDriver.cuMemcpyHtoD(CudaBuffer.devicePointer(dst),
                Pointer.to(src).withByteOffset((long) srcOffset * Sizeof.FLOAT), (long) floats * Sizeof.FLOAT),
                "cuMemcpyHtoD(" + floats + " floats)");
    }

    /** The whole buffer as a new array. */
    public static float[] toHost(DeviceBuffer src) {
        if (src.floats() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("buffer of " + src.floats() + " floats does not fit a Java array");
        }
        float[] out = new float[(int) src.floats()];
        toHost(src.address(), out, 0, out.length);
        return out;
    }

    /** Copies the start of {@code src} into all of {@code dst}. */
    public static void toHost(DeviceBuffer src, float[] dst) {
        checkRange("source", src.floats(), 0, dst.length);
        toHost(src.address(), dst, 0, dst.length);
    }

    /** Copies {@code floats} floats from the device address {@code src} to {@code dst[dstOffset..]}. */
    public static void toHost(long src, float[] dst, int dstOffset, int floats) {
        checkRange("destination array", dst.length, dstOffset, floats);
        checkAddress(src, floats);
        if (floats == 0) return;
        CudaContext ctx = Cuda.context();
        ctx.synchronize();
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) dstOffset * Sizeof.FLOAT),
                CudaBuffer.devicePointer(src), (long) floats * Sizeof.FLOAT), "cuMemcpyDtoH(" + floats + " floats)");
    }

    /** Queues a copy of {@code floats} floats from device address {@code src} to {@code dst} on the stream. */
    public static void deviceToDevice(long src, long dst, long floats) {
        checkAddress(src, floats);
        checkAddress(dst, floats);
        if (floats < 0) throw new IllegalArgumentException("negative length " + floats);
        if (floats == 0) return;
        CudaContext ctx = Cuda.context();
        ctx.makeCurrent();
        check(JCudaDriver.cuMemcpyDtoDAsync(CudaBuffer.devicePointer(dst), CudaBuffer.devicePointer(src),
                floats * Sizeof.FLOAT, ctx.stream()), "cuMemcpyDtoDAsync(" + floats + " floats)");
    }

    /** Queues a copy of all of {@code src} to the start of {@code dst}. */
    public static void deviceToDevice(DeviceBuffer src, DeviceBuffer dst) {
        checkRange("destination", dst.floats(), 0, src.floats());
        deviceToDevice(src.address(), dst.address(), src.floats());
    }

    /** Queues filling the whole buffer with {@code value}. */
    public static void fill(DeviceBuffer dst, float value) {
        fill(dst.address(), dst.floats(), value);
    }

    /** Queues writing {@code value} to {@code floats} floats at the device address (cuMemsetD32 of its bits). */
    public static void fill(long dst, long floats, float value) {
        if (floats < 0) throw new IllegalArgumentException("negative length " + floats);
        checkAddress(dst, floats);
        if (floats == 0) return;
        CudaContext ctx = Cuda.context();
        ctx.makeCurrent();
        check(JCudaDriver.cuMemsetD32Async(CudaBuffer.devicePointer(dst), Float.floatToRawIntBits(value), floats,
                ctx.stream()), "cuMemsetD32Async(" + floats + " floats)");
    }

    private static void checkRange(String what, long capacity, long offset, long length) {
        if (offset < 0 || length < 0 || offset > capacity || length > capacity - offset) {
            throw new IndexOutOfBoundsException(what + " holds " + capacity + " floats; cannot use [" + offset + ", "
                    + (offset + length) + ")");
        }
    }

    private static void checkAddress(long address, long floats) {
        if (floats > 0 && address == 0) throw new IllegalArgumentException("device address is null");
        if ((address & 3) != 0) {
            throw new IllegalArgumentException("device address 0x" + Long.toHexString(address) + " is not 4-byte aligned");
        }
    }
}
