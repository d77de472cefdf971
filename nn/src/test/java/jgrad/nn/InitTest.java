package jgrad.nn;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class InitTest {
    private static double[] meanVar(Tensor t) {
        double s = 0, ss = 0;
        for (float v : t.toArray()) {
            s += v;
            ss += (double) v * v;
        }
        int n = t.numel();
        double m = s / n;
        return new double[]{m, ss / n - m * m};
    }

    @Test
    void fans() {
        assertArrayEquals(new int[]{3 * 9, 32 * 9}, Init.fans(new int[]{32, 3, 3, 3}));
        assertArrayEquals(new int[]{4, 5}, Init.fans(new int[]{5, 4}));
        assertArrayEquals(new int[]{7, 7}, Init.fans(new int[]{7}));
        assertThrows(IllegalArgumentException.class, () -> Init.fans(new int[0]));
    }

    @Test
    void kaimingAndXavierHaveTheTextbookSpread() {
        Rng rng = new Rng(42);
        Tensor w = Tensor.zeros(64, 32, 3, 3); // fan_in 288, fan_out 576
        // kaiming normal, relu (a = 0): std = √2 / √288 = 1/12
        double[] mv = meanVar(Init.kaimingNormal(w, 0, Init.FanMode.FAN_IN, rng));
        assertEquals(0, mv[0], 0.005);
        assertEquals(1 / 144.0, mv[1], 0.05 / 144);
        // kaiming uniform, relu, fan_out: bound = √2·√(3/576) → variance bound²/3 = 2/576
        Init.kaimingUniform(w, 0, Init.FanMode.FAN_OUT, rng);
        double bound = Math.sqrt(2) * Math.sqrt(3.0 / 576);
        for (float v : w.toArray()) assertTrue(Math.abs(v) <= bound);
        assertEquals(2 / 576.0, meanVar(w)[1], 0.05 * 2 / 576);
        // xavier uniform: bound = √(6 / (288 + 576)); xavier normal: variance 2/(288 + 576)
        Init.xavierUniform(w, 1, rng);
        double xb = Math.sqrt(6.0 / 864);
        for (float v : w.toArray()) assertTrue(Math.abs(v) <= xb);
        assertSame(w, Init.xavierNormal(w, 1, rng));
        assertEquals(2.0 / 864, meanVar(w)[1], 0.05 * 2 / 864);
        assertEquals(Math.sqrt(2), Init.leakyReluGain(0), 1e-15);
        assertEquals(Math.sqrt(1 / 3.0), Init.leakyReluGain(Math.sqrt(5)), 1e-15);
    }

    @Test
    void constantsAndErrors() {
        Tensor t = Tensor.zeros(3);
        assertArrayEquals(new float[]{1, 1, 1}, Init.ones(t).toArray());
        assertArrayEquals(new float[]{0, 0, 0}, Init.zeros(t).toArray());
        assertThrows(IllegalArgumentException.class, () -> Init.ones(Tensor.zeros(4).slice(0, 0, 4, 2)));
        assertThrows(IllegalArgumentException.class, () -> Init.kaimingUniform(Tensor.zeros(3, 0), 0, Init.FanMode.FAN_IN, new Rng(1)));
    }

    @Test
    void initialisesParametersOnADeviceAsOnTheCpu() {
        // as torch.nn.init on a model already moved with .to(device): the tensor stays where it is
        var dev = jgrad.core.EmulatedBackend.DEVICE;
        Linear cpu = new Linear(5, 3, true, new Rng(1)), moved = new Linear(5, 3, true, new Rng(1));
        moved.to(dev);
        Tensor before = moved.weight;
        Init.kaimingNormal(cpu.weight, 0, Init.FanMode.FAN_OUT, new Rng(9));
        Init.kaimingNormal(moved.weight, 0, Init.FanMode.FAN_OUT, new Rng(9));
        Init.uniform(cpu.bias, -2, 2, new Rng(4));
        Init.uniform(moved.bias, -2, 2, new Rng(4));
        assertSame(before, moved.weight);
        assertEquals(dev, moved.weight.device());
        assertArrayEquals(cpu.weight.toArray(), moved.weight.toArray());
        assertArrayEquals(cpu.bias.toArray(), moved.bias.toArray());
        assertArrayEquals(new float[]{0.5f, 0.5f, 0.5f}, Init.constant(moved.bias, 0.5f).toArray());
        assertEquals(dev, moved.bias.device());
    }

    @Test
    void moduleListRegistersButDoesNotCall() {
        ModuleList l = new ModuleList(new Linear(2, 2), new Sigmoid());
        l.add(new Linear(2, 1));
        assertEquals(java.util.List.of("0.weight", "0.bias", "2.weight", "2.bias"), java.util.List.copyOf(l.stateDict().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> l.call(Tensor.ones(2)));
        assertEquals(0.5f, l.get(1).call(Tensor.zeros(1)).item());
        int n = 0;
        for (Module m : l) n++;
        assertEquals(3, n);
    }
}
