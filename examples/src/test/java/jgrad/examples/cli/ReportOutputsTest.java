package jgrad.examples.cli;

import jgrad.examples.data.Layout;
import jgrad.examples.data.SceneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the comparison report says about its own outputs holds for the run that wrote it. */
class ReportOutputsTest {
    @TempDir
    Path tmp;

    private CliRun compare(Path data, String only, int size, String... extra) {
        return compare(data, only, size, 1, extra);
    }

    private CliRun compare(Path data, String only, int size, int epochs, String... extra) {
        List<String> args = new ArrayList<>(List.of("compare-losses", "--preset", "a", "--only", only, "--data", data.toString(), "--runs",
                tmp.resolve("runs").toString(), "--name", "x", "--size", String.valueOf(size), "--width", "1", "--train", "8",
                "--val", "4", "--batch", "4", "--epochs", String.valueOf(epochs), "--no-progress", "--quiet"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aShorterRerunLeavesOnlyItsOwnFiles() throws Exception {
        Path data = tmp.resolve("d");
        SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 16, 16, 2, 4, 1, 1, 0.92f), null);
        Path dir = tmp.resolve("runs/x");
        CliRun longer = compare(data, "bce,dice-a", 16, 2);
        assertEquals(0, longer.code(), longer.out() + longer.err());
        assertTrue(Files.exists(dir.resolve("bce/grids/epoch_2.png")) && Files.exists(dir.resolve("dice-a/grids/epoch_2.png")));
        Files.writeString(dir.resolve("notes.txt"), "mine");
        List<String> before = files(dir);
        String report = Files.readString(dir.resolve("report.md"));

        CliRun refused = compare(data, "bce", 16);
        assertEquals(1, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains(dir + " already holds a loss comparison") && refused.err().contains("--overwrite"), refused.err());
        assertEquals(before, files(dir), "a refused rerun must not touch the earlier comparison");
        assertEquals(report, Files.readString(dir.resolve("report.md")));

        CliRun shorter = compare(data, "bce", 16, "--overwrite");
        assertEquals(0, shorter.code(), shorter.out() + shorter.err());
        List<String> after = files(dir);
        assertTrue(after.stream().noneMatch(f -> f.contains("epoch_2")), "an epoch the rerun did not train: " + after);
        assertTrue(after.stream().noneMatch(f -> f.startsWith("dice-a")), "a combination the rerun did not run: " + after);
        assertTrue(after.contains("bce/grids/epoch_1.png") && after.contains("notes.txt"), after.toString());
        assertEquals(2, Files.readAllLines(dir.resolve("metrics.csv")).size(), "header and the one epoch of bce");
        assertEquals(2, Files.readAllLines(dir.resolve("bce/history.csv")).size(), "header and one epoch");
        // everything the report links or names exists, and it names no combination of the earlier run
        String md = Files.readString(dir.resolve("report.md"));
        Matcher links = Pattern.compile("\\]\\(([^)]+)\\)|`([A-Za-z0-9_.+-]+/best/)`").matcher(md);
        int n = 0;
        while (links.find()) {
            String target = links.group(1) != null ? links.group(1) : links.group(2);
            assertTrue(Files.exists(dir.resolve(target)), "the report links " + target + ", which is not there");
            n++;
        }
        assertTrue(n >= 5, "links found: " + n + " in " + md);
        assertFalse(md.contains("dice-a"), md);
        String help = CliRun.of("compare-losses", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--overwrite Start a new comparison in a RUNS/NAME folder that already holds one"), help);
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
        CliRun maskOnly = compare(data, "bce", 32, "--overwrite"); // MaskNet, the same run folder: no depth curves
        assertEquals(0, maskOnly.code(), maskOnly.out() + maskOnly.err());
        String md = Files.readString(tmp.resolve("runs/x/report.md"));
        assertFalse(md.contains("comparison_val_rmse.png"), md);
        assertFalse(md.contains("comparison_val_mrmse_b.png"), md);
        assertTrue(md.contains("comparison_val_iou.png"), md);
        assertFalse(Files.exists(tmp.resolve("runs/x/comparison_val_rmse.png")), "the earlier run's depth curve is left beside the new report");
    }
}
