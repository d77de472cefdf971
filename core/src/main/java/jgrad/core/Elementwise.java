package jgrad.core;

import jgrad.core.cpu.Parallel;
import jgrad.core.cpu.Simd;
import jgrad.core.cpu.StridedLoop;

/**
 * Elementwise ops with numpy broadcasting, and their derivatives. Contiguous operands run as one
 * long vectorised row split across the cores; anything else goes through {@link StridedLoop}.
 */
final class Elementwise {
    /** Elements per thread below which a loop stays on one core. */
    static final int GRAIN = 1 << 15;

    private Elementwise() {}

    /** The strides that read {@code t} as if it had the (broadcast) shape {@code to}: 0 along broadcast dims. */
    static int[] broadcastStrides(Tensor t, int[] to) {
        int lead = to.length - t.shape.length;
        int[] s = new int[to.length];
        for (int i = 0; i < t.shape.length; i++) s[lead + i] = t.shape[i] == 1 ? 0 : t.strides[i];
        return s;
    }

    /**
     * The operands on one device: device tensors must share it, and a 0-d CPU tensor (a scalar
     * operand such as {@code x.mul(2f)}) is moved to it; anything else on the CPU is an error.
     */
    static Tensor[] sameDevice(String op, Tensor... ts) {
        Device dev = null;
        for (Tensor t : ts) {
            if (t == null || t.isCpu()) continue;
            Device d = t.device();
            if (dev == null) dev = d;
            else if (!dev.equals(d)) throw new IllegalArgumentException(op + ": operands are on " + dev + " and " + d + "; move them to one device with to()");
        }
        if (dev == null) return ts;
        Tensor[] out = ts.clone();
        for (int i = 0; i < ts.length; i++) {
            Tensor t = ts[i];
            if (t == null || !t.isCpu()) continue;
            if (t.rank() != 0) {
                throw new IllegalArgumentException(op + ": operand " + i + " of shape " + Shape.str(t.shape) + " is on the cpu but "
                        + "another is on " + dev + "; move it with to(" + dev + ")");
            }
            // a fill launch rather than a host-to-device copy: nothing waits for it
            out[i] = t.requiresGrad ? t.to(dev) : Tensor.full(dev, t.data[t.offset], new int[0]);
        }
        return out;
    }

    /** t read as the broadcast shape {@code to} (a plain view, no graph). */
    static Tensor broadcastView(Tensor t, int[] to) {
        return t.viewOf(t.offset, to, broadcastStrides(t, to));
    }

    static Tensor unary(UnaryOp op, Tensor x) {
        if (!x.isCpu()) {
            Tensor y = Tensor.empty(x.device(), x.shape);
            if (y.numel() > 0) x.backend().unary(op, x, y);
            return Autograd.record(op.opName(), y, g -> {
                Tensor dx = Tensor.empty(x.device(), x.shape);
                if (dx.numel() > 0) x.backend().unaryBackward(op, x.contiguous(), y, g.contiguous(), dx);
                return new Tensor[]{dx};
            }, x);
        }
        Tensor y = Tensor.zeros(x.shape);
        if (x.isContiguous()) {
            float[] xd = x.data, yd = y.data;
            int xo = x.offset;
            Parallel.range(y.data.length, GRAIN, (from, to) -> Simd.unary(op, xd, xo + from, yd, from, to - from));
        } else {
            StridedLoop loop = new StridedLoop(x.shape, new int[][]{y.strides, x.strides}, new int[]{0, x.offset});
            int xs = loop.stride(1);
            loop.run(GRAIN, (off, len) -> {
                if (xs == 1) {
                    Simd.unary(op, x.data, off[1], y.data, off[0], len);
                } else {
                    for (int i = 0; i < len; i++) y.data[off[0] + i] = (float) op.apply(x.data[off[1] + i * xs]);
                }
            });
        }
        return Autograd.record(op.opName(), y, g -> {
            Tensor xc = x.contiguous(), gc = g.contiguous();
            Tensor dx = Tensor.zeros(x.shape);
            Parallel.range(dx.data.length, GRAIN, (from, to) ->
                    Simd.unaryBackward(op, xc.data, xc.offset + from, y.data, from, gc.data, gc.offset + from, dx.data, from, to - from));
            return new Tensor[]{dx};
        }, x);
    }

