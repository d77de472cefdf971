package jgrad.examples.experiments;

import jgrad.nn.train.Batch;
import jgrad.nn.train.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A streamed source's iterator owns its epoch's prefetching workers: the trainer and the LR finder
 * close it when they stop early, so it must be AutoCloseable and closing must reach the epoch.
 */
class StreamingCloseTest {
    @TempDir
    Path tmp;

    @Test
    void closingAStreamedSourcesIteratorClosesItsEpoch() throws Exception {
        // augmentation forces streaming through the DataLoader
        Config c = Config.defaults().with(Map.of("size", "8", "train", "12", "val", "4", "batch", "2", "augment", "true",
                "workers", "2"), "test");
        var dc = CompareLosses.resolveData(c, tmp.resolve("cache"), null);
        ExperimentData data = ExperimentData.open(dc.dir(), dc.config());
        assertFalse(data.inMemory());
        Iterator<Batch> it = data.trainSource(1).iterator();
        assertTrue(it.hasNext());
        it.next();
        assertInstanceOf(AutoCloseable.class, it, "the trainer cannot stop the loader's workers");
        DataSource.close(it);
        assertThrows(IllegalStateException.class, it::hasNext, "the epoch is still open");
    }
}
