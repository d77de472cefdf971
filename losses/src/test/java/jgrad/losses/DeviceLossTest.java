package jgrad.losses;

import jgrad.core.EmulatedBackend;
import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Loss.apply on a device tensor goes through the device's loss kernels and keeps value and
 * gradient on the device; checked on core's emulated device for every registered loss.
 */
class DeviceLossTest {
    @Test
    void everyLossOnTheDeviceEqualsTheCpu() {
        Rng rng = new Rng(11);
        for (String name : Losses.names()) {
            Loss loss = Losses.get(name);
            int h = Math.max(13, loss.minSize()), w = Math.max(12, loss.minSize());
            Tensor pred = Tensor.randn(rng, 2, 1, h, w).mul(2f), target = Tensor.rand(rng, 2, 1, h, w);
            Tensor pc = pred.copy().requiresGrad(true);
            Tensor lc = loss.apply(pc, target);
            lc.mul(3f).backward();
            try (var scope = MemoryScope.open()) {
                Tensor pd = pred.to(EmulatedBackend.DEVICE).requiresGrad(true);
                Tensor ld = loss.apply(pd, target.to(EmulatedBackend.DEVICE));
                assertEquals(EmulatedBackend.DEVICE, ld.device(), name);
                ld.mul(3f).backward();
                assertEquals(EmulatedBackend.DEVICE, pd.grad().device(), name);
                assertEquals(lc.item(), ld.item(), 1e-6 + 1e-5 * Math.abs(lc.item()), name + " value");
                float[] gc = pc.grad().toArray(), gd = pd.grad().toArray();
                for (int i = 0; i < gc.length; i++) {
                    assertEquals(gc[i], gd[i], 1e-7 + 1e-4 * Math.abs(gc[i]), name + " gradient " + i);
                }
            }
        }
    }

    private static Loss named(String name) {
        return new Loss() {
            public String name() { return name; }
            public Reference reference(double[] p, double[] t, int[] s) { return new Reference(0, new double[p.length]); }
            public double forwardBackward(float[] p, float[] t, int[] s, float[] g, float w, boolean a) {
                if (!a) java.util.Arrays.fill(g, 0f);
                for (int i = 0; i < g.length; i++) g[i] += w;
                return 1;
            }
        };
    }

    @Test
    void nestedWeightedSumsRunTermByTerm() {
        Loss nested = new WeightedSum("outer", java.util.List.of(new WeightedSum.Term(2, new WeightedSum("inner",
                java.util.List.of(new WeightedSum.Term(3, named("ones")))))));
        try (var scope = MemoryScope.open()) {
            Tensor p = Tensor.zeros(EmulatedBackend.DEVICE, 1, 1, 2, 2).requiresGrad(true);
            Tensor l = nested.apply(p, p.detach());
            assertEquals(6f, l.item());
            l.backward();
            assertArrayEquals(new float[]{6, 6, 6, 6}, p.grad().toArray());
        }
    }

    @Test
    void aLossWithoutDeviceKernelsSaysSo() {
        try (var scope = MemoryScope.open()) {
            Tensor p = Tensor.zeros(EmulatedBackend.DEVICE, 1, 1, 2, 2);
            var e = assertThrows(UnsupportedOperationException.class, () -> named("no-kernel-loss").apply(p, p));
            assertTrue(e.getMessage().contains("no-kernel-loss: no emu kernels"), e.getMessage());
        }
    }

    @Test
    void aCpuPredictionTakesADeviceTarget() {
        Rng rng = new Rng(3);
        Tensor pred = Tensor.randn(rng, 1, 1, 4, 4), target = Tensor.rand(rng, 1, 1, 4, 4);
        try (var scope = MemoryScope.open()) {
            Loss bce = Losses.get("bce");
            assertEquals(bce.apply(pred, target).item(), bce.apply(pred, target.to(EmulatedBackend.DEVICE)).item());
        }
    }
}
