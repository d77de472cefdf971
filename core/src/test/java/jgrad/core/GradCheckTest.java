package jgrad.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.*;

/** The checker itself: it passes correct derivatives and catches wrong ones. */
class GradCheckTest {
    /** x³ whose backward is deliberately scaled by {@code factor}. */
    private static Tensor cubeWithScaledGradient(Tensor x, float factor) {
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = x.mul(x).mul(x);
        }
        return Autograd.record("bad-cube", out, g -> new Tensor[]{g.mul(x.mul(x)).mul(3f * factor)}, x);
    }

    @Test
    void correctHandWrittenDerivativePasses() {
        Tensor x = Tensor.randn(new Rng(3), 5).requiresGrad(true);
        assertTrue(GradCheck.check(in -> cubeWithScaledGradient(in[0], 1f), GradCheck.EPS, GradCheck.ATOL, GradCheck.RTOL, x).passed());
    }

    @Test
    void derivativeOffByFivePercentIsCaught() {
        Tensor x = Tensor.randn(new Rng(3), 5).requiresGrad(true);
        GradCheck.Result r = GradCheck.check(in -> cubeWithScaledGradient(in[0], 1.05f), GradCheck.EPS, GradCheck.ATOL, GradCheck.RTOL, x);
        assertFalse(r.passed(), r.toString());
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.assertGradients(in -> cubeWithScaledGradient(in[0], 1.05f), x));
        assertTrue(e.getMessage().contains("analytic"), e.getMessage());
    }

    @Test
    void aFailedCheckNamesAnElementThatFailed() {
        // element 0: error 0.5 within rtol·100; element 1: error 0.01 beyond atol, the one that fails
        GradCheck.Result r = GradCheck.compare(new double[][]{{100.0, 0.0}}, new float[][]{{100.5f, 0.01f}},
                GradCheck.ATOL, GradCheck.RTOL, Tensor.zeros(2));
        assertFalse(r.passed());
        assertTrue(r.worst().startsWith("input 0 index [1]"), r.toString());
        assertEquals(0.5, r.maxAbsError(), 1e-6);
    }

    @Test
    void checksInputsOnADevice() {
        Device emu = EmulatedBackend.DEVICE;
        Tensor x = Tensor.randn(new Rng(3), 2, 3).to(emu).requiresGrad(true);
        Tensor w = Tensor.randn(new Rng(4), 3, 2).to(emu).requiresGrad(true);
        float[] before = x.toArray();
        GradCheck.assertGradients(in -> in[0].matmul(in[1]).tanh(), x, w);
        assertArrayEquals(before, x.toArray(), "the input is restored");
        assertEquals(emu, x.device());
        assertFalse(GradCheck.check(in -> cubeWithScaledGradient(in[0], 1.05f), GradCheck.EPS, GradCheck.ATOL, GradCheck.RTOL,
                Tensor.randn(new Rng(3), 5).to(emu).requiresGrad(true)).passed());
    }

    @Test
    void missingGradientContributionIsCaught() {
        // y = a·b whose backward forgets b's gradient
        Tensor a = Tensor.rand(new Rng(1), 3).add(1f).requiresGrad(true);
        Tensor b = Tensor.rand(new Rng(2), 3).add(1f).requiresGrad(true);
        assertFalse(GradCheck.check(in -> {
            Tensor out;
            try (var g = Autograd.noGrad()) {
                out = in[0].mul(in[1]);
            }
            return Autograd.record("half-mul", out, g -> new Tensor[]{g.mul(in[1]), null}, in[0], in[1]);
        }, GradCheck.EPS, GradCheck.ATOL, GradCheck.RTOL, a, b).passed());
    }

    /** Every unary primitive's derivative, and the same derivative off by 5%, which must fail. */
    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void everyUnaryDerivativeIsCheckedAndAWrongOneFails(UnaryOp op) {
        Rng rng = new Rng(op.ordinal() + 10);
        // inputs away from kinks (abs, relu at 0) and inside the domains of log and sqrt
        Tensor x = Tensor.rand(rng, 2, 3).mul(1.5f).add(0.2f);
        x = x.mul(Tensor.of(new float[]{1, -1, 1, -1, 1, 1}, 2, 3));
        if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.LOG1P) x = x.abs();
        x.requiresGrad(true);
        GradCheck.assertGradients(in -> Elementwise.unary(op, in[0]), x);
        GradCheck.Result wrong = GradCheck.check(in -> {
            Tensor y;
            try (var g = Autograd.noGrad()) {
                y = Elementwise.unary(op, in[0]);
            }
            Tensor xi = in[0];
            return Autograd.record("wrong-" + op.opName(), y, g -> {
                Tensor d = Tensor.zeros(xi.dims());
                float[] xs = xi.toArray(), ys = y.toArray(), gs = g.toArray();
                for (int i = 0; i < xs.length; i++) d.data()[i] = (float) (1.05 * gs[i] * op.derivative(xs[i], ys[i]));
                return new Tensor[]{d};
            }, xi);
        }, GradCheck.EPS, GradCheck.ATOL, GradCheck.RTOL, x);
        assertFalse(wrong.passed(), op + ": " + wrong);
    }
}
