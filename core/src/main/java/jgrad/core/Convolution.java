package jgrad.core;

import jgrad.core.spi.Backend;

import jgrad.core.cpu.Gemm;
import jgrad.core.cpu.Parallel;
import jgrad.core.cpu.Simd;

import java.util.Arrays;

/**
 * 2-D convolution (cross-correlation, as PyTorch) as matrix products on the packed {@link Gemm}.
 * The column matrix (im2col) is never stored whole: the GEMM's packing step reads it from the
 * image.
 *
 * <h2>Math</h2>
 * For sample n and group g (Cg = C/groups input and Og = O/groups output channels), with the
 * column matrix col[(c, kh, kw), (oh, ow)] = x[n, g·Cg + c, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW]
 * (zero outside the image), Kg = Cg·kH·kW rows and P = OH·OW columns:
 * <pre>
 *   forward        y[n, g]  = W[g] · col + b           (Og×Kg)·(Kg×P)
 *   weight grad    ∂W[g]   += ∂y[n, g] · colᵀ          (Og×P)·(P×Kg), summed over n
 *   bias grad      ∂b[o]    = Σ_n Σ_p ∂y[n, o, p]
 *   input grad     ∂col     = W[g]ᵀ · ∂y[n, g], then col2im scatter-adds ∂col into ∂x
 * </pre>
 * With stride 1 the input gradient is itself a convolution: ∂x = conv(∂y, W′) with
 * W′[c, o, kh, kw] = W[o, c, kH−1−kh, kW−1−kw], dilation d and padding d·(k−1) − p.
 *
 * <h2>Data flow, stride 1 (the common case)</h2>
 * The image is copied once per (sample, group) into a zero-padded scratch of Hp×Wp and the
 * output is computed on the "wide" grid of OH rows × Wp columns (the last Wp − OW columns of each
 * row are discarded when copying out). On that grid row (c, kh, kw) of the column matrix is the
 * padded image shifted by c·Hp·Wp + kh·dH·Wp + kw·dW, a contiguous slice, so
 * <ul>
 *   <li>forward and input gradient pack each B panel with two vector copies per kernel tap
 *       ({@link Shifted}) and run the 8×32 GEMM microkernel;</li>
 *   <li>the weight gradient is the product of ∂y on the wide grid (zeros in the extra columns)
 *       and the transposed column matrix, whose rows are the shifted slices ({@link RowPointers}):
 *       the same packed GEMM, accumulating along the pixels inside each vector lane, so no
 *       horizontal sums and a bitwise repeatable result.</li>
 * </ul>
 * Extra traffic per (sample, group): the padded copy of the input (Cg·Hp·Wp floats), the output
 * copy-out, and for the weight gradient a wide copy of ∂y.
 *
 * <h2>Data flow, other strides</h2>
 * {@link Columns} packs the forward's panels straight from the image, one kernel tap and one run
 * of output pixels at a time. The weight gradient writes the column matrix out once (Kg × P, per
 * thread) and multiplies ∂y by its transpose with the packed GEMM; the input gradient computes ∂col into a
 * per-thread buffer and scatter-adds it (col2im).
 *
 * <h2>Threads and precision</h2>
 * Work is split across threads by (sample, group) pairs, each running one-thread products; with
 * fewer pairs than threads the products themselves are split. The weight gradient accumulates
 * over {@link #WEIGHT_GRAD_RUNS} fixed runs of pairs, one buffer each, summed in run order at the
 * end, so like every output here it is the same bits for any thread count. Products accumulate in float registers over blocks of at
 * most 256 (GEMM) or 1024 (dot products) terms, then add to the output in float. Scratch
 * buffers are per thread and reused across calls.
 */
final class Convolution {
    private Convolution() {}