    static Tensor binary(BinaryOp op, Tensor a0, Tensor b0) {
        Tensor[] ab = sameDevice(op.opName(), a0, b0);
        Tensor a = ab[0], b = ab[1];
        int[] shape = Shape.broadcast(op.opName(), a.shape, b.shape);
        Tensor out;
        if (!a.isCpu()) {
            out = Tensor.empty(a.device(), shape);
            if (out.numel() > 0) a.backend().binary(op, broadcastView(a, shape), broadcastView(b, shape), out);
        } else {
            out = Tensor.zeros(shape);
            StridedLoop loop = new StridedLoop(shape, new int[][]{out.strides, broadcastStrides(a, shape), broadcastStrides(b, shape)},
                    new int[]{0, a.offset, b.offset});
            int sa = loop.stride(1), sb = loop.stride(2);
            loop.run(GRAIN, (off, len) -> Simd.binary(op, a.data, off[1], sa, b.data, off[2], sb, out.data, off[0], len));
        }
        if (!op.differentiable()) return out;
        return Autograd.record(op.opName(), out, g -> {
            Tensor ga = null, gb = null;
            switch (op) {
                case ADD -> { ga = g; gb = g; }
                case SUB -> { ga = g; gb = b.requiresGrad ? g.neg() : null; }
                case MUL -> {
                    ga = a.requiresGrad ? g.mul(b) : null;
                    gb = b.requiresGrad ? g.mul(a) : null;
                }
                case DIV -> {
                    ga = a.requiresGrad ? g.div(b) : null;
                    gb = b.requiresGrad ? g.mul(out).div(b).neg() : null;
                }
                default -> {
                    ga = a.requiresGrad ? partial(op, true, g, a, b, out) : null;
                    gb = b.requiresGrad ? partial(op, false, g, a, b, out) : null;
                }
            }
            return new Tensor[]{ga == null ? null : Reductions.sumTo(ga, a.shape), gb == null ? null : Reductions.sumTo(gb, b.shape)};
        }, a, b);
    }

    /** g · ∂y/∂a (or ∂y/∂b) straight from the op's own derivative, over the output's shape. */
    private static Tensor partial(BinaryOp op, boolean wrtA, Tensor g, Tensor a, Tensor b, Tensor y) {
        int[] shape = y.shape;
        if (!y.isCpu()) {
            Tensor r = Tensor.empty(y.device(), shape);
            if (r.numel() > 0) {
                y.backend().binaryPartial(op, wrtA, broadcastView(g, shape), broadcastView(a, shape), broadcastView(b, shape), y, r);
            }
            return r;
        }
        Tensor r = Tensor.zeros(shape);
        StridedLoop loop = new StridedLoop(shape, new int[][]{r.strides, broadcastStrides(g, shape), broadcastStrides(a, shape),
                broadcastStrides(b, shape), y.strides}, new int[]{0, g.offset, a.offset, b.offset, 0});
        int sg = loop.stride(1), sa = loop.stride(2), sb = loop.stride(3), sy = loop.stride(4);
        loop.run(GRAIN, (off, len) -> {
            for (int i = 0; i < len; i++) {
                double av = a.data[off[2] + i * sa], bv = b.data[off[3] + i * sb], yv = y.data[off[4] + i * sy];
                double d = wrtA ? op.da(av, bv, yv) : op.db(av, bv, yv);
                r.data[off[0] + i] = (float) (g.data[off[1] + i * sg] * d);
            }
        });
        return r;
    }

    static Tensor clamp(Tensor x, float min, float max) {
        if (!(min <= max)) throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        if (!x.isCpu()) {
            Tensor y = Tensor.empty(x.device(), x.shape);
            if (y.numel() > 0) x.backend().clamp(x, min, max, y);
            return Autograd.record("clamp", y, g -> new Tensor[]{g.mul(x.ge(min).mul(x.le(max)))}, x);
        }
        Tensor y = Tensor.zeros(x.shape);
        StridedLoop loop = new StridedLoop(x.shape, new int[][]{y.strides, x.strides}, new int[]{0, x.offset});
        int xs = loop.stride(1);
        loop.run(GRAIN, (off, len) -> {
            for (int i = 0; i < len; i++) y.data[off[0] + i] = Math.min(Math.max(x.data[off[1] + i * xs], min), max);
        });
        return Autograd.record("clamp", y, g -> new Tensor[]{g.mul(x.ge(min).mul(x.le(max)))}, x);
    }

