package jgrad.nn.train;

import jgrad.core.Functional;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.Conv2d;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;
import jgrad.nn.metrics.SoftIoU;
import jgrad.nn.optim.Adam;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End to end through the trainer: a two-layer conv net learns a mask that is a fixed function of
 * the input — mask = 1 where a fixed 3×3 filter of the (zero-padded) image is positive.
 */
class ConvLearnsToyMaskTest {
    static final float[] KERNEL = {1, 0, -1, 2, 0, -2, 1, 0, -1}; // a horizontal-gradient detector

    static List<Batch> data(Rng r, int batches, int n, int size) {
        Tensor k = Tensor.of(KERNEL, 1, 1, 3, 3);
        List<Batch> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            Tensor x = Tensor.randn(r, n, 1, size, size);
            Tensor mask = Functional.conv2d(x, k, null, 1, 1).gt(0f);
            out.add(Batch.of(x, mask));
        }
        return out;
    }

    /** BCE with logits: mean of max(x, 0) − x·t + log(1 + e^−|x|). */
    static Tensor bce(Tensor x, Tensor t) {
        return x.relu().sub(x.mul(t)).add(x.abs().neg().exp().log1p()).mean();
    }

    @Test
    void lossFallsByALargeFactorAndIoURises() {
        Rng.manualSeed(2024);
        Rng r = new Rng(7);
        List<Batch> train = data(r, 4, 8, 12), val = data(r, 1, 8, 12);
        Sequential net = new Sequential(new Conv2d(1, 4, 3, 1, 1), new ReLU(), new Conv2d(4, 1, 1));
        Trainer t = Trainer.builder(net, new Adam(net.parameters(), 0.05), LossFunction.single(ConvLearnsToyMaskTest::bce))
                .metric(new SoftIoU()).quiet().build();
        History h = t.fit(DataSource.of(train), DataSource.of(val), 40);
        EpochStats first = h.epochs().get(0), last = h.last();
        assertTrue(last.loss() < first.loss() / 10, "train loss " + first.loss() + " → " + last.loss());
        assertTrue(last.valLoss() < first.valLoss() / 10, "val loss " + first.valLoss() + " → " + last.valLoss());
        assertTrue(last.valMetrics().get("iou") > 0.9, "val IoU " + last.valMetrics().get("iou"));
    }
}
