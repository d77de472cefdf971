package jgrad.examples.models;

import static org.junit.jupiter.api.Assertions.*;

import jgrad.core.Autograd;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

/** Output shapes, the (bg, fg_bg) → (depth, mask) convention, input checks and the registry. */
class ForwardTest {
    private static Tensor[] pair(int n, int h, int w, long seed) {
        Rng r = new Rng(seed);
        return new Tensor[]{Tensor.randn(r, n, 3, h, w), Tensor.randn(r, n, 3, h, w)};
    }

    @Test
    void publishedWidthsGiveFullResolutionLogits() {
        try (var ng = Autograd.noGrad()) {
            Tensor[] in = pair(2, 32, 32, 1);
            JointModel mask = Models.create("masknet", ModelOptions.defaults().withSeed(1));
            JointModel.Output o = mask.run(in[0], in[1]);
            assertFalse(o.hasDepth());
            assertNull(o.depth());
            assertArrayEquals(new int[]{2, 1, 32, 32}, o.mask().dims());
            assertEquals(1, mask.callAll(in[0], in[1]).length);

            for (String name : new String[]{"dsresnet", "resunet"}) {
                JointModel m = Models.create(name, ModelOptions.defaults().withSeed(2));
                m.eval();
                JointModel.Output out = m.run(in[0], in[1]);
                assertTrue(out.hasDepth(), name);
                assertArrayEquals(new int[]{2, 1, 32, 32}, out.depth().dims(), name);
                assertArrayEquals(new int[]{2, 1, 32, 32}, out.mask().dims(), name);
                Tensor[] raw = m.callAll(in[0], in[1]);
                assertEquals(2, raw.length);
                // run() maps [depth, mask] in that order
                assertArrayEquals(raw[0].toArray(), out.depth().toArray(), name);
                assertArrayEquals(raw[1].toArray(), out.mask().toArray(), name);
                // the two heads are different networks
                assertFalse(java.util.Arrays.equals(raw[0].toArray(), raw[1].toArray()), name);
            }
        }
    }

    @Test
    void nonSquareAndBatchOne() {
        try (var ng = Autograd.noGrad()) {
            JointModel ds = new DSResNet(2, new Rng(3));
            ds.eval();
            Tensor[] in = pair(1, 64, 32, 4);
            JointModel.Output o = ds.run(in[0], in[1]);
            assertArrayEquals(new int[]{1, 1, 64, 32}, o.depth().dims());
            assertArrayEquals(new int[]{1, 1, 64, 32}, o.mask().dims());
            JointModel ru = new ResUNet(2, new Rng(3));
            ru.eval();
            Tensor[] in2 = pair(1, 16, 48, 5);
            JointModel.Output o2 = ru.run(in2[0], in2[1]);
            assertArrayEquals(new int[]{1, 1, 16, 48}, o2.depth().dims());
            assertArrayEquals(new int[]{1, 1, 16, 48}, o2.mask().dims());
            JointModel mn = new MaskNet(4, 0.0, new Rng(3));
            Tensor[] in3 = pair(3, 5, 7, 6);
            assertArrayEquals(new int[]{3, 1, 5, 7}, mn.run(in3[0], in3[1]).mask().dims());
        }
    }

    @Test
    void resUNetConcatenatesBgFirst() {
        try (var ng = Autograd.noGrad()) {
            ResUNet net = new ResUNet(2, new Rng(7));
            net.eval();
            Tensor[] in = pair(2, 16, 16, 8);
            Tensor[] fromPair = net.callAll(in[0], in[1]);
            Tensor[] fromCat = net.callAll(Tensor.cat(1, in[0], in[1]));
            assertArrayEquals(fromCat[0].toArray(), fromPair[0].toArray());
            assertArrayEquals(fromCat[1].toArray(), fromPair[1].toArray());
            Tensor[] swapped = net.callAll(Tensor.cat(1, in[1], in[0]));
            assertFalse(java.util.Arrays.equals(swapped[1].toArray(), fromPair[1].toArray()));
        }
    }

    @Test
    void theSameSeedBuildsTheSameWeights() {
        var a = Models.create("dsresnet", ModelOptions.defaults().withWidth(1).withSeed(5)).stateDict();
        var b = Models.create("dsresnet", ModelOptions.defaults().withWidth(1).withSeed(5)).stateDict();
        var c = Models.create("dsresnet", ModelOptions.defaults().withWidth(1).withSeed(6)).stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
        assertFalse(java.util.Arrays.equals(a.get("merge.weight").toArray(), c.get("merge.weight").toArray()));
    }

