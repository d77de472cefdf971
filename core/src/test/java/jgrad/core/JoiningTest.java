package jgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class JoiningTest {
    @Test
    void catAlongFirstAndInnerDims() {
        Tensor a = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3), b = Tensor.of(new float[]{7, 8, 9}, 1, 3);
        Tensor y = Tensor.cat(0, a, b);
        assertArrayEquals(new int[]{3, 3}, y.dims());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, y.toArray());
        Tensor c = Tensor.of(new float[]{10, 20}, 2, 1);
        Tensor z = Tensor.cat(-1, a, c);
        assertArrayEquals(new float[]{1, 2, 3, 10, 4, 5, 6, 20}, z.toArray());
        // a transposed (non-contiguous) operand
        Tensor t = Tensor.cat(1, a.transpose(0, 1), Tensor.of(new float[]{0, 0, 0}, 3, 1));
        assertArrayEquals(new float[]{1, 4, 0, 2, 5, 0, 3, 6, 0}, t.toArray());
        // an empty operand contributes nothing
        assertArrayEquals(a.toArray(), Tensor.cat(0, a, Tensor.zeros(0, 3)).toArray());
    }

    @Test
    void catGradientsAreSlicesOfG() {
        Tensor a = Tensor.randn(new Rng(1), 2, 3, 4).requiresGrad(true);
        Tensor b = Tensor.randn(new Rng(2), 2, 1, 4).requiresGrad(true);
        GradCheck.assertGradients(in -> Tensor.cat(1, in[0], in[1], in[0]), a, b);
        GradCheck.assertGradients(in -> Tensor.cat(2, in[0].transpose(1, 2), in[1].transpose(1, 2)), a, b);
        Tensor x = Tensor.of(new float[]{1, 2}, 2).requiresGrad(true);
        Tensor.cat(0, x, x).mul(Tensor.of(new float[]{1, 2, 3, 4}, 4)).sum().backward();
        assertArrayEquals(new float[]{4, 6}, x.grad().toArray());
    }

    @Test
    void stackAddsADim() {
        Tensor a = Tensor.of(new float[]{1, 2, 3}, 3), b = Tensor.of(new float[]{4, 5, 6}, 3);
        Tensor s0 = Tensor.stack(0, a, b);
        assertArrayEquals(new int[]{2, 3}, s0.dims());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, s0.toArray());
        Tensor s1 = Tensor.stack(1, a, b);
        assertArrayEquals(new int[]{3, 2}, s1.dims());
        assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, s1.toArray());
        assertArrayEquals(s1.toArray(), Tensor.stack(-1, a, b).toArray());
        assertArrayEquals(new int[]{1}, Tensor.stack(0, Tensor.scalar(3)).dims());
    }

    @Test
    void stackGradients() {
        Tensor a = Tensor.randn(new Rng(3), 2, 3).requiresGrad(true), b = Tensor.randn(new Rng(4), 3, 2).requiresGrad(true);
        GradCheck.assertGradients(in -> Tensor.stack(1, in[0], in[1].transpose(0, 1), in[0]), a, b);
    }

    @Test
    void splitIntoViews() {
        Tensor x = Tensor.arange(10).reshape(5, 2);
        Tensor[] parts = x.split(2, 0);
        assertEquals(3, parts.length);
        assertArrayEquals(new float[]{0, 1, 2, 3}, parts[0].toArray());
        assertArrayEquals(new float[]{4, 5, 6, 7}, parts[1].toArray());
        assertArrayEquals(new int[]{1, 2}, parts[2].dims());
        assertArrayEquals(new float[]{8, 9}, parts[2].toArray());
        parts[1].set(-1, 0, 1);
        assertEquals(-1, x.get(2, 1)); // a view: writes show through
        Tensor[] cols = x.split(5, -1);
        assertEquals(1, cols.length);
        assertArrayEquals(new int[]{5, 2}, cols[0].dims());
    }

    @Test
    void splitGradientsAndRoundTrip() {
        Tensor x = Tensor.randn(new Rng(5), 3, 7).requiresGrad(true);
        GradCheck.assertGradients(in -> {
            Tensor[] p = in[0].split(3, 1);
            return Tensor.cat(1, p[2], p[0].mul(p[0]), p[1]);
        }, x);
        Tensor y = Tensor.randn(new Rng(6), 4, 3);
        assertArrayEquals(y.toArray(), Tensor.cat(0, y.split(3, 0)).toArray());
    }

    @Test
    void badInputsNameTheOpAndShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.cat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("cat") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.cat(0, Tensor.zeros(2, 3), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.cat(2, Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("cat"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.stack(0, Tensor.zeros(2), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("stack") && e.getMessage().contains("[3]"), e.getMessage());
        // stack of 1-D tensors takes dims -2 … 1; the message gives the inputs' rank, not the output's
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.stack(2, Tensor.zeros(2), Tensor.zeros(2)));
        assertTrue(e.getMessage().startsWith("stack:") && e.getMessage().contains("rank 1") && e.getMessage().contains("-2")
                && !e.getMessage().contains("rank 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(4).split(0, 0));
        assertTrue(e.getMessage().contains("split") && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.cat(0));
    }
}
