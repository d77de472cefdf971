package jgrad.nn.train;

import java.util.Iterator;
import java.util.List;

/**
 * What the trainer iterates over once per epoch: anything that hands out {@link Batch}es. A fresh
 * iterator is taken each epoch, so a source that shuffles does so in {@code iterator()}; if it draws
 * its order from {@link jgrad.core.Rng#global()} (or a generator given to the trainer), a resumed run
 * sees the same order as an uninterrupted one.
 *
 * <p>An iterator that holds resources (a prefetching loader's worker threads and the batches they
 * decoded ahead) implements {@link AutoCloseable}. The trainer and the LR finder close every
 * iterator they take, also when they stop before its end (an exception, a non-finite loss, the
 * end of a sweep); see {@link #close(Iterator)}.
 */
@FunctionalInterface
public interface DataSource extends Iterable<Batch> {
    /** Batches per epoch if known (for the progress bar's ETA), else −1. */
    default int batchCount() {
        return -1;
    }

    /**
     * Closes an iterator taken from a source if it is {@link AutoCloseable} (does nothing
     * otherwise); a checked exception from {@code close} is rethrown as an unchecked one.
     */
    static void close(Iterator<?> it) {
        if (!(it instanceof AutoCloseable c)) return;
        try {
            c.close();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("DataSource: closing an iterator failed: " + e.getMessage(), e);
        }
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
