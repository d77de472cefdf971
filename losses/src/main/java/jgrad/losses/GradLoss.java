package jgrad.losses;

import jgrad.core.cpu.Parallel;
import jgrad.core.cpu.Simd;

/**
 * Image-gradient loss: the Sobel operators Kx = [[−1,0,1],[−2,0,2],[−1,0,1]]/8 and Ky = Kxᵀ,
 * applied as cross-correlation with replicate padding of 1 to each H×W plane;
 * L = (1/(2n)) Σ |Gx(t) − Gx(p)| + |Gy(t) − Gy(p)| with p = σ(x), i.e. the mean over both gradient
 * channels.
 *
 * <p>Derivative: G is linear, so with e = t − p, L = (1/2n) Σ |Gx e| + |Gy e| and
 * ∂L/∂e = (1/2n)(Gxᵀ sign(Gx e) + Gyᵀ sign(Gy e)), sign(0) = 0 (PyTorch's convention for |·|);
 * ∂L/∂x = −∂L/∂e·σ'(x). Gᵀ scatters each output's sign onto the 3×3 inputs it read, and a
 * padded (replicated) position gives its share to the edge pixel it copied.
 *
 * <p>Fast path (vector): each task takes a band of rows of one plane. It alternates a streaming
 * pass over a block of about 128 KiB of pred and target (e = t − σ(x) written into the block's
 * gradient rows, σ' into a ring) with the filter pass over those rows, one row at a time through
 * rolling row buffers in L1: the separable Sobel filters, the signs, the transposed filters, ×σ'
 * written over e (see {@link VectorKernels#sobelBand}). One read of pred and target from memory
 * and one write of the gradient (12 B/element); the second visit of a block stays in L2. The
 * scalar path keeps whole padded planes.
 */
public final class GradLoss implements Loss {
    /**
     * Rows per band when a batch has fewer than {@link #WHOLE_PLANES} planes: about 20 000 / W
     * rows (at least 8), so a few large planes still spread over the cores. Each band recomputes
     * two rows of errors and one of signs on each inner side. With more planes every task is a
     * whole plane (no halo). Either way the split depends on the shape only, so the per-task
     * partial sums, and the value, are the same for every thread count.
     */
    static int stripRows(int h, int w) {
        return Math.max(1, Math.min(h, Math.max(8, 20_000 / w)));
    }

    static final int WHOLE_PLANES = 8;

