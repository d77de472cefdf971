package jgrad.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.*;

class ElementwiseTest {
    static void assertClose(float[] expected, Tensor actual, double tol) {
        float[] a = actual.toArray();
        assertEquals(expected.length, a.length, "element count");
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    @Test
    void unaryOpsMatchHandValues() {
        Tensor x = Tensor.of(new float[]{-2, 0, 0.5f, 3}, 4);
        assertClose(new float[]{2, 0, -0.5f, -3}, x.neg(), 0);
        assertClose(new float[]{0.1353353f, 1, 1.6487213f, 20.085537f}, x.exp(), 1e-6);
        assertClose(new float[]{2, 0, 0.5f, 3}, x.abs(), 0);
        assertClose(new float[]{0, 0, 0.5f, 3}, x.relu(), 0);
        assertClose(new float[]{0.11920292f, 0.5f, 0.62245935f, 0.95257413f}, x.sigmoid(), 1e-6);
        assertClose(new float[]{-0.9640276f, 0, 0.46211716f, 0.9950548f}, x.tanh(), 1e-6);
        Tensor p = Tensor.of(new float[]{0.25f, 1, 4, 9}, 4);
        assertClose(new float[]{0.5f, 1, 2, 3}, p.sqrt(), 1e-7);
        assertClose(new float[]{-1.3862944f, 0, 1.3862944f, 2.1972246f}, p.log(), 1e-6);
        assertClose(new float[]{0.22314355f, 0.6931472f, 1.609438f, 2.3025851f}, p.log1p(), 1e-6);
        assertClose(new float[]{0.25f, 1, 3, 3}, p.clamp(0, 3), 0);
    }

    @Test
    void sigmoidIsStableAtExtremeLogits() {
        Tensor x = Tensor.of(new float[]{-100, -90, 90, 100}, 4);
        float[] y = x.sigmoid().toArray();
        assertEquals(0f, y[0], 1e-30);
        assertEquals(1f, y[3]);
        for (float v : y) assertTrue(Float.isFinite(v));
    }

    @Test
    void vectorAndScalarTailsAgreeOnLongInputs() {
        // 37 elements: whole vectors plus a scalar tail on any lane count
        Tensor x = Tensor.randn(new Rng(5), 37);
        float[] xs = x.toArray(), y = x.sigmoid().toArray(), t = x.tanh().toArray(), e = x.exp().toArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(UnaryOp.SIGMOID.apply(xs[i]), y[i], 1e-6);
            assertEquals(Math.tanh(xs[i]), t[i], 1e-6);
            assertEquals(Math.exp(xs[i]), e[i], 1e-6 * Math.exp(xs[i]));
        }
    }

    @Test
    void binaryOpsBroadcastLikeNumpy() {
        Tensor a = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor col = Tensor.of(new float[]{10, 20}, 2, 1);
        Tensor row = Tensor.of(new float[]{1, 0, -1}, 3);
        assertClose(new float[]{11, 12, 13, 24, 25, 26}, a.add(col), 0);
        assertClose(new float[]{1, 0, -3, 4, 0, -6}, a.mul(row), 0);
        assertClose(new float[]{-9, -8, -7, -16, -15, -14}, a.sub(col), 0);
        assertClose(new float[]{0.1f, 0.2f, 0.3f, 0.2f, 0.25f, 0.3f}, a.div(col), 1e-7);
        assertClose(new float[]{1, 4, 9, 16, 25, 36}, a.pow(2f), 0);
        assertClose(new float[]{3, 3, 3, 4, 5, 6}, a.maximum(3f), 0);
        assertClose(new float[]{1, 2, 3, 3, 3, 3}, a.minimum(3f), 0);
        Tensor outer = col.add(row); // [2,1] + [3] -> [2,3]
        assertArrayEquals(new int[]{2, 3}, outer.dims());
        assertClose(new float[]{11, 10, 9, 21, 20, 19}, outer, 0);
        Tensor s = Tensor.scalar(2).mul(Tensor.scalar(4));
        assertEquals(0, s.rank());
        assertEquals(8f, s.item());
    }

