package jgrad.core;

import jgrad.core.spi.Backend;
import jgrad.core.spi.BackendProvider;
import jgrad.core.spi.DeviceBuffer;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in device ("emu") whose memory is host arrays hidden behind {@link DeviceBuffer}s and
 * whose kernels are core's CPU ops. It exercises everything between the user and a real backend
 * (dispatch, autodiff on device tensors, {@link MemoryScope}, {@link Tensor#to}) on any machine,
 * and is the CPU side of {@link DeviceContract}. Fresh memory is filled with NaN so an op that
 * forgets to write part of its output fails the comparison.
 */
public final class EmulatedBackend implements Backend {
    public static final Device DEVICE = new Device("emu", 0);
    /** Buffers allocated and not yet freed. */
    public static final AtomicInteger LIVE = new AtomicInteger();

    /** Registered in META-INF/services so {@code Backends.of(new Device("emu", 0))} finds it. */
    public static final class Provider implements BackendProvider {
        private static final EmulatedBackend INSTANCE = new EmulatedBackend();

        @Override public String type() { return "emu"; }
        @Override public String unavailableReason() { return null; }
        @Override public Backend open(int index) { return INSTANCE; }
    }

    static final class Buffer implements DeviceBuffer {
        final float[] array;
        private boolean open = true;

        Buffer(int n) {
            array = new float[n];
            Arrays.fill(array, Float.NaN);
            LIVE.incrementAndGet();
        }

        @Override public Device device() { return DEVICE; }
        @Override public long floats() { return array.length; }
        @Override public long address() { return System.identityHashCode(this); }
        @Override public boolean isOpen() { return open; }

        @Override
        public void close() {
            if (open) LIVE.decrementAndGet();
            open = false;
        }
    }

    /** Fails unless each tensor is contiguous, as the Backend contract promises the backend. */
    private static void packed(String method, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && !t.isContiguous()) {
                throw new IllegalArgumentException("emu." + method + ": a tensor of shape " + Shape.str(t.shape) + " with strides "
                        + Arrays.toString(t.strides) + " is not contiguous, which the Backend contract promises here");
            }
        }
    }

    /** The CPU view of a device tensor: the same array, offset and strides. */
    static Tensor host(Tensor t) {
        if (t == null) return null;
        if (!(t.buffer instanceof Buffer b)) throw new IllegalArgumentException("emu: tensor is not on the emulated device");
        if (!b.isOpen()) throw new IllegalStateException("emu: tensor was released");
        return new Tensor(b.array, t.offset, t.shape, t.strides);
    }

    private static void store(Tensor out, Tensor value) {
        Elementwise.copyInto(host(out), value);
    }

    /** Runs a CPU autodiff computation (the backends' backward kernels run inside noGrad). */
    private static void differentiate(Runnable r) {
        try (var on = Autograd.enableGrad()) {
            r.run();
        }
    }

    private static Tensor leaf(Tensor deviceTensor) {
        return host(deviceTensor).copy().requiresGrad(true);
    }

    private static Tensor zerosLeaf(int[] shape) {
        return Tensor.zeros(shape).requiresGrad(true);
    }

    @Override public Device device() { return DEVICE; }

    @Override public DeviceBuffer allocate(long floats) { return new Buffer(Math.toIntExact(floats)); }

    @Override
    public void fill(Tensor dst, float value) {
        packed("fill", dst);
        Elementwise.copyInto(host(dst), Tensor.scalar(value));
    }

    @Override
    public void upload(float[] src, int srcOffset, Tensor dst) {
        packed("upload", dst);
        store(dst, Tensor.wrap(Arrays.copyOfRange(src, srcOffset, srcOffset + dst.numel()), dst.shape));
    }

    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {
        packed("download", src);
        float[] v = host(src).toArray();
        System.arraycopy(v, 0, dst, dstOffset, v.length);
    }

    @Override public void copy(Tensor dst, Tensor src) { store(dst, host(src).copy()); }

    @Override
    public void addInto(Tensor dst, Tensor src) {
        packed("addInto", dst);
        Elementwise.addInto(host(dst), host(src).copy());
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y) {
        packed("unary", y);
        store(y, Elementwise.unary(op, host(x)));
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor g, Tensor dx) {
        packed("unaryBackward", x, y, g, dx);
        Tensor xl = leaf(x);
        differentiate(() -> Elementwise.unary(op, xl).backward(host(g).copy()));
        store(dx, xl.grad());
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        packed("binary", out);
        store(out, Elementwise.binary(op, host(a), host(b)));
    }

    @Override
    public void binaryPartial(BinaryOp op, boolean wrtA, Tensor g, Tensor a, Tensor b, Tensor y, Tensor out) {
        packed("binaryPartial", y, out);
        Tensor al = leaf(a), bl = leaf(b);
        differentiate(() -> Elementwise.binary(op, al, bl).backward(host(g).copy()));
        store(out, wrtA ? al.grad() : bl.grad());
    }

    @Override
    public void clamp(Tensor x, float min, float max, Tensor y) {
        packed("clamp", y);
        store(y, Elementwise.clamp(host(x), min, max));
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        packed("where", out);
        store(out, Elementwise.where(host(cond), host(a), host(b)));
    }

    @Override
    public void reduceRows(Reduce op, Tensor x, int rows, int length, Tensor out) {
        packed("reduceRows", x, out);
        Tensor v = host(x).view(rows, length);
        Tensor r = switch (op) {
            case SUM -> v.sum(1);
            case MAX -> v.max(new int[]{1}, false);
            case MIN -> v.min(new int[]{1}, false);
        };
        store(out, r.reshape(out.shape));
    }

    @Override
    public void matmul(Tensor a, Tensor bm, Tensor out) {
        packed("matmul", out);
        store(out, host(a).matmul(host(bm)));
    }

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2d p, Tensor y) {
        packed("conv2d", x, w, bias, y);
        store(y, Functional.conv2d(host(x), host(w), host(bias), p.stride(), p.padding(), p.dilation(), p.groups()));
    }

    @Override
    public void conv2dBackwardData(Tensor g, Tensor w, Conv2d p, Tensor dx) {
        packed("conv2dBackwardData", g, w, dx);
        Tensor xl = zerosLeaf(dx.shape);
        differentiate(() -> Functional.conv2d(xl, host(w), null, p.stride(), p.padding(), p.dilation(), p.groups()).backward(host(g).copy()));
        store(dx, xl.grad());
    }

    @Override
    public void conv2dBackwardWeight(Tensor x, Tensor g, Conv2d p, Tensor dw) {
        packed("conv2dBackwardWeight", x, g, dw);
        Tensor wl = zerosLeaf(dw.shape);
        differentiate(() -> Functional.conv2d(host(x), wl, null, p.stride(), p.padding(), p.dilation(), p.groups()).backward(host(g).copy()));
        store(dw, wl.grad());
    }

    @Override
    public void maxPool2d(Tensor x, int k, int s, int p, Tensor y) {
        packed("maxPool2d", x, y);
        store(y, Pooling.max(host(x), k, s, p));
    }

    @Override
    public void maxPool2dBackward(Tensor x, Tensor y, Tensor g, int k, int s, int p, Tensor dx) {
        packed("maxPool2dBackward", x, y, g, dx);
        Tensor xl = leaf(x);
        differentiate(() -> Pooling.max(xl, k, s, p).backward(host(g).copy()));
        store(dx, xl.grad());
    }

    @Override
    public void avgPool2d(Tensor x, int k, int s, int p, Tensor y) {
        packed("avgPool2d", x, y);
        store(y, Pooling.avg(host(x), k, s, p));
    }

    @Override
    public void avgPool2dBackward(Tensor g, int k, int s, int p, Tensor dx) {
        packed("avgPool2dBackward", g, dx);
        Tensor xl = zerosLeaf(dx.shape);
        differentiate(() -> Pooling.avg(xl, k, s, p).backward(host(g).copy()));
        store(dx, xl.grad());
    }

    @Override
    public void upsampleBilinear(Tensor x, boolean alignCorners, Tensor y) {
        packed("upsampleBilinear", x, y);
        store(y, Resampling.bilinear(host(x), y.shape[y.rank() - 2], y.shape[y.rank() - 1], alignCorners));
    }

    @Override
    public void upsampleBilinearBackward(Tensor g, boolean alignCorners, Tensor dx) {
        packed("upsampleBilinearBackward", g, dx);
        Tensor xl = zerosLeaf(dx.shape);
        differentiate(() -> Resampling.bilinear(xl, g.shape[g.rank() - 2], g.shape[g.rank() - 1], alignCorners).backward(host(g).copy()));
        store(dx, xl.grad());
    }

    @Override
    public void upsampleNearest(Tensor x, Tensor y) {
        packed("upsampleNearest", x, y);
        store(y, Resampling.nearest(host(x), y.shape[y.rank() - 2], y.shape[y.rank() - 1]));
    }

    @Override
    public void upsampleNearestBackward(Tensor g, Tensor dx) {
        packed("upsampleNearestBackward", g, dx);
        Tensor xl = zerosLeaf(dx.shape);
        differentiate(() -> Resampling.nearest(xl, g.shape[g.rank() - 2], g.shape[g.rank() - 1]).backward(host(g).copy()));
        store(dx, xl.grad());
    }

    @Override
    public void pixelShuffle(Tensor x, int r, Tensor y) {
        packed("pixelShuffle", x, y);
        store(y, Resampling.pixelShuffle(host(x), r));
    }

    @Override
    public void pixelUnshuffle(Tensor y, int r, Tensor x) {
        packed("pixelUnshuffle", y, x);
        Tensor xl = zerosLeaf(x.shape);
        differentiate(() -> Resampling.pixelShuffle(xl, r).backward(host(y).copy()));
        store(x, xl.grad());
    }

    private static int[] pads(int[] before, int[] after) {
        int r = before.length;
        int[] p = new int[2 * r];
        for (int k = 0; k < r; k++) {
            p[2 * k] = before[r - 1 - k];
            p[2 * k + 1] = after[r - 1 - k];
        }
        return p;
    }

    @Override
    public void pad(Tensor x, int[] before, int[] after, Functional.PadMode mode, Tensor y) {
        packed("pad", x, y);
        store(y, Padding.pad(host(x), pads(before, after), mode));
    }

    @Override
    public void padBackward(Tensor g, int[] before, int[] after, Functional.PadMode mode, Tensor dx) {
        packed("padBackward", g, dx);
        Tensor xl = zerosLeaf(dx.shape);
        differentiate(() -> Padding.pad(xl, pads(before, after), mode).backward(host(g).copy()));
        store(dx, xl.grad());
    }

    @Override
    public void batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, boolean training,
                          double momentum, double eps, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        packed("batchNorm", x, runningMean, runningVar, weight, bias, y, saveMean, saveInvStd);
        Tensor hx = host(x);
        int c = hx.shape[1];
        float[] mean = new float[c], inv = new float[c];
        if (training) {
            int[] dims = new int[hx.rank() - 1];
            dims[0] = 0;
            for (int i = 2; i < hx.rank(); i++) dims[i - 1] = i;
            Tensor mu = hx.mean(dims, false), var = hx.var(dims, 0, false);
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = mu.get(ch);
                inv[ch] = (float) (1 / Math.sqrt(var.get(ch) + eps));
            }
        } else {
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = host(runningMean).get(ch);
                inv[ch] = (float) (1 / Math.sqrt(host(runningVar).get(ch) + eps));
            }
        }
        store(y, BatchNorm.forward(hx, host(runningMean), host(runningVar), host(weight), host(bias), training, momentum, eps));
        store(saveMean, Tensor.of(mean, c));
        store(saveInvStd, Tensor.of(inv, c));
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor g, Tensor weight, Tensor saveMean, Tensor saveInvStd, boolean training,
                                  double eps, Tensor dx, Tensor dWeight, Tensor dBias) {
        packed("batchNormBackward", x, g, weight, saveMean, saveInvStd, dx, dWeight, dBias);
        Tensor xl = leaf(x), wl = leaf(weight), bl = zerosLeaf(weight.shape);
        Tensor rm = null, rv = null;
        if (!training) {
            // eval normalises with the saved statistics: hand them over as running mean and variance
            rm = host(saveMean).copy();
            Tensor inv = host(saveInvStd);
            rv = Tensor.ones(inv.shape).div(inv.mul(inv)).sub((float) eps);
        }
        Tensor mean = rm, var = rv;
        differentiate(() -> BatchNorm.forward(xl, mean, var, wl, bl, training, 0, eps).backward(host(g).copy()));
        if (dx != null) store(dx, xl.grad());
        store(dWeight, wl.grad());
        store(dBias, bl.grad());
    }

    @Override
    public void dropoutMask(long seed, long threshold, float scale, Tensor mask) {
        packed("dropoutMask", mask);
        float[] m = new float[mask.numel()];
        Dropout.mask(seed, threshold, scale, m, 0, m.length);
        store(mask, Tensor.wrap(m, mask.shape));
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float keep, float wd,
                        boolean nesterov, boolean firstStep) {
        packed("sgdStep", param, grad, buf);
        float[] p = host(param).toArray(), g = host(grad).toArray(), b = buf == null ? null : host(buf).toArray();
        for (int i = 0; i < p.length; i++) {
            float d = g[i] + wd * p[i];
            if (b == null) {
                p[i] -= lr * d;
            } else {
                float bi = firstStep ? d : momentum * b[i] + keep * d;
                b[i] = bi;
                p[i] -= lr * (nesterov ? d + momentum * bi : bi);
            }
        }
        store(param, Tensor.wrap(p, param.shape));
        if (b != null) store(buf, Tensor.wrap(b, buf.shape));
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, float decay, float l2, float b1,
                         float b2, float c1, float c2, float stepSize, float sqrtBc2, float eps) {
        packed("adamStep", param, grad, m, v, vmax);
        float[] p = host(param).toArray(), g = host(grad).toArray(), mm = host(m).toArray(), vv = host(v).toArray();
        float[] vx = vmax == null ? null : host(vmax).toArray();
        for (int i = 0; i < p.length; i++) {
            float pi = p[i] * decay;
            float gi = g[i] + l2 * pi;
            float mi = b1 * mm[i] + c1 * gi;
            float vi = b2 * vv[i] + c2 * gi * gi;
            mm[i] = mi;
            vv[i] = vi;
            if (vx != null) {
                vi = Math.max(vx[i], vi);
                vx[i] = vi;
            }
            float denom = (float) Math.sqrt(vi) / sqrtBc2 + eps;
            p[i] = pi - stepSize * mi / denom;
        }
        store(param, Tensor.wrap(p, param.shape));
        store(m, Tensor.wrap(mm, m.shape));
        store(v, Tensor.wrap(vv, v.shape));
        if (vx != null) store(vmax, Tensor.wrap(vx, vmax.shape));
    }

    @Override
    public MemoryStats memoryStats() {
        return new MemoryStats(LIVE.get(), LIVE.get(), -1, LIVE.get());
    }

    @Override public void synchronize() {}
}
