package jgrad.examples.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails half-way (here: the file-size limit of {@code ulimit -f}, which behaves like
 * a full disk) must not leave a partial image, or a partial set, behind for a later run to read.
 */
class InterruptedWriteTest {
    @TempDir
    Path tmp;

    @Test
    void generateDataLeavesNoPartialFileWhenAWriteFails() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        Path out = tmp.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // 8 KiB per file: a 256x256 noise-free room JPEG is larger, so the first image write fails part-way
        String cmd = "ulimit -f 8 && LC_ALL=C exec \"$0\" --add-modules jdk.incubator.vector -XX:-UsePerfData -cp \"$1\" "
                + "jgrad.examples.cli.Main generate-data --out \"$2\" --layout b --count 2 --size 256 --per-bg 2 --threads 1 --quiet";
        Process p = new ProcessBuilder("/bin/bash", "-c", cmd, java, System.getProperty("java.class.path"), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "generate-data did not finish");
        assertNotEquals(0, p.exitValue(), log);
        assertTrue(log.contains("cannot write") && log.contains("bg_000.jpg") && log.contains("File too large"), log);
        // the set is staged in a hidden folder inside --out: the failed run removes it, and the folder it created
        assertFalse(Files.exists(out), "a failed run into a new folder must leave nothing behind");
    }

    private Process generate(String prefix, Path out, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = prefix + "LC_ALL=C exec \"$0\" --add-modules jdk.incubator.vector -XX:-UsePerfData -cp \"$1\" "
                + "jgrad.examples.cli.Main generate-data --out \"$2\" " + String.join(" ", args);
        return new ProcessBuilder("/bin/bash", "-c", cmd, java, System.getProperty("java.class.path"), out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
    }

    private static Map<String, String> earlierSet(Path out) throws Exception {
        CliRun first = CliRun.of("generate-data", "--out", out.toString(), "--count", "4", "--size", "16", "--per-bg", "2", "--quiet");
        assertEquals(0, first.code(), first.err());
        Files.writeString(out.resolve("notes.txt"), "mine");
        return GenerateDataCommandTest.snapshot(out);
    }

    @Test
    void aFullDiskDuringOverwriteLeavesTheEarlierSetAsItWas() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        Path out = tmp.resolve("data");
        Map<String, String> before = earlierSet(out);
        Process p = generate("ulimit -f 8 && ", out, "--overwrite --layout b --count 2 --size 256 --per-bg 2 --threads 1 --quiet");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "generate-data did not finish");
        String log = Files.readString(tmp.resolve("log.txt"));
        assertNotEquals(0, p.exitValue(), log);
        assertTrue(log.contains("File too large"), log);
        assertEquals(before, GenerateDataCommandTest.snapshot(out), "the earlier set must be intact and the new one gone");
    }

    @Test
    void anInterruptedOverwriteLeavesTheEarlierSetAsItWas() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        Path out = tmp.resolve("data");
        Map<String, String> before = earlierSet(out);
        // long enough to be stopped part-way: SIGTERM (as Ctrl-C's SIGINT) runs the shutdown hooks
        Process p = generate("", out, "--overwrite --count 100000 --size 48 --per-bg 10 --threads 1 --quiet");
        long deadline = System.nanoTime() + 60_000_000_000L;
        boolean started = false;
        while (!started && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            try (Stream<Path> s = Files.walk(out)) {
                // a depth map the earlier set does not have (the new set's names have five digits)
                started = s.anyMatch(f -> f.toString().endsWith(".png") && !before.containsKey(out.relativize(f).toString()));
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException raced) {
                // a file was renamed while walking: look again
            }
        }
        assertTrue(started, "the new set never started: " + Files.readString(tmp.resolve("log.txt")));
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "generate-data did not stop");
        String log = Files.readString(tmp.resolve("log.txt"));
        assertEquals(before, GenerateDataCommandTest.snapshot(out), "the earlier set must be intact and the new one gone: " + log);
    }
}