    /** The shapes of one convolution. */
    record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw,
                    int dh, int dw, int groups, int oh, int ow) {
        int cg() { return c / groups; }
        int og() { return o / groups; }
        int taps() { return kh * kw; }
        int kg() { return cg() * kh * kw; }
        int pixels() { return oh * ow; }
    }

    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        Geometry geo = check(x, weight, bias, stride, padding, dilation, groups);
        Tensor[] xwb = Elementwise.sameDevice("conv2d", x, weight, bias);
        Tensor xc = xwb[0].detach().contiguous(), wc = xwb[1].detach().contiguous();
        Tensor bc = bias == null ? null : xwb[2].detach().contiguous();
        if (!xc.isCpu()) {
            Backend.Conv2d p = new Backend.Conv2d(stride.clone(), padding.clone(), dilation.clone(), groups);
            Tensor out = Tensor.empty(xc.device(), geo.n, geo.o, geo.oh, geo.ow);
            // no input values at all (C, H or W is 0): every output is the bias, or 0
            boolean empty = out.numel() == 0 || geo.c == 0 || geo.h == 0 || geo.w == 0;
            if (!empty) {
                xc.backend().conv2d(xc, wc, bc, p, out);
            } else if (out.numel() > 0) {
                xc.backend().fill(out, 0f);
                if (bc != null) Elementwise.addInto(out, bc.reshape(1, geo.o, 1, 1));
            }
            return Autograd.record("conv2d", out, g -> {
                Tensor gc = g.contiguous();
                Tensor gx = null, gw = null;
                if (x.requiresGrad) {
                    gx = empty ? Tensor.zeros(xc.device(), x.shape) : Tensor.empty(xc.device(), x.shape);
                    if (!empty) xc.backend().conv2dBackwardData(gc, wc, p, gx);
                }
                if (weight.requiresGrad) {
                    gw = empty ? Tensor.zeros(xc.device(), weight.shape) : Tensor.empty(xc.device(), weight.shape);
                    if (!empty) xc.backend().conv2dBackwardWeight(xc, gc, p, gw);
                }
                Tensor gb = bias != null && bias.requiresGrad ? gc.sum(new int[]{0, 2, 3}, false) : null;
                return new Tensor[]{gx, gw, gb};
            }, x, weight, bias);
        }
        Tensor out = Tensor.zeros(geo.n, geo.o, geo.oh, geo.ow);
        forward(geo, xc.data, xc.offset, wc.data, wc.offset, bc == null ? null : bc.data, bc == null ? 0 : bc.offset,
                out.data);
        return Autograd.record("conv2d", out, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = x.requiresGrad ? inputGrad(geo, gc, wc) : null;
            Tensor gw = weight.requiresGrad ? weightGrad(geo, gc, xc) : null;
            Tensor gb = bias != null && bias.requiresGrad ? biasGrad(geo, gc) : null;
            return new Tensor[]{gx, gw, gb};
        }, x, weight, bias);
    }

    // ---- argument checks -------------------------------------------------------------------------

    private static Geometry check(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
        if (x == null || w == null) throw new IllegalArgumentException("conv2d: input and weight must not be null");
        String xs = Shape.str(x.shape), ws = Shape.str(w.shape);
        if (x.rank() != 4) throw new IllegalArgumentException("conv2d: input must be 4-D N×C×H×W, got shape " + xs);
        if (w.rank() != 4) throw new IllegalArgumentException("conv2d: weight must be 4-D O×(C/groups)×kH×kW, got shape " + ws);
        pair("stride", stride, 1);
        pair("padding", padding, 0);
        pair("dilation", dilation, 1);
        if (groups < 1) throw new IllegalArgumentException("conv2d: groups must be positive, got " + groups);
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
        int o = w.shape[0], kh = w.shape[2], kw = w.shape[3];
        if (c % groups != 0) {
            throw new IllegalArgumentException("conv2d: input " + xs + " has " + c + " channels, not divisible by groups " + groups);
        }
        if (o % groups != 0) {
            throw new IllegalArgumentException("conv2d: weight " + ws + " has " + o + " output channels, not divisible by groups " + groups);
        }
        if (c / groups != w.shape[1]) {
            throw new IllegalArgumentException("conv2d: input " + xs + " has " + c + " channels but weight " + ws
                    + " expects " + w.shape[1] * groups + " (groups " + groups + ")");
        }
        if (kh == 0 || kw == 0) throw new IllegalArgumentException("conv2d: weight " + ws + " has an empty kernel");
        if (b != null && (b.rank() != 1 || b.shape[0] != o)) {
            throw new IllegalArgumentException("conv2d: bias must have shape [" + o + "] for weight " + ws + ", got "
                    + Shape.str(b.shape));
        }
        long extH = (long) (kh - 1) * dilation[0] + 1, extW = (long) (kw - 1) * dilation[1] + 1;
        long padH = h + 2L * padding[0], padW = wd + 2L * padding[1];
        if (extH > padH || extW > padW) {
            throw new IllegalArgumentException("conv2d: kernel " + kh + "×" + kw + " (dilation " + Arrays.toString(dilation)
                    + ", extent " + extH + "×" + extW + ") is larger than the padded input " + padH + "×" + padW
                    + " (input " + xs + ", padding " + Arrays.toString(padding) + ")");
        }
        long oh = (padH - extH) / stride[0] + 1, ow = (padW - extW) / stride[1] + 1;
        if (oh <= 0 || ow <= 0 || oh * ow > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv2d: output size " + oh + "×" + ow + " is invalid for input " + xs
                    + " and weight " + ws);
        }
        return new Geometry(n, c, h, wd, o, kh, kw, stride[0], stride[1], padding[0], padding[1],
                dilation[0], dilation[1], groups, (int) oh, (int) ow);
    }

    private static void pair(String name, int[] v, int min) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException("conv2d: " + name + " must have 2 values {H, W}, got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        if (v[0] < min || v[1] < min) {
            throw new IllegalArgumentException("conv2d: " + name + " must be " + (min == 0 ? "non-negative" : "positive")
                    + ", got " + Arrays.toString(v));
        }
    }

    // ---- forward -------------------------------------------------------------------------------

    private static void forward(Geometry g, float[] x, int xo, float[] w, int wo, float[] b, int bo, float[] y) {
        int cg = g.cg(), og = g.og(), kg = g.kg(), p = g.pixels(), hw = g.h * g.w;
        if (g.sh == 1 && g.sw == 1) {
            eachTask(g.n * g.groups, (t, parallelGemm) -> {
                int n = t / g.groups, gr = t % g.groups;
                wideConv(x, xo + (n * g.c + gr * cg) * hw, cg, g.h, g.w, g.kh, g.kw, g.ph, g.pw, g.dh, g.dw,
                        new Gemm.Strided(w, wo + gr * og * kg, kg, 1), og, y, (n * g.o + gr * og) * p, g.oh, g.ow,
                        b, bo + gr * og, parallelGemm);
            });
            return;
        }
        eachTask(g.n * g.groups, (t, parallelGemm) -> {
            int n = t / g.groups, gr = t % g.groups;
            int yo = (n * g.o + gr * og) * p;
            if (b != null) {
                for (int i = 0; i < og; i++) Arrays.fill(y, yo + i * p, yo + (i + 1) * p, b[bo + gr * og + i]);
            }
            Gemm.Source a = new Gemm.Strided(w, wo + gr * og * kg, kg, 1);
            Gemm.Source cols = new Columns(x, xo + (n * g.c + gr * cg) * hw, g.h, g.w, g.kh, g.kw,
                    g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow);
            Gemm.gemm(og, p, kg, a, cols, b == null ? 0f : 1f, y, yo, p, parallelGemm);
        });
    }

    // ---- backward ------------------------------------------------------------------------------

    private static Tensor inputGrad(Geometry g, Tensor gy, Tensor w) {
        Tensor gx = Tensor.zeros(g.n, g.c, g.h, g.w);
        int cg = g.cg(), og = g.og(), kg = g.kg(), p = g.pixels(), hw = g.h * g.w, taps = g.taps();
        float[] dy = gy.data, dx = gx.data, wd = w.data;
        int dyo = gy.offset, wo = w.offset;
        if (g.sh == 1 && g.sw == 1) {
            // ∂x = conv(∂y, flipped and transposed W): per group a Cg × (Og·kH·kW) weight
            int kt = og * taps;
            float[] wt = new float[g.groups * cg * kt];
            for (int gr = 0; gr < g.groups; gr++) {
                for (int o = 0; o < og; o++) {
                    for (int c = 0; c < cg; c++) {
                        int src = wo + ((gr * og + o) * cg + c) * taps, dst = (gr * cg + c) * kt + o * taps;
                        for (int t = 0; t < taps; t++) wt[dst + t] = wd[src + taps - 1 - t];
                    }
                }
            }
            int pth = g.dh * (g.kh - 1) - g.ph, ptw = g.dw * (g.kw - 1) - g.pw;
            if (pth >= 0 && ptw >= 0) {
                eachTask(g.n * g.groups, (t, parallelGemm) -> {
                    int n = t / g.groups, gr = t % g.groups;
                    wideConv(dy, dyo + (n * g.o + gr * og) * p, og, g.oh, g.ow, g.kh, g.kw, pth, ptw, g.dh, g.dw,
                            new Gemm.Strided(wt, gr * cg * kt, kt, 1), cg, dx, (n * g.c + gr * cg) * hw, g.h, g.w,
                            null, 0, parallelGemm);
                });
                return gx;
            }
            eachTask(g.n * g.groups, (t, parallelGemm) -> {
                int n = t / g.groups, gr = t % g.groups;
                Gemm.Source a = new Gemm.Strided(wt, gr * cg * kt, kt, 1);
                Gemm.Source cols = new Columns(dy, dyo + (n * g.o + gr * og) * p, g.oh, g.ow, g.kh, g.kw,
                        1, 1, pth, ptw, g.dh, g.dw, g.h, g.w);
                Gemm.gemm(cg, hw, kt, a, cols, 0f, dx, (n * g.c + gr * cg) * hw, hw, parallelGemm);
            });
            return gx;
        }
        // general stride: ∂col = W[g]ᵀ·∂y[n, g] into a per-thread buffer, then col2im
        ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[kg * p]);
        eachTask(g.n * g.groups, (t, parallelGemm) -> {
            int n = t / g.groups, gr = t % g.groups;
            float[] col = scratch.get();
            Gemm.Source a = new Gemm.Strided(wd, wo + gr * og * kg, 1, kg);
            Gemm.Source dyT = new Gemm.Strided(dy, dyo + (n * g.o + gr * og) * p, 1, p);
            Gemm.gemm(kg, p, og, a, dyT, 0f, col, 0, p, parallelGemm);
            col2im(g, col, dx, (n * g.c + gr * cg) * hw);
        });
        return gx;
    }

    /** Scatter-adds a Kg × P column matrix into one group's Cg × H × W input gradient. */
    private static void col2im(Geometry g, float[] col, float[] dx, int dxo) {
        int taps = g.taps(), hw = g.h * g.w;
        for (int r = 0; r < g.kg(); r++) {
            int c = r / taps, kh = (r % taps) / g.kw, kw = r % g.kw;
            int base = dxo + c * hw;
            for (int oh = 0; oh < g.oh; oh++) {
                int ih = oh * g.sh - g.ph + kh * g.dh;
                if (ih < 0 || ih >= g.h) continue;
                int src = r * g.pixels() + oh * g.ow, row = base + ih * g.w;
                int iw = -g.pw + kw * g.dw, sw = g.sw;
                // valid ow: 0 ≤ iw + ow·sw < W
                int lo = Math.min(g.ow, iw >= 0 ? 0 : (-iw + sw - 1) / sw);
                int hi = Math.max(lo, Math.min(g.ow, iw >= g.w ? 0 : (g.w - iw + sw - 1) / sw));
                for (int ow = lo, at = row + iw + lo * sw; ow < hi; ow++, at += sw) dx[at] += col[src + ow];
            }
        }
    }

    private static Tensor weightGrad(Geometry g, Tensor gy, Tensor x) {
        int cg = g.cg(), og = g.og(), kg = g.kg(), p = g.pixels(), hw = g.h * g.w;
        float[] total = new float[g.o * kg];
        float[] dy = gy.data, xd = x.data;
        int dyo = gy.offset, xo = x.offset;
        boolean wide = g.sh == 1 && g.sw == 1;
        int wp = g.w + 2 * g.pw, nw = g.oh * wp;
        int[] rowOff = wide ? shifts(cg, g.h + 2 * g.ph, wp, g.kh, g.kw, g.dh, g.dw) : null;
        // The (sample, group) tasks fall into a fixed number of runs, by shape alone; each run sums
        // its tasks in order into its own buffer (the first into total), and the buffers are added
        // in run order. Whether runs go to different threads or one thread runs them all with a
        // threaded GEMM, the additions are the same: the same bits for any thread count.
        int count = g.n * g.groups, runs = Math.min(count, WEIGHT_GRAD_RUNS);
        float[][] partials = new float[runs][];
        Run run = (k, parallelGemm) -> {
            float[] acc = k == 0 ? total : (partials[k] = new float[total.length]);
            for (int t = (int) ((long) count * k / runs), end = (int) ((long) count * (k + 1) / runs); t < end; t++) {
                int n = t / g.groups, gr = t % g.groups;
                if (wide) {
                    // ∂W[g] += ∂y on the wide grid (zeros in the extra columns) · shifted padded input
                    float[] xp = padded(PAD, xd, xo + (n * g.c + gr * cg) * hw, cg, g.h, g.w, g.ph, g.pw, (g.kw - 1) * g.dw);
                    float[] dyw = scratch(WIDE, og * nw);
                    Arrays.fill(dyw, 0, og * nw, 0f);
                    for (int i = 0; i < og; i++) {
                        for (int r = 0; r < g.oh; r++) {
                            System.arraycopy(dy, dyo + ((n * g.o + gr * og + i) * g.oh + r) * g.ow, dyw, i * nw + r * wp, g.ow);
                        }
                    }
                    Gemm.gemm(og, kg, nw, new Gemm.Strided(dyw, 0, nw, 1), new RowPointers(xp, rowOff), 1f,
                            acc, gr * og * kg, kg, parallelGemm);
                    continue;
                }
                // other strides: the column matrix written out row-major (Kg × P), then dot products
                float[] col = scratch(WIDE, kg * p);
                new Columns(xd, xo + (n * g.c + gr * cg) * hw, g.h, g.w, g.kh, g.kw,
                        g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow).pack(col, 0, 0, p, p, 0, kg);
                Gemm.gemm(og, kg, p, new Gemm.Strided(dy, dyo + (n * g.o + gr * og) * p, p, 1), new Gemm.Strided(col, 0, p, 1), 1f,
                        acc, gr * og * kg, kg, parallelGemm);
            }
        };
        if (runs >= Parallel.THREADS && Parallel.THREADS > 1) {
            Parallel.range(runs, 1, (from, to) -> {
                for (int k = from; k < to; k++) run.run(k, false);
            });
        } else {
            for (int k = 0; k < runs; k++) run.run(k, true);
        }
        // in run order, never in completion order
        for (int k = 1; k < runs; k++) {
            float[] acc = partials[k];
            for (int i = 0; i < acc.length; i++) total[i] += acc[i];
        }
        return Tensor.wrap(total, g.o, cg, g.kh, g.kw);
    }

    private static Tensor biasGrad(Geometry g, Tensor gy) {
        int p = g.pixels();
        float[] out = new float[g.o];
        for (int o = 0; o < g.o; o++) {
            double s = 0;
            for (int n = 0; n < g.n; n++) s += Simd.sum(gy.data, gy.offset + (n * g.o + o) * p, p);
            out[o] = (float) s;
        }
        return Tensor.wrap(out, g.o);
    }

    // ---- stride 1 on the padded grid -----------------------------------------------------------

    /**
     * One group of a stride-1 convolution, y = W·col + b, computed on the "wide" grid: the input is
     * zero-padded once into a scratch image of hp×wp, and the output is computed for all wp
     * columns of each of its oh rows (the last wp − ow of each row are discarded). On that grid
     * every row of the column matrix is one contiguous slice of the padded image, shifted by the
     * tap's offset, so packing is a plain copy per kernel tap.
     */
    private static void wideConv(float[] src, int srcOff, int cin, int h, int w, int kh, int kw, int ph, int pw,
                                 int dh, int dw, Gemm.Source weights, int mOut, float[] y, int yOff, int oh, int ow,
                                 float[] bias, int bOff, boolean parallelGemm) {
        int wp = w + 2 * pw, nw = oh * wp;
        float[] xp = padded(PAD, src, srcOff, cin, h, w, ph, pw, (kw - 1) * dw);
        int[] rowOff = shifts(cin, h + 2 * ph, wp, kh, kw, dh, dw);
        float[] wide = scratch(WIDE, mOut * nw);
        Gemm.gemm(mOut, nw, rowOff.length, weights, new Shifted(xp, rowOff), 0f, wide, 0, nw, parallelGemm);
        for (int m = 0; m < mOut; m++) {
            float add = bias == null ? 0f : bias[bOff + m];
            for (int r = 0; r < oh; r++) {
                int from = m * nw + r * wp, to = yOff + (m * oh + r) * ow;
                if (add == 0f) {
                    System.arraycopy(wide, from, y, to, ow);
                } else {
                    for (int i = 0; i < ow; i++) y[to + i] = wide[from + i] + add;
                }
            }
        }
    }

    /** Offsets of each kernel tap (c, ky, kx) in a padded cin×hp×wp image. */
    private static int[] shifts(int cin, int hp, int wp, int kh, int kw, int dh, int dw) {
        int[] off = new int[cin * kh * kw];
        for (int c = 0, i = 0; c < cin; c++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) off[i++] = c * hp * wp + ky * dh * wp + kx * dw;
            }
        }
        return off;
    }

    /** The cin×h×w image at src[off] with zero borders of ph rows and pw columns, plus `slack` trailing zeros. */
    private static float[] padded(ThreadLocal<float[]> slot, float[] src, int off, int cin, int h, int w, int ph, int pw,
                                  int slack) {
        int hp = h + 2 * ph, wp = w + 2 * pw, size = cin * hp * wp + slack;
        float[] xp = scratch(slot, size);
        // only the border is zeroed; the interior is overwritten
        for (int c = 0; c < cin; c++) {
            int plane = c * hp * wp;
            Arrays.fill(xp, plane, plane + ph * wp + pw, 0f);
            for (int r = 0; r < h; r++) {
                int at = plane + (r + ph) * wp + pw;
                System.arraycopy(src, off + (c * h + r) * w, xp, at, w);
                Arrays.fill(xp, at + w, Math.min(size, at + w + 2 * pw), 0f);
            }
            Arrays.fill(xp, Math.min(plane + (h + ph) * wp + pw, plane + hp * wp), plane + hp * wp, 0f);
        }
        Arrays.fill(xp, cin * hp * wp, size, 0f);
        return xp;
    }

    private static final ThreadLocal<float[]> PAD = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> WIDE = ThreadLocal.withInitial(() -> new float[0]);

    private static float[] scratch(ThreadLocal<float[]> slot, int size) {
        float[] a = slot.get();
        if (a.length < size) {
            a = new float[size];
            slot.set(a);
        }
        return a;
    }

    /**
     * A matrix whose row r is the contiguous slice {@code x[rowOff[r] ...]}: the transposed column
     * matrix of a stride-1 convolution on the wide grid, as the GEMM's Bᵀ operand. Packing reads
     * each row slice once and writes it with stride {@code width}; rows past the end are zeros.
     */
    record RowPointers(float[] x, int[] rowOff) implements Gemm.Source {
        @Override
        public void pack(float[] dst, int dOff, int r0, int rows, int width, int k0, int kc) {
            for (int r = 0; r < rows; r++) {
                int src = rowOff[r0 + r] + k0;
                for (int k = 0, d = dOff + r; k < kc; k++, d += width) dst[d] = x[src + k];
            }
            for (int r = rows; r < width; r++) {
                for (int k = 0, d = dOff + r; k < kc; k++, d += width) dst[d] = 0f;
            }
        }
    }

    /**
     * The column matrix of a stride-1 convolution on the wide grid, col[k, q] = xp[shift[k] + q],
     * packed as the GEMM's Bᵀ (rows are pixels q, columns are taps k).
     */
    record Shifted(float[] xp, int[] shift) implements Gemm.Source {
        @Override
        public void pack(float[] dst, int dOff, int r0, int rows, int width, int k0, int kc) {
            Gemm.gatherPanel(xp, shift, k0, kc, r0, rows, dst, dOff, width);
        }
    }

    // ---- scheduling ----------------------------------------------------------------------------

    private interface Task {
        void run(int task, boolean parallelGemm);
    }

    /**
     * Runs of (sample, group) tasks whose weight-gradient partial sums are kept apart (see
     * weightGrad): fixed, so the result does not depend on the thread count; enough to keep a few
     * cores busy, few enough that the extra buffers (each the size of the weight) stay cheap.
     */
    static final int WEIGHT_GRAD_RUNS = 4;

    private interface Run {
        void run(int k, boolean parallelGemm);
    }

    private interface Chunk {
        void run(int from, int to, boolean parallelGemm);
    }

    /** Runs tasks [0, count): spread over threads when there are enough, else one by one with threaded GEMMs. */
    private static void eachTask(int count, Task body) {
        eachTaskChunk(count, (from, to, par) -> {
            for (int t = from; t < to; t++) body.run(t, par);
        });
    }

    private static void eachTaskChunk(int count, Chunk body) {
        if (count >= Parallel.THREADS && Parallel.THREADS > 1) {
            Parallel.range(count, 1, (from, to) -> body.run(from, to, false));
        } else {
            body.run(0, count, true);
        }
    }

    // ---- im2col packing ------------------------------------------------------------------------

    /**
     * The column matrix of one image group (Cg channels of ih×iw) for any stride, packed as the
     * GEMM's Bᵀ: rows are output pixels, columns are kernel taps. Packing the whole matrix as one
     * panel of width P writes it out row-major as Kg × P.
     */
    record Columns(float[] x, int off, int ih, int iw, int kh, int kw, int sh, int sw, int ph, int pw,
                   int dh, int dw, int oh, int ow) implements Gemm.Source {
        @Override
        public void pack(float[] dst, int dOff, int r0, int rows, int width, int k0, int kc) {
            // one tap per k: a run of `rows` consecutive output pixels
            int taps = kh * kw;
            int c = k0 / taps, ky = (k0 % taps) / kw, kx = k0 % kw;
            int y0 = r0 / ow, x0 = r0 % ow;
            for (int k = 0; k < kc; k++) {
                int d = dOff + k * width;
                fill(c, ky, kx, y0, x0, rows, dst, d);
                for (int r = rows; r < width; r++) dst[d + r] = 0f;
                if (++kx == kw) {
                    kx = 0;
                    if (++ky == kh) {
                        ky = 0;
                        c++;
                    }
                }
            }
        }

        /**
         * Writes col[tap (c, ky, kx), pixels q .. q+count) to dst[d ..], where pixel q is output
         * position (y, xq) and the run continues row by row.
         */
        private void fill(int c, int ky, int kx, int y, int xq, int count, float[] dst, int d) {
            int base = off + c * ih * iw;
            int iy = y * sh - ph + ky * dh;
            int ix0 = -pw + kx * dw;
            while (count > 0) {
                int run = Math.min(count, ow - xq);
                if (iy < 0 || iy >= ih) {
                    java.util.Arrays.fill(dst, d, d + run, 0f);
                } else {
                    int row = base + iy * iw;
                    int ix = xq * sw + ix0;
                    if (sw == 1) {
                        // the valid part [lo, hi) of the run is one contiguous copy
                        int lo = Math.min(run, Math.max(0, -ix)), hi = Math.max(lo, Math.min(run, iw - ix));
                        for (int t = 0; t < lo; t++) dst[d + t] = 0f;
                        if (hi > lo) System.arraycopy(x, row + ix + lo, dst, d + lo, hi - lo);
                        for (int t = hi; t < run; t++) dst[d + t] = 0f;
                    } else {
                        // valid t: 0 ≤ ix + t·sw < iw
                        int lo = Math.min(run, ix >= 0 ? 0 : (-ix + sw - 1) / sw);
                        int hi = Math.max(lo, Math.min(run, ix >= iw ? 0 : (iw - ix + sw - 1) / sw));
                        for (int t = 0; t < lo; t++) dst[d + t] = 0f;
                        for (int t = lo, src = row + ix + lo * sw; t < hi; t++, src += sw) dst[d + t] = x[src];
                        for (int t = hi; t < run; t++) dst[d + t] = 0f;
                    }
                }
                d += run;
                count -= run;
                xq = 0;
                iy += sh;
            }
        }
    }
}
