package jgrad.examples.cli;

import jgrad.examples.data.Layout;
import jgrad.examples.data.SceneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data folder with a single background cannot be split by background, so the split falls back
 * to one by image; the report must then not claim that no background is in both parts.
 */
class SharedBackgroundReportTest {
    @TempDir
    Path tmp;

    @Test
    void reportSaysWhenBackgroundsAreShared() throws Exception {
        Path data = tmp.resolve("one-bg");
        SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 8, 16, 2, 8, 1, 1, 0.92f), null);
        CliRun r = CliRun.of("compare-losses", "--data", data.toString(), "--runs", tmp.resolve("runs").toString(), "--name", "x",
                "--only", "bce/bce", "--size", "16", "--width", "1", "--train", "4", "--val", "2", "--batch", "4", "--epochs", "1",
                "--no-progress");
        assertEquals(0, r.code(), r.out() + r.err());
        String md = Files.readString(tmp.resolve("runs/x/report.md"));
        assertFalse(md.contains("no background appears in both"), md);
        assertFalse(md.contains("(disjoint, split by background)"), md);
        assertTrue(md.contains("appear in both parts"), md);
        assertTrue(r.out().contains("appear in both parts"), r.out());
    }
}
