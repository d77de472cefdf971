package jgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AutogradTest {
    @Test
    void readmeExampleComputesGradientOfSumOfSquares() {
        Tensor x = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
        Tensor y = x.mul(x).sum();
        y.backward();
        assertEquals(14f, y.item());
        assertArrayEquals(new float[]{2, 4, 6}, x.grad().toArray());
    }

    @Test
    void fanOutAccumulatesGradients() {
        Tensor x = Tensor.of(new float[]{2}, 1).requiresGrad(true);
        Tensor y = x.mul(x).add(x.mul(3f)).sum(); // x² + 3x → 2x + 3 = 7
        y.backward();
        assertArrayEquals(new float[]{7}, x.grad().toArray());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = Tensor.of(new float[]{1, -1}, 2).requiresGrad(true);
        x.mul(2f).sum().backward();
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[]{5, 5}, x.grad().toArray());
    }

    @Test
    void broadcastGradientsSumBackToOperandShape() {
        Tensor a = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(new float[]{10, 20, 30}, 3).requiresGrad(true);
        a.mul(b).sum().backward();
        assertArrayEquals(new float[]{10, 20, 30, 10, 20, 30}, a.grad().toArray());
        assertArrayEquals(new float[]{5, 7, 9}, b.grad().toArray());
    }

    @Test
    void backwardOnNonScalarWithoutGradientIsAnError() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.exp().backward());
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
    }

    @Test
    void secondBackwardThroughFreedGraphIsAnError() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
    }

    @Test
    void retainGraphAllowsSecondBackward() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward(Tensor.scalar(1), true);
        y.backward(Tensor.scalar(1), true);
        assertEquals(2 * Math.E, x.grad().get(0), 1e-5);
    }

    @Test
    void noGradRecordsNothingAndDetachCuts() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        try (var g = Autograd.noGrad()) {
            assertFalse(x.exp().requiresGrad());
        }
        assertTrue(x.exp().requiresGrad());
        assertFalse(x.exp().detach().requiresGrad());
    }

    @Test
    void gradCheckPassesOnCompositeExpression() {
        Rng rng = new Rng(1);
        Tensor a = Tensor.randn(rng, 3, 4).requiresGrad(true);
        Tensor b = Tensor.rand(rng, 4).add(0.5f).requiresGrad(true);
        GradCheck.assertGradients(in -> in[0].sigmoid().mul(in[1]).div(in[1].add(in[0].abs())).tanh(), a, b);
    }

    @Test
    void inPlaceWriteToAnInputAfterItsUseStopsBackward() {
        Tensor x = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
        Tensor w = Tensor.of(new float[]{4, 5, 6}, 3);
        Tensor y = x.mul(w).sum();
        w.set(0f, 1); // d y / d x is w: the graph saw 5 there, the storage now holds 0
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("input 1 of 'mul'") && e.getMessage().contains("modified in place")
                && e.getMessage().contains("version 0, now 1"), e.getMessage());
        assertNull(x.grad(), "nothing may be accumulated from a refused backward");
    }

    @Test
    void inPlaceWriteThroughAViewIsSeenByTheBase() {
        Tensor w = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2);
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        Tensor y = x.mul(w).sum();
        w.transpose(0, 1).copyFrom(Tensor.zeros(2, 2));
        assertEquals(1, w.version());
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void inPlaceWriteToAnOutputUsedByItsBackwardStopsBackward() {
        Tensor x = Tensor.of(new float[]{0.5f, -1f}, 2).requiresGrad(true);
        Tensor s = x.sigmoid(); // backward reads the output: σ' = σ(1 − σ)
        s.copyFrom(Tensor.zeros(2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.backward(Tensor.ones(2)));
        assertTrue(e.getMessage().contains("output of 'sigmoid'"), e.getMessage());
    }

    @Test
    void writesBeforeTheOpAndAfterBackwardAreAllowed() {
        Tensor w = Tensor.of(new float[]{4, 5}, 2);
        w.set(7f, 0); // before use: the graph records the new version
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor y = x.mul(w).sum();
        y.backward();
        assertArrayEquals(new float[]{7, 5}, x.grad().toArray());
        w.set(0f, 1); // after backward: nothing left to check
        Tensor z = x.mul(w).sum();
        z.backward();
        assertArrayEquals(new float[]{14, 5}, x.grad().toArray());
    }

    @Test
    void versionCountsEveryInPlaceWriter() {
        Tensor t = Tensor.zeros(3);
        assertEquals(0, t.version());
        t.set(1f, 0);
        t.copyFrom(Tensor.ones(3));
        t.markModified();
        assertEquals(3, t.version());
        assertEquals(3, t.reshape(3, 1).version(), "views share the count");
        assertEquals(0, t.copy().version(), "a copy starts its own");
    }

    @Test
    void accumulatingIntoAGradientCountsAsAnInPlaceWrite() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        x.mul(2f).sum().backward();
        Tensor w = Tensor.ones(2).requiresGrad(true);
        Tensor y = w.mul(x.grad()).sum(); // d y / d w is x.grad() as it is now: 2
        x.mul(3f).sum().backward(); // accumulates: x.grad() now holds 5
        assertEquals(1, x.grad().version());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("input 1 of 'mul'"), e.getMessage());
        assertNull(w.grad());
    }
}
