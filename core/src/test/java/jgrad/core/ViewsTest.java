package jgrad.core;

import org.junit.jupiter.api.Test;

import static jgrad.core.ElementwiseTest.assertClose;
import static org.junit.jupiter.api.Assertions.*;

class ViewsTest {
    private static Tensor grid() {
        return Tensor.arange(6).reshape(2, 3); // [[0,1,2],[3,4,5]]
    }

    @Test
    void creation() {
        assertClose(new float[]{0, 0}, Tensor.zeros(2), 0);
        assertClose(new float[]{1, 1, 1}, Tensor.ones(3), 0);
        assertClose(new float[]{7, 7}, Tensor.full(7, 1, 2), 0);
        assertClose(new float[]{1, 1.5f, 2, 2.5f}, Tensor.arange(1, 3, 0.5f), 0);
        assertClose(new float[]{3, 2, 1}, Tensor.arange(3, 0, -1), 0);
        float[] r1 = Tensor.rand(new Rng(42), 100).toArray(), r2 = Tensor.rand(new Rng(42), 100).toArray();
        assertArrayEquals(r1, r2, "same seed, same numbers");
        for (float v : r1) assertTrue(v >= 0 && v < 1);
        float[] n = Tensor.randn(new Rng(7), 20000).toArray();
        double mean = 0, sq = 0;
        for (float v : n) { mean += v; sq += v * v; }
        mean /= n.length;
        assertEquals(0, mean, 0.03);
        assertEquals(1, sq / n.length - mean * mean, 0.05);
    }

    @Test
    void viewsShareDataWithoutCopying() {
        Tensor g = grid();
        Tensor t = g.transpose(0, 1);
        assertSame(g.data(), t.data());
        assertFalse(t.isContiguous());
        assertArrayEquals(new int[]{3, 2}, t.dims());
        assertClose(new float[]{0, 3, 1, 4, 2, 5}, t, 0);
        assertClose(new float[]{1, 4}, g.narrow(1, 1, 1), 0);
        assertClose(new float[]{0, 2, 3, 5}, g.slice(1, 0, 3, 2), 0);
        assertClose(new float[]{3, 4, 5}, g.narrow(0, 1, 1).squeeze(0), 0);
        assertArrayEquals(new int[]{2, 1, 3}, g.unsqueeze(1).dims());
        assertArrayEquals(new int[]{2, 3, 1}, g.unsqueeze(-1).dims());
        Tensor e = Tensor.of(new float[]{1, 2}, 2, 1).expand(2, 2, 3);
        assertSame(e.data().length, 2);
        assertClose(new float[]{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}, e, 0);
        Tensor p = Tensor.arange(24).reshape(2, 3, 4).permute(2, 0, 1);
        assertArrayEquals(new int[]{4, 2, 3}, p.dims());
        assertEquals(13f, p.get(1, 1, 0)); // element [1][0][1] of the original = 12 + 1
        assertClose(new float[]{0, 1, 2, 3, 4, 5}, grid().reshape(-1), 0);
        assertArrayEquals(new int[]{2, 12}, Tensor.zeros(2, 3, 4).flatten(1, 2).dims());
    }

    @Test
    void narrowTakesANegativeStartFromTheEnd() {
        assertClose(new float[]{2, 3}, Tensor.arange(4).narrow(0, -2, 2), 0);
        assertClose(new float[]{1, 2, 4, 5}, grid().narrow(-1, -2, 2), 0);
        assertEquals(0, Tensor.arange(4).narrow(0, -4, 0).numel());
        assertMessage(() -> Tensor.arange(4).narrow(0, -5, 1), "narrow from -5", "narrow:", "[-5, -4)");
        assertMessage(() -> Tensor.arange(4).narrow(0, -1, 2), "narrow past the end", "narrow:", "[3, 5)");
    }

