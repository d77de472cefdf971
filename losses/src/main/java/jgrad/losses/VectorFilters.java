package jgrad.losses;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

    /** As {@link Filters#rows}; whole vectors run past each row's end (see {@link Filters#SLACK}). */
    static void rows(float[] in, int rows, int inW, float[] g, float[] out, int outW) {
        int w = g.length;
        FloatVector[] gv = taps(g);
        for (int r = 0; r < rows; r++) {
            int ib = r * inW, ob = r * outW;
            for (int j = 0; j < outW; j += L) {
                FloatVector s = FloatVector.fromArray(S, in, ib + j).mul(gv[0]);
                for (int b = 1; b < w; b++) s = FloatVector.fromArray(S, in, ib + j + b).fma(gv[b], s);
                s.intoArray(out, ob + j);
            }
        }
    }

    /** As {@link Filters#columns}; whole vectors run past each row's end (see {@link Filters#SLACK}). */
    static void columns(float[] in, int outRows, int width, float[] g, float[] out) {
        int w = g.length;
        FloatVector[] gv = taps(g);
        for (int i = 0; i < outRows; i++) {
            for (int j = 0; j < width; j += L) {
                FloatVector s = FloatVector.fromArray(S, in, i * width + j).mul(gv[0]);
                for (int a = 1; a < w; a++) s = FloatVector.fromArray(S, in, (i + a) * width + j).fma(gv[a], s);
                s.intoArray(out, i * width + j);
            }
        }
    }

    static double ssimMap(float[] mx, float[] my, float[] mxx, float[] myy, float[] mxy, int ho, int wo,
                          float kx, float ky, float c1, float c2, boolean clampHalf, float invM,
                          float[] da, float[] db, float[] dc, int bw, int border) {
        double sum = 0;
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        for (int i = 0; i < ho; i++) {
            FloatVector acc = zero;
            int ob = (i + border) * bw + border, ib = i * wo;
            for (int j = 0; j < wo; j += L) {
                VectorMask<Float> m = S.indexInRange(j, wo);
                FloatVector sx = FloatVector.fromArray(S, mx, ib + j, m), sy = FloatVector.fromArray(S, my, ib + j, m);
                FloatVector ux = sx.add(kx), uy = sy.add(ky);
                FloatVector a1 = ux.mul(uy).mul(2f).add(c1);
                FloatVector a2 = FloatVector.fromArray(S, mxy, ib + j, m).sub(sx.mul(sy)).mul(2f).add(c2);
                FloatVector b1 = ux.fma(ux, uy.mul(uy)).add(c1);
                FloatVector b2 = FloatVector.fromArray(S, mxx, ib + j, m).sub(sx.mul(sx))
                        .add(FloatVector.fromArray(S, myy, ib + j, m).sub(sy.mul(sy))).add(c2);
                FloatVector inv = one.div(b1.mul(b2));
                FloatVector sv = a1.mul(a2).mul(inv), invB1 = b2.mul(inv), invB2 = b1.mul(inv);
                FloatVector u;
                if (clampHalf) {
                    FloatVector l = one.sub(sv);
                    acc = acc.add(l.max(0f).min(1f).mul(0.5f), m);
                    VectorMask<Float> inside = l.compare(VectorOperators.GE, 0f).and(l.compare(VectorOperators.LE, 1f));
                    u = zero.blend(-0.5f * invM, inside);
                } else {
                    acc = acc.add(one.sub(sv), m);
                    u = FloatVector.broadcast(S, -invM);
                }
                FloatVector dmu = uy.mul(a2).mul(inv).sub(ux.mul(sv).mul(invB1)).add(sx.mul(sv).mul(invB2)).sub(sy.mul(a1).mul(inv)).mul(2f);
                dmu.mul(u).intoArray(da, ob + j, m);
                sv.mul(invB2).neg().mul(u).intoArray(db, ob + j, m);
                a1.mul(inv).mul(2f).mul(u).intoArray(dc, ob + j, m);
            }
            sum += VectorKernels.sumLanes(acc);
        }
        return sum;
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
