package jgrad.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The thread count is fixed when {@code Parallel} loads, so a test comparing thread counts runs a
 * probe (a class with a main method, on this test's class path) in one JVM per count.
 */
public final class ThreadCountJvm {
    private ThreadCountJvm() {}

    /** The standard output of {@code probe}'s main run with {@code -Djgrad.threads=threads}; fails the test if it fails. */
    public static String output(Class<?> probe, int threads) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-XX:-UsePerfData",
                "-Djgrad.threads=" + threads, "-cp", System.getProperty("java.class.path"), probe.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe did not finish");
        assertEquals(0, p.exitValue(), "the probe failed with " + threads + " threads: " + out);
        return out;
    }
}
