package jgrad.core.cpu;

import jgrad.core.BinaryOp;
import jgrad.core.UnaryOp;

/**
 * The one seam between jgrad and the incubating Vector API. Every method has a plain scalar loop
 * here; when the {@code jdk.incubator.vector} module is present (and the system property
 * {@code jgrad.simd} is not {@code false}) the call goes to {@link VectorSimd} instead. Nothing
 * else in jgrad's library modules may import {@code jdk.incubator.vector} except the other
 * Vector API kernels ({@code VectorGemm}, {@code VectorDropout}, and losses' {@code VectorKernels}
 * and {@code VectorFilters}), which run only when {@link #VECTOR} is true.
 *
 * <p>Offsets and lengths are in floats; callers check bounds before calling.
 */
public final class Simd {
    /** True when the Vector API paths are in use. */
    public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("jgrad.simd"));

    private Simd() {}

    /** y[i] = op(x[i]). */
    public static void unary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n) {
        if (VECTOR) {
            VectorSimd.unary(op, x, xo, y, yo, n);
            return;
        }
        for (int i = 0; i < n; i++) y[yo + i] = (float) op.apply(x[xo + i]);
    }

    /** out[i] = g[i]·op'(x[i], y[i]): the fused backward of a unary op. */
    public static void unaryBackward(UnaryOp op, float[] x, int xo, float[] y, int yo, float[] g, int go,
                                     float[] out, int oo, int n) {
        if (VECTOR) {
            VectorSimd.unaryBackward(op, x, xo, y, yo, g, go, out, oo, n);
            return;
        }
        for (int i = 0; i < n; i++) out[oo + i] = (float) (g[go + i] * op.derivative(x[xo + i], y[yo + i]));
    }

    /**
     * out[i] = op(a[ao + i·as], b[bo + i·bs]). Strides of 0 broadcast a single value; the vector
     * path covers strides 0 and 1.
     */
    public static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs,
                              float[] out, int oo, int n) {
        if (VECTOR && (as == 0 || as == 1) && (bs == 0 || bs == 1)) {
            VectorSimd.binary(op, a, ao, as, b, bo, bs, out, oo, n);
            return;
        }
        for (int i = 0; i < n; i++) out[oo + i] = (float) op.apply(a[ao + i * as], b[bo + i * bs]);
    }

    /** Σ x[o..o+n), accumulated in double (blocks of float lanes on the vector path). */
    public static double sum(float[] x, int o, int n) {
        if (VECTOR) return VectorSimd.sum(x, o, n);
        double s = 0;
        for (int i = 0; i < n; i++) s += x[o + i];
        return s;
    }

    /** max of x[o..o+n); NaN if any element is NaN. n must be positive. */
    public static float max(float[] x, int o, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[o + i];
            if (v > m || Float.isNaN(v)) m = v;
            if (Float.isNaN(m)) return m;
        }
        return m;
    }

    /** min of x[o..o+n); NaN if any element is NaN. n must be positive. */
    public static float min(float[] x, int o, int n) {
        float m = Float.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[o + i];
            if (v < m || Float.isNaN(v)) m = v;
            if (Float.isNaN(m)) return m;
        }
        return m;
    }

    /** y[i] += x[i]. */
    public static void addInPlace(float[] x, int xo, float[] y, int yo, int n) {
        binary(BinaryOp.ADD, y, yo, 1, x, xo, 1, y, yo, n);
    }
}
