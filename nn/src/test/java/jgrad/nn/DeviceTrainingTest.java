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
}
