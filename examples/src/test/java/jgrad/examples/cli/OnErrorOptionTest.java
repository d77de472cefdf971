package jgrad.examples.cli;

import jgrad.examples.data.Layout;
import jgrad.examples.data.SceneGenerator;
import jgrad.examples.experiments.Config;
import jgrad.examples.experiments.ExperimentData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data folder with a bad sample: by default the run stops naming the file; with
 * {@code --on-error skip} the sample is left out and counted, and the run goes on.
 */
class OnErrorOptionTest {
    @TempDir
    Path tmp;
    Path data;

    @BeforeEach
    void brokenSet() throws Exception {
        data = tmp.resolve("d");
        // 16 images on 4 backgrounds; one fg_bg image is not a JPEG, one has no depth map
        SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 16, 16, 5, 4, 1, 1, 0.92f), null);
        Files.writeString(data.resolve("fg_bg/bg_001/fg_bg_001_002.jpg"), "not an image");
        Files.delete(data.resolve("depth_fg_bg/bg_002/depth_fg_bg_002_003.png"));
    }

    @Test
    void skippedSamplesAreLeftOutAndCounted() {
        Config c = Config.defaults().with(Map.of("data", data.toString(), "size", "16", "train", "0", "val", "0",
                "val-fraction", "0.25", "on-error", "skip"), "test");
        ExperimentData d = ExperimentData.open(data, c);
        assertEquals(14, d.trainCount() + d.valCount());
        assertEquals(2, d.skipped().size());
        assertTrue(String.join("\n", d.skipped()).contains("fg_bg_001_002.jpg"), d.skipped().toString());
        assertTrue(String.join("\n", d.skipped()).contains("fg_bg_002_003.jpg"), d.skipped().toString());
    }

    @Test
    void trainFailsNamingTheFileOrSkipsWhenAsked() {
        String[] args = {"train", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--size", "16", "--width", "1",
                "--train", "0", "--val", "0", "--batch", "4", "--epochs", "1", "--no-progress"};
        CliRun fail = CliRun.of(args);
        assertEquals(1, fail.code(), fail.out() + fail.err());
        assertTrue(fail.err().contains("fg_bg_002_003.jpg"), fail.err());

        String[] skip = java.util.Arrays.copyOf(args, args.length + 2);
        skip[args.length] = "--on-error";
        skip[args.length + 1] = "skip";
        CliRun ok = CliRun.of(skip);
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("2 samples skipped"), ok.out());
    }
}
