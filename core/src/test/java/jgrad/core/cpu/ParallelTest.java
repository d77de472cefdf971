package jgrad.core.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ParallelTest {
    /**
     * An interrupted caller must not leave chunks running: they write into the caller's arrays
     * (and into its per-thread scratch), which it may reuse as soon as range returns.
     */
    @Test
    void interruptedCallerStillWaitsForEveryChunkAndKeepsTheFlag() {
        assumeTrue(Parallel.THREADS > 1, "needs a pool (jgrad.threads > 1)");
        int n = Parallel.THREADS;
        AtomicInteger done = new AtomicInteger();
        Thread.currentThread().interrupt();
        try {
            Parallel.range(n, 1, (from, to) -> {
                if (from > 0) {
                    // a worker's chunk: still busy when the caller reaches Future.get
                    long end = System.nanoTime() + 200_000_000L;
                    while (System.nanoTime() < end) Thread.onSpinWait();
                }
                done.addAndGet(to - from);
            });
            assertEquals(n, done.get(), "range returned before every chunk had finished");
        } catch (RuntimeException e) {
            assertEquals(n, done.get(), "range gave up before every chunk had finished: " + e);
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt flag must be kept for the caller");
        }
    }

    @Test
    void aWorkerChunksExceptionReachesTheCallerUnwrappedAndThePoolKeepsWorking() {
        assumeTrue(Parallel.THREADS > 1, "needs a pool (jgrad.threads > 1)");
        int n = Parallel.THREADS;
        IllegalStateException boom = new IllegalStateException("chunk failed");
        IllegalStateException got = assertThrows(IllegalStateException.class,
                () -> Parallel.range(n, 1, (from, to) -> {
                    if (from > 0) throw boom;
                }));
        assertSame(boom, got);
        AtomicInteger sum = new AtomicInteger();
        Parallel.range(1000, 1, (from, to) -> sum.addAndGet(to - from));
        assertEquals(1000, sum.get());
    }

    @Test
    void aLoopStartedInsideAChunkRunsOnThatThread() {
        assumeTrue(Parallel.THREADS > 1, "needs a pool (jgrad.threads > 1)");
        int n = Parallel.THREADS;
        AtomicInteger inner = new AtomicInteger();
        Parallel.range(n, 1, (from, to) -> {
            Thread outer = Thread.currentThread();
            Parallel.range(1000, 1, (a, b) -> {
                if (Thread.currentThread() == outer) inner.addAndGet(b - a);
            });
        });
        // the caller's own chunk may fan out; a worker's chunk runs its inner loop by itself
        assertTrue(inner.get() >= 1000 * (n - 1), "inner loops ran on " + inner.get() + " indices on their own threads");
    }
}
