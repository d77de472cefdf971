package jgrad.core;

import jgrad.core.cpu.Parallel;

/**
 * 2-D max and average pooling over square windows, as {@code F.max_pool2d} and
 * {@code F.avg_pool2d} with {@code ceil_mode=False}.
 *
 * <p>Input P×H×W planes (N×C×H×W or C×H×W), window k, stride s, padding p on every side:
 * OH = ⌊(H + 2p − k)/s⌋ + 1 (same for W). Output (oh, ow) covers input rows oh·s − p … oh·s − p + k − 1.
 * <ul>
 *   <li>max: y = max over the in-bounds window (padding acts as −∞; NaN propagates). The first
 *       maximum in row-major window order wins, and its plane-local index is kept, so the backward
 *       is a scatter ∂x[argmax] += g.</li>
 *   <li>avg: y = Σ window / k² (padded zeros count in the divisor, count_include_pad=True; with
 *       ceil_mode=False no window reaches past the padding, so the divisor is always k²). Backward:
 *       every in-bounds x of a window receives g / k².</li>
 * </ul>
 * Data flow: the input is packed once; work is split across threads by plane, and each plane's
 * forward and scatter backward run sequentially (no two threads touch one plane). Per output row
 * the valid window rows are computed once and the column bounds come from tables, so the inner
 * loops carry no bounds tests.
 */
final class Pooling {
    private Pooling() {}

    /** Shape facts shared by both pools. */
    private record Geometry(int planes, int h, int w, int oh, int ow, int k, int s, int p, int[] outShape,
                            int[] colLo, int[] colHi) {
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
        int[] lo = new int[ow], hi = new int[ow];
        for (int o = 0; o < ow; o++) {
            lo[o] = Math.max(0, o * stride - padding);
            hi[o] = Math.min(w, o * stride - padding + kernel);
        }
        return new Geometry(planes, h, w, oh, ow, kernel, stride, padding, out, lo, hi);
    }

    private static int grain(Geometry g) {
        return Math.max(1, Elementwise.GRAIN / Math.max(1, g.h * g.w));
    }

    static Tensor max(Tensor x, int kernel, int stride, int padding) {
        Geometry geo = geometry("maxPool2d", x, kernel, stride, padding);
        Tensor xc = x.detach().contiguous();
        Tensor y = Tensor.zeros(geo.outShape);
        int[] arg = new int[y.data.length];
        float[] xd = xc.data, yd = y.data;
        int xo = xc.offset, hw = geo.h * geo.w, ohw = geo.oh * geo.ow;
        Parallel.range(geo.planes, grain(geo), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int xb = xo + pl * hw, yb = pl * ohw;
                for (int oh = 0; oh < geo.oh; oh++) {
                    int r0 = geo.rowLo(oh), r1 = geo.rowHi(oh), yr = yb + oh * geo.ow;
                    for (int ow = 0; ow < geo.ow; ow++) {
                        int c0 = geo.colLo[ow], c1 = geo.colHi[ow];
                        float m = Float.NEGATIVE_INFINITY;
                        int best = r0 * geo.w + c0;
                        search:
                        for (int ih = r0; ih < r1; ih++) {
                            int row = xb + ih * geo.w;
                            for (int iw = c0; iw < c1; iw++) {
                                float v = xd[row + iw];
                                if (v > m || Float.isNaN(v)) {
                                    m = v;
                                    best = ih * geo.w + iw;
                                    if (Float.isNaN(v)) break search;
                                }
                            }
                        }
                        yd[yr + ow] = m;
                        arg[yr + ow] = best;
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
            Parallel.range(geo.planes, grain(geo), (from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    int db = pl * hw, ob = pl * ohw;
                    for (int i = 0; i < ohw; i++) dd[db + arg[ob + i]] += gd[go + ob + i];
                }
            });
            return new Tensor[]{dx};
        }, x);
    }

    static Tensor avg(Tensor x, int kernel, int stride, int padding) {
        Geometry geo = geometry("avgPool2d", x, kernel, stride, padding);
        Tensor xc = x.detach().contiguous();
        Tensor y = Tensor.zeros(geo.outShape);
        float[] xd = xc.data, yd = y.data;
        int xo = xc.offset, hw = geo.h * geo.w, ohw = geo.oh * geo.ow;
        double inv = 1.0 / ((double) kernel * kernel);
        Parallel.range(geo.planes, grain(geo), (from, to) -> {
            double[] acc = new double[geo.ow];
            for (int pl = from; pl < to; pl++) {
                int xb = xo + pl * hw, yb = pl * ohw;
                for (int oh = 0; oh < geo.oh; oh++) {
                    java.util.Arrays.fill(acc, 0);
                    for (int ih = geo.rowLo(oh), r1 = geo.rowHi(oh); ih < r1; ih++) {
                        int row = xb + ih * geo.w;
                        for (int ow = 0; ow < geo.ow; ow++) {
                            double s = 0;
                            for (int iw = geo.colLo[ow], c1 = geo.colHi[ow]; iw < c1; iw++) s += xd[row + iw];
                            acc[ow] += s;
                        }
                    }
                    int yr = yb + oh * geo.ow;
                    for (int ow = 0; ow < geo.ow; ow++) yd[yr + ow] = (float) (acc[ow] * inv);
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
                for (int pl = from; pl < to; pl++) {
                    int db = pl * hw, gb = go + pl * ohw;
                    for (int oh = 0; oh < geo.oh; oh++) {
                        int gr = gb + oh * geo.ow;
                        for (int ih = geo.rowLo(oh), r1 = geo.rowHi(oh); ih < r1; ih++) {
                            int row = db + ih * geo.w;
                            for (int ow = 0; ow < geo.ow; ow++) {
                                float v = gd[gr + ow] * scale;
                                for (int iw = geo.colLo[ow], c1 = geo.colHi[ow]; iw < c1; iw++) dd[row + iw] += v;
                            }
                        }
                    }
                }
            });
            return new Tensor[]{dx};
        }, x);
    }
}
