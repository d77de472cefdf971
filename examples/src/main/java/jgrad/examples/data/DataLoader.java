package jgrad.examples.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import jgrad.core.Rng;
import jgrad.core.Tensor;

/**
 * Batches of a {@link DepthMaskDataset} subset, decoded ahead of the consumer by background
 * threads.
 *
 * <p><b>Order.</b> Epoch e visits the given indices in order, or shuffled by a Fisher–Yates pass
 * of {@code new Rng(mix(seed, e))}, cut into consecutive batches (the last one short unless
 * {@code dropLast}). Augmentation, when set, draws its parameters for sample i of epoch e from
 * {@code new Rng(mix(seed, e, i))}; so batches and their contents depend on (seed, epoch) only,
 * never on the number of workers or their timing.
 *
 * <p><b>Prefetch.</b> {@code workers} threads claim batch numbers in increasing order and decode
 * them; a semaphore of {@code capacity} permits bounds how many decoded or in-flight batches may
 * wait for the consumer (a worker takes a permit before claiming, the consumer returns it when it
 * takes the batch). The consumer receives batches in order. Because claims are in order and each
 * claimed batch holds a permit, the batch the consumer waits for is always being worked on: no
 * deadlock.
 *
 * <p><b>Errors.</b> A load failure (missing, corrupt, mismatched file) in a worker reaches the
 * consumer as a {@link DataException} naming the file, raised when it asks for that batch, and
 * the iterator shuts down. With {@link OnError#SKIP} the sample is left out of its batch and
 * counted in {@link #skipped()} instead (an emptied batch is not delivered).
 *
 * <p>An {@link Epoch} is {@link AutoCloseable}: closing (also done at the end of the epoch and on
 * error) interrupts and joins its threads.
 */
public final class DataLoader {
    /** Loader settings; {@code augment} null means no augmentation (validation). */
    public record Options(int batchSize, boolean shuffle, boolean dropLast, Augment augment, long seed, int workers, int capacity,
                          OnError onError) {
        public Options {
            if (batchSize <= 0) throw new IllegalArgumentException("DataLoader: batch size must be positive, got " + batchSize);
            if (workers <= 0) throw new IllegalArgumentException("DataLoader: workers must be positive, got " + workers);
            if (capacity <= 0) throw new IllegalArgumentException("DataLoader: capacity must be positive, got " + capacity);
        }

        /** Training: shuffled, augmented, 2 workers, 4 batches ahead, fail on bad files. */
        public static Options training(int batchSize, long seed) {
            return new Options(batchSize, true, false, Augment.standard(), seed, 2, 4, OnError.FAIL);
        }

        /** Validation: in order, never augmented. */
        public static Options validation(int batchSize) {
            return new Options(batchSize, false, false, null, 0, 2, 4, OnError.FAIL);
        }

        public Options withOnError(OnError e) {
            return new Options(batchSize, shuffle, dropLast, augment, seed, workers, capacity, e);
        }

        public Options withWorkers(int w, int cap) {
            return new Options(batchSize, shuffle, dropLast, augment, seed, w, cap, onError);
        }
    }

    private final DepthMaskDataset dataset;
    private final int[] indices;
    private final Options opts;
    /** The samples left out so far and why, each once however many epochs it failed in. */
    private final Map<Integer, String> skippedSamples = new LinkedHashMap<>();

    public DataLoader(DepthMaskDataset dataset, int[] indices, Options opts) {
        for (int i : indices) {
            if (i < 0 || i >= dataset.size()) throw new IllegalArgumentException("DataLoader: index " + i + " outside the dataset of " + dataset.size());
        }
        this.dataset = dataset;
        this.indices = indices.clone();
        this.opts = opts;
    }

    public int samples() {
        return indices.length;
    }

    public int batchesPerEpoch() {
        return opts.dropLast() ? indices.length / opts.batchSize() : (indices.length + opts.batchSize() - 1) / opts.batchSize();
    }

    /**
     * Samples left out so far (with {@link OnError#SKIP}): distinct samples, so a bad file that
     * fails again in every epoch counts once.
     */
    public int skipped() {
        synchronized (skippedSamples) {
            return skippedSamples.size();
        }
    }

    /** The skip reasons of the first 100 samples left out, one per sample, each naming its file. */
    public List<String> skippedMessages() {
        synchronized (skippedSamples) {
            return skippedSamples.values().stream().limit(100).toList();
        }
    }

    /** Every sample left out so far (its dataset index) with its reason, in the order they failed. */
    public Map<Integer, String> skippedSamples() {
        synchronized (skippedSamples) {
            return new LinkedHashMap<>(skippedSamples);
        }
    }

