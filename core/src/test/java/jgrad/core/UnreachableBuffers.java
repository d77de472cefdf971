package jgrad.core;

import java.util.function.LongSupplier;

/**
 * For tests that compare device-memory figures across steps: device tensors that earlier tests
 * dropped without releasing are handed back by a Cleaner after a garbage collection, and one
 * that happens in the middle of a test would shift the figures it compares. {@link #settle}
 * collects first and waits until the figure stops changing.
 */
public final class UnreachableBuffers {
    private UnreachableBuffers() {}

    /**
     * Two garbage collections, then waits (at most 5 s) until {@code figure} (open buffers, bytes
     * in use) reads the same five times in a row, 20 ms apart.
     */
    public static void settle(LongSupplier figure) {
        System.gc();
        System.gc();
        long deadline = System.nanoTime() + 5_000_000_000L, last = Long.MIN_VALUE;
        for (int stable = 0; stable < 5 && System.nanoTime() < deadline; ) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = figure.getAsLong();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
    }
}
