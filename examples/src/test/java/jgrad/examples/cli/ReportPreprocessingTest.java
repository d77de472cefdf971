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
 * The preprocessing follows the data's layout, not the preset: preset A on a layout-B folder (the
 * generated set of a default run) feeds the models unnormalised inputs and binarised masks, unlike
 * seed A. The report must say so, and say nothing when preset and layout agree.
 */
class ReportPreprocessingTest {
    @TempDir
    Path tmp;

    private String report(String preset, String only, Layout layout, String width) throws Exception {
        Path data = tmp.resolve("data-" + layout);
        if (!Files.exists(data)) SceneGenerator.generate(new SceneGenerator.Options(data, layout, 16, 16, 2, 4, 1, 1, 0.92f), null);
        String name = preset + "-" + layout;
        CliRun r = CliRun.of("compare-losses", "--preset", preset, "--only", only, "--data", data.toString(), "--runs",
                tmp.resolve("runs").toString(), "--name", name, "--size", "16", "--width", width, "--train", "8", "--val", "4",
                "--batch", "4", "--epochs", "1", "--no-progress", "--quiet");
        assertEquals(0, r.code(), r.out() + r.err());
        return Files.readString(tmp.resolve("runs").resolve(name).resolve("report.md"));
    }

    @Test
    void presetAOnLayoutBDataSaysTheInputsAreNotNormalisedAsSeedADid() throws Exception {
        String differs = differsSection(report("a", "bce", Layout.B, "2"));
        assertTrue(differs.contains("seed B's preprocessing"), differs);
        assertTrue(differs.contains("Seed A normalised bg and fg_bg"), differs);
    }

    @Test
    void presetBOnLayoutADataSaysSeedAsPreprocessingWasUsed() throws Exception {
        String differs = differsSection(report("b", "bce/bce", Layout.A, "1"));
        assertTrue(differs.contains("seed A's preprocessing"), differs);
        assertTrue(differs.contains("Seed B only scaled"), differs);
    }

    @Test
    void presetBOnLayoutBDataHasNoPreprocessingLine() throws Exception {
        String differs = differsSection(report("b", "bce/bce", Layout.B, "1"));
        assertFalse(differs.contains("preprocessing"), differs);
    }

    /** The report's section on how the run differs from the seeds. */
    private static String differsSection(String md) {
        return md.substring(md.indexOf("## How this run differs from the seeds"), md.indexOf("## Results"));
    }
}
