package jgrad.nn;

import jgrad.core.Tensor;
import jgrad.nn.optim.Adam;
import jgrad.nn.optim.AdamW;
import jgrad.nn.optim.Optimizer;
import jgrad.nn.optim.OptimizerState;
import jgrad.nn.optim.ParamGroup;
import jgrad.nn.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Optimizer steps against values worked out from PyTorch's documented update rules (see each
 * class comment); the first steps are simple enough to check by hand, later ones were evaluated
 * in double precision from the same formulas.
 */
class OptimizerTest {
    private static Tensor param(float... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    private static void assertValues(double[] expected, Tensor p, double tol) {
        float[] a = p.toArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], a[i], tol + 1e-6 * Math.abs(expected[i]), "element " + i + " of " + p);
        }
    }

    /** loss = Σ p², so g = 2p; SGD lr 0.1, momentum 0.9, weight decay 0.1, nesterov. */
    @Test
    void sgdNesterovWithWeightDecay() {
        Tensor p = param(1.0f, -0.5f);
        SGD opt = new SGD(List.of(p), 0.1, 0.9, 0, 0.1, true);
        double[][] expected = {
                // step 1: g = 2·1 + 0.1·1 = 2.1, b = 2.1, g' = 2.1 + 0.9·2.1 = 3.99, p = 1 − 0.399
                {0.601, -0.3005},
                // step 2: g = 1.2621, b = 0.9·2.1 + 1.2621 = 3.1521, g' = 4.09899, p = 0.601 − 0.409899
                {0.191101, -0.0955505},
                {-0.140468399, 0.0702341995},
        };
        for (double[] e : expected) {
            opt.zeroGrad();
            p.mul(p).sum().backward();
            opt.step();
            assertValues(e, p, 1e-6);
        }
        assertEquals(3, opt.stepCount(p));
    }

    @Test
    void sgdPlainAndDampenedMomentum() {
        Tensor p = param(2f);
        SGD plain = new SGD(List.of(p), 0.5);
        p.setGrad(Tensor.of(new float[]{1f}, 1));
        plain.step(); // 2 − 0.5·1
        assertValues(new double[]{1.5}, p, 0);

        Tensor q = param(0f);
        SGD damp = new SGD(List.of(q), 1.0, 0.5, 0.5, 0, false);
        q.setGrad(Tensor.of(new float[]{1f}, 1));
        damp.step(); // b = g = 1 (no dampening on the first step), q = −1
        assertValues(new double[]{-1}, q, 0);
        damp.step(); // b = 0.5·1 + 0.5·1 = 1, q = −2
        assertValues(new double[]{-2}, q, 0);
        q.setGrad(Tensor.of(new float[]{3f}, 1));
        damp.step(); // b = 0.5·1 + 0.5·3 = 2, q = −4
        assertValues(new double[]{-4}, q, 0);
    }

    @Test
    void sgdSkipsParametersWithoutGradient() {
        Tensor p = param(1f), q = param(1f);
        SGD opt = new SGD(List.of(p, q), 0.1);
        p.setGrad(Tensor.of(new float[]{1f}, 1));
        opt.step();
        assertValues(new double[]{0.9}, p, 1e-7);
        assertValues(new double[]{1}, q, 0);
        assertEquals(0, opt.stepCount(q));
    }

    /** Adam's first step moves each element by lr in the direction −sign(g) (m̂ = g, √v̂ = |g|). */
    @Test
    void adamMatchesFormulas() {
        Tensor p = param(1.0f, -0.5f);
        Adam opt = new Adam(List.of(p), 0.1);
        double[][] expected = {
                {0.9, -0.4},
                {0.8004122286917927, -0.3011874216591666},
                {0.70158627294603, -0.20487125256029937},
        };
        for (double[] e : expected) {
            opt.zeroGrad();
            p.mul(p).sum().backward(); // g = 2p
            opt.step();
            assertValues(e, p, 1e-6);
        }
    }

    /** Adam's weight decay is an L2 term added to the gradient (g = c + λp); c = (0.5, −2), λ = 0.5. */
    @Test
    void adamL2WeightDecay() {
        Tensor p = param(1.0f, -0.5f);
        Adam opt = new Adam(List.of(p), 0.1, 0.9, 0.999, 1e-8, 0.5, false);
        double[][] expected = {
                {0.9, -0.4},
                {0.800166487631876, -0.30006488385816704},
                {0.700623394343411, -0.20023983563239894},
        };
        for (double[] e : expected) {
            p.setGrad(Tensor.of(new float[]{0.5f, -2f}, 2));
            opt.step();
            assertValues(e, p, 1e-6);
        }
    }

    /**
     * AdamW decays first, p ← p(1 − lr·λ), then takes the Adam step; with a constant gradient the
     * Adam step is exactly lr·sign(g): p₁ = 0.95 − 0.1 = 0.85, p₂ = 0.85·0.95 − 0.1 = 0.7075, ...
     */
    @Test
    void adamWDecoupledDecay() {
        Tensor p = param(1.0f, -0.5f);
        AdamW opt = new AdamW(List.of(p), 0.1, 0.5);
        double[][] expected = {
                {0.85, -0.375},
                {0.7075, -0.25625},
                {0.572125, -0.1434375},
        };
        for (double[] e : expected) {
            p.setGrad(Tensor.of(new float[]{0.5f, -2f}, 2));
            opt.step();
            assertValues(e, p, 1e-6);
        }
        assertEquals("AdamW", opt.name());
    }

    @Test
    void adamAmsgradKeepsTheLargestSecondMoment() {
        Tensor p = param(1.0f, -0.5f);
        Adam opt = new Adam(List.of(p), 0.1, 0.9, 0.999, 1e-8, 0, true);
        float[][] grads = {{0.5f, -2f}, {0.1f, 3f}, {0.5f, -2f}};
        double[][] expected = {
                {0.9, -0.4},
                {0.8196959063846516, -0.4247701820162687},
                {0.7306468576348422, -0.41050902627707586},
        };
        for (int s = 0; s < 3; s++) {
            p.setGrad(Tensor.of(grads[s], 2));
            opt.step();
            assertValues(expected[s], p, 1e-6);
        }
    }

    @Test
    void paramGroupsHaveTheirOwnOptions() {
        Tensor a = param(1f), b = param(1f);
        SGD opt = SGD.withGroups(List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b), Map.of("lr", 0.5))),
                0.1, 0, 0, 0, false);
        a.setGrad(Tensor.ones(1));
        b.setGrad(Tensor.ones(1));
        opt.step();
        assertValues(new double[]{0.9}, a, 1e-7);
        assertValues(new double[]{0.5}, b, 1e-7);
        assertEquals(0.1, opt.lr(0));
        assertEquals(0.5, opt.lr(1));
        opt.setLr(0.01);
        assertEquals(0.01, opt.lr(1));
    }

    /** Saving and restoring the state mid-run continues exactly as an uninterrupted run. */
    @Test
    void stateDictResumesExactly() {
        Tensor p = param(1f, -0.5f, 2f), q = param(1f, -0.5f, 2f);
        Optimizer a = new AdamW(List.of(p), 0.05), b = new AdamW(List.of(q), 0.05);
        float[][] grads = {{0.3f, -1f, 2f}, {0.1f, 0.2f, -0.3f}, {1f, 1f, 1f}, {-2f, 0.5f, 0.25f}};
        for (int s = 0; s < 2; s++) {
            p.setGrad(Tensor.of(grads[s], 3));
            q.setGrad(Tensor.of(grads[s], 3));
            a.step();
            b.step();
        }
        OptimizerState saved = b.stateDict();
        assertTrue(saved.tensors().containsKey("state.0.exp_avg"));
        assertTrue(saved.tensors().containsKey("state.0.exp_avg_sq"));
        // a fresh optimizer on a copy of the parameter, restored from the saved state
        Tensor r = param(q.toArray());
        Optimizer c = new AdamW(List.of(r), 0.9);
        c.loadStateDict(jsonRoundTrip(saved));
        assertEquals(0.05, c.lr());
        for (int s = 2; s < 4; s++) {
            p.setGrad(Tensor.of(grads[s], 3));
            r.setGrad(Tensor.of(grads[s], 3));
            a.step();
            c.step();
        }
        assertArrayEquals(p.toArray(), r.toArray());
        assertEquals(4, c.stepCount(r));
    }

    /** s with one option of its first parameter group set to value. */
    @SuppressWarnings("unchecked")
    private static OptimizerState withGroupOption(OptimizerState s, String option, Object value) {
        Map<String, Object> group = new java.util.LinkedHashMap<>((Map<String, Object>) ((List<?>) s.meta().get("param_groups")).get(0));
        group.put(option, value);
        Map<String, Object> meta = new java.util.LinkedHashMap<>(s.meta());
        meta.put("param_groups", List.of(group));
        return new OptimizerState(meta, s.tensors());
    }

    private static OptimizerState jsonRoundTrip(OptimizerState s) {
        var meta = jgrad.nn.io.Json.parseObject(jgrad.nn.io.Json.write(s.meta()));
        return new OptimizerState(meta, s.tensors());
    }

    @Test
    void loadStateDictRejectsAMismatchAndChangesNothing() {
        Tensor p = param(1f, 2f);
        SGD opt = new SGD(List.of(p), 0.1, 0.9);
        p.setGrad(Tensor.ones(2));
        opt.step();
        OptimizerState saved = opt.stateDict();
        Tensor big = param(1f, 2f, 3f);
        SGD other = new SGD(List.of(big), 0.3, 0.9);
        var e = assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(saved));
        assertTrue(e.getMessage().contains("state.0.momentum_buffer"), e.getMessage());
        assertEquals(0.3, other.lr());
        assertEquals(0, other.stepCount(big));
        Adam adam = new Adam(List.of(param(1f, 2f)), 0.1);
        var e2 = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(saved));
        assertTrue(e2.getMessage().contains("SGD"), e2.getMessage());
    }

    @Test
    void loadStateDictChecksTheSavedGroupOptionsAsTheConstructorDoes() {
        Tensor p = param(1f, 2f);
        Adam adam = new Adam(List.of(p), 0.1);
        p.setGrad(Tensor.ones(2));
        adam.step();
        OptimizerState saved = jsonRoundTrip(adam.stateDict());
        List<Object[]> cases = List.of(
                new Object[]{"beta1", 1.0, "beta1 must be in [0, 1)"},
                new Object[]{"lr", -0.5, "invalid learning rate -0.5"},
                new Object[]{"eps", "tiny", "option eps is tiny, not a number"});
        for (Object[] c : cases) {
            OptimizerState bad = withGroupOption(saved, (String) c[0], c[1]);
            var e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(bad), c[0] + " = " + c[1]);
            assertTrue(e.getMessage().contains("group 0: " + c[2]), e.getMessage());
        }
        assertEquals(0.1, adam.lr(), "nothing was loaded");
        assertEquals(0.9, adam.paramGroups().get(0).get("beta1"));
        // PyTorch saves its flags as booleans: they load as 1 and 0
        SGD sgd = new SGD(List.of(param(1f, 2f)), 0.1, 0.9);
        OptimizerState nesterov = withGroupOption(sgd.stateDict(), "nesterov", true);
        sgd.loadStateDict(nesterov);
        assertEquals(1.0, sgd.paramGroups().get(0).get("nesterov"));
        var e = assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(withGroupOption(nesterov, "momentum", 0.0)));
        assertTrue(e.getMessage().contains("nesterov momentum requires a momentum > 0"), e.getMessage());
    }

    @Test
    void loadStateDictRejectsANegativeOrFractionalStepCount() {
        Tensor p = param(1f, 2f);
        Adam adam = new Adam(List.of(p), 0.1);
        p.setGrad(Tensor.ones(2));
        adam.step();
        OptimizerState saved = jsonRoundTrip(adam.stateDict());
        for (Object bad : List.of(-1L, 2.5, "3")) {
            Map<String, Object> meta = new java.util.LinkedHashMap<>(saved.meta());
            meta.put("steps", Map.of("0", bad));
            var e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(new OptimizerState(meta, saved.tensors())),
                    "step count " + bad);
            assertTrue(e.getMessage().contains("step count of parameter 0 is " + bad), e.getMessage());
        }
        assertEquals(1, adam.stepCount(p), "nothing was loaded");
        p.setGrad(Tensor.ones(2));
        adam.step();
        for (float v : p.toArray()) assertTrue(Float.isFinite(v));
    }

    @Test
    void badArgumentsAreRejected() {
        Tensor p = param(1f);
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), 0.1, 0, 0, 0, true));
        assertTrue(e.getMessage().contains("nesterov"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), 0.1, 1.0, 0.999, 1e-8, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), -1));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p, p), 0.1).step());
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(Tensor.ones(4).transpose(0, 0).slice(0, 0, 4, 2)), 0.1));
    }

    @Test
    void zeroGradClearsGradients() {
        Tensor p = param(1f);
        SGD opt = new SGD(List.of(p), 0.1);
        p.setGrad(Tensor.ones(1));
        opt.zeroGrad();
        assertNull(p.grad());
    }

    @Test
    void largeTensorsTakeTheParallelPathWithTheSameResult() {
        int n = 200_000;
        float[] init = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            init[i] = (float) Math.sin(i);
            g[i] = (float) Math.cos(i * 0.37);
        }
        Tensor big = Tensor.of(init, n).requiresGrad(true);
        Adam opt = new Adam(List.of(big), 0.01, 0.9, 0.999, 1e-8, 0.1, false);
        big.setGrad(Tensor.of(g, n));
        opt.step();
        opt.step();
        // element-wise scalar replay of two Adam steps (L2 decay) for a few indices
        for (int i : new int[]{0, 1, 777, n / 2, n - 1}) {
            double pi = init[i], m = 0, v = 0;
            for (int t = 1; t <= 2; t++) {
                double gi = g[i] + 0.1 * pi;
                m = 0.9 * m + 0.1 * gi;
                v = 0.999 * v + 0.001 * gi * gi;
                pi -= 0.01 / (1 - Math.pow(0.9, t)) * m / (Math.sqrt(v) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8);
            }
            assertEquals(pi, big.toArray()[i], 1e-5, "index " + i);
        }
    }

    @Test
    void aGraphThatUsedAParameterCannotBackpropagateAfterAStep() {
        Tensor p = Tensor.of(new float[]{1, 2}, 2).requiresGrad(true);
        SGD opt = new SGD(List.of(p), 0.1);
        Tensor first = p.mul(p).sum();
        p.mul(3f).sum().backward();
        opt.step(); // p changed: `first` would now differentiate p² at the new values
        assertEquals(1, p.version());
        IllegalStateException e = assertThrows(IllegalStateException.class, first::backward);
        assertTrue(e.getMessage().contains("'mul'"), e.getMessage());
        opt.zeroGrad();
        p.mul(p).sum().backward(); // a graph built after the step is fine
        assertArrayEquals(new float[]{2 * 0.7f, 2 * 1.7f}, p.grad().toArray(), 1e-6f);
    }
}
