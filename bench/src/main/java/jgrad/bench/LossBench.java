package jgrad.bench;

import jgrad.core.Rng;
import jgrad.core.cpu.Parallel;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fused forward + backward of every registered loss ({@link Loss#forwardBackward}: value and
 * dL/dpred into a preallocated gradient) at the seeds' training shape 128×1×96×96 and at
 * 64×1×512×512 (2^24 elements, far past the caches).
 *
 * <p>Reported: time per call (the primary score, ms/op) and, printed after every iteration, the
 * effective bandwidth in GB/s: {@link Loss#bytesPerElement()} × elements per call, i.e. the
 * minimum traffic (read pred and target once, or twice for losses that need a global statistic
 * first, and write the gradient), divided by the time. (JMH's auxiliary counters were not used:
 * in average-time mode they are not normalised by time.) Compare it with the
 * machine's measured "read 2, write 1" copy bandwidth (38–45 GB/s on 2 cores of the development
 * machine) taken in the same session.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar LossBench
 *   java ... -jar bench/target/benchmarks.jar LossBench -p loss=bce,ssim-a -p shape=128x1x96x96
 * </pre>
 * The {@code loss} parameter lists the registry at the time of writing; {@link #setup()} prints
 * any registered loss missing from it, and {@code -p loss=NAME} runs any registered loss.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g", "-XX:+UseParallelGC"})
public class LossBench {
    @Param({"bce", "dice-a", "dice-b", "tversky", "bce-dice", "bce-dice-a", "bce-tversky", "rmse", "berhu",
            "ssim-a", "ssim-b", "grad"})
    public String loss;

    @Param({"128x1x96x96", "64x1x512x512"})
    public String shape;

    private Loss fn;
    private int[] dims;
    private float[] pred, target, grad;
    private double bytesPerCall;

    // per-iteration self-timing, for the GB/s line printed after each iteration
    private long nanos, calls;

    @Setup(Level.Iteration)
    public void resetTiming() {
        nanos = 0;
        calls = 0;
    }

    @TearDown(Level.Iteration)
    public void reportBandwidth() {
        if (calls == 0) return;
        double ms = nanos / 1e6 / calls;
        System.out.printf("  [%s %s] %.3f ms/call, %.1f GB/s effective (%d B/element)%n", loss, shape, ms,
                bytesPerCall / (ms * 1e6), fn.bytesPerElement());
    }

    @Setup
    public void setup() {
        fn = Losses.get(loss);
        dims = parseShape(shape);
        int n = dims[0] * dims[1] * dims[2] * dims[3];
        Rng rng = new Rng(42);
        pred = new float[n];
        target = new float[n];
        grad = new float[n];
        for (int i = 0; i < n; i++) {
            pred[i] = (float) (2 * rng.nextGaussian());
            target[i] = rng.nextFloat();
        }
        bytesPerCall = (double) fn.bytesPerElement() * n;
        List<String> listed = List.of(paramValues());
        List<String> missing = new ArrayList<>(Losses.names());
        missing.removeAll(listed);
        if (!missing.isEmpty()) System.out.println("LossBench: registered but not in @Param (run with -p loss=...): " + missing);
        System.out.println("LossBench: " + loss + " at " + shape + ", " + Parallel.THREADS + " jgrad threads, "
                + fn.bytesPerElement() + " B/element counted");
    }

    /**
     * The shape parameter "NxCxHxW" as four positive sizes whose product fits an int (a float
     * array), or an error that quotes it.
     */
    static int[] parseShape(String shape) {
        String[] parts = shape == null ? new String[0] : shape.split("x", -1);
        try {
            if (parts.length != 4) throw new NumberFormatException();
            int[] d = new int[4];
            long n = 1;
            for (int i = 0; i < 4; i++) {
                d[i] = Integer.parseInt(parts[i].strip());
                if (d[i] <= 0) throw new NumberFormatException();
                n *= d[i];
                if (n > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("shape " + shape + " has more elements than a Java array holds");
                }
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shape must be NxCxHxW with four positive integers (e.g. 128x1x96x96), got '" + shape + "'");
        }
    }

    private static String[] paramValues() {
        try {
            return LossBench.class.getField("loss").getAnnotation(Param.class).value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public double forwardBackward() {
        long t0 = System.nanoTime();
        double v = fn.forwardBackward(pred, target, dims, grad, 1f, false);
        nanos += System.nanoTime() - t0;
        calls++;
        return v;
    }
}
