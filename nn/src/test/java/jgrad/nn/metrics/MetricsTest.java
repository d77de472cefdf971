package jgrad.nn.metrics;

import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Each metric against values worked out by hand from σ(0) = 1/2, σ(ln 3) = 3/4, σ(−ln 3) = 1/4. */
class MetricsTest {
    static final float HALF = 0f, THREE_Q = (float) Math.log(3), ONE_Q = (float) -Math.log(3);
    static final double EPS = 1e-6;

    static Tensor t(float[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    @Test
    void softIoUPerImageThenMeanOverImages() {
        Metric m = new SoftIoU();
        // image 1: p = (1/2, 3/4), t = (1, 0): I = 1/2, Σ(p+t) = 9/4, U = 7/4
        // image 2: p = (1/4, 1/2), t = (1, 1): I = 3/4, Σ(p+t) = 11/4, U = 2
        m.update(t(new float[]{HALF, THREE_Q, ONE_Q, HALF}, 2, 1, 1, 2), t(new float[]{1, 0, 1, 1}, 2, 1, 1, 2));
        double i1 = (0.5 + EPS) / (1.75 + EPS), i2 = (0.75 + EPS) / (2.0 + EPS);
        assertEquals((i1 + i2) / 2, m.value(), 1e-7);
        // a second batch of one image: p = (1/2, 1/2), t = 0: I = 0, U = 1 → 1e-6/(1 + 1e-6)
        m.update(t(new float[]{HALF, HALF}, 1, 1, 1, 2), t(new float[]{0, 0}, 1, 1, 1, 2));
        double i3 = EPS / (1 + EPS);
        assertEquals((i1 + i2 + i3) / 3, m.value(), 1e-7, "mean over images, not over batches");
        assertEquals("iou", m.name());
        assertTrue(m.higherIsBetter());
    }

    @Test
    void softIoUOfPerfectPredictionIsOne() {
        Metric m = new SoftIoU();
        m.update(t(new float[]{40, -40, 40, -40}, 1, 1, 2, 2), t(new float[]{1, 0, 1, 0}, 1, 1, 2, 2));
        assertEquals(1.0, m.value(), 1e-7);
    }

    @Test
    void emptyMaskScoresAsDocumented() {
        // all-zero target, logits −10 over 32×32: Σp = 1024·σ(−10), IoU = 1e-6/(Σp + 1e-6) ≈ 2.15e-5
        double sumP = 1024 / (1 + Math.exp(10));
        Metric iou = new SoftIoU();
        iou.update(Tensor.full(-10f, 1, 1, 32, 32), Tensor.zeros(1, 1, 32, 32));
        assertEquals(EPS / (sumP + EPS), iou.value(), 1e-9);
        assertEquals(2.15e-5, iou.value(), 1e-7);
        // logits −40: Σp ≈ 4.4e-15, so the score is 1 to within 1e-8
        Metric extreme = new SoftIoU();
        extreme.update(Tensor.full(-40f, 1, 1, 32, 32), Tensor.zeros(1, 1, 32, 32));
        assertEquals(1.0, extreme.value(), 1e-8);
        Metric b = new MeanIoUB();
        b.update(Tensor.full(-40f, 1, 1, 32, 32), Tensor.zeros(1, 1, 32, 32));
        assertEquals(0.0, b.value(), 0.0);
    }

    @Test
    void meanIoUBIsMeanOfBatchMeansAndHalfOfDice() {
        Metric m = new MeanIoUB();
        // same two images as above: I/(Σ(p+t) + 1e-6)
        m.update(t(new float[]{HALF, THREE_Q, ONE_Q, HALF}, 2, 2), t(new float[]{1, 0, 1, 1}, 2, 2));
        double b1 = (0.5 / (2.25 + EPS) + 0.75 / (2.75 + EPS)) / 2;
        assertEquals(b1, m.value(), 1e-7);
        // batch 2 (three images, all I = 0) weighs as much as batch 1
        m.update(t(new float[]{HALF, HALF, HALF, HALF, HALF, HALF}, 3, 2), t(new float[6], 3, 2));
        assertEquals((b1 + 0) / 2, m.value(), 1e-7);
        assertEquals("miou_b", m.name());
    }

    @Test
    void meanIoUBOfPerfectPredictionIsOneHalf() {
        Metric m = new MeanIoUB();
        m.update(t(new float[]{40, -40, 40, 40, -40, 40}, 2, 3), t(new float[]{1, 0, 1, 1, 0, 1}, 2, 3));
        assertEquals(0.5, m.value(), 1e-6);
        assertTrue(m.value() <= 0.5);
    }

    @Test
    void maskedRmseSkipsNearZeroTargetsAndWeightsByBatchSize() {
        Metric m = new MaskedRmse();
        // batch of 2: p = (1/2, 3/4 | 1/4, 1/2), t = (1, 0 | 0.5, 5e-5): kept pixels 0 and 2, d = 1/2, 1/4
        m.update(t(new float[]{HALF, THREE_Q, ONE_Q, HALF}, 2, 1, 2), t(new float[]{1, 0, 0.5f, 5e-5f}, 2, 1, 2));
        double r1 = Math.sqrt((0.25 + 0.0625) / 2);
        assertEquals(r1, m.value(), 1e-7);
        // batch of 1: p = (3/4, 1/2), t = (0.5, 0): kept pixel 0, d = 1/4
        m.update(t(new float[]{THREE_Q, HALF}, 1, 1, 2), t(new float[]{0.5f, 0}, 1, 1, 2));
        assertEquals((2 * r1 + 1 * 0.25) / 3, m.value(), 1e-7);
        // a batch with no valid pixel changes nothing
        m.update(t(new float[]{HALF, HALF}, 1, 1, 2), t(new float[]{0, 0}, 1, 1, 2));
        assertEquals((2 * r1 + 0.25) / 3, m.value(), 1e-7);
        assertFalse(m.higherIsBetter());
    }

    @Test
    void meanRmseBIsPlainMeanOfBatchValuesWithFloor() {
        Metric m = new MeanRmseB();
        // batch 1: p = (1/2, 3/4), t = (1, 0): MSE = (1/4 + 9/16)/2 = 13/32
        m.update(t(new float[]{HALF, THREE_Q}, 1, 2), t(new float[]{1, 0}, 1, 2));
        double r1 = Math.sqrt(13.0 / 32 + 1e-6);
        assertEquals(r1, m.value(), 1e-7);
        // batch 2 (three images), perfect: sqrt(0 + 1e-6) = 0.001, counted once
        m.update(t(new float[]{HALF, HALF, HALF}, 3, 1), t(new float[]{0.5f, 0.5f, 0.5f}, 3, 1));
        assertEquals((r1 + 0.001) / 2, m.value(), 1e-7);
    }

    @Test
    void resetFreshAndEmptyState() {
        for (Metric m : new Metric[]{new SoftIoU(), new MeanIoUB(), new MaskedRmse(), new MeanRmseB()}) {
            assertTrue(Double.isNaN(m.value()), m.name() + " before any batch");
            m.update(t(new float[]{HALF, HALF}, 1, 2), t(new float[]{1, 1}, 1, 2));
            assertFalse(Double.isNaN(m.value()));
            Metric f = m.fresh();
            assertEquals(m.name(), f.name());
            assertTrue(Double.isNaN(f.value()));
            m.reset();
            assertTrue(Double.isNaN(m.value()), m.name() + " after reset");
        }
    }

    @Test
    void noncontiguousOutputIsReadInLogicalOrder() {
        // memory holds [[40, 40], [-40, -40]]; the transposed view reads [[40, -40], [40, -40]]
        Tensor logits = t(new float[]{40, 40, -40, -40}, 1, 2, 2).transpose(1, 2);
        Metric m = new SoftIoU();
        m.update(logits, t(new float[]{1, 0, 1, 0}, 1, 2, 2));
        assertEquals(1.0, m.value(), 1e-7);
        Metric wrong = new SoftIoU();
        wrong.update(logits, t(new float[]{1, 1, 0, 0}, 1, 2, 2));
        assertTrue(wrong.value() < 0.5, "the memory order would have matched this target");
    }

    @Test
    void shapeMismatchIsReportedWithShapes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SoftIoU().update(Tensor.zeros(2, 1, 4, 4), Tensor.zeros(2, 1, 4, 3)));
        assertEquals("SoftIoU: output [2, 1, 4, 4] and target [2, 1, 4, 3] must have the same shape", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MeanRmseB().update(Tensor.scalar(1), Tensor.scalar(1)));
    }

    @Test
    void imagesWithoutValuesAreRefusedNotScored() {
        for (Metric m : java.util.List.<Metric>of(new SoftIoU(), new MeanIoUB(), new MeanRmseB(), new MaskedRmse())) {
            var e = assertThrows(IllegalArgumentException.class, () -> m.update(Tensor.zeros(2, 0, 3), Tensor.zeros(2, 0, 3)), m.name());
            assertTrue(e.getMessage().contains("[2, 0, 3]"), e.getMessage());
            assertTrue(Double.isNaN(m.value()), m.name() + ": nothing was added");
        }
    }
}
