package jgrad.bench;

import jgrad.core.Rng;
import jgrad.kernels.cuda.Cuda;
import jgrad.kernels.cuda.CudaBuffer;
import jgrad.kernels.cuda.CudaContext;
import jgrad.kernels.cuda.CudaEvent;
import jgrad.kernels.cuda.Memcpy;
import jgrad.kernels.losses.CudaLosses;
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
 * Every registered loss, fused forward + backward on the GPU ({@link CudaLosses}: L and
 * dL/dpred in one or two kernel launches) at the seeds' training shape 128×1×96×96 and at
 * 64×1×512×512 (2^24 elements: each tensor is 64 MiB, past the H100's 50 MiB L2). Before every
 * call a 128 MiB buffer is overwritten and waited for, in a per-invocation setup outside both
 * JMH's timing and the CUDA events, so the small shape's inputs do not stay in L2 either.
 *
 * <p>The primary score is the wall time per call (launch included, the stream synchronised at
 * the end of each call; the L2 flush is not in it). Printed after every iteration: the kernel time measured with CUDA events
 * around the launches, the effective bandwidth {@link Loss#bytesPerElement()} × n / kernel time
 * (the minimum traffic: read pred and target once, or twice after a global statistic, and write
 * the gradient; SSIM's kernels move more, see their .cu headers), and its share of the
 * bandwidth of a device-to-device copy moving the same number of bytes (read + write), measured
 * in the same iteration. The device is named in every line.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar GpuLossBench
 *   java ... -jar bench/target/benchmarks.jar GpuLossBench -p loss=ssim-a -p shape=128x1x96x96
 * </pre>
 * Without a GPU the setup fails with the reason, and JMH reports the benchmark as failed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class GpuLossBench {
    @Param({"bce", "dice-a", "dice-b", "tversky", "bce-dice", "bce-dice-a", "bce-tversky", "rmse", "berhu",
            "ssim-a", "ssim-b", "grad"})
    public String loss;

    static final long FLUSH_BYTES = 128L << 20;

    @Param({"128x1x96x96", "64x1x512x512"})
    public String shape;

    private Loss fn;
    private int[] dims;
    private CudaContext ctx;
    private CudaLosses losses;
    private CudaBuffer pred, target, grad, value, copySrc, copyDst, flush;
    private CudaEvent start, end, flushed;
    private long bytesPerCall, copyBytes;
    private double kernelMs;
    private long calls;

    @Setup
    public void setup() {
        if (!Cuda.available()) throw new IllegalStateException("GpuLossBench needs a CUDA device: " + Cuda.unavailableReason());
        fn = Losses.get(loss);
        dims = LossBench.parseShape(shape);
        int n = dims[0] * dims[1] * dims[2] * dims[3];
        float[] p = new float[n], t = new float[n];
        Rng rng = new Rng(42);
        for (int i = 0; i < n; i++) {
            p[i] = (float) (2 * rng.nextGaussian());
            t[i] = rng.nextFloat();
        }
        ctx = Cuda.context();
        losses = CudaLosses.shared();
        pred = ctx.allocator().allocate(4L * n);
        target = ctx.allocator().allocate(4L * n);
        grad = ctx.allocator().allocate(4L * n);
        value = ctx.allocator().allocate(4);
        Memcpy.toDevice(p, pred);
        Memcpy.toDevice(t, target);
        bytesPerCall = (long) fn.bytesPerElement() * n;
        copyBytes = bytesPerCall / 2;  // a copy reads and writes each byte: same traffic as the loss
        copySrc = ctx.allocator().allocate(copyBytes);
        copyDst = ctx.allocator().allocate(copyBytes);
        // overwritten before every timed call, so the small shape's 14 MB do not stay in the 50 MB L2
        flush = ctx.allocator().allocate(FLUSH_BYTES);
        start = CudaEvent.create();
        end = CudaEvent.create();
        flushed = CudaEvent.create();
        List<String> missing = new ArrayList<>(Losses.names());
        missing.removeAll(List.of(paramValues()));
        if (!missing.isEmpty()) System.out.println("GpuLossBench: registered but not in @Param (run with -p loss=...): " + missing);
    }

    private static String[] paramValues() {
        try {
            return GpuLossBench.class.getField("loss").getAnnotation(Param.class).value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    @Setup(Level.Iteration)
    public void resetTiming() {
        kernelMs = 0;
        calls = 0;
    }

    /**
     * Evicts the inputs from L2 before every call and waits for it, so neither the JMH score nor
     * the events include the 128 MiB write. (Level.Invocation is fine here: a call is a GPU
     * round trip of tens of microseconds or more, far above the per-invocation overhead.)
     */
    @Setup(Level.Invocation)
    public void flushL2() {
        Memcpy.fill(flush, 0f);
        flushed.record();
        flushed.synchronize();
    }

    @Benchmark
    public long forwardBackward() {
        start.record();
        losses.forwardBackward(fn, pred.address(), target.address(), grad.address(), dims, 1f, false, value.address());
        end.record();
        end.synchronize();
        kernelMs += end.elapsedMillisSince(start);
        return ++calls;
    }

    /** Milliseconds of one device-to-device copy of {@code bytes}, the mean of {@code reps} timed with events. */
    static double copyMillis(CudaBuffer src, CudaBuffer dst, long bytes, CudaEvent start, CudaEvent end, int reps) {
        Memcpy.deviceToDevice(src.address(), dst.address(), bytes / Float.BYTES);
        start.record();
        for (int i = 0; i < reps; i++) Memcpy.deviceToDevice(src.address(), dst.address(), bytes / Float.BYTES);
        end.record();
        end.synchronize();
        return end.elapsedMillisSince(start) / reps;
    }

    @TearDown(Level.Iteration)
    public void report() {
        if (calls == 0) return;
        double ms = kernelMs / calls;
        double gbs = bytesPerCall / (ms * 1e6);
        double copyMs = copyMillis(copySrc, copyDst, copyBytes, start, end, 20);
        double copyGbs = 2.0 * copyBytes / (copyMs * 1e6);
        System.out.printf("  [%s, %s %s] kernels %.1f µs/call (%d launches), %.0f GB/s effective (%d B/element); "
                        + "copy of the same bytes %.0f GB/s; %.0f%% of copy%n",
                ctx.deviceName(), loss, shape, ms * 1e3, CudaLosses.kernels(loss).size(), gbs, fn.bytesPerElement(),
                copyGbs, 100 * gbs / copyGbs);
    }

    @TearDown
    public void close() {
        // a setup that failed part-way leaves the later fields null
        for (CudaBuffer b : new CudaBuffer[]{pred, target, grad, value, copySrc, copyDst, flush}) if (b != null) b.close();
        for (CudaEvent e : new CudaEvent[]{start, end, flushed}) if (e != null) e.close();
    }
}
