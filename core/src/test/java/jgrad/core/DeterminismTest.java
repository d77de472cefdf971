package jgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Threaded kernels must give bitwise the same results on every run (a resumed run depends on it). */
class DeterminismTest {
    @Test
    void convolutionForwardAndBothGradientsAreBitwiseRepeatable() {
        Rng rng = new Rng(21);
        Tensor x = Tensor.randn(rng, 6, 8, 12, 12);
        Tensor w = Tensor.randn(rng, 8, 8, 3, 3);
        for (int stride = 1; stride <= 2; stride++) {
            float[][] first = null;
            for (int run = 0; run < 10; run++) {
                Tensor xi = x.detach().requiresGrad(true), wi = w.detach().requiresGrad(true);
                Tensor y = Functional.conv2d(xi, wi, null, stride, 1);
                y.square().sum().backward();
                float[][] now = {y.toArray(), xi.grad().toArray(), wi.grad().toArray()};
                if (first == null) first = now;
                for (int k = 0; k < 3; k++) assertArrayEquals(first[k], now[k], "stride " + stride + ", run " + run + ", output " + k);
            }
        }
    }

    @Test
    void reductionsAndMatmulAreBitwiseRepeatable() {
        Rng rng = new Rng(5);
        Tensor a = Tensor.randn(rng, 300, 200), b = Tensor.randn(rng, 200, 170);
        float[] mm = a.matmul(b).toArray(), s = a.sum(new int[]{0}, false).toArray();
        float total = Tensor.randn(rng, 1 << 20).sum().item();
        Rng again = new Rng(5);
        Tensor a2 = Tensor.randn(again, 300, 200), b2 = Tensor.randn(again, 200, 170);
        for (int run = 0; run < 5; run++) {
            assertArrayEquals(mm, a2.matmul(b2).toArray());
            assertArrayEquals(s, a2.sum(new int[]{0}, false).toArray());
        }
        assertArrayEquals(new float[]{total}, new float[]{Tensor.randn(again, 1 << 20).sum().item()});
    }
}
