package jgrad.bench;

import jgrad.core.cpu.Gemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Single-precision GEMM on one thread: C = A·B for square n×n row-major matrices, through the
 * packed {@link Gemm} (Vector API microkernel when the incubator module is present).
 *
 * <p>Work per call: {@code 2·n³} floating-point operations (n³ multiply-adds); see
 * {@link #flops(int)}. The {@code gflops} counter reports GFLOP/s directly; the primary score is
 * calls per second. Reference points on a 2-core Zen 5 development machine: FP32 FMA peak
 * ~246 GFLOP/s per core; a simple Vector API 6×32 tile with packed B reaches ~135–155.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar GemmBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Djgrad.threads=1"})
public class GemmBench {
    @Param({"384", "1152"})
    public int n;

    private float[] a, b, c;

    /** Floating-point operations of one n×n×n product. */
    public static double flops(int n) {
        return 2.0 * n * n * n;
    }

    @Setup
    public void setup() {
        Random r = new Random(1);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
            b[i] = r.nextFloat() - 0.5f;
        }
    }

    @Benchmark
    public float[] sgemm(GflopCounter counters) {
        Gemm.gemmSerial(n, n, n, new Gemm.Strided(a, 0, n, 1), new Gemm.Strided(b, 0, n, 1).t(), 0f, c, 0, n);
        counters.gflops += flops(n) * 1e-9;
        return c;
    }
}
