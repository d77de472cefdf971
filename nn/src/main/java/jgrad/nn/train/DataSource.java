package jgrad.nn.train;

import java.util.Iterator;
import java.util.List;

/**
 * What the trainer iterates over once per epoch: anything that hands out {@link Batch}es. A fresh
 * iterator is taken each epoch, so a source that shuffles does so in {@code iterator()}; if it draws
 * its order from {@link jgrad.core.Rng#global()} (or a generator given to the trainer), a resumed run
 * sees the same order as an uninterrupted one.
 */
@FunctionalInterface
public interface DataSource extends Iterable<Batch> {
    /** Batches per epoch if known (for the progress bar's ETA), else −1. */
    default int batchCount() {
        return -1;
    }

    /** A fixed list of batches, in order. */
    static DataSource of(List<Batch> batches) {
        List<Batch> copy = List.copyOf(batches);
        return new DataSource() {
            @Override
            public Iterator<Batch> iterator() {
                return copy.iterator();
            }

            @Override
            public int batchCount() {
                return copy.size();
            }
        };
    }
}