    /** The visiting order of an epoch (shuffled or not). */
    int[] order(int epoch) {
        int[] o = indices.clone();
        if (opts.shuffle()) {
            new Rng(mix(opts.seed(), epoch, -1)).shuffle(o);
        }
        return o;
    }

    static long mix(long seed, long epoch, long index) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch;
        h = h * 0xC2B2AE3D27D4EB4FL + index;
        return new Rng(h).nextLong();
    }

    /** Starts the workers for one epoch. Close it (try-with-resources) if you stop early. */
    public Epoch epoch(int epoch) {
        return new Epoch(epoch);
    }

    /** One epoch's batches, in order, decoded ahead by the workers. */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final int nBatches;
        private final CompletableFuture<Batch>[] futures;
        private final Semaphore permits;
        private final AtomicInteger nextClaim = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean closed;
        private int cursor;
        private Batch pending;

        @SuppressWarnings("unchecked")
        private Epoch(int epoch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.nBatches = batchesPerEpoch();
            this.futures = new CompletableFuture[nBatches];
            for (int b = 0; b < nBatches; b++) futures[b] = new CompletableFuture<>();
            this.permits = new Semaphore(opts.capacity());
            for (int w = 0; w < Math.min(opts.workers(), Math.max(1, nBatches)); w++) {
                Thread t = new Thread(this::work, "jgrad-data-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void work() {
            try {
                while (!closed) {
                    permits.acquire();
                    int b = nextClaim.getAndIncrement();
                    if (b >= nBatches || closed) return;
                    try {
                        futures[b].complete(build(b));
                    } catch (Throwable e) {
                        futures[b].completeExceptionally(e);
                    }
                }
            } catch (InterruptedException e) {
                // closed while waiting for a permit
            }
        }

        private Batch build(int b) {
            int from = b * opts.batchSize(), to = Math.min(order.length, from + opts.batchSize());
            List<Sample> samples = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                int i = order[k];
                Augment.Params aug = opts.augment() == null ? null : opts.augment().draw(new Rng(mix(opts.seed(), epoch, i)));
                try {
                    samples.add(dataset.load(i, aug));
                } catch (DataException e) {
                    if (opts.onError() == OnError.FAIL) throw e;
                    synchronized (skippedSamples) {
                        skippedSamples.putIfAbsent(i, e.getMessage());
                    }
                }
            }
            return samples.isEmpty() ? null : collate(samples, dataset.height(), dataset.width()); // null: all skipped
        }

        @Override
        public boolean hasNext() {
            while (pending == null && cursor < nBatches) {
                if (closed) throw new IllegalStateException("DataLoader: epoch " + epoch + " was closed");
                Batch b;
                try {
                    b = futures[cursor].get();
                } catch (InterruptedException e) {
                    close();
                    Thread.currentThread().interrupt();
                    throw new DataException("DataLoader: interrupted while waiting for batch " + cursor);
                } catch (ExecutionException e) {
                    close();
                    Throwable c = e.getCause();
                    if (c instanceof DataException de) throw new DataException(de.getMessage(), de);
                    throw new DataException("DataLoader: batch " + cursor + " of epoch " + epoch + " failed: " + c, c);
                }
                futures[cursor] = null; // drop the reference: an epoch must not keep every batch alive
                permits.release();
                cursor++;
                if (b != null) pending = b;
            }
            if (pending == null) close();
            return pending != null;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + epoch + " has no more batches");
            Batch b = pending;
            pending = null;
            return b;
        }

        /** Worker threads still running (0 after close). */
        public int liveWorkers() {
            int n = 0;
            for (Thread t : threads) if (t.isAlive()) n++;
            return n;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            for (Thread t : threads) t.interrupt();
            for (Thread t : threads) {
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stacks samples into N×C×H×W tensors. */
    static Batch collate(List<Sample> samples, int h, int w) {
        int n = samples.size(), plane = h * w;
        float[] bg = new float[n * 3 * plane], fg = new float[n * 3 * plane], mask = new float[n * plane], depth = new float[n * plane];
        int[] idx = new int[n];
        for (int k = 0; k < n; k++) {
            Sample s = samples.get(k);
            System.arraycopy(s.bg(), 0, bg, k * 3 * plane, 3 * plane);
            System.arraycopy(s.fgBg(), 0, fg, k * 3 * plane, 3 * plane);
            System.arraycopy(s.mask(), 0, mask, k * plane, plane);
            System.arraycopy(s.depth(), 0, depth, k * plane, plane);
            idx[k] = s.index();
        }
        return new Batch(Tensor.wrap(bg, n, 3, h, w), Tensor.wrap(fg, n, 3, h, w), Tensor.wrap(mask, n, 1, h, w),
                Tensor.wrap(depth, n, 1, h, w), idx);
    }
}
