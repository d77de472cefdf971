package jgrad.kernels.losses;

import jgrad.core.Rng;
import jgrad.losses.Bce;
import jgrad.losses.BerHu;
import jgrad.losses.Dice;
import jgrad.losses.Loss;
import jgrad.losses.LossKernels;
import jgrad.losses.LossInputs;
import jgrad.losses.Losses;
import jgrad.losses.Ssim;
import jgrad.losses.Tversky;
import jgrad.losses.WeightedSum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What needs no GPU: every registered loss has CUDA kernels (so registering a loss without one
 * fails here), the kernels named by the launch table exist in the CUDA sources, at most two
 * launches per loss, the service registration, and that the comparison used by the GPU tests
 * catches a wrong gradient.
 */
class CudaLossCoverageTest {
    static Stream<String> losses() {
        return Losses.names().stream();
    }

    @Test
    void everyRegisteredLossHasACudaKernel() {
        List<Loss> registered = Losses.names().stream().map(Losses::get).toList();
        assertEquals(List.of(), CudaLosses.missingKernels(registered),
                "registered losses without a CUDA kernel (add a .cu file and an entry in CudaLosses)");
    }

    @Test
    void aLossWithoutKernelsIsReported() {
        // a new name, a known name with other parameters, and a frozen BerHu (its c is fixed)
        Loss newName = WeightedSum.of("bce-x3-test", 3, new Bce(), 1, Dice.seedB());
        Loss otherTversky = new Tversky("tversky", 0.3, 0.7, 1e-6);
        Loss otherSsim = new Ssim("ssim-a", new int[]{7}, 1.5, Ssim.Padding.VALID, false, 1e-4, 9e-4);
        Rng rng = new Rng(1);
        double[] x = LossInputs.toDouble(LossInputs.logits(rng, 12, 1)), t = LossInputs.toDouble(LossInputs.uniform(rng, 12));
        Loss frozen = new BerHu().frozenAt(x, t, new int[]{1, 1, 3, 4});
        assertEquals(List.of("bce-x3-test", "tversky", "ssim-a", "berhu"),
                CudaLosses.missingKernels(List.of(newName, otherTversky, otherSsim, frozen)));
        // the registry's own definitions, built independently, are accepted
        assertEquals(List.of(), CudaLosses.missingKernels(List.of(Tversky.seedB(), Ssim.seedB(), new BerHu())));
    }

    @ParameterizedTest
    @MethodSource("losses")
    void atMostTwoLaunchesWhoseKernelsExistInTheSources(String name) throws IOException {
        List<String> kernels = CudaLosses.kernels(name);
        assertTrue(!kernels.isEmpty() && kernels.size() <= 2, name + ": " + kernels);
        Set<String> defined = definedKernels();
        String stem = name.replace('-', '_');
        for (String k : kernels) {
            assertTrue(defined.contains(k), name + ": kernel " + k + " is not defined in src/main/cuda/losses");
            assertTrue(k.startsWith(stem + "_") && k.endsWith("_f32"), name + ": kernel " + k + " is not named <loss>_<stage>_f32");
        }
    }

    /** extern "C" __global__ entry points declared in src/main/cuda/losses/*.cu, each in the file named after it. */
    static Set<String> definedKernels() throws IOException {
        Path dir = Path.of(System.getProperty("jgrad.cuda.sources", "src/main/cuda"), "losses");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "the kernel sources are not here (" + dir
                + "): this check runs from the source tree");
        Pattern entry = Pattern.compile("extern\\s+\"C\"\\s+__global__\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s+)?void\\s+(\\w+)\\s*\\(");
        Set<String> names = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cu")).toList()) {
                String stem = f.getFileName().toString().replace(".cu", "");
                Matcher m = entry.matcher(Files.readString(f));
                while (m.find()) {
                    String k = m.group(1);
                    assertTrue(k.startsWith(stem + "_"), f + " defines " + k + ", not named after the file");
                    names.add(k);
                }
            }
        }
        assertFalse(names.isEmpty(), "no kernels found under " + dir.toAbsolutePath());
        return names;
    }

    @Test
    void serviceLoaderFindsTheCudaProvider() {
        LossKernels found = null;
        for (LossKernels k : ServiceLoader.load(LossKernels.class)) if (k instanceof CudaLossKernels) found = k;
        assertNotNull(found, "CudaLossKernels is not registered in META-INF/services");
        assertEquals("cuda", found.deviceType());
        assertTrue(found.supports(Losses.get("ssim-b")));
        assertFalse(found.supports(new Tversky("tversky", 0.2, 0.2, 1e-6)));
    }

    @Test
    void comparisonCatchesAWrongGradientOrValue() {
        Loss loss = Losses.get("dice-b");
        int[] shape = {2, 1, 7, 9};
        Rng rng = new Rng(5);
        float[] pred = LossInputs.logits(rng, 126, 2), target = LossInputs.uniform(rng, 126);
        Loss.Result fast = loss.fast(pred, target, shape);
        Loss.Reference ref = loss.reference(LossInputs.toDouble(pred), LossInputs.toDouble(target), shape);
        assertNull(LossInputs.mismatch(ref, fast.value(), fast.grad()));
        int worst = 0;
        for (int i = 0; i < fast.grad().length; i++) if (Math.abs(ref.grad()[i]) > Math.abs(ref.grad()[worst])) worst = i;
        float[] wrong = fast.grad().clone();
        wrong[worst] *= 1.01f;
        assertNotNull(LossInputs.mismatch(ref, fast.value(), wrong));
        assertNotNull(LossInputs.mismatch(ref, fast.value() * 1.001, fast.grad()));
        float[] zeroed = fast.grad().clone();
        zeroed[0] = 0;
        assertNotNull(LossInputs.mismatch(ref, fast.value(), zeroed));
    }

    @Test
    void launchGeometryDependsOnTheShapeOnly() {
        assertEquals(1152, CudaLosses.flatBlocks(128L * 96 * 96));
        assertEquals(2048, CudaLosses.flatBlocks(1L << 24));
        assertEquals(1, CudaLosses.flatBlocks(1));
        assertEquals(9, CudaLosses.chunks(128, 96 * 96));
        assertEquals(32, CudaLosses.chunks(64, 512 * 512));
        assertEquals(1, CudaLosses.chunks(5000, 16));
    }
}
