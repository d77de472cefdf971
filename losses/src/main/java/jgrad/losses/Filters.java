package jgrad.losses;

import jgrad.core.cpu.Simd;

/**
 * Separable "valid" filtering of row-major planes, the building block of SSIM's forward and
 * adjoint passes, and the per-pixel sigmoid they start from. Scalar loops here; the Vector API
 * versions in {@link VectorFilters} vectorise along rows.
 */
final class Filters {
    /** Spare floats every plane passed to rows/columns needs after its end. */
    static final int SLACK = 64;

    private Filters() {}

    /** out[r][j] = Σ_b g[b]·in[r][j + b] for r < rows, j < outW (in rows have inW ≥ outW + |g| − 1). */
    static void rows(float[] in, int rows, int inW, float[] g, float[] out, int outW) {
        if (Simd.VECTOR && symmetric(g)) {
            VectorFilters.rows(in, rows, inW, g, out, outW);
            return;
        }
        rowsScalar(in, 0, rows, inW, g, out, outW, 0);
    }

    /** Odd length and g[b] = g[w−1−b]: what the vector versions assume. */
    static boolean symmetric(float[] g) {
        if (g.length % 2 == 0) return false;
        for (int b = 0; b < g.length / 2; b++) if (g[b] != g[g.length - 1 - b]) return false;
        return true;
    }

    static void rowsScalar(float[] in, int r0, int r1, int inW, float[] g, float[] out, int outW, int j0) {
        int w = g.length;
        for (int r = r0; r < r1; r++) {
            int ib = r * inW, ob = r * outW;
            for (int j = j0; j < outW; j++) {
                float s = 0;
                for (int b = 0; b < w; b++) s += g[b] * in[ib + j + b];
                out[ob + j] = s;
            }
        }
    }

    /** out[i][j] = Σ_a g[a]·in[i + a][j] for i < outRows, j < width. */
    static void columns(float[] in, int outRows, int width, float[] g, float[] out) {
        if (Simd.VECTOR && symmetric(g)) {
            VectorFilters.columns(in, outRows, width, g, out);
            return;
        }
        columnsScalar(in, outRows, width, g, out, 0);
    }

    static void columnsScalar(float[] in, int outRows, int width, float[] g, float[] out, int j0) {
        int w = g.length;
        for (int i = 0; i < outRows; i++) {
            for (int j = j0; j < width; j++) {
                float s = 0;
                for (int a = 0; a < w; a++) s += g[a] * in[(i + a) * width + j];
                out[i * width + j] = s;
            }
        }
    }

    /** p = σ(x[off..off+n)), dp = σ'(x) = e/(1+e)² with e = exp(−|x|). */
    static void sigmoid(float[] x, int off, float[] p, float[] dp, int n) {
        if (Simd.VECTOR) {
            VectorFilters.sigmoid(x, off, p, dp, n);
            return;
        }
        sigmoidScalar(x, off, p, dp, 0, n);
    }

    static void sigmoidScalar(float[] x, int off, float[] p, float[] dp, int from, int n) {
        for (int i = from; i < n; i++) {
            p[i] = Sigmoid.of(x[off + i]);
            dp[i] = Sigmoid.derivative(x[off + i]);
        }
    }
    /**
     * The SSIM map of one window from shifted moments (means mx, my of x − kx, y − ky; second
     * moments mxx, myy, mxy of the shifted images), Ho×Wo row-major. Returns the sum of per-pixel
     * losses (1 − S, or clamp(1 − S, 0, 1)/2 with clampHalf) and writes u·∂S/∂m'x, u·∂S/∂m'xx,
     * u·∂S/∂m'xy (u = ∂L/∂S, including invM = 1/M) into da, db, dc at row stride bw, offset by
     * {@code border} rows and columns. See {@link Ssim} for the formulas.
     */
    static double ssimMap(float[] mx, float[] my, float[] mxx, float[] myy, float[] mxy, int ho, int wo,
                          float kx, float ky, float c1, float c2, boolean clampHalf, float invM,
                          float[] da, float[] db, float[] dc, int bw, int border) {
        if (Simd.VECTOR) return VectorFilters.ssimMap(mx, my, mxx, myy, mxy, ho, wo, kx, ky, c1, c2, clampHalf, invM, da, db, dc, bw, border);
        double sum = 0;
        for (int i = 0; i < ho; i++) {
            double rowSum = 0;
            int ob = (i + border) * bw + border;
            for (int j = 0; j < wo; j++) {
                int k = i * wo + j;
                float sx = mx[k], sy = my[k], ux = sx + kx, uy = sy + ky;
                float a1 = 2 * ux * uy + c1, a2 = 2 * (mxy[k] - sx * sy) + c2;
                float b1 = ux * ux + uy * uy + c1, b2 = (mxx[k] - sx * sx) + (myy[k] - sy * sy) + c2;
                float d = b1 * b2, sv = a1 * a2 / d;
                float u;
                if (clampHalf) {
                    float l = 1 - sv;
                    rowSum += Math.min(Math.max(l, 0f), 1f) * 0.5f;
                    u = l >= 0 && l <= 1 ? -0.5f * invM : 0f;
                } else {
                    rowSum += 1 - sv;
                    u = -invM;
                }
                da[ob + j] = u * (2 * uy * a2 / d - 2 * ux * sv / b1 + 2 * sx * sv / b2 - 2 * sy * a1 / d);
                db[ob + j] = u * (-sv / b2);
                dc[ob + j] = u * (2 * a1 / d);
            }
            sum += rowSum;
        }
        return sum;
    }
}
