package jgrad.core;

import jgrad.core.Functional.PadMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PaddingTest {
    private static Tensor x33() {
        return Tensor.of(new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    }

    @Test
    void reflectOnEverySide() {
        Tensor y = Functional.pad(x33(), new int[]{1, 1, 1, 1}, PadMode.REFLECT);
        assertArrayEquals(new int[]{1, 1, 5, 5}, y.dims());
        assertArrayEquals(new float[]{
                5, 4, 5, 6, 5,
                2, 1, 2, 3, 2,
                5, 4, 5, 6, 5,
                8, 7, 8, 9, 8,
                5, 4, 5, 6, 5}, y.toArray());
    }

    @Test
    void reflectUnevenUsesPairsFromTheLastDim() {
        // {left 2, right 0, top 0, bottom 1}
        Tensor y = Functional.pad(x33(), new int[]{2, 0, 0, 1}, PadMode.REFLECT);
        assertArrayEquals(new int[]{1, 1, 4, 5}, y.dims());
        assertArrayEquals(new float[]{
                3, 2, 1, 2, 3,
                6, 5, 4, 5, 6,
                9, 8, 7, 8, 9,
                6, 5, 4, 5, 6}, y.toArray());
    }

    @Test
    void replicate() {
        Tensor y = Functional.pad(x33(), new int[]{1, 2, 0, 1}, PadMode.REPLICATE);
        assertArrayEquals(new int[]{1, 1, 4, 6}, y.dims());
        assertArrayEquals(new float[]{
                1, 1, 2, 3, 3, 3,
                4, 4, 5, 6, 6, 6,
                7, 7, 8, 9, 9, 9,
                7, 7, 8, 9, 9, 9}, y.toArray());
    }

    @Test
    void constantZeroAndOnlyTheLastDim() {
        Tensor y = Functional.pad(x33(), new int[]{1, 0, 0, 2}, PadMode.CONSTANT);
        assertArrayEquals(new float[]{
                0, 1, 2, 3,
                0, 4, 5, 6,
                0, 7, 8, 9,
                0, 0, 0, 0,
                0, 0, 0, 0}, y.toArray());
        Tensor v = Functional.pad(Tensor.of(new float[]{1, 2, 3}, 3), new int[]{2, 1}, PadMode.REFLECT);
        assertArrayEquals(new float[]{3, 2, 1, 2, 3, 2}, v.toArray());
        Tensor c = Functional.pad(Tensor.ones(2, 1, 1), new int[]{0, 0, 0, 0, 1, 0}, PadMode.CONSTANT);
        assertArrayEquals(new int[]{3, 1, 1}, c.dims());
        assertArrayEquals(new float[]{0, 1, 1}, c.toArray());
    }

    @Test
    void zeroPaddingAndSizeOneDims() {
        Tensor x = Tensor.randn(new Rng(1), 2, 3, 4);
        assertArrayEquals(x.toArray(), Functional.pad(x, new int[]{0, 0, 0, 0}, PadMode.REFLECT).toArray());
        Tensor one = Tensor.of(new float[]{7}, 1, 1, 1, 1);
        assertArrayEquals(new float[]{7, 7, 7, 7, 7, 7, 7, 7}, Functional.pad(one, new int[]{2, 1, 0, 1}, PadMode.REPLICATE).toArray());
    }

    @Test
    void gradientOfSumCountsHowOftenEachSourceIsRead() {
        Tensor x = x33().requiresGrad(true);
        Functional.pad(x, new int[]{1, 1, 1, 1}, PadMode.REFLECT).sum().backward();
        // per axis the map is 1,0,1,2,1: counts 1,3,1
        assertArrayEquals(new float[]{1, 3, 1, 3, 9, 3, 1, 3, 1}, x.grad().toArray());
        Tensor z = x33().requiresGrad(true);
        Functional.pad(z, new int[]{1, 2, 0, 1}, PadMode.REPLICATE).sum().backward();
        // cols 0,0,1,2,2,2 → 2,1,3; rows 0,1,2,2 → 1,1,2
        assertArrayEquals(new float[]{2, 1, 3, 2, 1, 3, 4, 2, 6}, z.grad().toArray());
    }

    @Test
    void gradients() {
        Tensor x = Tensor.randn(new Rng(2), 2, 2, 4, 5).requiresGrad(true);
        for (PadMode m : PadMode.values()) {
            GradCheck.assertGradients(in -> Functional.pad(in[0], new int[]{2, 1, 3, 0}, m), x);
            GradCheck.assertGradients(in -> Functional.pad(in[0].transpose(2, 3), new int[]{1, 3, 2, 2}, m), x);
        }
        // three padded dims, replicate and reflect folding through a padded outer dim
        Tensor v = Tensor.randn(new Rng(3), 1, 3, 3, 4).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.pad(in[0], new int[]{1, 1, 1, 0, 2, 1}, PadMode.REFLECT), v);
        GradCheck.assertGradients(in -> Functional.pad(in[0], new int[]{0, 1, 1, 0, 2, 1}, PadMode.REPLICATE), v);
    }

    @Test
    void badInputsNameTheOpAndShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.pad(x33(), new int[]{3, 0, 0, 0}, PadMode.REFLECT));
        assertTrue(e.getMessage().contains("pad") && e.getMessage().contains("reflect") && e.getMessage().contains("[1, 1, 3, 3]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.pad(x33(), new int[]{1, -1}, PadMode.CONSTANT));
        assertTrue(e.getMessage().contains("negative") && e.getMessage().contains("[1, 1, 3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.pad(x33(), new int[]{1, 1, 1}, PadMode.CONSTANT));
        assertTrue(e.getMessage().contains("pairs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.pad(Tensor.zeros(3), new int[]{1, 1, 1, 1}, PadMode.CONSTANT));
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    }
}
