package jgrad.core;

import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every core op on a device against the same op on the CPU: outputs and the gradients of every
 * input, through a random weighting of the output so each output element matters. One subclass
 * per backend supplies the device (an emulated one here; CUDA in jgrad-kernels) and, if it must,
 * looser tolerances. Tolerances are atol + rtol·|cpu|.
 */
public abstract class DeviceContract {
    protected abstract Device device();

    protected double atol() {
        return 1e-5;
    }

    protected double rtol() {
        return 1e-4;
    }

    private final Rng rng = new Rng(20261123);

    protected Tensor randn(int... shape) {
        return Tensor.randn(rng, shape);
    }

    protected Tensor rand(int... shape) {
        return Tensor.rand(rng, shape);
    }

    /** f on the CPU and on the device; inputs marked requiresGrad get their gradients compared. */
    protected void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        Device dev = device();
        Tensor[] cpu = new Tensor[inputs.length], gpu = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            boolean rg = inputs[i].requiresGrad();
            cpu[i] = inputs[i].detach().copy().requiresGrad(rg);
            gpu[i] = inputs[i].detach().to(dev).requiresGrad(rg);
        }
        try (var scope = MemoryScope.open()) {
            Tensor yc = f.apply(cpu), yd = f.apply(gpu);
            assertEquals(dev, yd.device(), name + ": result left the device");
            assertArrayEquals(yc.dims(), yd.dims(), name + ": shape");
            assertClose(name + " forward", yc.toArray(), yd.toArray());
            if (!yc.requiresGrad()) return;
            Tensor w = Tensor.rand(new Rng(7), yc.dims());
            yc.mul(w).sum().backward();
            yd.mul(w.to(dev)).sum().backward();
            for (int i = 0; i < inputs.length; i++) {
                if (!cpu[i].requiresGrad()) continue;
                assertNotNull(gpu[i].grad(), name + ": no gradient for input " + i + " on the device");
                assertEquals(dev, gpu[i].grad().device(), name + ": gradient " + i + " left the device");
                assertClose(name + " gradient " + i, cpu[i].grad().toArray(), gpu[i].grad().toArray());
            }
        }
    }

    protected void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            if (Double.isInfinite(e) && e == a) continue;
            double tol = atol() + rtol() * Math.abs(e);
            if (!(Math.abs(e - a) <= tol)) fail(what + ": element " + i + " is " + a + ", expected " + e + " (tolerance " + tol + ")");
        }
    }

    private static Tensor g(Tensor t) {
        return t.requiresGrad(true);
    }

    // ---- elementwise -------------------------------------------------------------------------

    @Test
    void unaryOps() {
        for (UnaryOp op : UnaryOp.values()) {
            Tensor x = op == UnaryOp.LOG || op == UnaryOp.SQRT ? rand(3, 5, 7).add(0.1f) : randn(3, 5, 7);
            check(op.opName(), in -> Elementwise.unary(op, in[0]), g(x));
            check(op.opName() + " strided", in -> Elementwise.unary(op, in[0].transpose(0, 2)), g(x));
        }
    }

    @Test
    void binaryOpsWithBroadcasting() {
        for (BinaryOp op : BinaryOp.values()) {
            boolean positive = op == BinaryOp.POW || op == BinaryOp.DIV;
            Tensor a = positive ? rand(4, 1, 6).add(0.5f) : randn(4, 1, 6);
            Tensor b = positive ? rand(3, 1).add(0.5f) : randn(3, 1);
            if (op.differentiable()) {
                a.requiresGrad(true);
                b.requiresGrad(true);
            }
            check(op.opName(), in -> Elementwise.binary(op, in[0], in[1]), a, b);
            check(op.opName() + " strided", in -> Elementwise.binary(op, in[0].transpose(0, 2), in[1].expand(3, 4)), a, b);
        }
        check("scalar operand", in -> in[0].mul(2.5f).add(1f).div(3f), g(randn(5, 5)));
    }

    @Test
    void clampAndWhere() {
        check("clamp", in -> in[0].clamp(-0.5f, 0.7f), g(randn(6, 7)));
        Tensor cond = rand(4, 5).gt(0.5f);
        check("where", in -> Tensor.where(in[0], in[1], in[2]), cond, g(randn(4, 5)), g(randn(1, 5)));
    }

    // ---- reductions and views ----------------------------------------------------------------

    @Test
    void reductions() {
        Tensor x = randn(3, 4, 5);
        check("sum all", in -> in[0].sum(), g(x));
        check("sum dims", in -> in[0].sum(new int[]{0, 2}, true), g(x));
        check("mean", in -> in[0].mean(new int[]{1}, false), g(x));
        check("max", in -> in[0].max(new int[]{2}, false), g(x));
        check("min all", in -> in[0].min(), g(x));
        check("var", in -> in[0].var(new int[]{0, 1}, 1, false), g(x));
        check("sum strided", in -> in[0].permute(2, 0, 1).sum(new int[]{1}, false), g(x));
        check("sum large", in -> in[0].sum(), g(randn(1 << 17)));
    }

    @Test
    void viewsAndJoins() {
        Tensor x = randn(4, 6, 5);
        check("slice", in -> in[0].slice(1, 1, 6, 2).mul(in[0].slice(1, 0, 5, 2)), g(x));
        check("narrow+expand", in -> in[0].narrow(2, 1, 1).expand(4, 6, 3).exp(), g(x));
        check("permute+reshape", in -> in[0].permute(2, 0, 1).reshape(5, 24), g(x));
        check("cat", in -> Tensor.cat(1, in[0], in[1].transpose(1, 2)), g(x), g(randn(4, 5, 3)));
        check("stack", in -> Tensor.stack(0, in[0], in[1]), g(randn(3, 4)), g(randn(3, 4)));
        check("split", in -> in[0].split(4, 1)[1].sqrt(), g(rand(3, 10).add(0.1f)));
    }

    // ---- linear algebra ----------------------------------------------------------------------

    @Test
    void matmul() {
        check("2-d", in -> in[0].matmul(in[1]), g(randn(7, 9)), g(randn(9, 5)));
        check("transposed", in -> in[0].transpose(0, 1).matmul(in[1].transpose(0, 1)), g(randn(9, 7)), g(randn(5, 9)));
        check("batched broadcast", in -> in[0].matmul(in[1]), g(randn(3, 1, 4, 6)), g(randn(2, 6, 5)));
        check("vector", in -> in[0].matmul(in[1]), g(randn(6)), g(randn(6, 4)));
        check("dot", in -> in[0].matmul(in[1]), g(randn(8)), g(randn(8)));
        check("linear", in -> Functional.linear(in[0], in[1], in[2]), g(randn(5, 12)), g(randn(7, 12)), g(randn(7)));
    }

    // ---- convolution, pooling, resampling, padding -------------------------------------------

    @Test
    void conv2d() {
        check("3x3 pad 1", in -> Functional.conv2d(in[0], in[1], in[2], 1, 1), g(randn(2, 3, 9, 8)), g(randn(4, 3, 3, 3)), g(randn(4)));
        check("stride 2 no bias", in -> Functional.conv2d(in[0], in[1], null, 2, 0), g(randn(2, 3, 9, 8)), g(randn(5, 3, 3, 3)));
        check("1x1", in -> Functional.conv2d(in[0], in[1], in[2], 1, 0), g(randn(2, 6, 5, 5)), g(randn(3, 6, 1, 1)), g(randn(3)));
        check("dilated grouped", in -> Functional.conv2d(in[0], in[1], in[2], new int[]{1, 2}, new int[]{2, 1}, new int[]{2, 1}, 2),
                g(randn(2, 4, 9, 10)), g(randn(6, 2, 3, 3)), g(randn(6)));
        check("no input channels", in -> Functional.conv2d(in[0], in[1], in[2], 1, 1), randn(2, 0, 5, 5), g(randn(3, 0, 3, 3)),
                g(randn(3)));
    }

    @Test
    void poolingResamplingPadding() {
        Tensor x = randn(2, 3, 9, 8);
        check("maxPool", in -> Functional.maxPool2d(in[0], 3, 2, 1), g(x));
        check("maxPool ties", in -> Functional.maxPool2d(in[0], 2, 2, 0), g(Tensor.ones(1, 2, 4, 4)));
        check("avgPool", in -> Functional.avgPool2d(in[0], 2, 2, 0), g(x));
        check("avgPool padded", in -> Functional.avgPool2d(in[0], 3, 1, 1), g(x));
        check("bilinear", in -> Functional.upsampleBilinear(in[0], 17, 11, false), g(x));
        check("bilinear aligned", in -> Functional.upsampleBilinear(in[0], 18, 16, true), g(x));
        check("nearest", in -> Functional.upsampleNearest(in[0], 18, 12), g(x));
        check("pixelShuffle", in -> Functional.pixelShuffle(in[0], 2), g(randn(2, 8, 3, 5)));
        for (Functional.PadMode mode : Functional.PadMode.values()) {
            check("pad " + mode, in -> Functional.pad(in[0], new int[]{2, 1, 1, 3}, mode), g(x));
        }
    }

    // ---- normalisation and dropout -----------------------------------------------------------

    @Test
    void batchNorm() {
        for (boolean training : new boolean[]{true, false}) {
            Tensor rmC = randn(3).mul(0.1f), rvC = rand(3).add(0.5f);
            Tensor rmD = rmC.to(device()), rvD = rvC.to(device());
            Tensor x = randn(4, 3, 5, 6).mul(2f).add(1f);
            check("batchNorm " + (training ? "train" : "eval"), in -> {
                boolean onDevice = !in[0].device().isCpu();
                return Functional.batchNorm(in[0], onDevice ? rmD : rmC, onDevice ? rvD : rvC, in[1], in[2], training, 0.1, 1e-5);
            }, g(x), g(rand(3).add(0.5f)), g(randn(3)));
            assertClose("running mean", rmC.toArray(), rmD.toArray());
            assertClose("running var", rvC.toArray(), rvD.toArray());
        }
        check("batchNorm no affine", in -> Functional.batchNorm(in[0], null, null, null, null, true, 0.1, 1e-5), g(randn(5, 2, 3)));
    }

    @Test
    void dropoutMaskIsTheCpuMask() {
        Tensor x = randn(3, 1000);
        Tensor yc = Functional.dropout(x, 0.3, true, new Rng(5));
        Tensor yd = Functional.dropout(x.to(device()), 0.3, true, new Rng(5));
        assertArrayEquals(yc.toArray(), yd.toArray(), "the same Rng state must drop the same elements");
        check("dropout", in -> Functional.dropout(in[0], 0.5, true, new Rng(9)), g(randn(4, 33)));
    }

    // ---- memory and movement -----------------------------------------------------------------

    @Test
    void movesAndElementAccess() {
        Tensor x = randn(3, 4);
        Tensor d = x.to(device());
        assertEquals(device(), d.device());
        assertArrayEquals(x.toArray(), d.toArray());
        assertArrayEquals(x.transpose(0, 1).toArray(), d.transpose(0, 1).toArray(), "strided download");
        assertEquals(x.get(2, 1), d.get(2, 1));
        assertEquals(x.sum().item(), d.sum().item(), 1e-5);
        d.set(42f, 1, 3);
        assertEquals(42f, d.to(Device.CPU).get(1, 3));
        var e = assertThrows(IllegalStateException.class, d::data);
        assertTrue(e.getMessage().contains(device().toString()), e.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> d.add(randn(3, 4)));
        assertTrue(m.getMessage().contains("cpu") && m.getMessage().contains(device().toString()), m.getMessage());
    }

    @Test
    void gradientFlowsBackThroughTo() {
        Tensor x = randn(5).requiresGrad(true);
        x.to(device()).exp().sum().backward();
        assertEquals(Device.CPU, x.grad().device());
        assertClose("d exp", x.exp().toArray(), x.grad().toArray());
    }

    @Test
    void scopeReleasesTemporaries() {
        Tensor kept;
        Tensor inner;
        try (var scope = MemoryScope.open()) {
            inner = randn(10).to(device()).exp();
            kept = scope.keep(inner.sum());
        }
        assertEquals(randn(1).numel(), 1);
        var e = assertThrows(RuntimeException.class, inner::toArray);
        assertTrue(e.getMessage().contains("released") || e.getMessage().contains("freed"), e.getMessage());
        assertTrue(Float.isFinite(kept.item()));
        kept.release();
    }
}
