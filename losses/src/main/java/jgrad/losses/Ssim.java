package jgrad.losses;

import jgrad.core.cpu.Parallel;
import jgrad.core.cpu.Simd;

import java.util.Arrays;

/**
 * Structural-similarity loss between x = σ(pred) and y = target, per image and channel, for one
 * or more Gaussian window sizes (1-D weights g[i] ∝ exp(−(i − w/2)²/(2σ²)), normalised; the 2-D
 * window is g⊗g).
 *
 * <p>With μ = G∗x, m_xx = G∗x², m_xy = G∗(x·y) (and the same for y), σ_xx = m_xx − μx²,
 * σ_xy = m_xy − μxμy, the map is S = A1·A2/(B1·B2), A1 = 2μxμy + C1, A2 = 2σ_xy + C2,
 * B1 = μx² + μy² + C1, B2 = σ_xx + σ_yy + C2. Per window the loss is 1 − mean(S) or, with
 * {@code clampHalf}, mean(clamp(1 − S, 0, 1)/2); the loss sums over the windows.
 * Padding: {@link Padding#VALID} (map of (H−w+1)×(W−w+1)) or {@link Padding#REFLECT} by w/2
 * (mirror without repeating the edge; map H×W).
 *
 * <p>Derivative: with u = ∂L/∂S per map pixel and D = B1·B2,
 * ∂S/∂μx = 2μy·A2/D − 2μx·S/B1 + 2μx·S/B2 − 2μy·A1/D, ∂S/∂m_xx = −S/B2, ∂S/∂m_xy = 2·A1/D.
 * Since μx, m_xx, m_xy are linear filters of x, x², x·y,
 * ∂L/∂x = Gᵀ(u·∂S/∂μx) + 2x·Gᵀ(u·∂S/∂m_xx) + y·Gᵀ(u·∂S/∂m_xy), where Gᵀ (the adjoint of valid
 * filtering, i.e. "full" filtering with the symmetric window) lands on the padded image, and for
 * reflect padding each padded position is folded back onto the pixel it mirrored. Finally ×σ'(pred).
 *
 * <p>Fast path, per image (images in parallel, all scratch per thread and image-sized): σ and σ'
 * once, then for each window: pad x and y, form x², y², xy, five row passes and five column
 * passes, the map with the three per-pixel factors written into a zero-bordered plane, three
 * row + column passes for Gᵀ, fold, and add. Reads pred and target once and writes the gradient
 * once (12 B/element of memory traffic; the rest stays in cache). The fast path filters
 * x − kx and y − ky (image means) instead of x and y: S is unchanged, and with shifted first
 * moments m' the derivative through them reads
 * ∂S/∂m'x = 2μy·A2/D − 2μx·S/B1 + 2m'x·S/B2 − 2m'y·A1/D, with x − kx and y − ky in the
 * Gᵀ terms.
 */
public final class Ssim implements Loss {
    /** How windows treat the border. */
    public enum Padding { VALID, REFLECT }

    private final String name;
    private final int[] windows;
    private final double sigma;
    private final Padding padding;
    private final boolean clampHalf;
    private final double c1, c2;

    public Ssim(String name, int[] windows, double sigma, Padding padding, boolean clampHalf, double c1, double c2) {
        if (windows.length == 0) throw new IllegalArgumentException(name + ": at least one window size is needed");
        for (int w : windows) {
            if (w < 1 || w % 2 == 0) throw new IllegalArgumentException(name + ": window sizes must be odd and positive, got " + Arrays.toString(windows));
        }
        if (!(sigma > 0)) throw new IllegalArgumentException(name + ": σ must be positive, got " + sigma);
        if (padding == null) throw new IllegalArgumentException(name + ": padding must be VALID or REFLECT, got null");
        if (!(Double.isFinite(c1) && Double.isFinite(c2) && c1 >= 0 && c2 >= 0)) {
            throw new IllegalArgumentException(name + ": C1 and C2 must be finite and ≥ 0, got " + c1 + ", " + c2);
        }
        this.name = name;
        this.windows = windows.clone();
        this.sigma = sigma;
        this.padding = padding;
        this.clampHalf = clampHalf;
        this.c1 = c1;
        this.c2 = c2;
    }

