package jgrad.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Two models trained in two user threads share the kernels' pool and their per-thread scratch
 * (packing buffers, padded images): each caller must get exactly what it gets alone.
 */
class ConcurrentCallersTest {
    /** conv2d (stride 1 and 2) forward and both gradients, then a threaded matmul and a large sum. */
    private static float[][] work(long seed) {
        Rng rng = new Rng(seed);
        Tensor x = Tensor.randn(rng, 4, 8, 16, 16), w = Tensor.randn(rng, 8, 8, 3, 3);
        Tensor a = Tensor.randn(rng, 300, 200), b = Tensor.randn(rng, 200, 170);
        List<float[]> out = new ArrayList<>();
        for (int stride = 1; stride <= 2; stride++) {
            Tensor xi = x.detach().requiresGrad(true), wi = w.detach().requiresGrad(true);
            Tensor y = Functional.conv2d(xi, wi, null, stride, 1);
            y.square().sum().backward();
            out.add(y.toArray());
            out.add(xi.grad().toArray());
            out.add(wi.grad().toArray());
        }
        out.add(a.matmul(b).toArray());
        out.add(new float[]{Tensor.randn(rng, 1 << 17).sum().item()});
        return out.toArray(float[][]::new);
    }

    @Test
    void twoUserThreadsGetWhatEachGetsAlone() throws Exception {
        long[] seeds = {1, 2};
        float[][][] alone = {work(seeds[0]), work(seeds[1])};
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService users = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int u = 0; u < 2; u++) {
                int user = u;
                fs.add(users.submit(() -> {
                    start.await();
                    for (int iter = 0; iter < 15; iter++) {
                        float[][] got = work(seeds[user]);
                        for (int k = 0; k < got.length; k++) {
                            assertArrayEquals(alone[user][k], got[k], "user " + user + ", iteration " + iter + ", output " + k);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get(60, TimeUnit.SECONDS);
        } finally {
            users.shutdownNow();
        }
    }
}
