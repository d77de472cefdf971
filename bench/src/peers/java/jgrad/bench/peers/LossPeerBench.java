package jgrad.bench.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import jgrad.core.Rng;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import jgrad.losses.Ssim;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Loss forward + backward (value and ∂L/∂pred) at the seeds' training shape 128×1×96×96:
 * jgrad's fused path ({@link Loss#forwardBackward} into a preallocated gradient) against the same
 * loss composed from DJL ops and differentiated by libtorch's autograd, in one run. Every loss
 * acts on p = σ(pred), targets in [0, 1]:
 * <ul>
 *   <li>{@code dice-b}: per image 1 − 2Σpt/(Σp + Σt + 1e−6), mean over images.</li>
 *   <li>{@code ssim-a}: 1 − mean S over the valid 86×86 map, 11×11 Gaussian (σ 1.5) as a 1×11 and
 *       an 11×1 convolution (separable, as pytorch-msssim filters), applied to p, t, p², t², p·t
 *       (five filterings), C1 = 1e−4, C2 = 9e−4.</li>
 *   <li>{@code berhu}: d = |p − t|, c = 0.2·max d (no gradient through c), mean of d where d ≤ c
 *       and (d² + c²)/(2c) elsewhere.</li>
 * </ul>
 * The composed versions are checked against jgrad's value in {@link #setup()} (relative 1e−4).
 * Minimum traffic of the fused path: 20 B/element for dice-b and berhu (two passes), 12 for
 * ssim-a; 1,179,648 elements per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx6g", "-XX:+UseParallelGC", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1"})
public class LossPeerBench {
    @Param({"dice-b", "ssim-a", "berhu"})
    public String loss;

    static final int[] DIMS = {128, 1, 96, 96};

    private Loss fn;
    private float[] pred, target, grad;
    private NDManager m;
    private NDArray dPred, dTarget, gRow, gCol;

    @Setup
    public void setup() {
        fn = Losses.get(loss);
        int n = DIMS[0] * DIMS[1] * DIMS[2] * DIMS[3];
        Rng rng = new Rng(42);
        pred = new float[n];
        target = new float[n];
        grad = new float[n];
        for (int i = 0; i < n; i++) {
            pred[i] = (float) (2 * rng.nextGaussian());
            target[i] = rng.nextFloat();
        }
        m = Djl.init().newSubManager();
        Shape s = new Shape(DIMS[0], DIMS[1], DIMS[2], DIMS[3]);
        dPred = m.create(pred, s);
        dPred.setRequiresGradient(true);
        dTarget = m.create(target, s);
        double[] g = Ssim.gaussian(11, 1.5);
        float[] gf = new float[11];
        for (int i = 0; i < 11; i++) gf[i] = (float) g[i];
        gRow = m.create(gf, new Shape(1, 1, 1, 11));
        gCol = m.create(gf, new Shape(1, 1, 11, 1));

        double ours = fn.forwardBackward(pred, target, DIMS, grad, 1f, false);
        float peer = djl();
        if (Math.abs(ours - peer) > 1e-4 * Math.max(1, Math.abs(ours))) {
            throw new IllegalStateException(loss + ": jgrad gives " + ours + ", the DJL version " + peer);
        }
        System.out.println(loss + ": jgrad " + ours + ", DJL " + peer);
    }

    @TearDown
    public void tearDown() {
        m.close();
    }

    @Benchmark
    public double jgrad() {
        return fn.forwardBackward(pred, target, DIMS, grad, 1f, false);
    }

    @Benchmark
    public float djl() {
        try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            // σ(pred) moves to this step's manager; ops put their results in their first operand's
            // manager, so everything computed from p is freed with the step
            NDArray p = dPred.getNDArrayInternal().sigmoid();
            p.attach(step);
            this.step = step;
            NDArray l = switch (loss) {
                case "dice-b" -> dice(p);
                case "ssim-a" -> ssim(p);
                case "berhu" -> berhu(p);
                default -> throw new IllegalArgumentException("LossPeerBench: no DJL version of " + loss);
            };
            gc.backward(l);
            float v = l.getFloat();
            try (NDArray g = dPred.getGradient()) {
                g.muli(0f);
            }
            return v;
        }
    }

    private NDManager step;

    /** Moves an op's result made from the shared target into this step's manager. */
    private NDArray own(NDArray a) {
        a.attach(step);
        return a;
    }

    private NDArray dice(NDArray p) {
        int[] axes = {1, 2, 3};
        NDArray inter = p.mul(dTarget).sum(axes);
        NDArray den = p.sum(axes).add(own(dTarget.sum(axes))).add(1e-6f);
        return inter.mul(2).div(den).neg().add(1).mean();
    }

    private NDArray blur(NDArray a) {
        NDArray r = own(Conv2d.conv2d(a, gRow, null).singletonOrThrow());
        return own(Conv2d.conv2d(r, gCol, null).singletonOrThrow());
    }

    private NDArray ssim(NDArray p) {
        final float c1 = 1e-4f, c2 = 9e-4f;
        NDArray t = dTarget;
        NDArray mx = blur(p), my = own(blur(t));
        NDArray sxx = blur(p.mul(p)).sub(mx.mul(mx));
        NDArray syy = own(blur(own(t.mul(t)))).sub(my.mul(my));
        NDArray sxy = blur(p.mul(t)).sub(mx.mul(my));
        NDArray a1 = mx.mul(my).mul(2).add(c1), a2 = sxy.mul(2).add(c2);
        NDArray b1 = mx.mul(mx).add(my.mul(my)).add(c1), b2 = sxx.add(syy).add(c2);
        NDArray s = a1.mul(a2).div(b1.mul(b2));
        return s.mean().neg().add(1);
    }

    private NDArray berhu(NDArray p) {
        NDArray d = p.sub(dTarget).abs();
        NDArray c = d.max().stopGradient().mul(0.2f);
        NDArray quad = d.mul(d).add(c.mul(c)).div(c.mul(2));
        return ai.djl.ndarray.NDArrays.where(d.lte(c), d, quad).mean();
    }
}