    @Test
    void comparisonsAndWhere() {
        Tensor a = Tensor.of(new float[]{1, 2, 3}, 3);
        Tensor b = Tensor.of(new float[]{3, 2, 1}, 3);
        assertClose(new float[]{1, 0, 0}, a.lt(b), 0);
        assertClose(new float[]{1, 1, 0}, a.le(b), 0);
        assertClose(new float[]{0, 1, 0}, a.eq(b), 0);
        assertClose(new float[]{1, 0, 1}, a.ne(b), 0);
        assertClose(new float[]{1, 0, 1}, a.ne(2), 0); // a scalar operand, as eq, lt, le, gt, ge
        assertClose(new float[]{0, 0, 1}, a.gt(b), 0);
        assertClose(new float[]{0, 1, 1}, a.ge(b), 0);
        Tensor w = Tensor.where(a.gt(b), a, Tensor.scalar(-1));
        assertClose(new float[]{-1, -1, 3}, w, 0);
    }

    @ParameterizedTest
    @EnumSource(value = BinaryOp.class, names = {"ADD", "SUB", "MUL", "DIV", "POW", "MAXIMUM", "MINIMUM"})
    void binaryGradientsWithBroadcastingAndNonContiguousInputs(BinaryOp op) {
        Rng rng = new Rng(op.ordinal());
        Tensor a = Tensor.rand(rng, 3, 4).add(0.5f).requiresGrad(true);  // positive: pow's log(a)
        Tensor b = Tensor.rand(rng, 4, 1).add(0.5f).requiresGrad(true);
        // a is read through a transpose (non-contiguous); b broadcasts along the last dim
        GradCheck.assertGradients(in -> Elementwise.binary(op, in[0].transpose(0, 1), in[1]), a, b);
        Tensor s = Tensor.rand(rng, 1).add(0.7f).requiresGrad(true);
        GradCheck.assertGradients(in -> Elementwise.binary(op, in[1], in[0]), a, s);
    }

    @Test
    void whereAndClampGradients() {
        Rng rng = new Rng(9);
        Tensor a = Tensor.randn(rng, 2, 3).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 3).requiresGrad(true);
        Tensor cond = Tensor.of(new float[]{1, 0, 1, 0, 0, 1}, 2, 3);
        GradCheck.assertGradients(in -> Tensor.where(cond, in[0], in[1]), a, b);
        Tensor x = Tensor.of(new float[]{-2, -0.5f, 0.3f, 1.7f}, 4).requiresGrad(true);
        GradCheck.assertGradients(in -> in[0].clamp(-1, 1), x);
        x.zeroGrad();
        x.clamp(-1, 1).sum().backward();
        assertClose(new float[]{0, 1, 1, 0}, x.grad(), 0);
    }

    @Test
    void maximumSharesGradientOnTies() {
        Tensor a = Tensor.of(new float[]{1, 2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[]{1, 3}, 2).requiresGrad(true);
        a.maximum(b).sum().backward();
        assertClose(new float[]{0.5f, 0}, a.grad(), 0);
        assertClose(new float[]{0.5f, 1}, b.grad(), 0);
    }

    @Test
    void sizeOneAndEmptyEdgeCases() {
        Tensor one = Tensor.of(new float[]{3}, 1, 1, 1);
        Tensor big = Tensor.ones(2, 1, 4);
        assertArrayEquals(new int[]{2, 1, 4}, big.mul(one).dims());
        Tensor empty = Tensor.zeros(0, 3);
        assertEquals(0, empty.add(Tensor.ones(3)).numel());
        assertArrayEquals(new int[]{0, 3}, empty.exp().dims());
    }

    @Test
    void mismatchedShapesNameTheOpAndShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ones(2, 3).add(Tensor.ones(4)));
        assertTrue(e.getMessage().startsWith("add:") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.where(Tensor.ones(2), Tensor.ones(3), Tensor.ones(3)));
        assertTrue(e.getMessage().startsWith("where:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2).clamp(1, 0));
        assertTrue(e.getMessage().startsWith("clamp:"), e.getMessage());
    }
}
