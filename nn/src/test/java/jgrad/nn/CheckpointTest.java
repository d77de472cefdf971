package jgrad.nn;

import jgrad.core.Autograd;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.io.SafeTensors;
import jgrad.nn.optim.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Module checkpoints: save → load gives the same model; bad files never half-load. */
class CheckpointTest {
    @TempDir
    Path dir;

    private static SummaryTest.MaskNet trained(long seed) {
        SummaryTest.MaskNet net = new SummaryTest.MaskNet(new Rng(seed));
        SGD opt = new SGD(net.parameters(), 0.05, 0.9);
        Rng rng = new Rng(seed + 100);
        for (int i = 0; i < 2; i++) {
            Tensor bg = Tensor.randn(rng, 2, 3, 6, 6), fg = Tensor.randn(rng, 2, 3, 6, 6);
            opt.zeroGrad();
            net.callAll(bg, fg)[0].square().mean().backward();
            opt.step();
        }
        return net;
    }

    private static float[] evalOutput(Module net) {
        net.eval();
        Rng rng = new Rng(77);
        try (var g = Autograd.noGrad()) {
            return net.callAll(Tensor.randn(rng, 2, 3, 6, 6), Tensor.randn(rng, 2, 3, 6, 6))[0].toArray();
        }
    }

    @Test
    void saveThenLoadGivesIdenticalOutputs() throws IOException {
        SummaryTest.MaskNet a = trained(1);
        Path f = dir.resolve("ckpt").resolve("masknet.safetensors");
        a.save(f);
        SummaryTest.MaskNet b = new SummaryTest.MaskNet(new Rng(99));
        assertFalse(java.util.Arrays.equals(evalOutput(a), evalOutput(b)));
        b.load(f);
        assertArrayEquals(evalOutput(a), evalOutput(b));
        BatchNorm2d bnA = (BatchNorm2d) a.bg.get(2), bnB = (BatchNorm2d) b.bg.get(2);
        assertEquals(2f, bnB.numBatchesTracked.item());
        assertArrayEquals(bnA.runningVar.toArray(), bnB.runningVar.toArray());
        assertEquals(List.copyOf(a.stateDict().keySet()), List.copyOf(SafeTensors.read(f).keySet()));
    }

    @Test
    void aCorruptOrTruncatedCheckpointIsRejectedAndTheModelUnchanged() throws IOException {
        SummaryTest.MaskNet a = trained(1);
        Path f = dir.resolve("m.safetensors");
        a.save(f);
        byte[] good = Files.readAllBytes(f);
        SummaryTest.MaskNet b = new SummaryTest.MaskNet(new Rng(5));
        float[] before = evalOutput(b);
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, java.util.Arrays.copyOf(good, good.length / 2));
        var e = assertThrows(IllegalArgumentException.class, () -> b.load(bad));
        assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
        assertArrayEquals(before, evalOutput(b), "nothing loaded");
        // a checkpoint of another architecture: every mismatch listed, nothing loaded
        Map<String, Tensor> other = new LinkedHashMap<>(a.stateDict());
        other.remove("head.bias");
        other.put("merge.weight", Tensor.zeros(32, 64, 3, 3));
        SafeTensors.write(bad, other);
        var e2 = assertThrows(IllegalArgumentException.class, () -> b.load(bad));
        assertTrue(e2.getMessage().contains("missing keys: head.bias"), e2.getMessage());
        assertTrue(e2.getMessage().contains("merge.weight (checkpoint [32, 64, 3, 3], model [32, 64, 1, 1])"), e2.getMessage());
        assertArrayEquals(before, evalOutput(b), "nothing loaded");
    }
}
