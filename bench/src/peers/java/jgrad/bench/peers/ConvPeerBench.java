package jgrad.bench.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * 3×3 convolution forward + backward, jgrad against DJL/libtorch in one run: x 8×32×64×64,
 * W 32×32×3×3, stride 1, padding 1, no bias; the backward computes both ∂/∂x and ∂/∂W from a
 * fixed output gradient. Work per call: three products of 2·8·32·288·4096 FLOPs each,
 * {@link #STEP_FLOPS} ≈ 1.81 GFLOP (GFLOP/s = 1.81 / seconds per call).
 *
 * <p>jgrad zeroes the two gradients and recomputes them; libtorch adds into its existing
 * gradient buffers (one extra 1 M-element add for ∂x, well under 1 % of the step).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx6g", "-XX:+UseParallelGC", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1"})
public class ConvPeerBench {
    static final int N = 8, C = 32, H = 64, W = 64, O = 32, K = 3;
    public static final double STEP_FLOPS = 3 * 2.0 * N * O * (C * K * K) * (H * W);

    private Tensor x, w, gradOut;
    private NDManager m;
    private NDArray dx, dw, dGradOut;

    @Setup
    public void setup() {
        Rng rng = new Rng(7);
        x = Tensor.randn(rng, N, C, H, W).requiresGrad(true);
        w = Tensor.randn(rng, O, C, K, K).mul(0.06f).detach().requiresGrad(true);
        gradOut = Tensor.randn(rng, N, O, H, W);

        m = Djl.init().newSubManager();
        dx = m.create(x.toArray(), new Shape(N, C, H, W));
        dw = m.create(w.toArray(), new Shape(O, C, K, K));
        dGradOut = m.create(gradOut.toArray(), new Shape(N, O, H, W));
        dx.setRequiresGradient(true);
        dw.setRequiresGradient(true);
        System.out.println("conv: " + Parallel.THREADS + " threads each; " + STEP_FLOPS / 1e9 + " GFLOP per call");
    }

    @TearDown
    public void tearDown() {
        m.close();
    }

    @Benchmark
    public Tensor jgrad() {
        x.zeroGrad();
        w.zeroGrad();
        Tensor y = Functional.conv2d(x, w, null, 1, 1);
        y.backward(gradOut);
        return w.grad();
    }

    @Benchmark
    public float djl() {
        try (NDManager step = m.newSubManager();
             ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            NDArray xs = dx;
            NDArray y = Conv2d.conv2d(xs, dw, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
            y.attach(step);
            Djl.backward(y, dGradOut);
            try (NDArray g = dw.getGradient()) {
                return g.getFloat(0, 0, 0, 0);
            }
        }
    }
}
