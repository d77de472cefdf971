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

/** --width full is stored as width 0; the report names it as the published width everywhere. */
class ReportWidthTest {
    @TempDir
    Path tmp;

    @Test
    void publishedWidthIsNamedNotPrintedAsZero() throws Exception {
        Path data = tmp.resolve("d");
        SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 16, 16, 2, 4, 1, 1, 0.92f), null);
        // MaskNet at its published width (32) is small enough for a test
        CliRun r = CliRun.of("compare-losses", "--preset", "a", "--only", "bce", "--data", data.toString(), "--runs",
                tmp.resolve("runs").toString(), "--name", "x", "--size", "16", "--width", "full", "--train", "8", "--val", "4",
                "--batch", "4", "--epochs", "1", "--no-progress");
        assertEquals(0, r.code(), r.out() + r.err());
        String md = Files.readString(tmp.resolve("runs/x/report.md"));
        assertTrue(md.contains("masknet at width published"), md);
        assertFalse(md.contains("width 0"), md);
        assertTrue(md.contains("instead of 280,000, width published"), md);
    }
}
