package jgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each thread count gets its own JVM ({@link ThreadCountJvm}): the threaded kernels (conv2d forward and both gradients, matmul, a whole-tensor sum) must give the
 * same bits with 1, 2 and 3 threads, or a checkpoint resumed on a machine with another core count
 * would not repeat the uninterrupted run.
 */
class ThreadCountIndependenceTest {
    private static String probe(int threads) throws Exception {
        return ThreadCountJvm.output(ThreadCountProbe.class, threads);
    }

    @Test
    void threadedKernelsGiveTheSameBitsWithOneTwoAndThreeThreads() throws Exception {
        String one = probe(1);
        assertTrue(one.contains("conv n=2 stride 1 ") && one.contains("sum "), one);
        assertEquals(one, probe(2), "1 thread vs 2 threads");
        assertEquals(one, probe(3), "1 thread vs 3 threads");
    }
}
