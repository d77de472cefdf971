package jgrad.core;

import java.util.Arrays;

/** Run in a child JVM with -Djgrad.threads=N (by ThreadCountIndependenceTest): one line of bit hashes per threaded kernel. */
public final class ThreadCountProbe {
    public static void main(String[] args) {
        Rng rng = new Rng(3);
        Tensor w = Tensor.randn(rng, 8, 8, 3, 3);
        StringBuilder out = new StringBuilder();
        // batch 6: more (sample, group) tasks than threads; batch 2: fewer than 3 threads (threaded GEMMs)
        for (int batch : new int[]{6, 2})
        for (int stride = 1; stride <= 2; stride++) {
            Tensor x = Tensor.randn(new Rng(batch), batch, 8, 12, 12);
            Tensor xi = x.detach().requiresGrad(true), wi = w.detach().requiresGrad(true);
            Tensor y = Functional.conv2d(xi, wi, null, stride, 1);
            y.square().sum().backward();
            out.append("conv n=").append(batch).append(" stride ").append(stride).append(' ').append(Arrays.hashCode(y.toArray())).append(' ')
                    .append(Arrays.hashCode(xi.grad().toArray())).append(' ').append(Arrays.hashCode(wi.grad().toArray())).append('\n');
        }
        Tensor a = Tensor.randn(rng, 300, 200), b = Tensor.randn(rng, 200, 170);
        out.append("matmul ").append(Arrays.hashCode(a.matmul(b).toArray())).append('\n');
        out.append("sum ").append(Float.floatToIntBits(Tensor.randn(rng, 1 << 20).sum().item())).append('\n');
        System.out.print(out);
    }
}
