package jgrad.kernels.cuda;

import static jgrad.kernels.cuda.CudaException.check;

import java.nio.charset.StandardCharsets;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * One CUDA device as jgrad uses it: the device's primary context, one stream on which all of
 * jgrad's work (kernels, copies, cuBLAS, cuDNN) is queued in order, the kernel module and the
 * caching allocator. The stream is a blocking stream, so it is also ordered with the legacy
 * default stream that JCuda's synchronous copies use.
 *
 * <p>Any thread may use the context: {@link #makeCurrent()} binds it to the calling thread (a
 * cheap thread-local check after the first time).
 */
public final class CudaContext {
    /** Compute capability, e.g. 9.0 for an H100. */
    public record ComputeCapability(int major, int minor) {
        /** The nvcc architecture name, e.g. sm_90. */
        public String sm() {
            return "sm_" + major + minor;
        }

        @Override
        public String toString() {
            return major + "." + minor;
        }
    }

    /** Device memory as the driver reports it. */
    public record MemoryInfo(long freeBytes, long totalBytes) {
        @Override
        public String toString() {
            return "free " + DeviceAllocator.bytes(freeBytes) + " of " + DeviceAllocator.bytes(totalBytes);
        }
    }

    private static final ThreadLocal<CudaContext> CURRENT = new ThreadLocal<>();

    private final int index;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final Handles.Stream stream = new Handles.Stream();
    private final String name;
    private final ComputeCapability capability;
    private final int multiprocessors;
    private final DeviceAllocator allocator;
    private volatile KernelModule module;

    CudaContext(int index) {
        this.index = index;
        check(JCudaDriver.cuDeviceGet(device, index), "cuDeviceGet(" + index + ")");
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain(" + index + ")");
        makeCurrent();
        check(JCudaDriver.cuStreamCreate(stream, 0), "cuStreamCreate");
        byte[] buf = new byte[256];
        check(JCudaDriver.cuDeviceGetName(buf, buf.length, device), "cuDeviceGetName");
        int len = 0;
        while (len < buf.length && buf[len] != 0) len++;
        this.name = new String(buf, 0, len, StandardCharsets.UTF_8);
        this.capability = new ComputeCapability(
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR));
        this.multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.allocator = new DeviceAllocator(new JcudaMemory(this), index);
    }

    private int attribute(int attribute) {
        int[] v = {0};
        check(JCudaDriver.cuDeviceGetAttribute(v, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return v[0];
    }

    /** Makes this context current on the calling thread. */
    public void makeCurrent() {
        if (CURRENT.get() != this) {
            check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent(device " + index + ")");
            CURRENT.set(this);
        }
    }

    public int deviceIndex() {
        return index;
    }

    /** The device name, e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceName() {
        return name;
    }

    public ComputeCapability computeCapability() {
        return capability;
    }

    public int multiprocessorCount() {
        return multiprocessors;
    }

    /** The stream all of jgrad's work on this device runs on. */
    public CUstream stream() {
        return stream;
    }

    /** The stream's native handle (a cudaStream_t), for libraries bound through FFM. */
    public long streamHandle() {
        return stream.address();
    }

    public DeviceAllocator allocator() {
        return allocator;
    }

    /** The kernel module, loaded on first use. */
    public KernelModule module() {
        KernelModule m = module;
        if (m == null) {
            synchronized (this) {
                m = module;
                if (m == null) module = m = new KernelModule(this);
            }
        }
        return m;
    }

    /** Waits until all work queued on the stream has finished (and reports its errors). */
    public void synchronize() {
        makeCurrent();
        check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /** Free and total device memory. */
    public MemoryInfo memoryInfo() {
        makeCurrent();
        long[] free = {0};
        long[] total = {0};
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new MemoryInfo(free[0], total[0]);
    }

    @Override
    public String toString() {
        return "cuda:" + index + " (" + name + ", compute capability " + capability + ")";
    }
}
