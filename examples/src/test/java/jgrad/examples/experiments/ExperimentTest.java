package jgrad.examples.experiments;

import jgrad.examples.data.Layout;
import jgrad.examples.data.SceneGenerator;
import jgrad.examples.models.JointModel;
import jgrad.nn.train.Batch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentTest {
    @TempDir
    Path tmp;

    static Path tinySet(Path dir, int count, int size) {
        SceneGenerator.generate(new SceneGenerator.Options(dir, Layout.B, count, size, 3, 4, 2, 1, 0.92f), null);
        return dir;
    }

    @Test
    void jointModelLossFallsOnATinySet() {
        Path data = tinySet(tmp.resolve("d"), 16, 16);
        Config c = Config.defaults().with(Map.of("size", "16", "width", "1", "train", "8", "val", "4", "batch", "8",
                "optimizer", "adam", "lr", "0.01", "scheduler", "none", "weight-decay", "0"), "test");
        ExperimentData d = ExperimentData.open(data, c);
        JointModel m = Experiment.buildModel(c);
        Objective obj = Objective.seedB("bce-dice", "rmse");
        var opt = Experiment.optimizer(c, m.parameters());
        var lf = obj.lossFunction();
        Batch b = d.trainSource(1).iterator().next();
        double first = Double.NaN, last = Double.NaN;
        for (int step = 0; step < 12; step++) {
            opt.zeroGrad();
            var out = m.callAll(b.inputs());
            var loss = lf.compute(out, b.targets());
            if (step == 0) first = loss.item();
            last = loss.item();
            loss.backward();
            opt.step();
        }
        assertTrue(last < 0.8 * first, "loss should fall on a fixed batch: first " + first + ", last " + last);
    }

    @Test
    void predictionGridRowsComeFromDifferentBackgrounds() {
        Path data = tinySet(tmp.resolve("g"), 32, 8); // 4 images per background
        Config c = Config.defaults().with(Map.of("size", "8", "train", "16", "val", "16", "val-fraction", "0.5"), "test");
        var grid = ExperimentData.open(data, c).gridSamples(4);
        assertEquals(4, grid.length);
        for (int i = 1; i < grid.length; i++) {
            assertTrue(!java.util.Arrays.equals(grid[i - 1].bg(), grid[i].bg()), "rows " + (i - 1) + " and " + i + " share a background");
        }
    }

    @Test
    void splitIsDisjointAndCutToTheCounts() {
        Path data = tinySet(tmp.resolve("d"), 24, 8);
        Config c = Config.defaults().with(Map.of("size", "8", "train", "10", "val", "3", "val-fraction", "0.34"), "test");
        ExperimentData d = ExperimentData.open(data, c);
        assertEquals(10, d.trainCount());
        assertEquals(3, d.valCount());
        assertTrue(d.inMemory());
        int seen = 0;
        for (Batch b : d.valSource()) seen += b.size();
        assertEquals(3, seen);
    }

    @Test
    void objectiveWeighsSegAndDepthAsSeedB() {
        Objective o = Objective.seedB("bce", "rmse");
        assertEquals("1·bce(mask) + 2·rmse(depth)", o.formula());
        assertEquals(1, o.maskOutput());
        assertEquals(0, Objective.maskOnly("dice-a").maskOutput());
        var e = assertThrows(IllegalArgumentException.class, () -> Objective.seedB("bce", "nope"));
        assertTrue(e.getMessage().contains("unknown loss 'nope'"), e.getMessage());
    }

    @Test
    void devicesAreCheckedAndOddOnesRejected() {
        if (jgrad.core.Device.isAvailable("cuda")) {
            assertEquals("cuda", Experiment.checkDevice("cuda").type());
        } else {
            var e = assertThrows(IllegalArgumentException.class, () -> Experiment.checkDevice("cuda"));
            assertTrue(e.getMessage().contains("CUDA is not available"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Experiment.checkDevice("tpu"));
        assertEquals(jgrad.core.Device.CPU, Experiment.checkDevice("cpu"));
    }

    @Test
    void presetsHaveTheSeedsCombinations() {
        List<Presets.Combo> b = Presets.of("b");
        assertEquals(9, b.size());
        assertEquals("bce-dice/ssim-b", b.get(8).objective().label());
        assertEquals(0.4578, b.get(3).published().miouB(), 0);
        assertEquals(6, Presets.of("a").size());
        assertEquals(2, Presets.select(b, "bce/bce, dice-b/bce").size());
        var e = assertThrows(IllegalArgumentException.class, () -> Presets.select(b, "bce/xyz"));
        assertTrue(e.getMessage().contains("bce/xyz") && e.getMessage().contains("dice-b/bce"), e.getMessage());
    }

    @Test
    void spearmanOfHandRankedValues() {
        assertEquals(1.0, Report.spearman(new double[]{1, 2, 3}, new double[]{10, 20, 30}), 1e-12);
        assertEquals(-1.0, Report.spearman(new double[]{1, 2, 3}, new double[]{3, 2, 1}), 1e-12);
        // ranks (1, 2, 3) vs (2, 1, 3): ρ = 1 − 6·Σd²/(n(n²−1)) = 1 − 6·2/24 = 0.5
        assertEquals(0.5, Report.spearman(new double[]{1, 2, 3}, new double[]{5, 4, 6}), 1e-12);
        assertEquals(List.of(1.5, 1.5, 3.0), java.util.Arrays.stream(Report.ranks(new double[]{7, 7, 9})).boxed().toList());
    }

    @Test
    void colormapRunsFromDarkVioletToYellow() {
        int lo = Colormap.rgb(0), hi = Colormap.rgb(1);
        assertEquals(0x420654, lo);
        assertEquals(0xFAE723, hi);
        assertEquals(lo, Colormap.rgb(Double.NaN));
        assertEquals(hi, Colormap.rgb(5));
        // brightness grows along the map
        int prev = -1;
        for (int i = 0; i <= 10; i++) {
            int c = Colormap.rgb(i / 10.0);
            int lum = ((c >> 16) & 255) * 3 + ((c >> 8) & 255) * 6 + (c & 255);
            assertTrue(lum > prev, "luminance must increase at " + i);
            prev = lum;
        }
    }

    @Test
    void trainerResumeContinuesTheHistory() throws Exception {
        Path data = tinySet(tmp.resolve("d"), 12, 16);
        Config c = Config.defaults().with(Map.of("size", "16", "width", "1", "train", "8", "val", "4", "batch", "8", "epochs", "1",
                "scheduler", "step"), "test");
        ExperimentData d = ExperimentData.open(data, c);
        Path run = tmp.resolve("run");
        JointModel m = Experiment.buildModel(c);
        Experiment.run(m, Experiment.objective(c, m), c, d, run, null, null, false);
        Config c2 = c.with("epochs", "2");
        JointModel m2 = Experiment.buildModel(c2);
        var r = Experiment.run(m2, Experiment.objective(c2, m2), c2, d, run, run.resolve("last"), null, false);
        assertEquals(2, r.history().size());
        assertEquals(2, r.history().last().epoch());
        assertTrue(java.nio.file.Files.exists(run.resolve("grids/epoch_2.png")));
    }

    @Test
    void augmentedDataIsStreamedThroughTheLoaderWithTheSameShapes() {
        Path data = tinySet(tmp.resolve("d"), 12, 8);
        Config c = Config.defaults().with(Map.of("size", "8", "train", "6", "val", "3", "batch", "4", "augment", "true"), "test");
        ExperimentData d = ExperimentData.open(data, c);
        assertTrue(!d.inMemory());
        var src = d.trainSource(1);
        assertEquals(2, src.batchCount());
        int n = 0;
        for (Batch b : src) {
            assertEquals(2, b.inputs().length);
            assertEquals(List.of(b.size(), 3, 8, 8), java.util.Arrays.stream(b.inputs()[1].dims()).boxed().toList());
            assertEquals(List.of(b.size(), 1, 8, 8), java.util.Arrays.stream(b.targets()[0].dims()).boxed().toList());
            n += b.size();
        }
        assertEquals(6, n);
        int v = 0;
        for (Batch b : d.valSource()) v += b.size();
        assertEquals(3, v);
    }
}
