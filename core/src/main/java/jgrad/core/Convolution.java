package jgrad.core;

import jgrad.core.cpu.Gemm;
import jgrad.core.cpu.Parallel;
import jgrad.core.cpu.Simd;

import java.util.Arrays;

/**
 * 2-D convolution (cross-correlation, as PyTorch) as matrix products on the packed {@link Gemm},
 * with im2col done inside the GEMM's packing step so the column matrix is never stored whole.
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
 * With stride 1 the input gradient is itself a convolution: ∂x = conv(∂y, W′) where
 * W′[c, o, kh, kw] = W[o, c, kH−1−kh, kW−1−kw], dilation d and padding d·(k−1) − p (which may be
 * negative: the bounds test in the packing handles it). That path reuses the forward kernel and
 * writes ∂x directly, with no column buffer and no scatter.
 *
 * <h2>Data flow</h2>
 * The im2col sources ({@link Columns}) pack panels straight from the (contiguous) image, one
 * kernel tap and one run of output pixels at a time. Work is split across threads by
 * (sample, group) pairs, each running a one-thread GEMM; with fewer pairs than threads the GEMMs
 * themselves are split. The weight gradient accumulates per thread and is summed at the end.
 * Floats are accumulated in registers over blocks of at most 256 products, then added to the
 * output in float.
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
        Tensor xc = x.detach().contiguous(), wc = weight.detach().contiguous();
        Tensor bc = bias == null ? null : bias.detach().contiguous();
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
        eachTask(g.n * g.groups, (t, parallelGemm) -> {
            int n = t / g.groups, gr = t % g.groups;
            int yo = (n * g.o + gr * og) * p;
            if (b != null) {
                for (int i = 0; i < og; i++) Arrays.fill(y, yo + i * p, yo + (i + 1) * p, b[bo + gr * og + i]);
            }
            Gemm.Source a = new Gemm.Strided(w, wo + gr * og * kg, kg, 1);
            Gemm.Source cols = new Columns(x, xo + (n * g.c + gr * cg) * hw, g.h, g.w, g.kh, g.kw,
                    g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow, true);
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
            eachTask(g.n * g.groups, (t, parallelGemm) -> {
                int n = t / g.groups, gr = t % g.groups;
                Gemm.Source a = new Gemm.Strided(wt, gr * cg * kt, kt, 1);
                Gemm.Source cols = new Columns(dy, dyo + (n * g.o + gr * og) * p, g.oh, g.ow, g.kh, g.kw,
                        1, 1, pth, ptw, g.dh, g.dw, g.h, g.w, true);
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
                int iw = -g.pw + kw * g.dw;
                for (int ow = 0; ow < g.ow; ow++, iw += g.sw) {
                    if (iw >= 0 && iw < g.w) dx[row + iw] += col[src + ow];
                }
            }
        }
    }

    private static Tensor weightGrad(Geometry g, Tensor gy, Tensor x) {
        int cg = g.cg(), og = g.og(), kg = g.kg(), p = g.pixels(), hw = g.h * g.w;
        float[] total = new float[g.o * kg];
        float[] dy = gy.data, xd = x.data;
        int dyo = gy.offset, xo = x.offset;
        eachTaskChunk(g.n * g.groups, (from, to, parallelGemm) -> {
            float[] acc = parallelGemm ? total : new float[total.length];
            for (int t = from; t < to; t++) {
                int n = t / g.groups, gr = t % g.groups;
                Gemm.Source a = new Gemm.Strided(dy, dyo + (n * g.o + gr * og) * p, p, 1);
                Gemm.Source cols = new Columns(xd, xo + (n * g.c + gr * cg) * hw, g.h, g.w, g.kh, g.kw,
                        g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow, false);
                Gemm.gemm(og, kg, p, a, cols, 1f, acc, gr * og * kg, kg, parallelGemm);
            }
            if (acc != total) {
                synchronized (total) {
                    for (int i = 0; i < acc.length; i++) total[i] += acc[i];
                }
            }
        });
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

    // ---- scheduling ----------------------------------------------------------------------------

    private interface Task {
        void run(int task, boolean parallelGemm);
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
     * The column matrix of one image group (Cg channels of ih×iw), packed for the GEMM. With
     * {@code pixelRows} the matrix is P × Kg (rows are output pixels: the forward's Bᵀ), otherwise
     * Kg × P (rows are kernel taps: the weight gradient's Bᵀ).
     */
    record Columns(float[] x, int off, int ih, int iw, int kh, int kw, int sh, int sw, int ph, int pw,
                   int dh, int dw, int oh, int ow, boolean pixelRows) implements Gemm.Source {
        @Override
        public void pack(float[] dst, int dOff, int r0, int rows, int width, int k0, int kc) {
            if (pixelRows) {
                for (int k = 0; k < kc; k++) {
                    int d = dOff + k * width;
                    fill(k0 + k, r0, rows, dst, d, 1);
                    for (int r = rows; r < width; r++) dst[d + r] = 0f;
                }
            } else {
                for (int r = 0; r < rows; r++) fill(r0 + r, k0, kc, dst, dOff + r, width);
                for (int r = rows; r < width; r++) {
                    for (int k = 0; k < kc; k++) dst[dOff + k * width + r] = 0f;
                }
            }
        }

        /** Writes col[tap, q0 .. q0+count) to dst[d], dst[d+ds], ... */
        private void fill(int tap, int q0, int count, float[] dst, int d, int ds) {
            int taps = kh * kw;
            int c = tap / taps, ky = (tap % taps) / kw, kx = tap % kw;
            int base = off + c * ih * iw;
            int q = q0, end = q0 + count;
            int y = q / ow, xq = q % ow;
            while (q < end) {
                int run = Math.min(end - q, ow - xq);
                int iy = y * sh - ph + ky * dh;
                if (iy < 0 || iy >= ih) {
                    for (int t = 0; t < run; t++, d += ds) dst[d] = 0f;
                } else {
                    int row = base + iy * iw;
                    int ix = xq * sw - pw + kx * dw;
                    if (sw == 1 && ds == 1) {
                        // valid part [lo, hi) of the run is one contiguous copy
                        int lo = Math.min(run, Math.max(0, -ix)), hi = Math.max(lo, Math.min(run, iw - ix));
                        for (int t = 0; t < lo; t++) dst[d + t] = 0f;
                        if (hi > lo) System.arraycopy(x, row + ix + lo, dst, d + lo, hi - lo);
                        for (int t = hi; t < run; t++) dst[d + t] = 0f;
                        d += run;
                    } else {
                        for (int t = 0; t < run; t++, d += ds, ix += sw) dst[d] = ix >= 0 && ix < iw ? x[row + ix] : 0f;
                    }
                }
                q += run;
                xq = 0;
                y++;
            }
        }
    }
}
