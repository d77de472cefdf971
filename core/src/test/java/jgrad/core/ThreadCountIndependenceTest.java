package jgrad.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The thread count is fixed when {@code Parallel} loads, so each count gets its own JVM: the
 * threaded kernels (conv2d forward and both gradients, matmul, a whole-tensor sum) must give the
 * same bits with 1, 2 and 3 threads, or a checkpoint resumed on a machine with another core count
 * would not repeat the uninterrupted run.
 */
class ThreadCountIndependenceTest {
    private static String probe(int threads) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-XX:-UsePerfData",
                "-Djgrad.threads=" + threads, "-cp", System.getProperty("java.class.path"), ThreadCountProbe.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe did not finish");
        assertEquals(0, p.exitValue(), "the probe failed with " + threads + " threads: " + out);
        return out;
    }

    @Test
    void threadedKernelsGiveTheSameBitsWithOneTwoAndThreeThreads() throws Exception {
        String one = probe(1);
        assertTrue(one.contains("conv n=2 stride 1 ") && one.contains("sum "), one);
        assertEquals(one, probe(2), "1 thread vs 2 threads");
        assertEquals(one, probe(3), "1 thread vs 3 threads");
    }
}