    @Test
    void inputErrorsNameTheModelAndShapes() {
        JointModel ds = new DSResNet(1, new Rng(1));
        Tensor[] ok = pair(1, 32, 32, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> ds.run(Tensor.zeros(1, 3, 48, 32), Tensor.zeros(1, 3, 48, 32)));
        assertEquals("DSResNet: input [1, 3, 48, 32] must have a batch of at least 1 and H and W that are positive multiples of 32",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ds.run(ok[0], Tensor.zeros(1, 3, 32, 64)));
        assertEquals("DSResNet: bg [1, 3, 32, 32] and fg_bg [1, 3, 32, 64] must have the same shape", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ds.run(Tensor.zeros(1, 6, 32, 32), Tensor.zeros(1, 6, 32, 32)));
        assertEquals("DSResNet: bg must be N×3×H×W, got [1, 6, 32, 32]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ds.callAll(ok[0]));
        assertEquals("DSResNet: takes two inputs (bg, fg_bg), got 1", e.getMessage());

        JointModel ru = new ResUNet(1, new Rng(1));
        e = assertThrows(IllegalArgumentException.class, () -> ru.run(Tensor.zeros(1, 3, 24, 16), Tensor.zeros(1, 3, 24, 16)));
        assertTrue(e.getMessage().startsWith("ResUNet: input [1, 3, 24, 16]") && e.getMessage().endsWith("multiples of 16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ru.callAll(Tensor.zeros(1, 3, 16, 16)));
        assertEquals("ResUNet: a single input must be cat[bg, fg_bg], N×6×H×W, got [1, 3, 16, 16]", e.getMessage());

        JointModel mn = new MaskNet(2, 0.0, new Rng(1));
        e = assertThrows(IllegalArgumentException.class, () -> mn.run(Tensor.zeros(3, 8, 8), Tensor.zeros(3, 8, 8)));
        assertEquals("MaskNet: bg must be N×3×H×W, got [3, 8, 8]", e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> new DSResNet(0, null));
        assertThrows(IllegalArgumentException.class, () -> new MaskNet(-1, 0.0, null));
    }

    @Test
    void registry() {
        assertEquals(java.util.List.of("masknet", "dsresnet", "resunet"), Models.names());
        assertInstanceOf(DSResNet.class, Models.create("DSResNet", ModelOptions.defaults().withWidth(1)));
        var e = assertThrows(IllegalArgumentException.class, () -> Models.create("unet", ModelOptions.defaults()));
        assertEquals("unknown model 'unet'; known models: masknet, dsresnet, resunet", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.create("resunet", ModelOptions.defaults().withDropout(0.1)));
        assertTrue(e.getMessage().contains("resunet has no dropout layers"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.defaults().withDropout(1.0));
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.defaults().withWidth(-2));

        MaskNet withDropout = (MaskNet) Models.create("masknet", ModelOptions.defaults().withWidth(2).withDropout(0.5));
        assertEquals(0.5, ((jgrad.nn.Dropout) withDropout.convBlock2.get(3)).p);
        for (String n : Models.names()) {
            JointModel m = Models.create(n, ModelOptions.defaults().withWidth(2));
            assertEquals(n, m.modelName());
            assertEquals(2, m.width());
            assertEquals(Models.entry(n).sizeMultiple(), m.sizeMultiple());
            assertEquals(Models.entry(n).publishedWidth(), Models.create(n).width());
        }
    }

    @Test
    void maskNetDropoutIsActiveOnlyInTraining() {
        MaskNet net = new MaskNet(2, 0.5, new Rng(9));
        Tensor[] in = pair(2, 6, 6, 10);
        try (var ng = Autograd.noGrad()) {
            net.eval();
            float[] e1 = net.run(in[0], in[1]).mask().toArray();
            float[] e2 = net.run(in[0], in[1]).mask().toArray();
            assertArrayEquals(e1, e2);
            net.train();
            float[] t1 = net.run(in[0], in[1]).mask().toArray();
            float[] t2 = net.run(in[0], in[1]).mask().toArray();
            assertFalse(java.util.Arrays.equals(t1, t2));
        }
    }
}
