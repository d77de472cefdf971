package jgrad.nn.train;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.optim.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class LrFinderTest {
    @TempDir
    Path dir;

    final float[][] data = Toy.regression(64, 11);

    @Test
    void exponentialSchedule() {
        double[] expect = {1e-4, 1e-3, 1e-2, 1e-1, 1};
        for (int i = 0; i < 5; i++) assertEquals(expect[i], LrFinder.lrAt(1e-4, 1, 5, i), 1e-15 + 1e-12 * expect[i]);
    }

    /** A loss that ignores the model's output value but keeps the graph: the script decides every loss. */
    static LossFunction scripted(double... values) {
        AtomicInteger k = new AtomicInteger();
        return (o, t) -> o[0].sum().mul(0f).add((float) values[Math.min(k.getAndIncrement(), values.length - 1)]);
    }

    @Test
    void smoothingWithBiasCorrectionByHand() {
        Toy.Affine m = new Toy.Affine(0.5f);
        var r = new LrFinder(m, new SGD(m.parameters(), 0.1), scripted(1, 2, 2)).range(1e-3, 1, 3)
                .run(Toy.loader(data, 8, false));
        double b = 0.98;
        assertEquals(1.0, r.smoothed()[0], 1e-9, "bias correction makes the first point the first loss");
        assertEquals((b * (1 - b) * 1 + (1 - b) * 2) / (1 - b * b), r.smoothed()[1], 1e-9);
        double a2 = b * (b * (1 - b) + (1 - b) * 2) + (1 - b) * 2;
        assertEquals(a2 / (1 - b * b * b), r.smoothed()[2], 1e-9);
        assertEquals("completed", r.stopReason());
        assertArrayEquals(new double[]{1, 2, 2}, r.losses(), 1e-6);
    }

    @Test
    void stopsExactlyWhenSmoothedLossExceedsFiveTimesTheBest() {
        // five losses of 1, then a jump: smoothed s5 = (0.98 − 0.98⁶ + 0.02·J)/(1 − 0.98⁶)
        // J = 10 → s5 ≈ 2.58 (below 5 × 1: goes on); J = 100 → s5 ≈ 18.3 (stops at step 5)
        Toy.Affine m = new Toy.Affine(0.5f);
        var on = new LrFinder(m, new SGD(m.parameters(), 0.1), scripted(1, 1, 1, 1, 1, 10, 1, 1)).range(1e-3, 1, 8)
                .run(Toy.loader(data, 8, false));
        assertEquals("completed", on.stopReason());
        assertEquals(8, on.lrs().length);
        double b6 = Math.pow(0.98, 6);
        assertEquals((0.98 - b6 + 0.2) / (1 - b6), on.smoothed()[5], 1e-9);

        var off = new LrFinder(m, new SGD(m.parameters(), 0.1), scripted(1, 1, 1, 1, 1, 100, 1, 1)).range(1e-3, 1, 8)
                .run(Toy.loader(data, 8, false));
        assertEquals("diverged", off.stopReason());
        assertEquals(6, off.lrs().length, "the diverging point is the last one kept");
        assertEquals((0.98 - b6 + 2) / (1 - b6), off.smoothed()[5], 1e-9);
    }

    @Test
    void realSweepDivergesRestoresStateSuggestsAndPlots() throws Exception {
        Rng.manualSeed(3);
        Toy.Affine m = new Toy.Affine(0.1f);
        SGD opt = new SGD(m.parameters(), 0.01, 0.9);
        // one ordinary step first, so the optimizer has a momentum buffer to restore
        Batch b0 = Toy.loader(data, 8, false).iterator().next();
        Toy.MSE.compute(m.callAll(b0.inputs()), b0.targets()).backward();
        opt.step();
        float w = m.w.item(), bias = m.b.item();
        var before = opt.stateDict();
        long rng = Rng.global().state();

        LrFinder.Result r = new LrFinder(m, opt, Toy.MSE).range(1e-4, 100, 120).run(Toy.loader(data, 8, true));

        assertEquals("diverged", r.stopReason(), "plain SGD on this regression diverges well before lr = 100");
        int n = r.smoothed().length;
        assertTrue(n < 120);
        double best = r.smoothed()[0];
        for (int i = 1; i < n - 1; i++) {
            assertTrue(r.smoothed()[i] <= 5 * best, "step " + i + " did not break the rule yet");
            best = Math.min(best, r.smoothed()[i]);
        }
        assertTrue(r.smoothed()[n - 1] > 5 * best, "the last point broke the 5× rule");
        assertTrue(r.suggested() >= 1e-4 && r.suggested() < r.lrs()[n - 1], "suggestion " + r.suggested());
        int k = r.suggestedIndex();
        assertTrue(r.smoothed()[k + 1] < r.smoothed()[k - 1], "the loss falls around the suggestion");

        assertEquals(w, m.w.item(), 0f, "weights restored");
        assertEquals(bias, m.b.item(), 0f);
        assertEquals(0.01, opt.lr(), 0.0, "learning rate restored");
        var after = opt.stateDict();
        assertEquals(before.meta().toString(), after.meta().toString());
        for (var e : before.tensors().entrySet()) {
            assertArrayEquals(e.getValue().toArray(), after.tensors().get(e.getKey()).toArray(), e.getKey());
        }
        assertEquals(rng, Rng.global().state(), "generator restored");

        Path png = dir.resolve("lr_find.png");
        r.plot(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertEquals(800, img.getWidth());
        assertEquals(500, img.getHeight());
    }

    @Test
    void sweepRestoresTheDropoutLayersOwnGenerator() {
        // the layer's masks come from its own generator, not Rng.global(): a sweep that advanced it
        // would change every dropout mask of the training run that follows
        Rng.manualSeed(4);
        Toy.Affine m = new Toy.Affine(0.1f, 0.3);
        SGD opt = new SGD(m.parameters(), 0.01);
        long dropState = m.drop.rng().state();
        new LrFinder(m, opt, Toy.MSE).range(1e-4, 1e-2, 5).run(Toy.loader(data, 8, false));
        assertEquals(dropState, m.drop.rng().state(), "dropout generator restored");
    }

    @Test
    void steepestDescentRule() {
        double[] lr = {1e-4, 1e-3, 1e-2, 1e-1, 1};
        double[] s = {1.0, 0.9, 0.5, 0.45, 3.0};
        // slopes per decade: i=1: (0.5 − 1.0)/2 = −0.25; i=2: (0.45 − 0.9)/2 = −0.225; i=3 rises
        assertEquals(1, LrFinder.steepest(lr, s, 0, 1));
        assertEquals(1, LrFinder.steepest(lr, s, 2, 1), "too short for the skips: all but the last point searched");
        double[] lr8 = {1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1};
        double[] s8 = {1.0, 0.2, 0.2, 0.19, 0.1, 0.05, 0.04, 9};
        // without skips the warm-up drop wins: i=0 (one-sided) −0.8 per decade
        assertEquals(0, LrFinder.steepest(lr8, s8, 0, 0));
        // skipping 2 and 1: i=2 −0.005, i=3 −0.05, i=4 −0.07, i=5 −0.03, i=6 rises
        assertEquals(4, LrFinder.steepest(lr8, s8, 2, 1));
        assertEquals(-1, LrFinder.steepest(lr, new double[]{1, 2, 3, 4, 5}, 0, 0), "never falls: no suggestion");
        assertEquals(-1, LrFinder.steepest(new double[]{1e-3}, new double[]{1}, 0, 0));
    }

    @Test
    void nonFiniteLossEndsTheSweepAndArgumentsAreChecked() {
        Toy.Affine m = new Toy.Affine(0.5f);
        var r = new LrFinder(m, new SGD(m.parameters(), 0.1), scripted(1, 1, Double.NaN, 1)).range(1e-3, 1, 4)
                .run(Toy.loader(data, 8, false));
        assertEquals("non-finite loss", r.stopReason());
        assertEquals(3, r.lrs().length);
        assertThrows(IllegalArgumentException.class, () -> new LrFinder(m, new SGD(m.parameters(), 0.1), Toy.MSE).range(1, 0.1, 10));
        assertThrows(IllegalArgumentException.class, () -> new LrFinder(m, new SGD(m.parameters(), 0.1), Toy.MSE).range(1e-3, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LrFinder(m, new SGD(m.parameters(), 0.1), Toy.MSE).smoothing(1.0, 5));
    }

    @Test
    void restoresEachModulesOwnTrainEvalFlag() {
        Toy.Affine m = new Toy.Affine(0.5f, 0.1);
        m.train();
        m.drop.eval(); // a mix that train(wasTraining) would flatten
        new LrFinder(m, new SGD(m.parameters(), 0.1), Toy.MSE).range(1e-3, 1e-2, 3).run(Toy.loader(data, 8, false));
        assertTrue(m.isTraining());
        assertFalse(m.drop.isTraining());
    }
}
