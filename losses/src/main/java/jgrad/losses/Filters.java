package jgrad.losses;

import jgrad.core.cpu.Simd;

/**
 * Separable "valid" filtering of row-major planes, the building block of SSIM's forward and
 * adjoint passes, and the per-pixel sigmoid they start from. Scalar loops here; the Vector API
 * versions in {@link VectorFilters} vectorise along rows.
 */
final class Filters {
    private Filters() {}

    /** out[r][j] = Σ_b g[b]·in[r][j + b] for r < rows, j < outW (in rows have inW ≥ outW + |g| − 1). */
    static void rows(float[] in, int rows, int inW, float[] g, float[] out, int outW) {
        if (Simd.VECTOR) {
            VectorFilters.rows(in, rows, inW, g, out, outW);
            return;
        }
        rowsScalar(in, 0, rows, inW, g, out, outW, 0);
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
        if (Simd.VECTOR) {
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
}
