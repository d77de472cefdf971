package jgrad.nn.metrics;

import jgrad.core.EmulatedBackend;
import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The metrics on device tensors (the emulated device) accumulate on the device and agree with
 * their CPU computation, batches with no valid depth pixel included.
 */
class DeviceMetricsTest {
    @Test
    void deviceAndCpuAgree() {
        Rng rng = new Rng(8);
        List<Metric> cpu = List.of(new SoftIoU(), new MeanIoUB(), new MaskedRmse(), new MeanRmseB());
        List<Metric> dev = cpu.stream().map(Metric::fresh).toList();
        for (int batch = 0; batch < 4; batch++) {
            int n = batch == 3 ? 1 : 3;
            Tensor out = Tensor.randn(rng, n, 1, 6, 5).mul(2f);
            Tensor target = batch == 2 ? Tensor.zeros(n, 1, 6, 5) : Tensor.rand(rng, n, 1, 6, 5).gt(0.4f).mul(Tensor.rand(rng, n, 1, 6, 5));
            try (var scope = MemoryScope.open()) {
                Tensor od = out.to(EmulatedBackend.DEVICE), td = target.to(EmulatedBackend.DEVICE);
                for (int i = 0; i < cpu.size(); i++) {
                    cpu.get(i).update(out, target);
                    dev.get(i).update(od, td);
                }
            }
        }
        for (int i = 0; i < cpu.size(); i++) {
            double c = cpu.get(i).value(), d = dev.get(i).value();
            assertTrue(Double.isFinite(c), cpu.get(i).name());
            assertEquals(c, d, 1e-5 * Math.max(1, Math.abs(c)), cpu.get(i).name() + " on the device");
        }
        int live = EmulatedBackend.LIVE.get();
        for (Metric m : dev) m.reset();
        assertEquals(live - dev.size(), EmulatedBackend.LIVE.get(), "reset frees the device sums");
        for (Metric m : dev) assertTrue(Double.isNaN(m.value()), m.name() + " after reset");
    }

    @Test
    void maskedRmseSkipsNonFiniteValuesAtSkippedPixelsOnTheDeviceToo() {
        // logits (0, NaN, ln 3, 5), target (1, 0, 0.5, NaN): the NaN logit and the NaN target sit at
        // pixels whose target is not above 1e-4, so only pixels 0 and 2 count:
        // d = 1 − 1/2 and 0.5 − 3/4, rmse = √((1/4 + 1/16)/2)
        float[] x = {0, Float.NaN, (float) Math.log(3), 5}, t = {1, 0, 0.5f, Float.NaN};
        double expected = Math.sqrt((0.25 + 0.0625) / 2);
        Metric cpu = new MaskedRmse(), dev = new MaskedRmse();
        cpu.update(Tensor.of(x, 1, 4), Tensor.of(t, 1, 4));
        assertEquals(expected, cpu.value(), 1e-7);
        try (var scope = MemoryScope.open()) {
            dev.update(Tensor.of(x, 1, 4).to(EmulatedBackend.DEVICE), Tensor.of(t, 1, 4).to(EmulatedBackend.DEVICE));
        }
        assertEquals(expected, dev.value(), 1e-6, "skipped pixels must not reach the device sum");
        dev.reset();
    }
}
