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

    /**
     * As {@link Filters#rows}; whole vectors run past each row's end (see {@link Filters#SLACK}).
     * The seeds' window sizes go to copies whose tap count is a constant, so the JIT unrolls the
     * taps and keeps their broadcasts in registers. Windows are symmetric (g[b] = g[w−1−b],
     * checked in {@link Filters}), so taps are paired: w loads, w/2 + 1 multiplies.
     */
    static void rows(float[] in, int rows, int inW, float[] g, float[] out, int outW) {
        FloatVector[] gv = taps(g);
        switch (g.length) {
            case 5 -> rows(in, rows, inW, gv, out, outW, 5);
            case 11 -> rows(in, rows, inW, gv, out, outW, 11);
            default -> rows(in, rows, inW, gv, out, outW, g.length);
        }
    }

    private static void rows(float[] in, int rows, int inW, FloatVector[] gv, float[] out, int outW, int w) {
        int c = w / 2;
        for (int r = 0; r < rows; r++) {
            int ib = r * inW, ob = r * outW;
            for (int j = 0; j < outW; j += L) {
                // symmetric window: pair taps b and w−1−b; two accumulators halve the FMA chain
                FloatVector s0 = FloatVector.fromArray(S, in, ib + j + c).mul(gv[c]), s1 = FloatVector.zero(S);
                for (int b = 0; b < c; b++) {
                    FloatVector pair = FloatVector.fromArray(S, in, ib + j + b).add(FloatVector.fromArray(S, in, ib + j + w - 1 - b));
                    if ((b & 1) == 0) s0 = pair.fma(gv[b], s0);
                    else s1 = pair.fma(gv[b], s1);
                }
                s0.add(s1).intoArray(out, ob + j);
            }
        }
    }

    /** As {@link Filters#columns}; whole vectors run past each row's end (see {@link Filters#SLACK}). */
    static void columns(float[] in, int outRows, int width, float[] g, float[] out) {
        FloatVector[] gv = taps(g);
        switch (g.length) {
            case 5 -> columns(in, outRows, width, gv, out, 5);
            case 11 -> columns(in, outRows, width, gv, out, 11);
            default -> columns(in, outRows, width, gv, out, g.length);
        }
    }

    private static void columns(float[] in, int outRows, int width, FloatVector[] gv, float[] out, int w) {
        int c = w / 2;
        for (int i = 0; i < outRows; i++) {
            for (int j = 0; j < width; j += L) {
                FloatVector s0 = FloatVector.fromArray(S, in, (i + c) * width + j).mul(gv[c]), s1 = FloatVector.zero(S);
                for (int a = 0; a < c; a++) {
                    FloatVector pair = FloatVector.fromArray(S, in, (i + a) * width + j)
                            .add(FloatVector.fromArray(S, in, (i + w - 1 - a) * width + j));
                    if ((a & 1) == 0) s0 = pair.fma(gv[a], s0);
                    else s1 = pair.fma(gv[a], s1);
                }
                s0.add(s1).intoArray(out, i * width + j);
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
