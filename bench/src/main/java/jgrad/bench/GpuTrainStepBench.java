package jgrad.bench;

import jgrad.core.Device;
import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.core.spi.Backends;
import jgrad.examples.models.DSResNet;
import jgrad.examples.models.JointModel;
import jgrad.examples.models.MaskNet;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import jgrad.nn.optim.SGD;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * One training step on the GPU: MaskNet (width 32) on a batch of 32 pairs of 3×224×224 images,
 * DSResNet (width 16) on 128 pairs of 3×96×96, the seeds' training shapes. A step is the CPU
 * peer benchmark's step: forward in training mode, loss (MaskNet: bce on the mask; DSResNet:
 * bce(mask) + 2·rmse(depth)), backward, plain SGD (lr 0.01), all in one {@link MemoryScope},
 * ending with the loss value copied to the host (which waits for the GPU). Device memory in use
 * is printed after the first step and at the end, so a growing footprint shows. bench/gpu_peers.py
 * runs the same steps in PyTorch.
 *
 * <p>Without a usable CUDA device the setup fails with the backend's reason.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
public class GpuTrainStepBench {
    @Param({"masknet", "dsresnet"})
    public String model;

    private JointModel net;
    private SGD sgd;
    private final Loss bce = Losses.get("bce"), rmse = Losses.get("rmse");
    private Tensor bg, fgBg, maskT, depthT;

    @Setup
    public void setup() {
        Device gpu = Device.cuda();
        int batch = model.equals("masknet") ? 32 : 128, size = model.equals("masknet") ? 224 : 96;
        net = switch (model) {
            case "masknet" -> new MaskNet(MaskNet.WIDTH, 0.0, new Rng(1));
            case "dsresnet" -> new DSResNet(DSResNet.WIDTH, new Rng(1));
            default -> throw new IllegalArgumentException("GpuTrainStepBench: unknown model " + model);
        };
        net.to(gpu);
        net.train();
        sgd = new SGD(net.parameters(), 0.01);
        Rng rng = new Rng(3);
        bg = Tensor.rand(rng, batch, 3, size, size).moveTo(gpu);
        fgBg = Tensor.rand(rng, batch, 3, size, size).moveTo(gpu);
        maskT = Tensor.rand(rng, batch, 1, size, size).gt(0.5f).moveTo(gpu);
        depthT = Tensor.rand(rng, batch, 1, size, size).moveTo(gpu);
        System.out.println(model + " on " + gpu + ": batch " + batch + " of " + size + "×" + size + ", first loss " + step()
                + ", device memory " + Backends.of(gpu).memoryStats());
    }

    @Benchmark
    public float step() {
        try (var scope = MemoryScope.open()) {
            JointModel.Output out = net.run(bg, fgBg);
            Tensor loss = bce.apply(out.mask(), maskT);
            if (out.hasDepth()) loss = loss.add(rmse.apply(out.depth(), depthT).mul(2f));
            loss.backward();
            sgd.step();
            sgd.zeroGrad();
            return loss.item();
        }
    }

    @TearDown
    public void tearDown() {
        var b = Backends.of(Device.cuda());
        b.synchronize();
        System.out.println(model + ": device memory " + b.memoryStats());
    }
}
