package jgrad.nn;

import jgrad.core.Device;
import jgrad.core.EmulatedBackend;
import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.optim.AdamW;
import jgrad.nn.optim.Optimizer;
import jgrad.nn.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Training on a device (the emulated one: host memory behind the device interface) must give
 * the CPU's parameters: Module.to, the device optimizer updates, BatchNorm's running statistics
 * and the memory scopes all take part. The CUDA module runs the same comparison on a GPU.
 */
class DeviceTrainingTest {
    static final Device EMU = EmulatedBackend.DEVICE;

    static Sequential net(long seed) {
        Rng r = new Rng(seed);
        // no bias before the batch norm: its gradient is pure rounding noise, which Adam would amplify
        return new Sequential(new Conv2d(2, 4, new int[]{3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1, false, r),
                new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Conv2d(4, 1, new int[]{1, 1}, new int[]{1, 1}, new int[]{0, 0}, new int[]{1, 1}, 1, true, r));
    }

    static void train(Module model, Function<Module, Optimizer> opt, int steps, Device device) {
        model.to(device);
        Optimizer o = opt.apply(model);
        Rng data = new Rng(3);
        for (int s = 0; s < steps; s++) {
            Tensor x = Tensor.randn(data, 4, 2, 8, 8), y = Tensor.rand(data, 4, 1, 4, 4);
            try (var scope = MemoryScope.open()) {
                o.zeroGrad();
                Tensor loss = model.call(x.to(device)).sub(y.to(device)).square().mean();
                loss.backward();
                o.step();
                o.zeroGrad();
            }
        }
    }

    static void assertSameState(Module cpu, Module dev) {
        Map<String, Tensor> a = cpu.stateDict(), b = dev.stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertEquals(EMU, b.get(k).device(), k + " left the device");
            float[] x = a.get(k).toArray(), y = b.get(k).toArray();
            for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-5 + 1e-4 * Math.abs(x[i]), k + "[" + i + "]");
        }
    }

    @Test
    void adamWStepsOnTheDeviceMatchTheCpu() {
        Sequential cpu = net(1), dev = net(1);
        Function<Module, Optimizer> opt = m -> new AdamW(m.parameters(), 0.01, 0.9, 0.99, 1e-8, 0.05, true);
        train(cpu, opt, 4, Device.CPU);
        train(dev, opt, 4, EMU);
        assertSameState(cpu, dev);
    }

    @Test
    void sgdWithMomentumOnTheDeviceMatchesTheCpu() {
        Sequential cpu = net(2), dev = net(2);
        Function<Module, Optimizer> opt = m -> new SGD(m.parameters(), 0.05, 0.9, 0.1, 1e-3, false);
        train(cpu, opt, 4, Device.CPU);
        train(dev, opt, 4, EMU);
        assertSameState(cpu, dev);
    }

    @Test
    void stepsInScopesHoldDeviceMemoryFlat() {
        Sequential dev = net(3);
        train(dev, m -> new AdamW(m.parameters(), 0.01), 2, EMU);
        int after2 = EmulatedBackend.LIVE.get();
        train(dev, m -> new AdamW(m.parameters(), 0.01), 0, EMU);
        assertEquals(after2, EmulatedBackend.LIVE.get());
    }

    @Test
    void movingBackRestoresCpuTensorsAndLoadsWork() {
        Sequential a = net(4), b = net(5);
        a.to(EMU);
        b.to(EMU).loadStateDict(a.stateDict());
        a.to(Device.CPU);
        assertEquals(Device.CPU, a.device());
        assertSameStateCpu(a.stateDict(), b.stateDict());
    }

    private static void assertSameStateCpu(Map<String, Tensor> a, Map<String, Tensor> b) {
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
    }

    @Test
    void gradientClippingStaysOnTheDevice() {
        for (boolean byNorm : new boolean[]{true, false}) {
            Sequential cpu = net(6), dev = net(6);
            dev.to(EMU);
            Tensor x = Tensor.randn(new Rng(2), 4, 2, 8, 8);
            cpu.call(x).square().mean().backward();
            try (var scope = MemoryScope.open()) {
                dev.call(x.to(EMU)).square().mean().backward();
            }
            if (byNorm) {
                double nc = GradClip.clipNorm(cpu.parameters(), 0.01), nd = GradClip.clipNorm(dev.parameters(), 0.01);
                assertEquals(nc, nd, 1e-5 * nc);
            } else {
                GradClip.clipValue(cpu.parameters(), 0.001);
                GradClip.clipValue(dev.parameters(), 0.001);
            }
            for (int i = 0; i < cpu.parameters().size(); i++) {
                Tensor gc = cpu.parameters().get(i).grad(), gd = dev.parameters().get(i).grad();
                assertEquals(EMU, gd.device());
                float[] a = gc.toArray(), b = gd.toArray();
                for (int k = 0; k < a.length; k++) assertEquals(a[k], b[k], 1e-7 + 1e-4 * Math.abs(a[k]), "clipped gradient");
            }
        }
    }

    @Test
    void optimizerStateFollowsTheParameterBackToTheCpu() {
        Tensor pc = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true), pd = pc.detach().copy().requiresGrad(true);
        SGD a = new SGD(List.of(pc), 0.1, 0.9), b = new SGD(List.of(pd), 0.1, 0.9);
        pd.moveTo(EMU);
        for (int step = 0; step < 3; step++) {
            if (step == 2) pd.moveTo(Device.CPU);
            a.zeroGrad();
            pc.square().sum().backward();
            a.step();
            try (var scope = MemoryScope.open()) {
                b.zeroGrad();
                pd.square().sum().backward();
                b.step();
            }
        }
        assertArrayEquals(pc.toArray(), pd.toArray(), 1e-6f);
        assertArrayEquals(a.stateDict().tensors().get("state.0.momentum_buffer").toArray(),
                b.stateDict().tensors().get("state.0.momentum_buffer").toArray(), 1e-6f);
    }

    @Test
    void aParameterOutsideTheOptimizerDoesNotBreakTheNextStep() {
        Tensor a = Tensor.ones(2).moveTo(EMU).requiresGrad(true), frozen = Tensor.ones(2).moveTo(EMU).requiresGrad(true);
        SGD sgd = new SGD(List.of(a), 0.1);
        for (int step = 0; step < 2; step++) {
            try (var scope = MemoryScope.open()) {
                sgd.zeroGrad();
                a.mul(frozen).sum().backward();
                sgd.step();
            }
        }
        // ∂(a·frozen)/∂frozen = a, summed over the two steps: 1 + 0.9 (a after one SGD step)
        assertArrayEquals(new float[]{1.9f, 1.9f}, frozen.grad().toArray(), 1e-6f, "the frozen gradient accumulates, as on the CPU");
        a.to(Device.CPU);
        frozen.moveTo(Device.CPU);
        assertEquals(Device.CPU, frozen.grad().device());
    }
}
