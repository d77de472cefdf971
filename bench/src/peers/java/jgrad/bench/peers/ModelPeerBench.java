package jgrad.bench.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.examples.models.DSResNet;
import jgrad.examples.models.JointModel;
import jgrad.examples.models.MaskNet;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import jgrad.nn.optim.SGD;
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
 * One training step of MaskNet (width 32) or DSResNet (width 16) on a batch of 8 pairs of
 * 3×96×96 images, jgrad against the same network written with DJL's ops
 * ({@link DjlModels}), in one run. A step is: forward in training mode (BatchNorm on batch
 * statistics), loss, backward, plain SGD update (lr 0.01, no momentum), gradients zeroed.
 *
 * <p>The loss is the same composition for both: MaskNet: BCE with logits on the mask;
 * DSResNet: BCE(mask) + 2·RMSE(σ(depth), depth target) with RMSE = sqrt(mean((σ(x) − t)²) + 1e−6).
 * jgrad uses its fused {@code bce} and {@code rmse} losses; DJL composes them from ops.
 * Targets: a random binary mask, a uniform depth in [0, 1].
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx6g", "-XX:+UseParallelGC", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1"})
public class ModelPeerBench {
    @Param({"masknet", "dsresnet"})
    public String model;

    static final int BATCH = 8, SIZE = 96;
    static final float LR = 0.01f;

    private JointModel net;
    private SGD sgd;
    private final Loss bce = Losses.get("bce"), rmse = Losses.get("rmse");
    private Tensor bg, fgBg, maskT, depthT;

    private NDManager m;
    private DjlModels.Model dnet;
    private NDArray dBg, dFgBg, dMaskT, dDepthT;

    @Setup
    public void setup() {
        Rng rng = new Rng(3);
        net = switch (model) {
            case "masknet" -> new MaskNet(MaskNet.WIDTH, 0.0, new Rng(1));
            case "dsresnet" -> new DSResNet(DSResNet.WIDTH, new Rng(1));
            default -> throw new IllegalArgumentException("ModelPeerBench: unknown model " + model);
        };
        net.train();
        sgd = new SGD(net.parameters(), LR);
        bg = Tensor.rand(rng, BATCH, 3, SIZE, SIZE);
        fgBg = Tensor.rand(rng, BATCH, 3, SIZE, SIZE);
        maskT = Tensor.rand(rng, BATCH, 1, SIZE, SIZE).gt(0.5f);
        depthT = Tensor.rand(rng, BATCH, 1, SIZE, SIZE);

        m = Djl.init().newSubManager();
        dnet = model.equals("masknet") ? new DjlModels.MaskNet(m, MaskNet.WIDTH) : new DjlModels.DSResNet(m, DSResNet.WIDTH);
        Shape img = new Shape(BATCH, 3, SIZE, SIZE), one = new Shape(BATCH, 1, SIZE, SIZE);
        dBg = m.create(bg.toArray(), img);
        dFgBg = m.create(fgBg.toArray(), img);
        dMaskT = m.create(maskT.toArray(), one);
        dDepthT = m.create(depthT.toArray(), one);
        long jp = net.parameterCount(), dp = dnet.params().stream().mapToLong(NDArray::size).sum();
        if (jp != dp) throw new IllegalStateException(model + ": jgrad has " + jp + " parameters, the DJL version " + dp);
        System.out.println(model + ": " + jp + " parameters in both; first losses jgrad " + jgrad() + ", DJL " + djl());
    }

    @TearDown
    public void tearDown() {
        m.close();
    }

    @Benchmark
    public float jgrad() {
        sgd.zeroGrad();
        JointModel.Output out = net.run(bg, fgBg);
        Tensor loss = bce.apply(out.mask(), maskT);
        if (out.hasDepth()) loss = loss.add(rmse.apply(out.depth(), depthT).mul(2f));
        loss.backward();
        sgd.step();
        return loss.item();
    }

    @Benchmark
    public float djl() {
        float v;
        try (NDManager step = m.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // inputs copied into this step's manager, so every activation made from them is freed with it
                NDArray b = dBg.duplicate(), f = dFgBg.duplicate();
                b.attach(step);
                f.attach(step);
                NDArray[] out = dnet.forward(b, f);
                NDArray loss = bce(out[out.length - 1], dMaskT);
                if (out.length == 2) loss = loss.add(rmse(out[0], dDepthT).mul(2f));
                gc.backward(loss);
                v = loss.getFloat();
            }
            Djl.sgd(dnet.params(), LR);
        }
        return v;
    }

    /** mean(max(x, 0) − x·t + softplus(−|x|)), softplus(z) = log(1 + e^z). */
    static NDArray bce(NDArray x, NDArray t) {
        return x.getNDArrayInternal().relu().sub(x.mul(t)).add(x.abs().neg().getNDArrayInternal().softPlus()).mean();
    }

    /** sqrt(mean((σ(x) − t)²) + 1e−6). */
    static NDArray rmse(NDArray x, NDArray t) {
        NDArray d = x.getNDArrayInternal().sigmoid().sub(t);
        return d.mul(d).mean().add(1e-6f).sqrt();
    }
}