    @Test
    void flatteningA0dTensorGivesOneElement() {
        Tensor s = Tensor.scalar(3f).requiresGrad(true);
        Tensor f = s.flatten(0, -1);
        assertArrayEquals(new int[]{1}, f.dims());
        assertEquals(3f, f.get(0));
        f.mul(2f).sum().backward();
        assertEquals(2f, s.grad().item());
        assertArrayEquals(new int[]{1}, Tensor.scalar(1f).flatten(-1, 0).dims());
        assertMessage(() -> Tensor.scalar(1f).flatten(0, 1), "flatten a 0-d tensor to dim 1", "flatten:", "dimension 1");
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        Tensor g = grid();
        assertSame(g, g.contiguous());
        Tensor c = g.transpose(0, 1).contiguous();
        assertTrue(c.isContiguous());
        assertNotSame(g.data(), c.data());
        assertClose(new float[]{0, 3, 1, 4, 2, 5}, c, 0);
        // reshape of a non-contiguous tensor copies; view refuses with an explanation
        assertClose(new float[]{0, 3, 1, 4, 2, 5}, g.transpose(0, 1).reshape(6), 0);
        IllegalStateException ex = assertThrows(IllegalStateException.class, () -> g.transpose(0, 1).view(6));
        assertTrue(ex.getMessage().startsWith("view:"), ex.getMessage());
    }

    @Test
    void viewGradientsFlowBackToTheSource() {
        Rng rng = new Rng(11);
        Tensor x = Tensor.randn(rng, 2, 3, 4).requiresGrad(true);
        GradCheck.assertGradients(in -> in[0].permute(2, 0, 1).reshape(4, 6).mul(in[0].reshape(4, 6)), x);
        GradCheck.assertGradients(in -> in[0].slice(2, 1, 4, 2).exp(), x);
        GradCheck.assertGradients(in -> in[0].narrow(1, 1, 2).transpose(0, 2).contiguous().tanh(), x);
        Tensor b = Tensor.randn(rng, 3, 1).requiresGrad(true);
        GradCheck.assertGradients(in -> in[0].expand(2, 3, 5).sigmoid(), b);
        GradCheck.assertGradients(in -> in[0].unsqueeze(0).squeeze(2).squeeze(0).exp(), b);
    }

    @Test
    void sliceGradientIsZeroOutsideTheSlice() {
        Tensor x = Tensor.ones(4).requiresGrad(true);
        x.narrow(0, 1, 2).mul(3f).sum().backward();
        assertClose(new float[]{0, 3, 3, 0}, x.grad(), 0);
    }

    @Test
    void badArgumentsNameTheOpAndShape() {
        Tensor g = grid();
        assertMessage(() -> g.reshape(4, 2), "reshape", "view:", "[2, 3]");
        assertMessage(() -> g.permute(0, 0), "permute", "permute:", "repeated");
        assertMessage(() -> g.permute(0), "permute", "permute:", "[2, 3]");
        assertMessage(() -> g.transpose(0, 2), "transpose", "transpose:", "out of range");
        assertMessage(() -> g.narrow(1, 2, 2), "narrow", "narrow:", "[2, 3]");
        assertMessage(() -> g.expand(4, 3), "expand", "expand:", "[2, 3]");
        assertMessage(() -> g.squeeze(0), "squeeze", "squeeze:", "size 2");
        assertMessage(() -> Tensor.zeros(2, -1), "zeros", "zeros:", "negative");
        assertMessage(() -> Tensor.of(new float[3], 2, 2), "of", "Tensor.of:", "[2, 2]");
        assertMessage(() -> g.reshape(-1, -1), "reshape", "view:", "-1");
        assertThrows(IndexOutOfBoundsException.class, () -> g.get(2, 0));
        assertThrows(IllegalStateException.class, g::item);
    }

    @Test
    void sliceAndNarrowBoundsDoNotOverflow() {
        // a step past the end takes the first element only; start + length past 2^31 is out of range
        assertClose(new float[]{0}, Tensor.arange(4).slice(0, 0, 4, Integer.MAX_VALUE), 0);
        assertClose(new float[]{1}, Tensor.arange(4).slice(0, 1, 3, Integer.MAX_VALUE - 1), 0);
        assertEquals(0, Tensor.arange(4).slice(0, 2, 2, Integer.MAX_VALUE).numel());
        assertMessage(() -> Tensor.arange(4).narrow(0, 2, Integer.MAX_VALUE), "narrow past 2^31", "narrow:", "[2, 2147483649)");
    }

