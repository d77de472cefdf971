package jgrad.examples.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jgrad.examples.data.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails half-way (here: the file-size limit of {@code ulimit -f}, which behaves like
 * a full disk) must not leave a partial image behind for a later run to read.
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
        List<Path> files;
        try (Stream<Path> s = Files.walk(out)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            assertFalse(f.getFileName().toString().endsWith(".tmp"), "temporary file left: " + f);
            ImageFiles.readRgb(f); // whatever was written must be whole
        }
    }
}
