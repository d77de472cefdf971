package jgrad.losses;

import jgrad.core.ThreadCountJvm;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Blocks and the gradient loss's bands are cut by shape, never by thread count, so every
 * registered loss gives the same value and gradient bits with 1 and 3 threads (each count in its
 * own JVM: the thread count is fixed when Parallel loads). The shapes include per-image blocks, a
 * flattened batch over several blocks and a plane wide enough for the gradient loss's bands.
 */
class ThreadCountIndependenceTest {
    private static String probe(int threads) throws Exception {
        return ThreadCountJvm.output(ThreadCountProbe.class, threads);
    }

    @Test
    void everyLossGivesTheSameBitsWithOneAndThreeThreads() throws Exception {
        String one = probe(1);
        assertEquals(3 * Losses.names().size(), one.lines().count(), one);
        assertEquals(one, probe(3));
    }
}
