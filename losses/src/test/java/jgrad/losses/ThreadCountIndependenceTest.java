package jgrad.losses;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocks and the gradient loss's bands are cut by shape, never by thread count, so every
 * registered loss gives the same value and gradient bits with 1 and 3 threads (each count in its
 * own JVM: the thread count is fixed when Parallel loads). The shapes include per-image blocks, a
 * flattened batch over several blocks and a plane wide enough for the gradient loss's bands.
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
    void everyLossGivesTheSameBitsWithOneAndThreeThreads() throws Exception {
        String one = probe(1);
        assertEquals(3 * Losses.names().size(), one.lines().count(), one);
        assertEquals(one, probe(3));
    }
}