    @Test
    void sliceFollowsPythonsRulesForNegativeAndOutOfRangeEnds() {
        Tensor a = Tensor.arange(6); // x[a:b:c] in Python on [0, 1, 2, 3, 4, 5]
        assertClose(new float[]{4, 5}, a.slice(0, -2, Integer.MAX_VALUE, 1), 0);     // x[-2:]
        assertClose(new float[]{0, 1, 2, 3, 4}, a.slice(0, 0, -1, 1), 0);            // x[:-1]
        assertClose(new float[]{1, 3}, a.slice(0, -5, -1, 2), 0);                    // x[-5:-1:2]
        assertClose(new float[]{0, 1, 2, 3, 4, 5}, a.slice(0, -100, 100, 1), 0);     // x[-100:100]
        assertEquals(0, a.slice(0, 4, 2, 1).numel());                                // x[4:2]
        assertEquals(0, a.slice(0, 6, 9, 1).numel());                                // x[6:9]
        assertEquals(0, a.slice(0, -1, -3, 1).numel());                              // x[-1:-3]
        // the gradient goes back to the elements the view took
        Tensor x = Tensor.arange(6).requiresGrad(true);
        x.slice(0, -3, 100, 2).sum().backward();
        assertClose(new float[]{0, 0, 0, 1, 0, 1}, x.grad(), 0);
        assertMessage(() -> a.slice(0, 0, 2, 0), "step 0", "slice:", "step must be positive");
    }

    @Test
    void squeezeAndFlattenWithoutArgumentsTakeEveryDim() {
        Tensor x = Tensor.arange(6).reshape(1, 2, 1, 3, 1);
        assertArrayEquals(new int[]{2, 3}, x.squeeze().dims());
        assertClose(x.toArray(), x.squeeze(), 0);
        assertArrayEquals(new int[0], Tensor.ones(1, 1).squeeze().dims());
        assertArrayEquals(new int[]{6}, x.flatten().dims());
        assertArrayEquals(new int[]{1}, Tensor.scalar(2f).flatten().dims());
        // a view: the gradient flows back into the original shape
        Tensor r = Tensor.randn(new Rng(2), 1, 3, 1).requiresGrad(true);
        GradCheck.assertGradients(in -> in[0].transpose(0, 1).squeeze().mul(Tensor.arange(3)), r);
        assertClose(new float[]{0, 3, 1, 4, 2, 5}, Tensor.arange(6).reshape(2, 3).transpose(0, 1).flatten(), 0);
    }

    @Test
    void toStringShowsSmallTensorsWholeAndLargeOnesByTheirEnds() {
        assertEquals("Tensor[2, 2] [0.0, 1.0, 2.0, 3.0]", Tensor.arange(4).reshape(2, 2).toString());
        assertEquals("Tensor[10, 10] [0.0, 1.0, 2.0, ..., 97.0, 98.0, 99.0]", Tensor.arange(100).reshape(10, 10).toString());
        // a transposed view is listed in its own (logical) order, and printing records no graph
        Tensor x = Tensor.arange(100).reshape(10, 10).requiresGrad(true);
        String t = x.transpose(0, 1).toString();
        assertTrue(t.endsWith("[0.0, 10.0, 20.0, ..., 79.0, 89.0, 99.0]"), t);
        assertEquals(0, x.version(), "printing changed nothing");
    }

    @Test
    void copyFromASourceSharingTheStorageReadsItBeforeWriting() {
        Tensor t = grid().narrow(1, 0, 2).contiguous(); // [[0, 1], [3, 4]]
        t.copyFrom(t.transpose(0, 1));
        assertClose(new float[]{0, 3, 1, 4}, t, 0);
        Tensor u = Tensor.arange(8);
        u.slice(0, 2, 8, 2).copyFrom(u.slice(0, 0, 6, 2)); // 2, 4, 6 ← 0, 2, 4
        assertClose(new float[]{0, 1, 0, 3, 2, 5, 4, 7}, u, 0);
        Tensor d = grid().narrow(1, 0, 2).contiguous().to(EmulatedBackend.DEVICE);
        d.copyFrom(d.transpose(0, 1));
        assertClose(new float[]{0, 3, 1, 4}, d, 0);
    }

    @Test
    void copyFromRefusesAnExpandedDestination() {
        Tensor base = Tensor.zeros(1, 3);
        // each column of the expanded view is one element of base: the second row would overwrite the first
        assertMessage(() -> base.expand(2, 3).copyFrom(grid()), "copyFrom into an expanded view", "copyFrom:", "expanded view: its 2 elements along dim 0");
        assertClose(new float[]{0, 0, 0}, base, 0);
        assertEquals(0, base.version());
        base.expand(1, 3).copyFrom(Tensor.of(new float[]{1, 2, 3}, 3)); // no dim of size > 1 is expanded
        assertClose(new float[]{1, 2, 3}, base, 0);
        Tensor.zeros(1).expand(0).copyFrom(Tensor.zeros(0)); // nothing is written
    }

