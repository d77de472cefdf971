package jgrad.bench;

import jgrad.core.Functional;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.core.cpu.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A 3×3 convolution training step on the CPU, all threads: input x 8×32×64×64, weight
 * 32×32×3×3, stride 1, padding 1, no bias. {@code step} runs the forward pass and the backward
 * pass to both the input and the weight; {@code forward} only the forward pass.
 *
 * <p>Work: each of the three products (forward, input gradient, weight gradient) is
 * 2·N·O·(C·kH·kW)·(OH·OW) = 2·8·32·288·4096 = 603,979,776 floating-point operations
 * ({@link #PASS_FLOPS}); a step is three of them, {@link #STEP_FLOPS} ≈ 1.81 GFLOP. The
 * {@code gflops} counter reports GFLOP/s directly; the primary score is calls per second.
 * Reference on a 2-core Zen 5 machine: libtorch (oneDNN) through DJL ~15 ms per step
 * (~120 GFLOP/s).
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ConvBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBench {
    static final int N = 8, C = 32, H = 64, W = 64, O = 32, K = 3;

    /** FLOPs of one of the three products: 2 · N · O · (C·K·K) · (H·W) (stride 1, padding 1 keeps H×W). */
    public static final double PASS_FLOPS = 2.0 * N * O * (C * K * K) * (H * W);
    /** FLOPs of one forward + backward step (forward, input gradient, weight gradient). */
    public static final double STEP_FLOPS = 3 * PASS_FLOPS;

    private Tensor x, w, gradOut;

    @Setup
    public void setup() {
        Rng rng = new Rng(7);
        x = Tensor.randn(rng, N, C, H, W).requiresGrad(true);
        w = Tensor.randn(rng, O, C, K, K).mul(0.06f).detach().requiresGrad(true);
        gradOut = Tensor.randn(rng, N, O, H, W);
        System.out.println("ConvBench: " + Parallel.THREADS + " jgrad threads, " + STEP_FLOPS / 1e9 + " GFLOP per step");
    }

    @Benchmark
    public Tensor step(GflopCounter counters) {
        x.zeroGrad();
        w.zeroGrad();
        Tensor y = Functional.conv2d(x, w, null, 1, 1);
        y.backward(gradOut);
        counters.gflops += STEP_FLOPS * 1e-9;
        return w.grad();
    }

    @Benchmark
    public Tensor forward(GflopCounter counters) {
        Tensor y = Functional.conv2d(x.detach(), w.detach(), null, 1, 1);
        counters.gflops += PASS_FLOPS * 1e-9;
        return y;
    }
}
