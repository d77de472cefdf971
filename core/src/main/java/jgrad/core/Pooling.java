package jgrad.core;

import jgrad.core.cpu.Parallel;

/**
 * 2-D max and average pooling over square windows, as {@code F.max_pool2d} and
 * {@code F.avg_pool2d} with {@code ceil_mode=False}.
 *
 * <p>Input P×H×W planes (N×C×H×W or C×H×W), window k, stride s, padding p on every side:
 * OH = ⌊(H + 2p − k)/s⌋ + 1 (same for W). Output (oh, ow) covers input rows oh·s − p … oh·s − p + k − 1.
 * <ul>
 *   <li>max: y = max over the in-bounds window (padding acts as −∞; NaN propagates). The
 *       derivative sends g to one element: the first in row-major window order equal to y, as
 *       PyTorch's first-maximum rule; when y is NaN, the first NaN (PyTorch's kernels take the
 *       last NaN of the window, the device kernel here the first). The forward stores no indices
 *       (a branch-free max); the backward finds them again by scanning the windows.</li>
 *   <li>avg: y = Σ window / k² (padded zeros count in the divisor, count_include_pad=True; with
 *       ceil_mode=False no window reaches past the padding, so the divisor is always k²). Backward:
 *       every in-bounds x of a window receives g / k².</li>
 * </ul>
 * Data flow: the input is packed once; work is split across threads by plane, and each plane's
 * forward and scatter backward run sequentially (no two threads touch one plane). Per output row
 * the loops run over the in-bounds window rows and the k kernel columns, with the whole output row
 * innermost: output columns ow whose tap ow·s − p + kw lies inside the row come from a table per
 * kw, so the inner loop reads with stride s, writes contiguously and carries no bounds tests.
 * Max pooling's backward scans each window in the same layout to find the maximum's position.
 */
final class Pooling {
    private Pooling() {}

    /** Shape facts shared by both pools. */
    private record Geometry(int planes, int h, int w, int oh, int ow, int k, int s, int p, int[] outShape,
                            int[] owLo, int[] owHi) {
        /** First in-bounds window row of output row o, and one past the last. */
        int rowLo(int o) {
            return Math.max(0, o * s - p);
        }

        int rowHi(int o) {
            return Math.min(h, o * s - p + k);
        }
    }

    private static Geometry geometry(String op, Tensor x, int kernel, int stride, int padding) {
        int r = x.rank();
        if (r != 3 && r != 4) {
            throw new IllegalArgumentException(op + ": expected an N×C×H×W (or C×H×W) input, got shape " + Shape.str(x.shape));
        }
        if (kernel <= 0 || stride <= 0) {
            throw new IllegalArgumentException(op + ": kernel " + kernel + " and stride " + stride + " must be positive (input "
                    + Shape.str(x.shape) + ")");
        }
        if (padding < 0 || padding > kernel / 2) {
            throw new IllegalArgumentException(op + ": padding " + padding + " must be between 0 and half the kernel (" + kernel
                    + "), input " + Shape.str(x.shape));
        }
        int h = x.shape[r - 2], w = x.shape[r - 1];
        if (h == 0 || w == 0) {
            throw new IllegalArgumentException(op + ": empty spatial size " + h + "×" + w + " (input " + Shape.str(x.shape) + ")");
        }
        if (h + 2 * padding < kernel || w + 2 * padding < kernel) {
            throw new IllegalArgumentException(op + ": kernel " + kernel + " is larger than the padded input " + (h + 2 * padding)
                    + "×" + (w + 2 * padding) + " (input " + Shape.str(x.shape) + ", padding " + padding + ")");
        }
        int oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
        int[] out = x.shape.clone();
        out[r - 2] = oh;
        out[r - 1] = ow;
        int planes = 1;
        for (int i = 0; i < r - 2; i++) planes *= x.shape[i];
        // for kernel column kw, output columns [lo, hi) tap an in-bounds input column o·s − p + kw
        int[] lo = new int[kernel], hi = new int[kernel];
        for (int kw = 0; kw < kernel; kw++) {
            int off = kw - padding;
            lo[kw] = Math.min(ow, Math.max(0, Math.ceilDiv(-off, stride)));
            hi[kw] = Math.max(lo[kw], Math.min(ow, Math.ceilDiv(w - off, stride)));
        }
        return new Geometry(planes, h, w, oh, ow, kernel, stride, padding, out, lo, hi);
    }

    private static int grain(Geometry g) {
        return Math.max(1, Elementwise.GRAIN / Math.max(1, g.h * g.w));
    }

