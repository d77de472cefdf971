package jgrad.examples.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLoaderTest {
    @TempDir
    Path tmp;
    DepthMaskDataset ds;
    int[] all;

    @BeforeEach
    void data() {
        TestData.generate(tmp, Layout.B, 10, 5, 16, 21, 2);
        ds = DepthMaskDataset.open(tmp, OnError.FAIL, 16);
        all = new int[ds.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
    }

    private static List<Batch> drain(DataLoader.Epoch ep) {
        List<Batch> out = new ArrayList<>();
        try (ep) {
            while (ep.hasNext()) out.add(ep.next());
        }
        return out;
    }

    @Test
    void everySampleExactlyOncePerEpochWithShapes() {
        DataLoader loader = new DataLoader(ds, all, DataLoader.Options.training(3, 7).withWorkers(2, 2));
        assertEquals(4, loader.batchesPerEpoch());
        int[][] orders = new int[2][];
        for (int epoch = 0; epoch < 2; epoch++) {
            List<Batch> batches = drain(loader.epoch(epoch));
            assertEquals(4, batches.size());
            int[] sizes = batches.stream().mapToInt(Batch::size).toArray();
            assertArrayEquals(new int[]{3, 3, 3, 1}, sizes);
            assertArrayEquals(new int[]{3, 3, 16, 16}, batches.get(0).fgBg().dims());
            assertArrayEquals(new int[]{3, 1, 16, 16}, batches.get(0).depth().dims());
            assertArrayEquals(new int[]{1, 1, 16, 16}, batches.get(3).mask().dims());
            int[] seen = batches.stream().flatMapToInt(b -> Arrays.stream(b.indices())).toArray();
            orders[epoch] = seen.clone();
            Arrays.sort(seen);
            assertArrayEquals(all, seen, "every sample once in epoch " + epoch);
        }
        assertFalse(Arrays.equals(orders[0], orders[1]), "epochs should be shuffled differently");
    }

    @Test
    void contentDoesNotDependOnWorkerCount() {
        var opts = DataLoader.Options.training(4, 3);
        List<Batch> one = drain(new DataLoader(ds, all, opts.withWorkers(1, 1)).epoch(2));
        List<Batch> three = drain(new DataLoader(ds, all, opts.withWorkers(3, 5)).epoch(2));
        assertEquals(one.size(), three.size());
        for (int b = 0; b < one.size(); b++) {
            assertArrayEquals(one.get(b).indices(), three.get(b).indices());
            assertArrayEquals(one.get(b).bg().data(), three.get(b).bg().data());
            assertArrayEquals(one.get(b).fgBg().data(), three.get(b).fgBg().data());
        }
    }

    @Test
    void dropLastAndSubsets() {
        var opts = new DataLoader.Options(4, false, true, null, 0, 2, 2, OnError.FAIL);
        List<Batch> b = drain(new DataLoader(ds, new int[]{9, 1, 4, 6, 2, 0}, opts).epoch(0));
        assertEquals(1, b.size());
        assertArrayEquals(new int[]{9, 1, 4, 6}, b.get(0).indices());
        var e = assertThrows(IllegalArgumentException.class, () -> new DataLoader(ds, new int[]{10}, opts));
        assertTrue(e.getMessage().contains("10"), e.getMessage());
    }

    @Test
    void workerErrorReachesTheConsumerNamingTheFile() throws Exception {
        Path bad = tmp.resolve("fg_bg/bg_001/fg_bg_001_003.jpg");
        Files.write(bad, "not a jpeg".getBytes());
        DataLoader loader = new DataLoader(ds, all, DataLoader.Options.validation(2));
        DataLoader.Epoch ep = loader.epoch(0);
        // samples 0..7 load fine; sample 8 (bg_001 variant 3) is in the fifth batch
        for (int k = 0; k < 4; k++) assertEquals(2, ep.next().size());
        var e = assertThrows(DataException.class, ep::next);
        assertTrue(e.getMessage().contains("fg_bg_001_003.jpg"), e.getMessage());
        assertEquals(0, ep.liveWorkers(), "workers must be shut down after an error");

        DataLoader skipping = new DataLoader(ds, all, DataLoader.Options.validation(2).withOnError(OnError.SKIP));
        int delivered = drain(skipping.epoch(0)).stream().mapToInt(Batch::size).sum();
        assertEquals(9, delivered);
        assertEquals(1, skipping.skipped());
        assertTrue(skipping.skippedMessages().get(0).contains("fg_bg_001_003.jpg"));
    }

    @Test
    void aSampleThatFailsInEveryEpochIsCountedOnce() throws Exception {
        Files.write(tmp.resolve("fg_bg/bg_001/fg_bg_001_003.jpg"), "not a jpeg".getBytes());
        DataLoader skipping = new DataLoader(ds, all, DataLoader.Options.training(2, 3).withOnError(OnError.SKIP));
        for (int e = 0; e < 3; e++) assertEquals(9, drain(skipping.epoch(e)).stream().mapToInt(Batch::size).sum());
        assertEquals(1, skipping.skipped());
        assertEquals(1, skipping.skippedMessages().size(), skipping.skippedMessages().toString());
    }

    @Test
    void closingEarlyStopsTheThreads() {
        DataLoader loader = new DataLoader(ds, all, DataLoader.Options.training(1, 1).withWorkers(2, 2));
        DataLoader.Epoch ep = loader.epoch(0);
        ep.next();
        ep.close();
        assertEquals(0, ep.liveWorkers());
        assertThrows(IllegalStateException.class, ep::hasNext);
    }
}
