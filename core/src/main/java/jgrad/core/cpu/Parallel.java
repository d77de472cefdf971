package jgrad.core.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits loops across the cores. One small daemon pool for the whole process; the calling thread
 * always takes a share, and a loop started from inside a worker runs serially (no nested fan-out,
 * no deadlock). The thread count is the number of available processors, or the system property
 * {@code jgrad.threads}.
 */
public final class Parallel {
    /** Body of a parallel loop: handles the half-open index range [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    public static final int THREADS = Math.max(1,
            Integer.getInteger("jgrad.threads", Runtime.getRuntime().availableProcessors()));

    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);
    private static final ExecutorService POOL = THREADS == 1 ? null : Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(() -> {
            IN_WORKER.set(true);
            r.run();
        }, "jgrad-cpu");
        t.setDaemon(true);
        return t;
    });

    private Parallel() {}

    /**
     * Runs body over [0, n) in up to {@link #THREADS} contiguous chunks of at least
     * {@code grain} indices each. Returns when every chunk is done; rethrows a chunk's exception.
     * An interrupt of the calling thread does not cut the wait short (the chunks write into the
     * caller's arrays): the loop completes and the interrupt flag is set again on return.
     */
    public static void range(int n, int grain, Range body) {
        if (n <= 0) return;
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, grain)));
        if (chunks == 1 || POOL == null || IN_WORKER.get()) {
            body.run(0, n);
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            futures[c - 1] = POOL.submit(() -> body.run(from, to));
        }
        Throwable failure = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (Throwable t) {
            failure = t;
        }
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: the chunk is still writing into our arrays
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new RuntimeException(failure);
    }
}
