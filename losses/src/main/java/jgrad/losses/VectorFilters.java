package jgrad.losses;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API bodies of {@link Filters}: one output vector per step, taps as broadcast FMAs. */
final class VectorFilters {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorFilters() {}

    private static FloatVector[] taps(float[] g) {
        FloatVector[] v = new FloatVector[g.length];
        for (int i = 0; i < g.length; i++) v[i] = FloatVector.broadcast(S, g[i]);
        return v;
    }

    static void rows(float[] in, int rows, int inW, float[] g, float[] out, int outW) {
        int w = g.length;
        FloatVector[] gv = taps(g);
        int bound = S.loopBound(outW);
        for (int r = 0; r < rows; r++) {
            int ib = r * inW, ob = r * outW;
            for (int j = 0; j < bound; j += L) {
                FloatVector s = FloatVector.fromArray(S, in, ib + j).mul(g[0]);
                for (int b = 1; b < w; b++) s = FloatVector.fromArray(S, in, ib + j + b).fma(gv[b], s);
                s.intoArray(out, ob + j);
            }
        }
        if (bound < outW) Filters.rowsScalar(in, 0, rows, inW, g, out, outW, bound);
    }

    static void columns(float[] in, int outRows, int width, float[] g, float[] out) {
        int w = g.length;
        FloatVector[] gv = taps(g);
        int bound = S.loopBound(width);
        for (int i = 0; i < outRows; i++) {
            for (int j = 0; j < bound; j += L) {
                FloatVector s = FloatVector.fromArray(S, in, i * width + j).mul(g[0]);
                for (int a = 1; a < w; a++) s = FloatVector.fromArray(S, in, (i + a) * width + j).fma(gv[a], s);
                s.intoArray(out, i * width + j);
            }
        }
        if (bound < width) Filters.columnsScalar(in, outRows, width, g, out, bound);
    }

    static void sigmoid(float[] x, int off, float[] p, float[] dp, int n) {
        int bound = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, off + i);
            FloatVector e = VectorKernels.expNegAbs(xv);
            FloatVector r = one.div(e.add(1f));
            FloatVector er = e.mul(r);
            r.blend(er, xv.compare(VectorOperators.LT, 0f)).intoArray(p, i);
            er.mul(r).intoArray(dp, i);
        }
        Filters.sigmoidScalar(x, off, p, dp, bound, n);
    }
}
