package jgrad.examples.models;

import jgrad.core.Device;
import jgrad.core.EmulatedBackend;
import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.core.UnreachableBuffers;
import jgrad.core.spi.Backend;
import jgrad.core.spi.Backends;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import jgrad.nn.optim.SGD;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A MaskNet and a DSResNet training step on a device give the CPU step's parameters and
 * BatchNorm statistics: forward in training mode, bce(mask) (+ 2·rmse(depth) for DSResNet),
 * backward, SGD. On the emulated device always; on CUDA (tag "cuda") at the seeds' widths, plus
 * 1,000 steps that must hold device memory flat.
 */
class ModelStepOnDeviceTest {
    private static final Loss BCE = Losses.get("bce"), RMSE = Losses.get("rmse");

    record Batch(Tensor bg, Tensor fgBg, Tensor mask, Tensor depth) {
        static Batch random(int n, int size, long seed) {
            Rng r = new Rng(seed);
            return new Batch(Tensor.rand(r, n, 3, size, size), Tensor.rand(r, n, 3, size, size),
                    Tensor.rand(r, n, 1, size, size).gt(0.5f), Tensor.rand(r, n, 1, size, size));
        }
    }

    static JointModel model(String name, int width) {
        return name.equals("masknet") ? new MaskNet(width, 0.0, new Rng(1)) : new DSResNet(width, new Rng(1));
    }

    /** One SGD step on the model's device; returns the loss. */
    static float step(JointModel m, SGD sgd, Batch b) {
        Device d = m.device();
        try (var scope = MemoryScope.open()) {
            JointModel.Output o = m.run(b.bg.to(d), b.fgBg.to(d));
            Tensor loss = BCE.apply(o.mask(), b.mask.to(d));
            if (o.hasDepth()) loss = loss.add(RMSE.apply(o.depth(), b.depth.to(d)).mul(2f));
            loss.backward();
            sgd.step();
            sgd.zeroGrad();
            return loss.item();
        }
    }

    static void assertStepMatches(Device device, String name, int width, int n, int size) {
        Batch b = Batch.random(n, size, 5);
        JointModel cpu = model(name, width), dev = model(name, width);
        dev.to(device);
        cpu.train();
        dev.train();
        float lc = step(cpu, new SGD(cpu.parameters(), 0.01), b);
        float ld = step(dev, new SGD(dev.parameters(), 0.01), b);
        assertEquals(lc, ld, 1e-5 + 1e-4 * Math.abs(lc), name + " loss");
        Map<String, Tensor> a = cpu.stateDict(), c = dev.stateDict();
        for (var e : a.entrySet()) {
            Tensor other = c.get(e.getKey());
            assertEquals(device, other.device(), e.getKey());
            float[] x = e.getValue().toArray(), y = other.toArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 1e-5 + 1e-4 * Math.abs(x[i]), name + " " + e.getKey() + "[" + i + "] after one step");
            }
        }
    }

    @Test
    void stepsOnTheEmulatedDeviceMatchTheCpu() {
        assertStepMatches(EmulatedBackend.DEVICE, "masknet", 4, 2, 16);
        assertStepMatches(EmulatedBackend.DEVICE, "dsresnet", 2, 2, 32);
    }

    private static Device cuda() {
        Assumptions.assumeTrue(Device.isAvailable("cuda"), () -> "no CUDA: " + Backends.unavailableReason("cuda"));
        // the models' convolutions need cuDNN: without it, skip with its reason rather than fail
        Assumptions.assumeTrue(jgrad.kernels.ffm.Cudnn.available(), jgrad.kernels.ffm.Cudnn::unavailableReason);
        return Device.cuda();
    }

    @Test
    @Tag("cuda")
    void cudaStepsMatchTheCpu() {
        Device gpu = cuda();
        assertStepMatches(gpu, "masknet", MaskNet.WIDTH, 4, 64);
        assertStepMatches(gpu, "dsresnet", DSResNet.WIDTH, 2, 64);
    }

    @Test
    @Tag("cuda")
    void aThousandStepsHoldDeviceMemoryFlat() {
        Device gpu = cuda();
        Backend backend = Backends.of(gpu);
        JointModel m = model("masknet", MaskNet.WIDTH);
        m.to(gpu);
        m.train();
        SGD sgd = new SGD(m.parameters(), 0.01);
        Batch b = Batch.random(8, 96, 6);
        // earlier tests (cudaStepsMatchTheCpu's models, other classes in the same JVM) leave device
        // tensors that a collection during the 1,000 steps would hand back, lowering the figures compared below
        UnreachableBuffers.settle(() -> backend.memoryStats().allocatedBytes());
        Backend.MemoryStats warm = null;
        float first = 0, last = 0;
        for (int s = 1; s <= 1000; s++) {
            last = step(m, sgd, b);
            if (s == 1) first = last;
            if (s == 10) warm = backend.memoryStats();
            if (s == 10 || s == 500 || s == 1000) System.out.println("MaskNet step " + s + ": loss " + last + ", " + backend.memoryStats());
        }
        Backend.MemoryStats end = backend.memoryStats();
        assertEquals(warm.allocatedBytes(), end.allocatedBytes(), "bytes in use after step 10 and step 1000");
        assertEquals(warm.reservedBytes(), end.reservedBytes(), "bytes held from the device");
        assertEquals(warm.deviceMallocs(), end.deviceMallocs(), "no new device allocations after warm-up");
        assertTrue(last < first, "the loss falls over 1,000 steps on one batch: " + first + " → " + last);
    }
}
