package jgrad.examples.cli;

import jgrad.examples.data.Layout;
import jgrad.examples.data.Sample;
import jgrad.examples.data.SceneGenerator;
import jgrad.examples.experiments.Config;
import jgrad.examples.experiments.ExperimentData;
import jgrad.nn.train.Batch;
import jgrad.nn.train.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With augmentation the data is streamed from disk, so a bad file fails again in every epoch (and
 * in every run of a comparison): --on-error skip still counts each bad sample once, and a bad
 * validation image does not stop the run when the prediction grid is drawn.
 */
class StreamedSkipTest {
    @TempDir
    Path tmp;
    Path data;

    @BeforeEach
    void oneBadImagePerBackground() throws Exception {
        data = tmp.resolve("d");
        // 16 images on 4 backgrounds; image 1 of every background is not a JPEG, so both parts hold bad images
        SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 16, 16, 5, 4, 1, 1, 0.92f), null);
        for (int b = 0; b < 4; b++) Files.writeString(data.resolve(String.format("fg_bg/bg_%03d/fg_bg_%03d_001.jpg", b, b)), "not an image");
    }

    private ExperimentData streamed() {
        Config c = Config.defaults().with(Map.of("data", data.toString(), "size", "16", "train", "0", "val", "0", "batch", "4",
                "val-fraction", "0.25", "augment", "true", "on-error", "skip"), "test");
        ExperimentData d = ExperimentData.open(data, c);
        assertFalse(d.inMemory());
        return d;
    }

    private static void drain(DataSource s) throws Exception {
        Iterator<Batch> it = s.iterator();
        while (it.hasNext()) it.next();
        if (it instanceof AutoCloseable a) a.close();
    }

    @Test
    void aBadSampleIsCountedOnceHoweverOftenItIsRead() throws Exception {
        ExperimentData d = streamed();
        DataSource train = d.trainSource(1);
        for (int e = 0; e < 3; e++) {
            drain(train);
            drain(d.valSource()); // a new validation source, as every run of a comparison makes
        }
        assertEquals(4, d.skipped().size(), d.skipped().toString());
        assertTrue(d.skippedNote().startsWith("4 samples skipped"), d.skippedNote());
    }

    @Test
    void theGridLeavesOutAValidationImageThatDoesNotDecode() {
        ExperimentData d = streamed();
        Sample[] grid = d.gridSamples(8);
        assertEquals(d.valCount() - 1, grid.length); // the validation background's bad image is left out
        assertEquals(1, d.skipped().size(), d.skipped().toString());
        assertTrue(d.skipped().get(0).contains("_001.jpg"), d.skipped().toString());
    }

    @Test
    void aStreamedTrainRunSkipsAndCountsEachBadImageOnce() throws Exception {
        CliRun r = CliRun.of("train", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--size", "16", "--width", "1",
                "--train", "0", "--val", "0", "--batch", "4", "--epochs", "3", "--augment", "true", "--on-error", "skip", "--no-progress");
        assertEquals(0, r.code(), r.out() + r.err());
        String report = Files.readString(tmp.resolve("run").resolve("report.md"));
        assertTrue(report.contains("4 samples skipped"), report);
    }
}
