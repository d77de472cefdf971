package jgrad.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class CudaAvailabilityTest {
    /** Says in the build output whether the tests tagged "cuda" run here, and if not, why. */
    @org.junit.jupiter.api.BeforeAll
    static void announce() {
        System.out.println(Cuda.available()
                ? "CUDA available: the tests tagged cuda run on " + Cuda.context().deviceName()
                : "CUDA not available, so the tests tagged cuda are skipped: " + Cuda.unavailableReason());
    }

    private static boolean driverPresent() {
        return Stream.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1", "/usr/lib64/libcuda.so.1", "/usr/lib/libcuda.so.1")
                .anyMatch(p -> Files.exists(Path.of(p)));
    }

    @Test
    void withoutADriverCudaIsUnavailableAndSaysToInstallIt() {
        assumeTrue(!driverPresent(), "this machine has an NVIDIA driver");
        assertFalse(Cuda.available());
        assertTrue(Cuda.unavailableReason().contains("libcuda.so.1"), Cuda.unavailableReason());
        assertTrue(Cuda.unavailableReason().contains("install the NVIDIA driver"), Cuda.unavailableReason());
        assertEquals(0, Cuda.deviceCount());
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, Cuda::context);
        assertEquals(Cuda.unavailableReason(), e.getMessage());
    }

    /** A toolkit's stub libcuda (found on LD_LIBRARY_PATH on GPU-less machines) is named as such. */
    @Test
    void cuInitFailuresSayWhatToDo() {
        String stub = Cuda.cuInitFailure(jcuda.driver.CUresult.CUDA_ERROR_STUB_LIBRARY);
        assertTrue(stub.contains("stub") && stub.contains("LD_LIBRARY_PATH") && stub.contains("install the NVIDIA driver"), stub);
        assertTrue(Cuda.cuInitFailure(jcuda.driver.CUresult.CUDA_ERROR_NO_DEVICE).contains("no CUDA device"));
        String other = Cuda.cuInitFailure(jcuda.driver.CUresult.CUDA_ERROR_UNKNOWN);
        assertTrue(other.contains("CUDA_ERROR_UNKNOWN") && other.contains("nvidia-smi"), other);
    }

    /** The Maven build ran nvcc when the toolkit is installed; then the fatbin is on the class path. */
    @Test
    void theFatbinIsBuiltWhenNvccExists() throws IOException {
        assumeTrue(nvccPresent(), "no nvcc on this machine; the fatbin is legitimately absent");
        assumeTrue(Files.isDirectory(Path.of(System.getProperty("jgrad.cuda.sources", "src/main/cuda"))),
                "the kernel sources are not here: this check runs from the source tree");
        assertTrue(KernelModule.present(), KernelModule.RESOURCE + " is missing although nvcc is installed");
        byte[] image = KernelModule.image();
        assertNotNull(image);
        // every extern "C" __global__ declared under src/main/cuda is an entry of the module's PTX
        Map<String, List<KernelSignatures.Param>> sigs = KernelModule.signatures();
        List<String> declared = declaredEntries();
        assertTrue(declared.contains("fill_f32"), declared.toString());
        for (String name : declared) {
            assertTrue(sigs.containsKey(name), name + " is declared but not in the fatbin; entries: " + sigs.keySet());
        }
        assertEquals(List.of(new KernelSignatures.Param(KernelSignatures.Kind.INT64, 8),
                new KernelSignatures.Param(KernelSignatures.Kind.FLOAT32, 4),
                new KernelSignatures.Param(KernelSignatures.Kind.INT64, 8)), sigs.get("fill_f32"));
    }

    private static boolean nvccPresent() {
        String nvcc = System.getenv("NVCC");
        if (nvcc != null && Files.isExecutable(Path.of(nvcc))) return true;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvcc"))) return true;
        }
        return Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"));
    }

    private static List<String> declaredEntries() throws IOException {
        Path root = Path.of(System.getProperty("jgrad.cuda.sources", "src/main/cuda"));
        Pattern p = Pattern.compile("extern\\s+\"C\"\\s+__global__\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s+)?void\\s+(\\w+)");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".cu")).flatMap(f -> {
                try {
                    Matcher m = p.matcher(Files.readString(f));
                    return m.results().map(r -> r.group(1)).toList().stream();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).toList();
        }
    }

    @Test
    void ptxSignaturesParse() {
        String ptx = ".visible .entry a_f32(\n\t.param .u64 a_f32_param_0,\n\t.param .f32 a_f32_param_1,\n"
                + "\t.param .u32 a_f32_param_2,\n\t.param .f64 a_f32_param_3,\n\t.param .align 4 .b8 a_f32_param_4[12]\n)\n"
                + ".visible .entry b_f32()\n{";
        var sigs = KernelSignatures.parse(ptx.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(List.of(KernelSignatures.Kind.INT64, KernelSignatures.Kind.FLOAT32, KernelSignatures.Kind.INT32,
                        KernelSignatures.Kind.FLOAT64, KernelSignatures.Kind.OTHER),
                sigs.get("a_f32").stream().map(KernelSignatures.Param::kind).toList());
        assertEquals(12, sigs.get("a_f32").get(4).bytes());
        assertEquals(List.of(), sigs.get("b_f32"));
    }
}
