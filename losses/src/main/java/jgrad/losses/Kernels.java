package jgrad.losses;

import jgrad.core.cpu.Simd;

/**
 * The elementwise loops of the fused losses over one block [from, to), in float with sums in
 * double. Each method is a plain scalar loop here and goes to {@link VectorKernels} when the
 * Vector API is in use ({@link Simd#VECTOR}). p = σ(x) and σ'(x) = e/(1+e)², e = exp(−|x|), are
 * recomputed from the logits wherever needed rather than stored.
 *
 * <p>Gradient writes: {@code g[i] = v} or, with {@code acc}, {@code g[i] += v}.
 */
final class Kernels {
    private Kernels() {}

    /** Σ max(x,0) − x·t + log(1 + e^−|x|); g = scale·(σ(x) − t). */
    static double bce(float[] x, float[] t, float[] g, int from, int to, float scale, boolean acc) {
        return Simd.VECTOR ? VectorKernels.bce(x, t, g, from, to, scale, acc) : bceScalar(x, t, g, from, to, scale, acc);
    }

    static double bceScalar(float[] x, float[] t, float[] g, int from, int to, float scale, boolean acc) {
        double s = 0;
        for (int i = from; i < to; i++) {
            float xi = x[i], ti = t[i];
            float e = (float) Math.exp(-Math.abs(xi));
            float r = 1f / (1f + e);
            float p = xi >= 0 ? r : e * r;
            s += Math.max(xi, 0f) - xi * ti + (float) Math.log1p(e);
            float v = scale * (p - ti);
            g[i] = acc ? g[i] + v : v;
        }
        return s;
    }

