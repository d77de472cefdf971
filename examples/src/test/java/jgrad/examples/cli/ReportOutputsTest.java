package jgrad.examples.cli;

import jgrad.examples.data.Layout;
import jgrad.examples.data.SceneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the comparison report says about its own outputs holds for the run that wrote it. */
class ReportOutputsTest {
    @TempDir
    Path tmp;

    private CliRun compare(Path data, String only, int size) {
        return CliRun.of("compare-losses", "--preset", "a", "--only", only, "--data", data.toString(), "--runs",
                tmp.resolve("runs").toString(), "--name", "x", "--size", String.valueOf(size), "--width", "1", "--train", "8",
                "--val", "4", "--batch", "4", "--epochs", "1", "--no-progress", "--quiet");
    }

    @Test
    void theGridSectionCountsTheValidationImagesItShows() throws Exception {
        Path data = tmp.resolve("d");
        SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 16, 16, 2, 4, 1, 1, 0.92f), null);
        CliRun r = compare(data, "bce", 16);
        assertEquals(0, r.code(), r.out() + r.err());
        String md = Files.readString(tmp.resolve("runs/x/report.md"));
        // --val 4: the grids have 4 rows (a 22-pixel header, then rows of 96 + 2 pixels), not 8
        assertEquals(22 + 4 * 98 + 2, ImageIO.read(tmp.resolve("runs/x/bce/grid.png").toFile()).getHeight());
        assertTrue(md.contains("## Prediction grids (4 validation images"), md);
    }

    @Test
    void aRerunWithoutDepthDoesNotShowTheEarlierRunsDepthCurves() throws Exception {
        Path data = tmp.resolve("d");
        SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 16, 32, 2, 4, 1, 1, 0.92f), null);
        CliRun joint = compare(data, "rmse+bce", 32); // DSResNet: mask and depth curves
        assertEquals(0, joint.code(), joint.out() + joint.err());
        assertTrue(Files.exists(tmp.resolve("runs/x/comparison_val_rmse.png")));
        CliRun maskOnly = compare(data, "bce", 32); // MaskNet, the same run folder: no depth curves
        assertEquals(0, maskOnly.code(), maskOnly.out() + maskOnly.err());
        String md = Files.readString(tmp.resolve("runs/x/report.md"));
        assertFalse(md.contains("comparison_val_rmse.png"), md);
        assertFalse(md.contains("comparison_val_mrmse_b.png"), md);
        assertTrue(md.contains("comparison_val_iou.png"), md);
        assertFalse(Files.exists(tmp.resolve("runs/x/comparison_val_rmse.png")), "the earlier run's depth curve is left beside the new report");
    }
}