    /** Seed A: 1 − mean SSIM, 11×11 window, σ 1.5, valid filtering, C1 = 0.01², C2 = 0.03². */
    public static Ssim seedA() {
        return new Ssim("ssim-a", new int[]{11}, 1.5, Padding.VALID, false, 1e-4, 9e-4);
    }

    /** Seed B: windows 5 and 11, σ 1.5, reflect padding, per pixel clamp(1 − S, 0, 1)/2, means summed. */
    public static Ssim seedB() {
        return new Ssim("ssim-b", new int[]{5, 11}, 1.5, Padding.REFLECT, true, 1e-4, 9e-4);
    }

    /** The normalised 1-D Gaussian of odd size w, centred on w/2. */
    public static double[] gaussian(int w, double sigma) {
        if (w < 1 || w % 2 == 0 || !(sigma > 0)) {
            throw new IllegalArgumentException("gaussian: size must be odd and positive and σ positive, got " + w + ", " + sigma);
        }
        double[] g = new double[w];
        double s = 0;
        for (int i = 0; i < w; i++) {
            double d = i - w / 2;
            g[i] = Math.exp(-d * d / (2 * sigma * sigma));
            s += g[i];
        }
        for (int i = 0; i < w; i++) g[i] /= s;
        return g;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int minSize() {
        int max = Arrays.stream(windows).max().getAsInt();
        // reflect padding by w/2 needs w/2 < size (a mirror never repeats the edge)
        return padding == Padding.VALID ? max : max / 2 + 1;
    }

    private int pad(int w) {
        return padding == Padding.REFLECT ? w / 2 : 0;
    }

    /** Source index of padded position i (−pad ≤ i < n + pad). */
    private int source(int i, int n) {
        if (padding == Padding.VALID) return i;
        if (i < 0) return -i;
        if (i >= n) return 2 * (n - 1) - i;
        return i;
    }

    /** ∂L/∂S for one map pixel, before the 1/M of the mean; also adds the pixel's loss to acc[0]. */
    private double lossAndSlope(double s, double[] acc) {
        if (!clampHalf) {
            acc[0] += 1 - s;
            return -1;
        }
        double l = 1 - s;
        acc[0] += Math.min(Math.max(l, 0), 1) / 2;
        return l >= 0 && l <= 1 ? -0.5 : 0;
    }

    @Override
    public Reference reference(double[] pred, double[] target, int[] shape) {
        check(pred.length, target.length, shape);
        int images = shape[0] * shape[1], h = shape[2], w = shape[3], hw = h * w;
        double[] grad = new double[pred.length];
        double value = 0;
        for (int win : windows) {
            double[] g = gaussian(win, sigma);
            int pad = pad(win), ho = h + 2 * pad - win + 1, wo = w + 2 * pad - win + 1;
            double m = (double) images * ho * wo;
            double[] acc = new double[1];
            for (int img = 0; img < images; img++) {
                int base = img * hw;
                // moments of x − kx and y − ky with kx, ky the image's first pixel: S is unchanged,
                // and where an image is constant its σ terms are exactly 0 rather than a rounding
                // residue of E[x²] − E[x]² (which, at C2 = 0, would put S = 0 on either side of the
                // clamp at 1 − S = 1 by chance)
                double kx = Sigmoid.of(pred[base]), ky = target[base];
                for (int oi = 0; oi < ho; oi++) {
                    for (int oj = 0; oj < wo; oj++) {
                        double mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
                        for (int a = 0; a < win; a++) {
                            for (int b = 0; b < win; b++) {
                                int k = base + source(oi + a - pad, h) * w + source(oj + b - pad, w);
                                double wt = g[a] * g[b], x = Sigmoid.of(pred[k]) - kx, y = target[k] - ky;
                                mx += wt * x;
                                my += wt * y;
                                mxx += wt * x * x;
                                myy += wt * y * y;
                                mxy += wt * x * y;
                            }
                        }
                        double ux = mx + kx, uy = my + ky;
                        double a1 = 2 * ux * uy + c1, a2 = 2 * (mxy - mx * my) + c2;
                        double b1 = ux * ux + uy * uy + c1, b2 = (mxx - mx * mx) + (myy - my * my) + c2;
                        double d = b1 * b2, s = a1 * a2 / d;
                        double u = lossAndSlope(s, acc) / m;
                        double dmu = 2 * uy * a2 / d - 2 * ux * s / b1 + 2 * mx * s / b2 - 2 * my * a1 / d;
                        double dxx = -s / b2, dxy = 2 * a1 / d;
                        for (int a = 0; a < win; a++) {
                            for (int b = 0; b < win; b++) {
                                int k = base + source(oi + a - pad, h) * w + source(oj + b - pad, w);
                                double x = Sigmoid.of(pred[k]) - kx, y = target[k] - ky;
                                grad[k] += g[a] * g[b] * u * (dmu + 2 * x * dxx + y * dxy);
                            }
                        }
                    }
                }
            }
            value += acc[0] / m;
        }
        for (int k = 0; k < grad.length; k++) grad[k] *= Sigmoid.derivative(pred[k]);
        return new Reference(value, grad);
    }

    /** Per-thread planes, sized for the largest window. */
    private final class Scratch {
        final float[] x, dx, gimg, xp, yp, xx, yy, xy, r0, r1, r2, r3, r4, mx, my, mxx, myy, mxy, da, db, dc, ra, rb, rc, ga, gb, gc;

        Scratch(int h, int w) {
            int max = Arrays.stream(windows).max().getAsInt();
            int p = padding == Padding.REFLECT ? max / 2 : 0;
            int plane = (h + 2 * p) * (w + 2 * p) + Filters.SLACK;
            int big = (h + 2 * p + max - 1) * (w + 2 * p + max - 1) + Filters.SLACK;
            x = new float[h * w];
            dx = new float[h * w];
            gimg = new float[h * w];
            xp = new float[plane];
            yp = new float[plane];
            xx = new float[plane];
            yy = new float[plane];
            xy = new float[plane];
            r0 = new float[plane];
            r1 = new float[plane];
            r2 = new float[plane];
            r3 = new float[plane];
            r4 = new float[plane];
            mx = new float[plane];
            my = new float[plane];
            mxx = new float[plane];
            myy = new float[plane];
            mxy = new float[plane];
            da = new float[big];
            db = new float[big];
            dc = new float[big];
            ra = new float[big];
            rb = new float[big];
            rc = new float[big];
            ga = new float[plane];
            gb = new float[plane];
            gc = new float[plane];
        }
    }

    @Override
    public double forwardBackward(float[] pred, float[] target, int[] shape, float[] grad, float weight, boolean accumulate) {
        check(pred, target, shape, grad);
        int images = shape[0] * shape[1], h = shape[2], w = shape[3], hw = h * w;
        float[][] gs = new float[windows.length][];
        double[] invM = new double[windows.length];
        for (int k = 0; k < windows.length; k++) {
            double[] g = gaussian(windows[k], sigma);
            gs[k] = new float[g.length];
            for (int i = 0; i < g.length; i++) gs[k][i] = (float) g[i];
            int pad = pad(windows[k]);
            invM[k] = 1.0 / ((double) images * (h + 2 * pad - windows[k] + 1) * (w + 2 * pad - windows[k] + 1));
        }
        double[] perImage = new double[images];
        Parallel.range(images, 1, (from, to) -> {
            Scratch s = new Scratch(h, w);
            for (int img = from; img < to; img++) {
                int base = img * hw;
                Filters.sigmoid(pred, base, s.x, s.dx, hw);
                Arrays.fill(s.gimg, 0f);
                double v = 0;
                for (int k = 0; k < windows.length; k++) {
                    v += window(s, target, base, h, w, gs[k], invM[k]) * invM[k];
                }
                perImage[img] = v;
                for (int i = 0; i < hw; i++) {
                    float gi = weight * s.gimg[i] * s.dx[i];
                    grad[base + i] = accumulate ? grad[base + i] + gi : gi;
                }
            }
        });
        double total = 0;
        for (double v : perImage) total += v;
        return total;
    }

    /** One window on one image: returns the sum of per-pixel losses and adds ∂L/∂x into s.gimg. */
    private double window(Scratch s, float[] target, int base, int h, int w, float[] g, double invM) {
        int win = g.length, pad = pad(win);
        int hp = h + 2 * pad, wp = w + 2 * pad, ho = hp - win + 1, wo = wp - win + 1;
        // Padded x − kx, y − ky and their products. SSIM is invariant to these constant shifts,
        // and with kx, ky the image means the second moments m_xx − μx² no longer cancel
        // catastrophically in float where an image is flat (a constant image gives σ = 0 exactly).
        float kx = (float) (Simd.sum(s.x, 0, h * w) / (h * w)), ky = (float) (Simd.sum(target, base, h * w) / (h * w));
        for (int r = 0; r < hp; r++) {
            int src = source(r - pad, h) * w, row = r * wp;
            for (int c = 0; c < w; c++) {
                s.xp[row + pad + c] = s.x[src + c] - kx;
                s.yp[row + pad + c] = target[base + src + c] - ky;
            }
            for (int c = 0; c < pad; c++) {
                s.xp[row + c] = s.xp[row + 2 * pad - c];
                s.yp[row + c] = s.yp[row + 2 * pad - c];
                s.xp[row + pad + w + c] = s.xp[row + pad + w - 2 - c];
                s.yp[row + pad + w + c] = s.yp[row + pad + w - 2 - c];
            }
        }
        int np = hp * wp;
        for (int k = 0; k < np; k++) {
            float xv = s.xp[k], yv = s.yp[k];
            s.xx[k] = xv * xv;
            s.yy[k] = yv * yv;
            s.xy[k] = xv * yv;
        }
        Filters.rows(s.xp, hp, wp, g, s.r0, wo);
        Filters.rows(s.yp, hp, wp, g, s.r1, wo);
        Filters.rows(s.xx, hp, wp, g, s.r2, wo);
        Filters.rows(s.yy, hp, wp, g, s.r3, wo);
        Filters.rows(s.xy, hp, wp, g, s.r4, wo);
        Filters.columns(s.r0, ho, wo, g, s.mx);
        Filters.columns(s.r1, ho, wo, g, s.my);
        Filters.columns(s.r2, ho, wo, g, s.mxx);
        Filters.columns(s.r3, ho, wo, g, s.myy);
        Filters.columns(s.r4, ho, wo, g, s.mxy);
        // map and per-pixel factors, written inside a border of win−1 zeros (which stays zero)
        int bw = wo + 2 * (win - 1), bh = ho + 2 * (win - 1);
        if (windows.length > 1) {
            // another window size left its factors at a different stride: clear the border
            Arrays.fill(s.da, 0, bh * bw, 0f);
            Arrays.fill(s.db, 0, bh * bw, 0f);
            Arrays.fill(s.dc, 0, bh * bw, 0f);
        }
        double sum = Filters.ssimMap(s.mx, s.my, s.mxx, s.myy, s.mxy, ho, wo, kx, ky, (float) c1, (float) c2,
                clampHalf, (float) invM, s.da, s.db, s.dc, bw, win - 1);
        // adjoint filtering onto the padded plane (hp×wp): valid filtering of the zero-bordered factors
        Filters.rows(s.da, bh, bw, g, s.ra, wp);
        Filters.rows(s.db, bh, bw, g, s.rb, wp);
        Filters.rows(s.dc, bh, bw, g, s.rc, wp);
        Filters.columns(s.ra, hp, wp, g, s.ga);
        Filters.columns(s.rb, hp, wp, g, s.gb);
        Filters.columns(s.rc, hp, wp, g, s.gc);
        for (int k = 0; k < np; k++) s.ga[k] += 2 * s.xp[k] * s.gb[k] + s.yp[k] * s.gc[k];
        // fold padded positions back onto their sources: padded rows map to source rows, and
        // inside a row the W interior columns map straight, the 2·pad border columns mirror
        for (int r = 0; r < hp; r++) {
            int dst = source(r - pad, h) * w, row = r * wp;
            for (int c = 0; c < w; c++) s.gimg[dst + c] += s.ga[row + pad + c];
            for (int c = 0; c < pad; c++) {
                s.gimg[dst + pad - c] += s.ga[row + c];
                s.gimg[dst + w - 2 - c + 0] += s.ga[row + pad + w + c];
            }
        }
        return sum;
    }
}
