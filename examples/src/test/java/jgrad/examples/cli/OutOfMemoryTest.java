package jgrad.examples.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A model too large for the heap ends the command with one line saying so, not a stack trace. */
class OutOfMemoryTest {
    @Test
    void runningOutOfHeapIsOneLine() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // ResUNet at width 64 has about 250 million parameters: far more than a 64 MiB heap holds
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Xmx64m", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), "jgrad.examples.cli.Main", "summary", "resunet", "--width", "64",
                "--size", "16").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "summary did not finish");
        assertEquals(1, p.exitValue(), log);
        String err = log.lines().filter(l -> !l.startsWith("WARNING: Using incubator")).reduce("", (a, b) -> a + b + "\n").strip();
        assertTrue(err.startsWith("error: out of memory") && err.contains("--width"), err);
        assertEquals(1, err.lines().count(), err);
    }
}
