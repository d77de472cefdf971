package jgrad.core;

import jgrad.core.cpu.Parallel;

/**
 * Spatial resizing of P×H×W planes (N×C×H×W or C×H×W): bilinear and nearest interpolation, as
 * {@code F.interpolate} with an explicit output size, and pixel shuffle.
 *
 * <p><b>Bilinear.</b> Per axis (in → out), in float as PyTorch's CPU kernel:
 * <pre>
 *   align_corners=True:  scale = (in − 1)/(out − 1) (0 when out = 1),  src = scale·dst
 *   align_corners=False: scale = in/out,  src = max(scale·(dst + ½) − ½, 0)
 *   i0 = min(⌊src⌋, in − 1),  i1 = i0 + (i0 &lt; in − 1 ? 1 : 0),  λ1 = clamp(src − i0, 0, 1),  λ0 = 1 − λ1
 * </pre>
 * y = λh0·(λw0·x[h0,w0] + λw1·x[h0,w1]) + λh1·(λw0·x[h1,w0] + λw1·x[h1,w1]). The derivative is the
 * transpose: each output gradient is scattered to the four sources with the same weights.
 *
 * <p><b>Nearest.</b> src = min(⌊dst·(in/out)⌋, in − 1) with in/out in float (PyTorch's 'nearest',
 * not 'nearest-exact'); backward scatters g to src.
 *
 * <p>Data flow: the per-axis index and weight tables are built once per call; the input is packed
 * once and work is split by plane across threads. Bilinear runs separably per plane (a W pass
 * over the input rows it needs into an H×outW scratch, then an H pass blending two scratch rows
 * per output row: contiguous inner loops); its backward is the transpose of the two passes, and
 * nearest's backward likewise sums output rows onto source rows before scattering columns.
 *
 * <p><b>Pixel shuffle</b> (r): y[n, c, h·r + i, w·r + j] = x[n, c·r² + i·r + j, h, w]: a pure
 * permutation, copied in one pass per output plane (each source row of W is written with stride
 * r); its derivative is the inverse permutation, the same loop with reads and writes swapped.
 */
final class Resampling {
    private Resampling() {}

    /** Per-axis interpolation table: source indices and weights for every output position. */
    private record Axis(int[] i0, int[] i1, float[] l0, float[] l1) {}

    static Axis linearAxis(int in, int out, boolean alignCorners) {
        float scale;
        if (alignCorners) scale = out > 1 ? (float) (in - 1) / (out - 1) : 0f;
        else scale = (float) in / out;
        Axis a = new Axis(new int[out], new int[out], new float[out], new float[out]);
        for (int d = 0; d < out; d++) {
            float src = alignCorners ? scale * d : scale * (d + 0.5f) - 0.5f;
            if (!alignCorners && src < 0) src = 0; // PyTorch clamps negative source coordinates for linear modes
            int i0 = Math.min((int) Math.floor(src), in - 1);
            float l1 = Math.min(Math.max(src - i0, 0f), 1f);
            a.i0[d] = i0;
            a.i1[d] = i0 + (i0 < in - 1 ? 1 : 0);
            a.l1[d] = l1;
            a.l0[d] = 1f - l1;
        }
        return a;
    }

    static int[] nearestAxis(int in, int out) {
        float scale = (float) in / out;
        int[] idx = new int[out];
        for (int d = 0; d < out; d++) idx[d] = Math.min((int) Math.floor(d * scale), in - 1);
        return idx;
    }