    /** Σ max(x,0) − x·t + log(1 + e^−|x|) alone: float terms summed in double, as {@link #bceScalar}. */
    static double bceValueScalar(float[] x, float[] t, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            float xi = x[i], e = (float) Math.exp(-Math.abs(xi));
            s += Math.max(xi, 0f) - xi * t[i] + (float) Math.log1p(e);
        }
        return s;
    }

    /** out[o..o+3) += (Σp, Σt, Σp·t). */
    static void overlapStats(float[] x, float[] t, int from, int to, double[] out, int o) {
        if (Simd.VECTOR) VectorKernels.overlapStats(x, t, from, to, out, o);
        else overlapStatsScalar(x, t, from, to, out, o);
    }

    static void overlapStatsScalar(float[] x, float[] t, int from, int to, double[] out, int o) {
        double sp = 0, st = 0, spt = 0;
        for (int i = from; i < to; i++) {
            float p = Sigmoid.of(x[i]);
            sp += p;
            st += t[i];
            spt += p * t[i];
        }
        out[o] += sp;
        out[o + 1] += st;
        out[o + 2] += spt;
    }

    /** g = (a·t + b)·σ'(x): the gradient of any function of (Σp, Σt, Σpt). */
    static void overlapGrad(float[] x, float[] t, float[] g, int from, int to, float a, float b, boolean acc) {
        if (Simd.VECTOR) VectorKernels.overlapGrad(x, t, g, from, to, a, b, acc);
        else overlapGradScalar(x, t, g, from, to, a, b, acc);
    }

    static void overlapGradScalar(float[] x, float[] t, float[] g, int from, int to, float a, float b, boolean acc) {
        for (int i = from; i < to; i++) {
            float v = (a * t[i] + b) * Sigmoid.derivative(x[i]);
            g[i] = acc ? g[i] + v : v;
        }
    }

    /** Σ (σ(x) − t)². */
    static double squaredError(float[] x, float[] t, int from, int to) {
        return Simd.VECTOR ? VectorKernels.squaredError(x, t, from, to) : squaredErrorScalar(x, t, from, to);
    }

    static double squaredErrorScalar(float[] x, float[] t, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            float d = Sigmoid.of(x[i]) - t[i];
            s += d * d;
        }
        return s;
    }

    /** g = k·(σ(x) − t)·σ'(x). */
    static void scaledErrorGrad(float[] x, float[] t, float[] g, int from, int to, float k, boolean acc) {
        if (Simd.VECTOR) VectorKernels.scaledErrorGrad(x, t, g, from, to, k, acc);
        else scaledErrorGradScalar(x, t, g, from, to, k, acc);
    }

    static void scaledErrorGradScalar(float[] x, float[] t, float[] g, int from, int to, float k, boolean acc) {
        for (int i = from; i < to; i++) {
            float v = k * (Sigmoid.of(x[i]) - t[i]) * Sigmoid.derivative(x[i]);
            g[i] = acc ? g[i] + v : v;
        }
    }

    /** max |σ(x) − t|. */
    static float maxAbsError(float[] x, float[] t, int from, int to) {
        return Simd.VECTOR ? VectorKernels.maxAbsError(x, t, from, to) : maxAbsErrorScalar(x, t, from, to);
    }

    static float maxAbsErrorScalar(float[] x, float[] t, int from, int to) {
        float m = 0;
        for (int i = from; i < to; i++) m = Math.max(m, Math.abs(Sigmoid.of(x[i]) - t[i]));
        return m;
    }

    /**
     * Σ berhu_c(|σ(x) − t|) with g = scale·∂/∂x: for d ≤ c the term is d with slope sign(p − t)
     * (0 at d = 0); above c it is (d² + c²)/(2c) = (d·(d/c) + c)/2 with slope (p − t)/c. Dividing
     * d by c (rather than squaring d) keeps subnormal c from turning 0/0 into NaN.
     */
    static double berhu(float[] x, float[] t, float[] g, int from, int to, float c, float scale, boolean acc) {
        return Simd.VECTOR ? VectorKernels.berhu(x, t, g, from, to, c, scale, acc) : berhuScalar(x, t, g, from, to, c, scale, acc);
    }

    static double berhuScalar(float[] x, float[] t, float[] g, int from, int to, float c, float scale, boolean acc) {
        double s = 0;
        for (int i = from; i < to; i++) {
            float diff = Sigmoid.of(x[i]) - t[i];
            float d = Math.abs(diff);
            float slope;
            if (d <= c) {
                s += d;
                slope = Math.signum(diff);
            } else {
                float q = d / c;
                s += 0.5f * (d * q + c);
                slope = diff / c;
            }
            float v = scale * slope * Sigmoid.derivative(x[i]);
            g[i] = acc ? g[i] + v : v;
        }
        return s;
    }
    /** out[o..o+4) += (Σp, Σt, Σp·t, Σ bce terms): {@link #overlapStats} and {@link #bce}'s value in one pass. */
    static void overlapBceStats(float[] x, float[] t, int from, int to, double[] out, int o) {
        if (Simd.VECTOR) VectorKernels.overlapBceStats(x, t, from, to, out, o);
        else overlapBceStatsScalar(x, t, from, to, out, o);
    }

    static void overlapBceStatsScalar(float[] x, float[] t, int from, int to, double[] out, int o) {
        double sp = 0, st = 0, spt = 0, sb = 0;
        for (int i = from; i < to; i++) {
            float xi = x[i], ti = t[i];
            float e = (float) Math.exp(-Math.abs(xi));
            float r = 1f / (1f + e);
            float p = xi >= 0 ? r : e * r;
            sp += p;
            st += ti;
            spt += p * ti;
            sb += Math.max(xi, 0f) - xi * ti + (float) Math.log1p(e);
        }
        out[o] += sp;
        out[o + 1] += st;
        out[o + 2] += spt;
        out[o + 3] += sb;
    }

    /** g = (a·t + b)·σ'(x) + cb·(σ(x) − t): an overlap loss's and a weighted bce's gradients together. */
    static void overlapBceGrad(float[] x, float[] t, float[] g, int from, int to, float a, float b, float cb, boolean acc) {
        if (Simd.VECTOR) VectorKernels.overlapBceGrad(x, t, g, from, to, a, b, cb, acc);
        else overlapBceGradScalar(x, t, g, from, to, a, b, cb, acc);
    }

    static void overlapBceGradScalar(float[] x, float[] t, float[] g, int from, int to, float a, float b, float cb, boolean acc) {
        for (int i = from; i < to; i++) {
            float v = (a * t[i] + b) * Sigmoid.derivative(x[i]) + cb * (Sigmoid.of(x[i]) - t[i]);
            g[i] = acc ? g[i] + v : v;
        }
    }
}
