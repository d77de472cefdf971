package jgrad.bench.peers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * The machine's limits, measured in the same run as the peer comparison so every result can be
 * given as a share of them (same thread count as jgrad, {@link Parallel#THREADS}):
 * <ul>
 *   <li>{@code fmaPeak}: each thread runs 12 independent chains of {@code acc = acc·a + b} on
 *       preferred-width float vectors, {@link #FMA_STEPS} steps each: 2 FLOPs per lane per FMA,
 *       {@link #fmaFlops()} FLOPs per call in total. 12 chains hide the FMA latency (4 cycles)
 *       across two FMA ports. GFLOP/s = fmaFlops / time. On the 2-core Zen 5 development machine
 *       this loop reached 224 GFLOP/s on two threads, about half the ~488 GFLOP/s that a C loop
 *       of the same shape reaches there, and below jgrad's own one-thread SGEMM (210 GFLOP/s): treat
 *       it as a lower bound of the FMA peak, not as the peak.</li>
 *   <li>{@code copyBandwidth}: c[i] = a[i] + b[i] over 2^24 floats (64 MiB per array, far past the
 *       caches), split across the threads: "read 2, write 1", 12 bytes per element counted
 *       ({@link #COPY_BYTES} per call). GB/s = COPY_BYTES / time.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC"})
public class VectorLimitsBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int FMA_STEPS = 4_000_000;
    static final int COPY_N = 1 << 24;
    public static final double COPY_BYTES = 12.0 * COPY_N;

    /** FLOPs of one {@code fmaPeak} call. */
    public static double fmaFlops() {
        return 2.0 * 12 * S.length() * FMA_STEPS * Parallel.THREADS;
    }

    private float[] a, b, c;

    @Setup
    public void setup() {
        a = new float[COPY_N];
        b = new float[COPY_N];
        c = new float[COPY_N];
        for (int i = 0; i < COPY_N; i++) {
            a[i] = i & 1023;
            b[i] = 1;
        }
        System.out.println("limits: " + Parallel.THREADS + " threads, " + S.vectorBitSize() + "-bit vectors, "
                + fmaFlops() / 1e9 + " GFLOP per fmaPeak call, " + COPY_BYTES / 1e9 + " GB per copyBandwidth call");
    }

    @Benchmark
    public float fmaPeak() {
        float[] out = new float[Parallel.THREADS];
        Parallel.range(Parallel.THREADS, 1, (from, to) -> {
            for (int t = from; t < to; t++) out[t] = chains(t);
        });
        float s = 0;
        for (float v : out) s += v;
        return s;
    }

    private static float chains(int seed) {
        FloatVector m = FloatVector.broadcast(S, 0.999f), k = FloatVector.broadcast(S, 1e-3f);
        FloatVector v0 = FloatVector.broadcast(S, seed), v1 = v0.add(1), v2 = v0.add(2), v3 = v0.add(3),
                v4 = v0.add(4), v5 = v0.add(5), v6 = v0.add(6), v7 = v0.add(7), v8 = v0.add(8), v9 = v0.add(9),
                v10 = v0.add(10), v11 = v0.add(11);
        for (int i = 0; i < FMA_STEPS; i++) {
            v0 = v0.fma(m, k);
            v1 = v1.fma(m, k);
            v2 = v2.fma(m, k);
            v3 = v3.fma(m, k);
            v4 = v4.fma(m, k);
            v5 = v5.fma(m, k);
            v6 = v6.fma(m, k);
            v7 = v7.fma(m, k);
            v8 = v8.fma(m, k);
            v9 = v9.fma(m, k);
            v10 = v10.fma(m, k);
            v11 = v11.fma(m, k);
        }
        FloatVector s = v0.add(v1).add(v2).add(v3).add(v4).add(v5).add(v6).add(v7).add(v8).add(v9).add(v10).add(v11);
        return s.lane(0);
    }

    @Benchmark
    public float copyBandwidth() {
        Parallel.range(COPY_N, 1 << 16, (from, to) -> {
            int i = from, upper = from + S.loopBound(to - from);
            for (; i < upper; i += S.length()) {
                FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(c, i);
            }
            for (; i < to; i++) c[i] = a[i] + b[i];
        });
        return c[COPY_N - 1];
    }
}
