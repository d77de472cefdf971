package jgrad.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Entry point of the CUDA backend: whether CUDA can be used here, why not, and the per-device
 * {@link CudaContext}s. The probe runs once, on first use, and checks in order: the NVIDIA driver
 * library (libcuda.so.1), JCuda's native library, cuInit, a device, and the kernel module
 * resource built by nvcc. Setting {@code -Djgrad.cuda=off} makes CUDA unavailable on purpose.
 */
public final class Cuda {
    private Cuda() {}

    private record Probe(String reason, int deviceCount) {
        boolean ok() {
            return reason == null;
        }
    }

    private static volatile Probe probe;
    private static final ConcurrentMap<Integer, CudaContext> CONTEXTS = new ConcurrentHashMap<>();

    /** True when a GPU, its driver and jgrad's kernels are all present. */
    public static boolean available() {
        return probe().ok();
    }

    /** Why CUDA is unavailable, or "CUDA is available" when it is. */
    public static String unavailableReason() {
        Probe p = probe();
        return p.ok() ? "CUDA is available" : p.reason();
    }

    /** Number of CUDA devices (0 when unavailable). */
    public static int deviceCount() {
        return probe().deviceCount();
    }

    /** The context of device 0. */
    public static CudaContext context() {
        return context(0);
    }

    /**
     * The context of device {@code index}, created on first use.
     *
     * @throws CudaUnavailableException with the reason when CUDA cannot be used
     */
    public static CudaContext context(int index) {
        Probe p = probe();
        if (!p.ok()) throw new CudaUnavailableException(p.reason());
        if (index < 0 || index >= p.deviceCount()) {
            throw new IllegalArgumentException("CUDA device " + index + " does not exist; this machine has "
                    + p.deviceCount());
        }
        return CONTEXTS.computeIfAbsent(index, CudaContext::new);
    }

    private static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (Cuda.class) {
                p = probe;
                if (p == null) probe = p = runProbe();
            }
        }
        return p;
    }

    /** Why CUDA cannot be used when cuInit returned {@code code} (not CUDA_SUCCESS). */
    static String cuInitFailure(int code) {
        return switch (code) {
            case CUresult.CUDA_ERROR_NO_DEVICE ->
                    "the NVIDIA driver is installed but reports no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)";
            case CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH ->
                    "the NVIDIA driver's user library and kernel module differ in version "
                            + "(cuInit: CUDA_ERROR_SYSTEM_DRIVER_MISMATCH): reinstall the NVIDIA driver or reboot";
            // CUDA toolkits ship a libcuda.so stub for linking; found first, it answers every call with this
            case CUresult.CUDA_ERROR_STUB_LIBRARY ->
                    "the libcuda.so.1 that was loaded is the CUDA toolkit's stub (from a stubs folder on the library path), "
                            + "not the NVIDIA driver's (cuInit: CUDA_ERROR_STUB_LIBRARY): remove the stubs folder from "
                            + "LD_LIBRARY_PATH, or install the NVIDIA driver on a machine with an NVIDIA GPU";
            default -> "cuInit failed: " + CUresult.stringFor(code) + " (check the NVIDIA driver with nvidia-smi)";
        };
    }

    private static Probe runProbe() {
        if ("off".equalsIgnoreCase(System.getProperty("jgrad.cuda", ""))) {
            return new Probe("CUDA was disabled with -Djgrad.cuda=off", 0);
        }
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return new Probe("jgrad's CUDA backend supports Linux on x86-64 only (this is " + os + " " + arch + ")", 0);
        }
        try {
            SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            return new Probe("the NVIDIA driver library libcuda.so.1 could not be loaded: install the NVIDIA driver "
                    + "(CUDA 12 or newer) on a machine with an NVIDIA GPU", 0);
        }
        int init;
        try {
            JCudaDriver.setExceptionsEnabled(false);
            init = JCudaDriver.cuInit(0);
        } catch (LinkageError e) {
            return new Probe("JCuda's native library failed to load (" + e.getMessage()
                    + "); it needs libcuda.so.1 from the NVIDIA driver and the jcuda-natives jar for linux-x86_64", 0);
        }
        if (init != CUresult.CUDA_SUCCESS) {
            return new Probe(cuInitFailure(init), 0);
        }
        int[] count = {0};
        int r = JCudaDriver.cuDeviceGetCount(count);
        if (r != CUresult.CUDA_SUCCESS || count[0] == 0) {
            return new Probe("no CUDA device found (cuDeviceGetCount: " + CUresult.stringFor(r) + ", " + count[0] + " devices)", 0);
        }
        if (!KernelModule.present()) {
            return new Probe(KernelModule.MISSING, count[0]);
        }
        return new Probe(null, count[0]);
    }
}
