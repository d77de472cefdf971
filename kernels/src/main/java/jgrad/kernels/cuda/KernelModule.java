package jgrad.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * jgrad's kernels as one CUDA module: the fatbin resource that nvcc built from
 * kernels/src/main/cuda during the Maven build (SASS for sm_80 and sm_90, PTX for newer GPUs),
 * loaded with cuModuleLoadData into a context. Functions are looked up by their extern "C" name
 * once and cached.
 */
public final class KernelModule {
    /** Class-path location of the fatbin. */
    public static final String RESOURCE = "/jgrad/kernels/jgrad.fatbin";
    static final String MISSING = "jgrad's CUDA kernels are missing: jgrad-kernels was built without nvcc (no "
            + RESOURCE + " on the class path); install the CUDA toolkit and rebuild";

    private static volatile byte[] image;
    private static volatile Map<String, List<KernelSignatures.Param>> signatures;

    private final CudaContext context;
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();

    KernelModule(CudaContext context) {
        this.context = context;
        byte[] bytes = image();
        if (bytes == null) throw new CudaUnavailableException(MISSING);
        context.makeCurrent();
        CudaException.check(JCudaDriver.cuModuleLoadData(module, bytes), "cuModuleLoadData(" + RESOURCE + ")");
    }

    /** Whether the fatbin resource is on the class path. */
    public static boolean present() {
        return KernelModule.class.getResource(RESOURCE) != null;
    }

    /** The fatbin's bytes, or null when it is missing. */
    static byte[] image() {
        byte[] b = image;
        if (b == null) {
            try (InputStream in = KernelModule.class.getResourceAsStream(RESOURCE)) {
                if (in == null) return null;
                image = b = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
        }
        return b;
    }

    /**
     * The parameter lists of the module's entry points, read from the PTX in the fatbin (empty when
     * the fatbin is missing). Used to check launch arguments before calling the driver.
     */
    public static Map<String, List<KernelSignatures.Param>> signatures() {
        Map<String, List<KernelSignatures.Param>> s = signatures;
        if (s == null) {
            byte[] b = image();
            signatures = s = b == null ? Map.of() : KernelSignatures.parse(b);
        }
        return s;
    }

    /**
     * The kernel named {@code name}.
     *
     * @throws CudaException when the module has no such kernel
     */
    public CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f != null) return f;
        context.makeCurrent();
        CUfunction g = new CUfunction();
        int r = JCudaDriver.cuModuleGetFunction(g, module, name);
        if (r == CUresult.CUDA_ERROR_NOT_FOUND) {
            throw new CudaException("cuModuleGetFunction(" + name + ")", r, "kernel " + name + " is missing from "
                    + RESOURCE + ": no .cu file under kernels/src/main/cuda defines extern \"C\" __global__ " + name
                    + ", or the fatbin predates it; rebuild jgrad-kernels with nvcc");
        }
        CudaException.check(r, "cuModuleGetFunction(" + name + ")");
        functions.putIfAbsent(name, g);
        return functions.get(name);
    }
}