    static Tensor max(Tensor x, int kernel, int stride, int padding) {
        Geometry geo = geometry("maxPool2d", x, kernel, stride, padding);
        Tensor xc = x.detach().contiguous();
        if (!x.isCpu()) {
            Tensor y = Tensor.empty(x.device(), geo.outShape);
            x.backend().maxPool2d(xc, kernel, stride, padding, y);
            return Autograd.record("maxPool2d", y, g -> {
                Tensor dx = Tensor.empty(x.device(), x.shape);
                x.backend().maxPool2dBackward(xc, y, g.contiguous(), kernel, stride, padding, dx);
                return new Tensor[]{dx};
            }, x);
        }
        Tensor y = Tensor.zeros(geo.outShape);
        float[] xd = xc.data, yd = y.data;
        int xo = xc.offset, hw = geo.h * geo.w, ohw = geo.oh * geo.ow, w = geo.w, s = geo.s, ow = geo.ow;
        Parallel.range(geo.planes, grain(geo), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int xb = xo + pl * hw, yb = pl * ohw;
                for (int oh = 0; oh < geo.oh; oh++) {
                    int yr = yb + oh * ow;
                    java.util.Arrays.fill(yd, yr, yr + ow, Float.NEGATIVE_INFINITY);
                    for (int ih = geo.rowLo(oh), r1 = geo.rowHi(oh); ih < r1; ih++) {
                        int row = xb + ih * w;
                        for (int kw = 0; kw < geo.k; kw++) {
                            int base = row + kw - geo.p;
                            // Math.max is branch-free and returns NaN when either operand is NaN
                            for (int o = geo.owLo[kw], hi = geo.owHi[kw]; o < hi; o++) yd[yr + o] = Math.max(yd[yr + o], xd[base + o * s]);
                        }
                    }
                }
            }
        });
        int[] in = x.shape;
        return Autograd.record("maxPool2d", y, g -> {
            Tensor gc = g.contiguous();
            Tensor dx = Tensor.zeros(in);
            float[] gd = gc.data, dd = dx.data;
            int go = gc.offset;
            // The gradient goes to the first element of the window (row-major) equal to the
            // maximum: scanning the taps in reverse, the last match is that first one. The select
            // is written as a conditional move, since which tap holds the max is unpredictable.
            Parallel.range(geo.planes, grain(geo), (from, to) -> {
                int[] at = new int[ow];
                for (int pl = from; pl < to; pl++) {
                    int xb = xo + pl * hw, db = pl * hw, ob = pl * ohw;
                    for (int oh = 0; oh < geo.oh; oh++) {
                        int yr = ob + oh * ow;
                        for (int ih = geo.rowHi(oh) - 1, r0 = geo.rowLo(oh); ih >= r0; ih--) {
                            int row = xb + ih * w, local = ih * w;
                            for (int kw = geo.k - 1; kw >= 0; kw--) {
                                int off = kw - geo.p;
                                for (int o = geo.owLo[kw], hi = geo.owHi[kw]; o < hi; o++) {
                                    float v = xd[row + o * s + off], m = yd[yr + o];
                                    boolean hit = v == m | (v != v & m != m);
                                    at[o] = hit ? local + o * s + off : at[o];
                                }
                            }
                        }
                        for (int o = 0; o < ow; o++) dd[db + at[o]] += gd[go + yr + o];
                    }
                }
            });
            return new Tensor[]{dx};
        }, x);
    }

    static Tensor avg(Tensor x, int kernel, int stride, int padding) {
        Geometry geo = geometry("avgPool2d", x, kernel, stride, padding);
        Tensor xc = x.detach().contiguous();
        if (!x.isCpu()) {
            Tensor y = Tensor.empty(x.device(), geo.outShape);
            x.backend().avgPool2d(xc, kernel, stride, padding, y);
            return Autograd.record("avgPool2d", y, g -> {
                Tensor dx = Tensor.empty(x.device(), x.shape);
                x.backend().avgPool2dBackward(g.contiguous(), kernel, stride, padding, dx);
                return new Tensor[]{dx};
            }, x);
        }
        Tensor y = Tensor.zeros(geo.outShape);
        float[] xd = xc.data, yd = y.data;
        int xo = xc.offset, hw = geo.h * geo.w, ohw = geo.oh * geo.ow, w = geo.w, s = geo.s, ow = geo.ow;
        double inv = 1.0 / ((double) kernel * kernel);
        Parallel.range(geo.planes, grain(geo), (from, to) -> {
            double[] acc = new double[ow];
            for (int pl = from; pl < to; pl++) {
                int xb = xo + pl * hw, yb = pl * ohw;
                for (int oh = 0; oh < geo.oh; oh++) {
                    java.util.Arrays.fill(acc, 0);
                    for (int ih = geo.rowLo(oh), r1 = geo.rowHi(oh); ih < r1; ih++) {
                        int row = xb + ih * w;
                        for (int kw = 0; kw < geo.k; kw++) {
                            int base = row + kw - geo.p;
                            for (int o = geo.owLo[kw], hi = geo.owHi[kw]; o < hi; o++) acc[o] += xd[base + o * s];
                        }
                    }
                    int yr = yb + oh * ow;
                    for (int o = 0; o < ow; o++) yd[yr + o] = (float) (acc[o] * inv);
                }
            }
        });
        int[] in = x.shape;
        return Autograd.record("avgPool2d", y, g -> {
            Tensor gc = g.contiguous();
            Tensor dx = Tensor.zeros(in);
            float[] gd = gc.data, dd = dx.data;
            int go = gc.offset;
            float scale = (float) inv;
            Parallel.range(geo.planes, grain(geo), (from, to) -> {
                float[] gs = new float[ow];
                for (int pl = from; pl < to; pl++) {
                    int db = pl * hw, gb = go + pl * ohw;
                    for (int oh = 0; oh < geo.oh; oh++) {
                        int gr = gb + oh * ow;
                        for (int o = 0; o < ow; o++) gs[o] = gd[gr + o] * scale;
                        for (int ih = geo.rowLo(oh), r1 = geo.rowHi(oh); ih < r1; ih++) {
                            int row = db + ih * w;
                            for (int kw = 0; kw < geo.k; kw++) {
                                int base = row + kw - geo.p;
                                for (int o = geo.owLo[kw], hi = geo.owHi[kw]; o < hi; o++) dd[base + o * s] += gs[o];
                            }
                        }
                    }
                }
            });
            return new Tensor[]{dx};
        }, x);
    }
}
