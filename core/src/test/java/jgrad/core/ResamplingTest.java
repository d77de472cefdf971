package jgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ResamplingTest {
    private static final Tensor X22 = Tensor.of(new float[]{1, 2, 3, 5}, 1, 1, 2, 2);

    @Test
    void bilinear2x2To4x4HalfPixelCentres() {
        // per axis, in=2 → out=4, scale ½: src = max(½(d + ½) − ½, 0) = 0, ¼, ¾, 1¼ (the last clamps to index 1)
        Tensor y = Functional.upsampleBilinear(X22, 4, 4, false);
        assertArrayEquals(new float[]{
                1, 1.25f, 1.75f, 2,
                1.5f, 1.8125f, 2.4375f, 2.75f,
                2.5f, 2.9375f, 3.8125f, 4.25f,
                3, 3.5f, 4.5f, 5}, y.toArray(), 1e-6f);
    }

    @Test
    void bilinear2x2To4x4AlignCorners() {
        // scale (2 − 1)/(4 − 1) = ⅓: src = 0, ⅓, ⅔, 1
        Tensor y = Functional.upsampleBilinear(X22, 4, 4, true);
        assertArrayEquals(new float[]{
                1, 4 / 3f, 5 / 3f, 2,
                5 / 3f, 19 / 9f, 23 / 9f, 3,
                7 / 3f, 26 / 9f, 31 / 9f, 4,
                3, 11 / 3f, 13 / 3f, 5}, y.toArray(), 1e-5f);
    }

    @Test
    void bilinearDownsampleAndSingleOutput() {
        Tensor x = Tensor.of(new float[]{0, 1, 2, 3}, 1, 1, 1, 4);
        // scale 2: src = 2(d + ½) − ½ = ½, 2½
        assertArrayEquals(new float[]{0.5f, 2.5f}, Functional.upsampleBilinear(x, 1, 2, false).toArray(), 1e-6f);
        // align_corners: scale 3 → src 0, 3
        assertArrayEquals(new float[]{0, 3}, Functional.upsampleBilinear(x, 1, 2, true).toArray(), 1e-6f);
        // one output with align_corners takes the first element (scale 0)
        assertArrayEquals(new float[]{0}, Functional.upsampleBilinear(x, 1, 1, true).toArray(), 1e-6f);
        // one output without: scale 4, src = 4·½ − ½ = 1.5
        assertArrayEquals(new float[]{1.5f}, Functional.upsampleBilinear(x, 1, 1, false).toArray(), 1e-6f);
    }

    @Test
    void bilinearNonIntegerScale() {
        Tensor x = Tensor.of(new float[]{0, 10, 30}, 1, 1, 1, 3);
        // 3 → 5, scale 0.6: src = 0.6·d − 0.2 → 0 (clamped from −0.2), 0.4, 1, 1.6, 2.2 (index 2 twice)
        assertArrayEquals(new float[]{0, 4, 10, 22, 30}, Functional.upsampleBilinear(x, 1, 5, false).toArray(), 1e-5f);
        // align_corners: scale 2/4, src = 0, ½, 1, 1½, 2
        assertArrayEquals(new float[]{0, 5, 10, 20, 30}, Functional.upsampleBilinear(x, 1, 5, true).toArray(), 1e-5f);
    }

    @Test
    void scaleFactorOneIsIdentity() {
        Tensor x = Tensor.randn(new Rng(1), 2, 3, 4, 5);
        assertArrayEquals(x.toArray(), Functional.upsampleBilinear(x, 4, 5, false).toArray(), 1e-6f);
        assertArrayEquals(x.toArray(), Functional.upsampleBilinear(x, 4, 5, true).toArray(), 1e-6f);
        assertArrayEquals(x.toArray(), Functional.upsampleNearest(x, 4, 5).toArray());
    }

    @Test
    void bilinearGradientOfSumCountsWeights() {
        Tensor x = X22.detach().requiresGrad(true);
        Functional.upsampleBilinear(x, 4, 4, false).sum().backward();
        // per axis the four outputs put weights (1,0), (¾,¼), (¼,¾), (0,1) → each source collects 2 per axis
        assertArrayEquals(new float[]{4, 4, 4, 4}, x.grad().toArray(), 1e-6f);
    }

    @Test
    void bilinearGradients() {
        Tensor x = Tensor.randn(new Rng(3), 2, 2, 3, 4).requiresGrad(true);
        for (boolean ac : new boolean[]{false, true}) {
            GradCheck.assertGradients(in -> Functional.upsampleBilinear(in[0], 5, 7, ac), x);
            GradCheck.assertGradients(in -> Functional.upsampleBilinear(in[0], 2, 3, ac), x);
            GradCheck.assertGradients(in -> Functional.upsampleBilinear(in[0].transpose(2, 3), 9, 5, ac), x);
        }
    }

    @Test
    void nearestIndexMapping() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 1, 1, 2, 3);
        // rows 2→4: ⌊d/2⌋ = 0,0,1,1; cols 3→7: ⌊d·3/7⌋ = 0,0,0,1,1,2,2
        Tensor y = Functional.upsampleNearest(x, 4, 7);
        assertArrayEquals(new float[]{
                1, 1, 1, 2, 2, 3, 3,
                1, 1, 1, 2, 2, 3, 3,
                4, 4, 4, 5, 5, 6, 6,
                4, 4, 4, 5, 5, 6, 6}, y.toArray());
        // down: 5 → 2 with scale 2.5 takes 0 and 2
        Tensor z = Tensor.of(new float[]{10, 11, 12, 13, 14}, 1, 1, 1, 5);
        assertArrayEquals(new float[]{10, 12}, Functional.upsampleNearest(z, 1, 2).toArray());
    }

    @Test
    void nearestGradients() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 1, 1, 2, 3).requiresGrad(true);
        Functional.upsampleNearest(x, 4, 7).sum().backward();
        assertArrayEquals(new float[]{6, 4, 4, 6, 4, 4}, x.grad().toArray());
        Tensor r = Tensor.randn(new Rng(4), 2, 2, 3, 4).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.upsampleNearest(in[0], 7, 5), r);
        GradCheck.assertGradients(in -> Functional.upsampleNearest(in[0].transpose(2, 3), 2, 2), r);
    }

    @Test
    void pixelShuffleIndexMapping() {
        Tensor x = Tensor.arange(16).reshape(1, 4, 2, 2);
        Tensor y = Functional.pixelShuffle(x, 2);
        assertArrayEquals(new int[]{1, 1, 4, 4}, y.dims());
        assertArrayEquals(new float[]{
                0, 4, 1, 5,
                8, 12, 9, 13,
                2, 6, 3, 7,
                10, 14, 11, 15}, y.toArray());
        // y[n, c, h·r + i, w·r + j] = x[n, c·r² + i·r + j, h, w] for every index
        int r = 3;
        Tensor big = Tensor.randn(new Rng(5), 2, 18, 2, 3);
        Tensor z = Functional.pixelShuffle(big, r);
        assertArrayEquals(new int[]{2, 2, 6, 9}, z.dims());
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 2; c++)
                for (int h = 0; h < 2; h++)
                    for (int w = 0; w < 3; w++)
                        for (int i = 0; i < r; i++)
                            for (int j = 0; j < r; j++)
                                assertEquals(big.get(n, c * r * r + i * r + j, h, w), z.get(n, c, h * r + i, w * r + j));
        assertArrayEquals(big.toArray(), Functional.pixelShuffle(big, 1).toArray());
        assertArrayEquals(new int[]{2, 6, 9}, Functional.pixelShuffle(big.narrow(0, 0, 1).squeeze(0), r).dims());
    }

    @Test
    void pixelShuffleGradients() {
        Tensor x = Tensor.randn(new Rng(6), 2, 8, 2, 3).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.pixelShuffle(in[0], 2), x);
        Tensor t = Tensor.randn(new Rng(7), 1, 4, 3, 2).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.pixelShuffle(in[0].transpose(2, 3), 2), t);
    }

    @Test
    void badInputsNameTheOpAndShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.pixelShuffle(Tensor.zeros(1, 3, 2, 2), 2));
        assertTrue(e.getMessage().contains("pixelShuffle") && e.getMessage().contains("[1, 3, 2, 2]")
                && e.getMessage().contains("4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.upsampleBilinear(Tensor.zeros(4, 4), 8, 8, false));
        assertTrue(e.getMessage().contains("upsampleBilinear") && e.getMessage().contains("[4, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.upsampleNearest(Tensor.zeros(1, 1, 4, 4), 0, 8));
        assertTrue(e.getMessage().contains("upsampleNearest") && e.getMessage().contains("0×8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.pixelShuffle(Tensor.zeros(1, 4, 2, 2), 0));
        assertTrue(e.getMessage().contains("pixelShuffle"), e.getMessage());
    }
}
