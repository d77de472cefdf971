package jgrad.nn;

import jgrad.core.Tensor;
import jgrad.nn.io.Json;
import jgrad.nn.optim.AdamW;
import jgrad.nn.optim.SGD;
import jgrad.nn.sched.LRScheduler;
import jgrad.nn.sched.OneCycleLR;
import jgrad.nn.sched.ReduceLROnPlateau;
import jgrad.nn.sched.ReduceLROnPlateau.Mode;
import jgrad.nn.sched.ReduceLROnPlateau.ThresholdMode;
import jgrad.nn.sched.StepLR;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SchedulerTest {
    private static List<Tensor> params() {
        return List.of(Tensor.zeros(2).requiresGrad(true));
    }

    @Test
    void stepLrMultipliesEveryStepSize() {
        SGD opt = new SGD(params(), 1.0);
        StepLR s = new StepLR(opt, 2, 0.5);
        double[] expected = {1, 1, 0.5, 0.5, 0.25, 0.25, 0.125};
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], opt.lr(), 1e-15, "epoch " + t);
            s.step();
        }
        assertFalse(s.needsMetric());
        assertFalse(s.perBatch());
    }

    /**
     * total 100, max_lr 0.1, pct_start 0.3: phase 1 ends at step 0.3·100 − 1 = 29; initial lr
     * 0.1/25 = 0.004, final 0.004/1e4 = 4e-7; momentum 0.95 → 0.85 → 0.95.
     */
    @Test
    void oneCycleFollowsTheCosineFormula() {
        SGD opt = new SGD(params(), 0.01, 0.9);
        OneCycleLR s = new OneCycleLR(opt, 0.1, 100);
        assertTrue(s.perBatch());
        // at construction: step 0
        assertEquals(0.004, opt.lr(), 1e-12);
        assertEquals(0.95, opt.paramGroups().get(0).get("momentum"), 1e-12);
        for (int t = 1; t <= 99; t++) {
            s.step();
            double lr = opt.lr(), mom = opt.paramGroups().get(0).get("momentum");
            switch (t) {
                case 10 -> {
                    // phase 1, pct = 10/29
                    double c = Math.cos(Math.PI * 10 / 29.0) + 1;
                    assertEquals(0.1 + (0.004 - 0.1) / 2 * c, lr, 1e-12);
                    assertEquals(0.85 + (0.95 - 0.85) / 2 * c, mom, 1e-12);
                }
                case 29 -> { // peak
                    assertEquals(0.1, lr, 1e-12);
                    assertEquals(0.85, mom, 1e-12);
                }
                case 64 -> { // half-way through phase 2: cos(π/2) = 0, the mean of the ends
                    assertEquals((0.1 + 4e-7) / 2, lr, 1e-12);
                    assertEquals(0.9, mom, 1e-12);
                }
                case 99 -> { // last step: the minimum
                    assertEquals(4e-7, lr, 1e-15);
                    assertEquals(0.95, mom, 1e-12);
                }
                default -> {
                    assertTrue(lr > 0 && lr <= 0.1 + 1e-12);
                    assertTrue(mom >= 0.85 - 1e-12 && mom <= 0.95 + 1e-12);
                }
            }
        }
        s.step(); // PyTorch allows step_num == total_steps
        var e = assertThrows(IllegalStateException.class, s::step);
        assertTrue(e.getMessage().contains("100"), e.getMessage());
    }

    /** Seed B's setup: AdamW with OneCycleLR cycling beta1 instead of momentum. */
    @Test
    void oneCycleCyclesBeta1OfAdamW() {
        AdamW opt = new AdamW(params(), 0.01, 0.01);
        OneCycleLR s = OneCycleLR.ofEpochs(opt, 0.1, 2, 5); // 10 steps, phase 1 ends at 2
        assertEquals(10, s.totalSteps());
        assertEquals(0.95, opt.paramGroups().get(0).get("beta1"), 1e-12);
        assertEquals(0.999, opt.paramGroups().get(0).get("beta2"), 1e-12);
        s.step(); // pct 1/2 in phase 1
        assertEquals((0.004 + 0.1) / 2, opt.lr(), 1e-12);
        assertEquals(0.9, opt.paramGroups().get(0).get("beta1"), 1e-12);
        s.step();
        assertEquals(0.1, opt.lr(), 1e-12);
        assertEquals(0.85, opt.paramGroups().get(0).get("beta1"), 1e-12);
        assertFalse(opt.paramGroups().get(0).has("momentum"));
    }

    @Test
    void oneCycleLinearAnnealAndNoMomentum() {
        SGD opt = new SGD(params(), 0.01);
        OneCycleLR s = new OneCycleLR(opt, 1.0, 11, 0.5, OneCycleLR.Anneal.LINEAR, false, 0.85, 0.95, 10, 100);
        // phase 1 ends at 4.5: lr at t = 2 is 0.1 + (1 − 0.1)·2/4.5
        s.step();
        s.step();
        assertEquals(0.1 + 0.9 * 2 / 4.5, opt.lr(), 1e-12);
        assertEquals(0.0, opt.paramGroups().get(0).get("momentum"));
    }

    /** Patience 2: the rate drops on the third bad epoch in a row, then the count restarts. */
    @Test
    void plateauReducesExactlyAfterPatience() {
        SGD opt = new SGD(params(), 0.01, 0.9);
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt, Mode.MIN, 0.1, 2, 1e-6);
        assertTrue(s.needsMetric());
        double[] losses = {1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.94, 0.80, 0.85, 0.86, 0.87};
        double[] lrAfter = {0.01, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.0001};
        for (int i = 0; i < losses.length; i++) {
            s.step(losses[i]);
            assertEquals(lrAfter[i], opt.lr(), 1e-15, "after epoch " + (i + 1) + " (loss " + losses[i] + ")");
        }
        assertEquals(0.8, s.best());
    }

    /** rel threshold: 0.89995 is not below 0.9·(1 − 1e-4) = 0.89991, so it counts as bad. */
    @Test
    void plateauRelativeThreshold() {
        SGD opt = new SGD(params(), 1.0);
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt, Mode.MIN, 0.5, 0, 1e-4, ThresholdMode.REL, 0, 0, 1e-8);
        s.step(0.9);
        assertEquals(1.0, opt.lr());
        s.step(0.89995);
        assertEquals(0.5, opt.lr());
        assertEquals(0.9, s.best());
        s.step(0.8999);
        assertEquals(0.5, opt.lr());
        assertEquals(0.8999, s.best());
    }

    @Test
    void plateauMaxModeAbsThresholdCooldownAndMinLr() {
        SGD opt = new SGD(params(), 1.0);
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt, Mode.MAX, 0.1, 0, 0.05, ThresholdMode.ABS, 1, 0.005, 1e-8);
        s.step(0.5);   // best 0.5
        assertEquals(1.0, opt.lr());
        s.step(0.54);  // not above 0.55: bad > 0 → 0.1, cooldown 1
        assertEquals(0.1, opt.lr(), 1e-15);
        s.step(0.3);   // bad, but in cooldown: counter → 0, bad reset
        assertEquals(0.1, opt.lr(), 1e-15);
        s.step(0.3);   // bad → 0.01
        assertEquals(0.01, opt.lr(), 1e-15);
        s.step(0.3);   // cooldown
        s.step(0.3);   // → max(0.001, 0.005) = 0.005
        assertEquals(0.005, opt.lr(), 1e-15);
        s.step(0.3);
        s.step(0.3);   // already at min_lr: unchanged
        assertEquals(0.005, opt.lr(), 1e-15);
        s.step(0.6);   // better than 0.5 + 0.05
        assertEquals(0.6, s.best());
    }

    @Test
    void plateauNeedsAMetric() {
        ReduceLROnPlateau s = new ReduceLROnPlateau(new SGD(params(), 0.1));
        assertThrows(IllegalStateException.class, s::step);
        assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau(new SGD(params(), 0.1), Mode.MIN, 1.5, 2, 0));
    }

    @Test
    void nullModesAreRefusedNotTakenForAnother() {
        assertThrows(NullPointerException.class, () -> new ReduceLROnPlateau(new SGD(params(), 0.1), null, 0.1, 2, 0));
        assertThrows(NullPointerException.class,
                () -> new ReduceLROnPlateau(new SGD(params(), 0.1), Mode.MIN, 0.5, 0, 1e-4, null, 0, 0, 1e-8));
        assertThrows(NullPointerException.class,
                () -> new OneCycleLR(new SGD(params(), 0.1), 1.0, 11, 0.5, null, false, 0.85, 0.95, 10, 100));
    }

    @Test
    void plateauStateResumes() {
        SGD a = new SGD(params(), 0.01), b = new SGD(params(), 0.01);
        ReduceLROnPlateau sa = new ReduceLROnPlateau(a, Mode.MIN, 0.1, 2, 0);
        for (double l : new double[]{1.0, 1.1, 1.2}) sa.step(l);
        Map<String, Object> st = Json.parseObject(Json.write(sa.state()));
        ReduceLROnPlateau sb = new ReduceLROnPlateau(b, Mode.MIN, 0.1, 2, 0);
        sb.loadState(st);
        b.setLr(a.lr());
        sa.step(1.3);
        sb.step(1.3);
        assertEquals(0.001, a.lr(), 1e-15);
        assertEquals(a.lr(), b.lr());
        assertEquals(sa.lastEpoch(), sb.lastEpoch());
        // a fresh scheduler's infinite best survives JSON
        ReduceLROnPlateau fresh = new ReduceLROnPlateau(new SGD(params(), 0.1));
        ReduceLROnPlateau other = new ReduceLROnPlateau(new SGD(params(), 0.1));
        other.loadState(Json.parseObject(Json.write(fresh.state())));
        assertEquals(Double.POSITIVE_INFINITY, other.best());
        assertThrows(IllegalArgumentException.class, () -> other.loadState(new StepLR(new SGD(params(), 0.1), 1).state()));
    }

    @Test
    void oneCycleStateResumes() {
        SGD a = new SGD(params(), 0.1, 0.9), b = new SGD(params(), 0.1, 0.9);
        LRScheduler sa = new OneCycleLR(a, 0.1, 20), sb = new OneCycleLR(b, 0.1, 20);
        for (int i = 0; i < 7; i++) sa.step();
        sb.loadState(Json.parseObject(Json.write(sa.state())));
        sa.step();
        sb.step();
        assertEquals(a.lr(), b.lr(), 0);
        assertEquals(a.paramGroups().get(0).get("momentum"), b.paramGroups().get(0).get("momentum"), 0);
    }

    @Test
    void loadStateRejectsABadStateAndChangesNothing() {
        SGD opt = new SGD(params(), 1.0);
        StepLR s = new StepLR(opt, 2, 0.5);
        s.step();
        String before = s.state().toString();

        Map<String, Object> badLr = new java.util.LinkedHashMap<>(s.state());
        badLr.put("last_epoch", 7L);
        badLr.put("base_lrs", List.of("x"));
        var e = assertThrows(IllegalArgumentException.class, () -> s.loadState(badLr));
        assertTrue(e.getMessage().contains("base_lrs[0]"), e.getMessage());
        assertEquals(before, s.state().toString());

        Map<String, Object> hugeEpoch = new java.util.LinkedHashMap<>(s.state());
        hugeEpoch.put("last_epoch", 1L << 33);
        e = assertThrows(IllegalArgumentException.class, () -> s.loadState(hugeEpoch));
        assertTrue(e.getMessage().contains("last_epoch") && e.getMessage().contains(Long.toString(1L << 33)), e.getMessage());
        assertEquals(before, s.state().toString());

        Map<String, Object> negative = new java.util.LinkedHashMap<>(s.state());
        negative.put("last_epoch", -1L);
        assertThrows(IllegalArgumentException.class, () -> s.loadState(negative));
        assertEquals(before, s.state().toString());

        // another scheduler's state is named as such, not reported as a missing field
        ReduceLROnPlateau r = new ReduceLROnPlateau(new SGD(params(), 0.1));
        e = assertThrows(IllegalArgumentException.class, () -> r.loadState(s.state()));
        assertTrue(e.getMessage().contains("the state is for StepLR"), e.getMessage());
        assertThrows(NullPointerException.class, () -> r.loadState(null));
    }

    @Test
    void oneCycleRefusesAStateBeyondItsTotal() {
        SGD a = new SGD(params(), 0.1, 0.9);
        OneCycleLR longer = new OneCycleLR(a, 0.1, 30);
        for (int i = 0; i < 20; i++) longer.step();
        OneCycleLR shorter = new OneCycleLR(new SGD(params(), 0.1, 0.9), 0.1, 10);
        var e = assertThrows(IllegalArgumentException.class, () -> shorter.loadState(Json.parseObject(Json.write(longer.state()))));
        assertTrue(e.getMessage().contains("20 steps") && e.getMessage().contains("10 in total"), e.getMessage());
        assertEquals(0, shorter.lastEpoch());
        // up to the total is fine (the last step PyTorch allows)
        OneCycleLR full = new OneCycleLR(new SGD(params(), 0.1, 0.9), 0.1, 20);
        for (int i = 0; i < 20; i++) full.step();
        OneCycleLR same = new OneCycleLR(new SGD(params(), 0.1, 0.9), 0.1, 20);
        same.loadState(Json.parseObject(Json.write(full.state())));
        assertEquals(20, same.lastEpoch());
    }

    @Test
    void loadStateRefusesAStateSavedWithOtherSettingsNamingThem() {
        StepLR step = new StepLR(new SGD(params(), 1.0), 2, 0.5);
        step.step();
        Map<String, Object> saved = Json.parseObject(Json.write(step.state()));
        assertEquals(2L, ((Number) saved.get("step_size")).longValue());
        StepLR otherGamma = new StepLR(new SGD(params(), 1.0), 2, 0.1);
        var e = assertThrows(IllegalArgumentException.class, () -> otherGamma.loadState(saved));
        assertTrue(e.getMessage().contains("gamma 0.5 saved, 0.1 here") && !e.getMessage().contains("step_size"), e.getMessage());
        assertEquals(0, otherGamma.lastEpoch(), "nothing was loaded");
        new StepLR(new SGD(params(), 1.0), 2, 0.5).loadState(saved);

        ReduceLROnPlateau plateau = new ReduceLROnPlateau(new SGD(params(), 0.1), Mode.MIN, 0.1, 2, 0);
        plateau.step(1.0);
        Map<String, Object> ps = Json.parseObject(Json.write(plateau.state()));
        ReduceLROnPlateau patient = new ReduceLROnPlateau(new SGD(params(), 0.1), Mode.MAX, 0.1, 3, 0);
        e = assertThrows(IllegalArgumentException.class, () -> patient.loadState(ps));
        assertTrue(e.getMessage().contains("mode min saved, max here") && e.getMessage().contains("patience 2 saved, 3 here"), e.getMessage());
        assertEquals(Double.NEGATIVE_INFINITY, patient.best(), "nothing was loaded");

        OneCycleLR cycle = new OneCycleLR(new SGD(params(), 0.1, 0.9), 0.1, 20);
        cycle.step();
        OneCycleLR higher = new OneCycleLR(new SGD(params(), 0.1, 0.9), 0.2, 20);
        e = assertThrows(IllegalArgumentException.class, () -> higher.loadState(Json.parseObject(Json.write(cycle.state()))));
        assertTrue(e.getMessage().contains("max_lrs [0.1] saved, [0.2] here"), e.getMessage());

        // a state written before settings were saved still loads
        Map<String, Object> old = new java.util.LinkedHashMap<>(saved);
        old.remove("step_size");
        old.remove("gamma");
        otherGamma.loadState(old);
        assertEquals(1, otherGamma.lastEpoch());
    }

    @Test
    void plateauRefusesABadThresholdOrEpsNamingIt() {
        for (double th : new double[]{Double.NaN, -1e-4, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new ReduceLROnPlateau(new SGD(params(), 0.1), Mode.MIN, 0.5, 2, th, ThresholdMode.REL, 0, 0, 1e-8));
            assertTrue(e.getMessage().contains("threshold") && e.getMessage().contains(Double.toString(th)), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ReduceLROnPlateau(new SGD(params(), 0.1), Mode.MIN, 0.5, 2, 1e-4, ThresholdMode.REL, 0, 0, Double.NaN));
        assertTrue(e.getMessage().contains("eps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau(new SGD(params(), 0.1), Mode.MIN, -0.5, 2, 0));
        assertTrue(e.getMessage().contains("[0, 1), got -0.5"), e.getMessage());
        // threshold 0 (any decrease counts) stays valid
        new ReduceLROnPlateau(new SGD(params(), 0.1), Mode.MIN, 0.5, 2, 0, ThresholdMode.ABS, 0, 0, 0);
    }
}