    private static final double[][] KX = {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}};

    @Override
    public String name() {
        return "grad";
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : Math.min(i, n - 1);
    }

    @Override
    public Reference reference(double[] pred, double[] target, int[] shape) {
        check(pred.length, target.length, shape);
        int planes = shape[0] * shape[1], h = shape[2], w = shape[3], hw = h * w, n = pred.length;
        double[] de = new double[n];
        double s = 0;
        double[][] e = new double[3][3]; // the 3×3 errors around the current pixel
        for (int pl = 0; pl < planes; pl++) {
            int base = pl * hw;
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    for (int a = 0; a < 3; a++) {
                        for (int b = 0; b < 3; b++) {
                            int k = base + clamp(i + a - 1, h) * w + clamp(j + b - 1, w);
                            e[a][b] = target[k] - Sigmoid.of(pred[k]);
                        }
                    }
                    // K[a][0] = −K[a][2], K[a][1] = 0: summed as differences of mirrored taps, so
                    // that an image flat along a direction gives exactly 0 there (sign 0), not the
                    // rounding residue of adding and subtracting the same terms
                    double gx = 0, gy = 0;
                    for (int a = 0; a < 3; a++) {
                        gx += KX[a][2] / 8 * (e[a][2] - e[a][0]);
                        gy += KX[a][2] / 8 * (e[2][a] - e[0][a]);
                    }
                    s += Math.abs(gx) + Math.abs(gy);
                    double sx = Math.signum(gx), sy = Math.signum(gy);
                    for (int a = 0; a < 3; a++) {
                        for (int b = 0; b < 3; b++) {
                            int k = base + clamp(i + a - 1, h) * w + clamp(j + b - 1, w);
                            de[k] += (KX[a][b] * sx + KX[b][a] * sy) / 8;
                        }
                    }
                }
            }
        }
        double[] g = new double[n];
        for (int k = 0; k < n; k++) g[k] = -de[k] / (2.0 * n) * Sigmoid.derivative(pred[k]);
        return new Reference(s / (2.0 * n), g);
    }

    @Override
    public double forwardBackward(float[] pred, float[] target, int[] shape, float[] grad, float weight, boolean accumulate) {
        check(pred, target, shape, grad);
        int planes = shape[0] * shape[1], h = shape[2], w = shape[3], hw = h * w, n = pred.length;
        float scale = (float) (-weight / (2.0 * n) / 8);
        // tasks: (plane, band of rows) on the vector path, whole planes on the scalar one
        int strip = Simd.VECTOR && planes < WHOLE_PLANES ? stripRows(h, w) : h, strips = (h + strip - 1) / strip;
        int tasks = planes * strips;
        double[] partial = new double[tasks];
        Parallel.range(tasks, 1, (from, to) -> {
            if (Simd.VECTOR) {
                VectorKernels.SobelRows rows = new VectorKernels.SobelRows(w, h);
                for (int k = from; k < to; k++) {
                    int pl = k / strips, i0 = (k % strips) * strip;
                    partial[k] = VectorKernels.sobelBand(pred, target, pl * hw, h, w, i0, Math.min(h, i0 + strip), grad, scale, accumulate, rows);
                }
                return;
            }
            int slack = 64;
            float[] p = new float[hw + slack], dp = new float[hw + slack];
            float[] e = new float[(h + 4) * (w + 2) + slack];
            // sign planes with zero borders, so the adjoint needs no bounds checks
            float[] sx = new float[(h + 6) * (w + 4) + slack], sy = new float[(h + 6) * (w + 4) + slack];
            float[] ge = new float[(h + 2) * (w + 2) + slack];
            for (int k = from; k < to; k++) {
                partial[k] = planeScalar(pred, target, k * hw, h, w, grad, scale, accumulate, p, dp, e, sx, sy, ge);
            }
        });
        double total = 0;
        for (double v : partial) total += v;
        return total / 8 / (2.0 * n);
    }

    /** One plane, scalar: returns Σ |8·Gx| + |8·Gy| and writes scale·(8·Gᵀ sign)·σ' into grad. */
    private static double planeScalar(float[] pred, float[] target, int base, int h, int w, float[] grad, float scale,
                                      boolean accumulate, float[] p, float[] dp, float[] e, float[] sx, float[] sy, float[] ge) {
        int hp = h + 2, wp = w + 2, sw = w + 4;
        Filters.sigmoid(pred, base, p, dp, h * w);
        for (int r = 0; r < hp; r++) {
            int sr = clamp(r - 1, h) * w;
            for (int c = 0; c < wp; c++) {
                int k = sr + clamp(c - 1, w);
                e[r * wp + c] = target[base + k] - p[k];
            }
        }
        double sum = 0;
        for (int i = 0; i < h; i++) {
            float rowSum = 0;
            int r0 = i * wp, r1 = r0 + wp, r2 = r1 + wp, so = (i + 2) * sw + 2;
            for (int j = 0; j < w; j++) {
                // 8·Gx and 8·Gy: [1,2,1] across, central difference along
                float gx = (e[r0 + j + 2] - e[r0 + j]) + 2 * (e[r1 + j + 2] - e[r1 + j]) + (e[r2 + j + 2] - e[r2 + j]);
                float gy = (e[r2 + j] + 2 * e[r2 + j + 1] + e[r2 + j + 2]) - (e[r0 + j] + 2 * e[r0 + j + 1] + e[r0 + j + 2]);
                rowSum += Math.abs(gx) + Math.abs(gy);
                sx[so + j] = Math.signum(gx);
                sy[so + j] = Math.signum(gy);
            }
            sum += rowSum;
        }
        // adjoint as a gather: padded (r, c) was read by output (r − a, c − b) with weight K[a][b];
        // in the sign planes (offset 2) the rows r − a + 2 for a = 2, 1, 0 are o0, o1, o2
        for (int r = 0; r < hp; r++) {
            for (int c = 0; c < wp; c++) {
                int o0 = r * sw + c, o1 = o0 + sw, o2 = o1 + sw;
                float vx = (sx[o0] - sx[o0 + 2]) + 2 * (sx[o1] - sx[o1 + 2]) + (sx[o2] - sx[o2 + 2]);
                float vy = (sy[o0] + 2 * sy[o0 + 1] + sy[o0 + 2]) - (sy[o2] + 2 * sy[o2 + 1] + sy[o2 + 2]);
                ge[r * wp + c] = vx + vy;
            }
        }
        // fold the replicated border rows, then columns, onto the edge pixels
        for (int c = 0; c < wp; c++) ge[wp + c] += ge[c];
        for (int c = 0; c < wp; c++) ge[(hp - 2) * wp + c] += ge[(hp - 1) * wp + c];
        for (int r = 1; r < hp - 1; r++) {
            ge[r * wp + 1] += ge[r * wp];
            ge[r * wp + w] += ge[r * wp + w + 1];
        }
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                float v = scale * ge[(i + 1) * wp + j + 1] * dp[i * w + j];
                int k = base + i * w + j;
                grad[k] = accumulate ? grad[k] + v : v;
            }
        }
        return sum;
    }
}