    private static int[] checkResize(String op, Tensor x, int outH, int outW) {
        int r = x.rank();
        if (r != 3 && r != 4) {
            throw new IllegalArgumentException(op + ": expected an N×C×H×W (or C×H×W) input, got shape " + Shape.str(x.shape));
        }
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException(op + ": output size " + outH + "×" + outW + " must be positive (input "
                    + Shape.str(x.shape) + ")");
        }
        if (x.shape[r - 2] == 0 || x.shape[r - 1] == 0) {
            throw new IllegalArgumentException(op + ": cannot resize an empty spatial size (input " + Shape.str(x.shape) + ")");
        }
        int[] out = x.shape.clone();
        out[r - 2] = outH;
        out[r - 1] = outW;
        return out;
    }

    private static int planes(Tensor x) {
        int p = 1;
        for (int i = 0; i < x.rank() - 2; i++) p *= x.shape[i];
        return p;
    }

    static Tensor bilinear(Tensor x, int outH, int outW, boolean alignCorners) {
        int[] outShape = checkResize("upsampleBilinear", x, outH, outW);
        int r = x.rank(), h = x.shape[r - 2], w = x.shape[r - 1], planes = planes(x);
        Axis ah = linearAxis(h, outH, alignCorners), aw = linearAxis(w, outW, alignCorners);
        boolean[] used = new boolean[h]; // input rows some output row reads
        for (int o = 0; o < outH; o++) used[ah.i0[o]] = used[ah.i1[o]] = true;
        Tensor xc = x.detach().contiguous();
        if (!x.isCpu()) {
            Tensor y = Tensor.empty(x.device(), outShape);
            if (y.numel() > 0) x.backend().upsampleBilinear(xc, alignCorners, y);
            return Autograd.record("upsampleBilinear", y, g -> {
                Tensor dx = Tensor.empty(x.device(), x.shape);
                if (dx.numel() > 0) x.backend().upsampleBilinearBackward(g.contiguous(), alignCorners, dx);
                return new Tensor[]{dx};
            }, x);
        }
        Tensor y = Tensor.zeros(outShape);
        float[] xd = xc.data, yd = y.data;
        int xo = xc.offset, hw = h * w, ohw = outH * outW;
        int grain = Math.max(1, Elementwise.GRAIN / Math.max(1, ohw));
        // Separable: each used input row is interpolated along W once into tmp (h × outW), then
        // every output row blends two tmp rows. The sums group as in PyTorch's kernel:
        // λh0·(λw0·a + λw1·b) + λh1·(λw0·c + λw1·d).
        Parallel.range(planes, grain, (from, to) -> {
            float[] tmp = new float[h * outW];
            for (int pl = from; pl < to; pl++) {
                int xb = xo + pl * hw, yb = pl * ohw;
                for (int ih = 0; ih < h; ih++) {
                    if (!used[ih]) continue;
                    int row = xb + ih * w, t = ih * outW;
                    for (int ow = 0; ow < outW; ow++) tmp[t + ow] = aw.l0[ow] * xd[row + aw.i0[ow]] + aw.l1[ow] * xd[row + aw.i1[ow]];
                }
                for (int oh = 0; oh < outH; oh++) {
                    int t0 = ah.i0[oh] * outW, t1 = ah.i1[oh] * outW, yr = yb + oh * outW;
                    float lh0 = ah.l0[oh], lh1 = ah.l1[oh];
                    for (int ow = 0; ow < outW; ow++) yd[yr + ow] = lh0 * tmp[t0 + ow] + lh1 * tmp[t1 + ow];
                }
            }
        });
        int[] in = x.shape;
        return Autograd.record("upsampleBilinear", y, g -> {
            Tensor gc = g.contiguous();
            Tensor dx = Tensor.zeros(in);
            float[] gd = gc.data, dd = dx.data;
            int go = gc.offset;
            // the transpose of the two passes: rows of g into tmp rows, then tmp columns into x
            Parallel.range(planes, grain, (from, to) -> {
                float[] tmp = new float[h * outW];
                for (int pl = from; pl < to; pl++) {
                    java.util.Arrays.fill(tmp, 0f);
                    int db = pl * hw, gb = go + pl * ohw;
                    for (int oh = 0; oh < outH; oh++) {
                        int t0 = ah.i0[oh] * outW, t1 = ah.i1[oh] * outW, gr = gb + oh * outW;
                        float lh0 = ah.l0[oh], lh1 = ah.l1[oh];
                        for (int ow = 0; ow < outW; ow++) tmp[t0 + ow] += lh0 * gd[gr + ow];
                        for (int ow = 0; ow < outW; ow++) tmp[t1 + ow] += lh1 * gd[gr + ow];
                    }
                    for (int ih = 0; ih < h; ih++) {
                        if (!used[ih]) continue;
                        int row = db + ih * w, t = ih * outW;
                        for (int ow = 0; ow < outW; ow++) {
                            float v = tmp[t + ow];
                            dd[row + aw.i0[ow]] += aw.l0[ow] * v;
                            dd[row + aw.i1[ow]] += aw.l1[ow] * v;
                        }
                    }
                }
            });
            return new Tensor[]{dx};
        }, x);
    }

    static Tensor nearest(Tensor x, int outH, int outW) {
        int[] outShape = checkResize("upsampleNearest", x, outH, outW);
        int r = x.rank(), h = x.shape[r - 2], w = x.shape[r - 1], planes = planes(x);
        int[] sh = nearestAxis(h, outH), sw = nearestAxis(w, outW);
        Tensor xc = x.detach().contiguous();
        if (!x.isCpu()) {
            Tensor y = Tensor.empty(x.device(), outShape);
            if (y.numel() > 0) x.backend().upsampleNearest(xc, y);
            return Autograd.record("upsampleNearest", y, g -> {
                Tensor dx = Tensor.empty(x.device(), x.shape);
                if (dx.numel() > 0) x.backend().upsampleNearestBackward(g.contiguous(), dx);
                return new Tensor[]{dx};
            }, x);
        }
        Tensor y = Tensor.zeros(outShape);
        float[] xd = xc.data, yd = y.data;
        int xo = xc.offset, hw = h * w, ohw = outH * outW;
        int grain = Math.max(1, Elementwise.GRAIN / Math.max(1, ohw));
        Parallel.range(planes, grain, (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int xb = xo + pl * hw, yb = pl * ohw;
                for (int oh = 0; oh < outH; oh++) {
                    int row = xb + sh[oh] * w, yr = yb + oh * outW;
                    if (oh > 0 && sh[oh] == sh[oh - 1]) {
                        System.arraycopy(yd, yr - outW, yd, yr, outW); // same source row as the previous output row
                        continue;
                    }
                    for (int ow = 0; ow < outW; ow++) yd[yr + ow] = xd[row + sw[ow]];
                }
            }
        });
        int[] in = x.shape;
        return Autograd.record("upsampleNearest", y, g -> {
            Tensor gc = g.contiguous();
            Tensor dx = Tensor.zeros(in);
            float[] gd = gc.data, dd = dx.data;
            int go = gc.offset;
            // output rows first summed onto their source row (contiguous), then columns scattered
            Parallel.range(planes, grain, (from, to) -> {
                float[] tmp = new float[h * outW];
                for (int pl = from; pl < to; pl++) {
                    java.util.Arrays.fill(tmp, 0f);
                    int db = pl * hw, gb = go + pl * ohw;
                    for (int oh = 0; oh < outH; oh++) {
                        int t = sh[oh] * outW, gr = gb + oh * outW;
                        for (int ow = 0; ow < outW; ow++) tmp[t + ow] += gd[gr + ow];
                    }
                    for (int ih = 0; ih < h; ih++) {
                        int row = db + ih * w, t = ih * outW;
                        for (int ow = 0; ow < outW; ow++) dd[row + sw[ow]] += tmp[t + ow];
                    }
                }
            });
            return new Tensor[]{dx};
        }, x);
    }

    static Tensor pixelShuffle(Tensor x, int r) {
        int rank = x.rank();
        if (rank != 3 && rank != 4) {
            throw new IllegalArgumentException("pixelShuffle: expected an N×C×H×W (or C×H×W) input, got shape " + Shape.str(x.shape));
        }
        if (r <= 0) throw new IllegalArgumentException("pixelShuffle: upscale factor must be positive, got " + r + " (input " + Shape.str(x.shape) + ")");
        boolean batched = rank == 4;
        int n = batched ? x.shape[0] : 1, c = x.shape[rank - 3], h = x.shape[rank - 2], w = x.shape[rank - 1];
        if (c % (r * r) != 0) {
            throw new IllegalArgumentException("pixelShuffle: " + c + " channels are not divisible by upscale² = " + (r * r)
                    + " (input " + Shape.str(x.shape) + ", upscale " + r + ")");
        }
        int oc = c / (r * r);
        int[] outShape = batched ? new int[]{n, oc, h * r, w * r} : new int[]{oc, h * r, w * r};
        Tensor xc = x.detach().contiguous();
        if (!x.isCpu()) {
            Tensor y = Tensor.empty(x.device(), outShape);
            if (y.numel() > 0) x.backend().pixelShuffle(xc, r, y);
            return Autograd.record("pixelShuffle", y, g -> {
                Tensor dx = Tensor.empty(x.device(), x.shape);
                if (dx.numel() > 0) x.backend().pixelUnshuffle(g.contiguous(), r, dx);
                return new Tensor[]{dx};
            }, x);
        }
        Tensor y = Tensor.zeros(outShape);
        shuffle(xc.data, xc.offset, y.data, 0, n * oc, r, h, w, true);
        int[] in = x.shape;
        return Autograd.record("pixelShuffle", y, g -> {
            Tensor gc = g.contiguous();
            Tensor dx = Tensor.zeros(in);
            shuffle(dx.data, 0, gc.data, gc.offset, n * oc, r, h, w, false);
            return new Tensor[]{dx};
        }, x);
    }

    /**
     * Moves between the packed channel-stacked layout {@code a} ((planes·r²)×H×W) and the packed
     * shuffled layout {@code b} (planes×(H·r)×(W·r)): forward copies a into b, otherwise b into a.
     */
    private static void shuffle(float[] a, int ao, float[] b, int bo, int planes, int r, int h, int w, boolean forward) {
        int hw = h * w, ow = w * r, plane = hw * r * r;
        Parallel.range(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, plane)), (from, to) -> {
            for (int p = from; p < to; p++) {
                for (int y = 0; y < h; y++) {
                    for (int i = 0; i < r; i++) {
                        int brow = bo + p * plane + (y * r + i) * ow;
                        for (int j = 0; j < r; j++) {
                            int arow = ao + p * plane + (i * r + j) * hw + y * w;
                            if (forward) for (int x = 0; x < w; x++) b[brow + x * r + j] = a[arow + x];
                            else for (int x = 0; x < w; x++) a[arow + x] = b[brow + x * r + j];
                        }
                    }
                }
            }
        });
    }
}