    @Test
    void copyFromBroadcastsTheSourceButNeverTheDestination() {
        Tensor g = Tensor.zeros(2, 3);
        g.narrow(1, 1, 2).copyFrom(Tensor.of(new float[]{7, 8}, 2));
        assertClose(new float[]{0, 7, 8, 0, 7, 8}, g, 0);
        g.copyFrom(Tensor.scalar(5));
        assertClose(new float[]{5, 5, 5, 5, 5, 5}, g, 0);
        // a source larger than the destination is refused, as torch's copy_ does: not a copy of its first row
        Tensor row = Tensor.zeros(1, 3);
        assertMessage(() -> row.copyFrom(grid()), "copyFrom [2, 3] into [1, 3]", "copyFrom:", "[1, 3]");
        assertClose(new float[]{0, 0, 0}, row, 0);
        assertMessage(() -> Tensor.zeros(2, 1).copyFrom(grid()), "copyFrom [2, 3] into [2, 1]", "copyFrom:", "[2, 1]");
        // and so is one with more dims (it used to fail with an ArrayIndexOutOfBoundsException)
        assertMessage(() -> Tensor.zeros(3).copyFrom(grid()), "copyFrom [2, 3] into [3]", "copyFrom:", "[3]");
        assertMessage(() -> Tensor.zeros(3).copyFrom(Tensor.ones(1, 3)), "copyFrom [1, 3] into [3]", "copyFrom:", "[1, 3]");
        assertMessage(() -> Tensor.scalar(0).copyFrom(Tensor.ones(1)), "copyFrom [1] into []", "copyFrom:", "[1]");
        assertMessage(() -> g.copyFrom(Tensor.ones(3, 3)), "copyFrom [3, 3] into [2, 3]", "copyFrom:", "[3, 3]");
    }

    @Test
    void unsqueezeAcceptsEveryNegativeDimAndRejectsTheRestByName() {
        Tensor g = grid(); // rank 2: unsqueeze takes dims -3 … 2
        assertArrayEquals(new int[]{1, 2, 3}, g.unsqueeze(-3).dims());
        assertArrayEquals(new int[]{2, 1, 3}, g.unsqueeze(-2).dims());
        assertMessage(() -> g.unsqueeze(-4), "unsqueeze -4", "unsqueeze:", "-4");
        assertMessage(() -> g.unsqueeze(3), "unsqueeze 3", "unsqueeze:", "3");
        // the tensor's own rank and the dims it takes, not "a tensor of rank 3"
        assertMessage(() -> g.unsqueeze(3), "unsqueeze 3, rank", "unsqueeze:", "rank 2");
        assertMessage(() -> g.unsqueeze(-4), "unsqueeze -4, range", "unsqueeze:", "-3 to 2");
    }

    @Test
    void valuesWithoutAShapeAreAnsweredWithTheOneDimensionalCall() {
        // as torch.tensor([1, 2, 3]) a PyTorch user leaves the shape out; that asks for a 0-d tensor
        assertMessage(() -> Tensor.of(new float[]{1, 2, 3}), "of without shape", "Tensor.of:", "Tensor.of(values, 3)");
        assertMessage(() -> Tensor.wrap(new float[]{1, 2}), "wrap without shape", "Tensor.wrap:", "Tensor.wrap(values, 2)");
        assertEquals(0, Tensor.of(new float[]{7}).rank(), "one value without a shape stays a 0-d tensor");
        assertFalse(assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[]{1, 2, 3}, 2, 2)).getMessage()
                .contains("no shape"), "a wrong shape that was given gets no hint about a missing one");
    }

    @Test
    void arangeRejectsNonFiniteBoundsAndOversizedRanges() {
        assertMessage(() -> Tensor.arange(0, Float.NaN, 1), "arange NaN end", "arange:", "NaN");
        assertMessage(() -> Tensor.arange(Float.NEGATIVE_INFINITY, 0, 1), "arange -inf start", "arange:", "Infinity");
        // 1e10 elements do not fit an int-indexed tensor: a message, not a saturated count and an OutOfMemoryError
        assertMessage(() -> Tensor.arange(0, 1e10f, 1), "arange 1e10", "arange:", "elements");
        assertEquals(0, Tensor.arange(3, 3, 1).numel());
    }

    private static void assertMessage(Runnable r, String what, String prefix, String fragment) {
        RuntimeException e = assertThrows(RuntimeException.class, r::run, what);
        assertTrue(e.getMessage().startsWith(prefix) && e.getMessage().contains(fragment), what + ": " + e.getMessage());
    }
}