    static Tensor where(Tensor cond0, Tensor a0, Tensor b0) {
        Tensor[] t = sameDevice("where", cond0, a0, b0);
        Tensor cond = t[0], a = t[1], b = t[2];
        int[] shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape, a.shape), b.shape);
        Tensor out;
        if (!cond.isCpu() || !a.isCpu()) {
            out = Tensor.empty(a.device(), shape);
            if (out.numel() > 0) a.backend().where(broadcastView(cond, shape), broadcastView(a, shape), broadcastView(b, shape), out);
        } else {
            out = Tensor.zeros(shape);
            StridedLoop loop = new StridedLoop(shape, new int[][]{out.strides, broadcastStrides(cond, shape),
                    broadcastStrides(a, shape), broadcastStrides(b, shape)}, new int[]{0, cond.offset, a.offset, b.offset});
            int sc = loop.stride(1), sa = loop.stride(2), sb = loop.stride(3);
            loop.run(GRAIN, (off, len) -> {
                for (int i = 0; i < len; i++) {
                    out.data[off[0] + i] = cond.data[off[1] + i * sc] != 0 ? a.data[off[2] + i * sa] : b.data[off[3] + i * sb];
                }
            });
        }
        return Autograd.record("where", out, g -> {
            Tensor zero = Tensor.scalar(0);
            return new Tensor[]{null,
                    a.requiresGrad ? Reductions.sumTo(where(cond, g, zero), a.shape) : null,
                    b.requiresGrad ? Reductions.sumTo(where(cond, zero, g), b.shape) : null};
        }, cond, a, b);
    }

    /** Rejects a source whose broadcast with the destination is not the destination's own shape. */
    static void checkBroadcastsTo(String op, int[] src, int[] dst) {
        if (!java.util.Arrays.equals(Shape.broadcast(op, src, dst), dst)) {
            throw new IllegalArgumentException(op + ": a source of shape " + Shape.str(src) + " cannot be broadcast to the destination's shape "
                    + Shape.str(dst));
        }
    }

    /** dst[...] = src[...] (src broadcast to dst's shape); no gradient is recorded. */
    static void copyInto(Tensor dst, Tensor src0) {
        checkBroadcastsTo("copy", src0.shape, dst.shape);
        if (dst.isCpu() && !src0.isCpu()) {
            copyInto(dst, src0.to(Device.CPU)); // into host memory: fetch the source first
            return;
        }
        Tensor src = sameDevice("copy", dst, src0)[1];
        if (!dst.isCpu()) {
            if (dst.numel() > 0) dst.backend().copy(dst, broadcastView(src, dst.shape));
            return;
        }
        StridedLoop loop = new StridedLoop(dst.shape, new int[][]{dst.strides, broadcastStrides(src, dst.shape)},
                new int[]{dst.offset, src.offset});
        int ds = loop.stride(0), ss = loop.stride(1);
        loop.run(GRAIN, (off, len) -> {
            if (ds == 1 && ss == 1) {
                System.arraycopy(src.data, off[1], dst.data, off[0], len);
            } else {
                for (int i = 0; i < len; i++) dst.data[off[0] + i * ds] = src.data[off[1] + i * ss];
            }
        });
    }

    /** dst += src, in place, for gradient accumulation; no gradient is recorded. */
    static void addInto(Tensor dst, Tensor src0) {
        Tensor src = sameDevice("add", dst, src0)[1];
        if (!dst.isCpu()) {
            if (dst.numel() == 0) return;
            if (dst.isContiguous()) {
                dst.backend().addInto(dst, broadcastView(src, dst.shape));
            } else {
                // the backend adds into packed memory only: go through a packed copy
                try (var scope = MemoryScope.open()) {
                    Tensor packed = Tensor.empty(dst.device(), dst.shape);
                    dst.backend().copy(packed, dst);
                    dst.backend().addInto(packed, broadcastView(src, dst.shape));
                    dst.backend().copy(dst, packed);
                }
            }
            return;
        }
        StridedLoop loop = new StridedLoop(dst.shape, new int[][]{dst.strides, broadcastStrides(src, dst.shape)},
                new int[]{dst.offset, src.offset});
        int ds = loop.stride(0), ss = loop.stride(1);
        loop.run(GRAIN, (off, len) -> {
            if (ds == 1) {
                Simd.binary(BinaryOp.ADD, dst.data, off[0], 1, src.data, off[1], ss, dst.data, off[0], len);
            } else {
                for (int i = 0; i < len; i++) dst.data[off[0] + i * ds] += src.data[off[1] + i * ss];
            }
        });
    }
}
