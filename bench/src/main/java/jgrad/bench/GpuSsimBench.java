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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * SSIM-a (11×11 Gaussian, valid) fused forward + backward on the GPU at 5×5×1080×1920: five
 * 1080p images of five channels, 25 planes, 51.8 M elements. The peer is
 * {@code bench/gpu_ssim_peer.py} (PyTorch, the same loss as five separable Gaussian filterings,
 * forward + backward) run on the same machine.
 *
 * <p>Printed after every iteration: the kernel time (CUDA events), the traffic the two kernels
 * move (44 B per element: pred and target read twice, three derivative maps written and read,
 * the gradient written), the resulting GB/s and its share of a device-to-device copy moving the
 * same bytes in the same iteration.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar GpuSsimBench
 *   python3 bench/gpu_ssim_peer.py --out peer-ssim.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class GpuSsimBench {
    static final int[] SHAPE = {5, 5, 1080, 1920};
    static final int KERNEL_BYTES_PER_ELEMENT = 44;

    private Loss fn;
    private CudaContext ctx;
    private CudaLosses losses;
    private CudaBuffer pred, target, grad, value, copySrc, copyDst;
    private CudaEvent start, end;
    private long n;
    private double kernelMs;
    private long calls;

    @Setup
    public void setup() {
        if (!Cuda.available()) throw new IllegalStateException("GpuSsimBench needs a CUDA device: " + Cuda.unavailableReason());
        fn = Losses.get("ssim-a");
        n = (long) SHAPE[0] * SHAPE[1] * SHAPE[2] * SHAPE[3];
        float[] p = new float[(int) n], t = new float[(int) n];
        Rng rng = new Rng(7);
        for (int i = 0; i < n; i++) {
            p[i] = (float) (2 * rng.nextGaussian());
            t[i] = rng.nextFloat();
        }
        ctx = Cuda.context();
        losses = CudaLosses.shared();
        pred = ctx.allocator().allocate(4 * n);
        target = ctx.allocator().allocate(4 * n);
        grad = ctx.allocator().allocate(4 * n);
        value = ctx.allocator().allocate(4);
        Memcpy.toDevice(p, pred);
        Memcpy.toDevice(t, target);
        copySrc = ctx.allocator().allocate(KERNEL_BYTES_PER_ELEMENT * n / 2);
        copyDst = ctx.allocator().allocate(KERNEL_BYTES_PER_ELEMENT * n / 2);
        start = CudaEvent.create();
        end = CudaEvent.create();
    }

    @Setup(Level.Iteration)
    public void resetTiming() {
        kernelMs = 0;
        calls = 0;
    }

    @Benchmark
    public long forwardBackward() {
        start.record();
        losses.forwardBackward(fn, pred.address(), target.address(), grad.address(), SHAPE, 1f, false, value.address());
        end.record();
        end.synchronize();
        kernelMs += end.elapsedMillisSince(start);
        return ++calls;
    }

    @TearDown(Level.Iteration)
    public void report() {
        if (calls == 0) return;
        double ms = kernelMs / calls;
        double bytes = (double) KERNEL_BYTES_PER_ELEMENT * n;
        double copyMs = GpuLossBench.copyMillis(copySrc, copyDst, KERNEL_BYTES_PER_ELEMENT * n / 2, start, end, 5);
        double gbs = bytes / (ms * 1e6), copyGbs = bytes / (copyMs * 1e6);
        System.out.printf("  [%s, ssim-a %s] kernels %.3f ms/call (2 launches), %.0f GB/s (%d B/element moved); "
                        + "copy of the same bytes %.3f ms = %.0f GB/s; %.0f%% of copy%n",
                ctx.deviceName(), java.util.Arrays.toString(SHAPE), ms, gbs, KERNEL_BYTES_PER_ELEMENT, copyMs, copyGbs,
                100 * gbs / copyGbs);
    }

    @TearDown
    public void close() {
        if (pred == null) return; // the setup failed
        for (CudaBuffer b : new CudaBuffer[]{pred, target, grad, value, copySrc, copyDst}) b.close();
        start.close();
        end.close();
    }
}
