package jgrad.examples.experiments;

import jgrad.nn.train.Batch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated set that train, compare-losses and lr-find use when no data folder is given: it
 * must hold the asked-for numbers of training and validation images, and (as the report says) no
 * background may appear in both parts. The generator puts 10 images on each background.
 */
class SyntheticSplitTest {
    @TempDir
    Path tmp;

    private ExperimentData open(int train, int val) throws Exception {
        Config c = Config.defaults().with(Map.of("size", "8", "train", String.valueOf(train), "val", String.valueOf(val)), "test");
        var dc = CompareLosses.resolveData(c, tmp.resolve("cache"), null);
        return ExperimentData.open(dc.dir(), dc.config());
    }

    /** The distinct background images (bg input) of a source's batches. */
    private static Set<String> backgrounds(Iterable<Batch> source) {
        Set<String> out = new HashSet<>();
        for (Batch b : source) {
            float[] bg = b.inputs()[0].toArray();
            int n = b.size(), per = bg.length / n;
            for (int k = 0; k < n; k++) out.add(Arrays.toString(Arrays.copyOfRange(bg, k * per, (k + 1) * per)));
        }
        return out;
    }

    @Test
    void fewBackgroundsStillGiveADisjointSplitOfTheAskedSizes() throws Exception {
        // 15 + 5 images: two backgrounds would hold them, but a background cannot be in both parts
        ExperimentData d = open(15, 5);
        assertEquals(15, d.trainCount());
        assertEquals(5, d.valCount());
        Set<String> train = backgrounds(d.trainSource(1)), val = backgrounds(d.valSource());
        Set<String> shared = new HashSet<>(train);
        shared.retainAll(val);
        assertTrue(shared.isEmpty(), shared.size() + " background(s) in both the training and the validation part");
    }

    @Test
    void trainingPartIsNotShortOfTheAskedCount() throws Exception {
        // 1004 + 6: the training part needs 101 backgrounds and the validation part 1
        ExperimentData d = open(1004, 6);
        assertEquals(1004, d.trainCount());
        assertEquals(6, d.valCount());
    }
}
