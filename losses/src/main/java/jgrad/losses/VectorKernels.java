package jgrad.losses;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API bodies of {@link Kernels} (same contracts). Per-lane float sums are flushed to a
 * double every {@link #FLUSH} elements, so no float accumulator adds more than FLUSH/16 terms.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int FLUSH = 1024;

    private VectorKernels() {}

    /** e = exp(−|x|) (lanes of the argument x). */
    static FloatVector expNegAbs(FloatVector x) {
        return expNonPositive(x.abs().neg());
    }

    private static final float MAGIC = 12582912f; // 1.5·2^23: adding it rounds to an integer
    private static final float LOG2E = 1.44269504f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float[] EXP_POLY = {1f / 5040, 1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f};
    private static final float[] LOG_POLY = {1f / 15, 1f / 13, 1f / 11, 1f / 9, 1f / 7, 1f / 5, 1f / 3, 1f};

    /**
     * e^x for x ≤ 0, lanes below −87.3 (where e^x leaves the normal floats) give 0. Written with
     * +, ×, fma and conversions only, instead of the lanewise EXP operator, whose compiled
     * (SVML) and interpreted forms may differ in the last bit: results must be identical run to
     * run. e^x = 2^n·e^r with n = round(x·log2 e), r = x − n·ln 2 (two-part ln 2), |r| ≤ 0.35,
     * and a degree-7 Taylor polynomial for e^r (relative error below 1e-8).
     */
    static FloatVector expNonPositive(FloatVector x) {
        FloatVector xc = x.max(-87.3f);
        FloatVector n = xc.fma(LOG2E, MAGIC).sub(MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, EXP_POLY[0]);
        for (int k = 1; k < EXP_POLY.length; k++) p = p.fma(r, FloatVector.broadcast(S, EXP_POLY[k]));
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats()).blend(0f, x.compare(VectorOperators.LT, -87.3f));
    }

    /**
     * log(1 + e) for e in [0, 1], as 2·atanh(s) = 2(s + s³/3 + ... + s¹⁵/15) with s = e/(2 + e) ≤ 1/3
     * (relative error below 2e-9); deterministic for the same reason as {@link #expNonPositive}.
     */
    static FloatVector log1pUnit(FloatVector e) {
        FloatVector s = e.div(e.add(2f));
        FloatVector s2 = s.mul(s);
        FloatVector p = FloatVector.broadcast(S, LOG_POLY[0]);
        for (int k = 1; k < LOG_POLY.length; k++) p = p.fma(s2, FloatVector.broadcast(S, LOG_POLY[k]));
        return p.mul(s).mul(2f);
    }

    /** Σ of the lanes in lane order, in double (reduceLanes leaves the order unspecified). */
    static double sumLanes(FloatVector v) {
        double s = 0;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }

    static double bce(float[] x, float[] t, float[] g, int from, int to, float scale, boolean acc) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        double s = 0;
        int i = from;
        int bound = from + S.loopBound(to - from);
        while (i < bound) {
            int end = Math.min(bound, i + FLUSH);
            FloatVector sum = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i), tv = FloatVector.fromArray(S, t, i);
                FloatVector e = expNegAbs(xv);
                FloatVector r = one.div(e.add(1f));
                FloatVector p = r.blend(e.mul(r), xv.compare(VectorOperators.LT, 0f));
                sum = sum.add(xv.max(0f).sub(xv.mul(tv)).add(log1pUnit(e)));
                FloatVector v = p.sub(tv).mul(scale);
                if (acc) v = v.add(FloatVector.fromArray(S, g, i));
                v.intoArray(g, i);
            }
            s += sumLanes(sum);
        }
        return s + Kernels.bceScalar(x, t, g, i, to, scale, acc);
    }

    static void overlapStats(float[] x, float[] t, int from, int to, double[] out, int o) {
        double sp = 0, st = 0, spt = 0;
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector one = FloatVector.broadcast(S, 1f);
        while (i < bound) {
            int end = Math.min(bound, i + FLUSH);
            FloatVector ap = FloatVector.zero(S), at = FloatVector.zero(S), apt = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i), tv = FloatVector.fromArray(S, t, i);
                FloatVector e = expNegAbs(xv);
                FloatVector r = one.div(e.add(1f));
                FloatVector p = r.blend(e.mul(r), xv.compare(VectorOperators.LT, 0f));
                ap = ap.add(p);
                at = at.add(tv);
                apt = p.fma(tv, apt);
            }
            sp += sumLanes(ap);
            st += sumLanes(at);
            spt += sumLanes(apt);
        }
        out[o] += sp;
        out[o + 1] += st;
        out[o + 2] += spt;
        Kernels.overlapStatsScalar(x, t, i, to, out, o);
    }

    static void overlapGrad(float[] x, float[] t, float[] g, int from, int to, float a, float b, boolean acc) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, i), tv = FloatVector.fromArray(S, t, i);
            FloatVector e = expNegAbs(xv);
            FloatVector r = one.div(e.add(1f));
            FloatVector v = tv.fma(a, b).mul(e.mul(r).mul(r));
            if (acc) v = v.add(FloatVector.fromArray(S, g, i));
            v.intoArray(g, i);
        }
        Kernels.overlapGradScalar(x, t, g, i, to, a, b, acc);
    }

    static double squaredError(float[] x, float[] t, int from, int to) {
        double s = 0;
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector one = FloatVector.broadcast(S, 1f);
        while (i < bound) {
            int end = Math.min(bound, i + FLUSH);
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i), tv = FloatVector.fromArray(S, t, i);
                FloatVector e = expNegAbs(xv);
                FloatVector r = one.div(e.add(1f));
                FloatVector d = r.blend(e.mul(r), xv.compare(VectorOperators.LT, 0f)).sub(tv);
                acc = d.fma(d, acc);
            }
            s += sumLanes(acc);
        }
        return s + Kernels.squaredErrorScalar(x, t, i, to);
    }

    static void scaledErrorGrad(float[] x, float[] t, float[] g, int from, int to, float k, boolean acc) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, i), tv = FloatVector.fromArray(S, t, i);
            FloatVector e = expNegAbs(xv);
            FloatVector r = one.div(e.add(1f));
            FloatVector er = e.mul(r);
            FloatVector p = r.blend(er, xv.compare(VectorOperators.LT, 0f));
            FloatVector v = p.sub(tv).mul(er.mul(r)).mul(k);
            if (acc) v = v.add(FloatVector.fromArray(S, g, i));
            v.intoArray(g, i);
        }
        Kernels.scaledErrorGradScalar(x, t, g, i, to, k, acc);
    }

    static float maxAbsError(float[] x, float[] t, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector m = FloatVector.zero(S);
        for (; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, i), tv = FloatVector.fromArray(S, t, i);
            FloatVector e = expNegAbs(xv);
            FloatVector r = one.div(e.add(1f));
            FloatVector d = r.blend(e.mul(r), xv.compare(VectorOperators.LT, 0f)).sub(tv).abs();
            m = m.max(d);
        }
        return Math.max(m.reduceLanes(VectorOperators.MAX), Kernels.maxAbsErrorScalar(x, t, i, to));
    }

    static double berhu(float[] x, float[] t, float[] g, int from, int to, float c, float scale, boolean acc) {
        double s = 0;
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        FloatVector cv = FloatVector.broadcast(S, c);
        // c = 0 only when every d is 0, so every lane takes the d ≤ c branch; divide by 1 instead of
        // 0 there to keep the unused lanes free of NaN.
        FloatVector cdiv = FloatVector.broadcast(S, c > 0 ? c : 1f);
        while (i < bound) {
            int end = Math.min(bound, i + FLUSH);
            FloatVector sum = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i), tv = FloatVector.fromArray(S, t, i);
                FloatVector e = expNegAbs(xv);
                FloatVector r = one.div(e.add(1f));
                FloatVector er = e.mul(r);
                FloatVector diff = r.blend(er, xv.compare(VectorOperators.LT, 0f)).sub(tv);
                FloatVector d = diff.abs();
                VectorMask<Float> small = d.compare(VectorOperators.LE, cv);
                FloatVector q = d.div(cdiv);
                FloatVector term = d.fma(q, cv).mul(0.5f).blend(d, small);
                FloatVector sign = zero.blend(one, diff.compare(VectorOperators.GT, 0f))
                        .blend(one.neg(), diff.compare(VectorOperators.LT, 0f));
                FloatVector slope = diff.div(cdiv).blend(sign, small);
                sum = sum.add(term);
                FloatVector v = slope.mul(er.mul(r)).mul(scale);
                if (acc) v = v.add(FloatVector.fromArray(S, g, i));
                v.intoArray(g, i);
            }
            s += sumLanes(sum);
        }
        return s + Kernels.berhuScalar(x, t, g, i, to, c, scale, acc);
    }
    /**
     * One H×W plane of {@link GradLoss}, vectorised along rows: returns Σ |8·Gx| + |8·Gy| and
     * writes (or adds) scale·(8·Gᵀ sign)·σ'(x) into grad. Scratch: p, dp (h·w), e (padded
     * (h+2)×(w+2) plus slack), sx, sy ((h+4)×(w+4) plus slack, zero outside the written
     * interior), ge ((h+2)×(w+2) plus slack). Same steps as the scalar version in GradLoss.
     */
    static double sobelPlane(float[] pred, float[] target, int base, int h, int w, float[] grad, float scale, boolean acc,
                             float[] p, float[] dp, float[] e, float[] sx, float[] sy, float[] ge) {
        int hp = h + 2, wp = w + 2, sw = w + 4;
        VectorFilters.sigmoid(pred, base, p, dp, h * w);
        for (int r = 0; r < hp; r++) {
            int src = (r == 0 ? 0 : r > h ? h - 1 : r - 1) * w, row = r * wp;
            for (int c = 0; c < w; c += L) {
                VectorMask<Float> m = S.indexInRange(c, w);
                FloatVector.fromArray(S, target, base + src + c, m).sub(FloatVector.fromArray(S, p, src + c, m))
                        .intoArray(e, row + 1 + c, m);
            }
            e[row] = e[row + 1];
            e[row + w + 1] = e[row + w];
        }
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S), minus = one.neg();
        double sum = 0;
        for (int i = 0; i < h; i++) {
            int r0 = i * wp, r1 = r0 + wp, r2 = r1 + wp, so = (i + 2) * sw + 2;
            FloatVector rowSum = zero;
            for (int j = 0; j < w; j += L) {
                VectorMask<Float> m = S.indexInRange(j, w);
                FloatVector a0 = FloatVector.fromArray(S, e, r0 + j), a1 = FloatVector.fromArray(S, e, r0 + j + 1),
                        a2 = FloatVector.fromArray(S, e, r0 + j + 2);
                FloatVector b0 = FloatVector.fromArray(S, e, r1 + j), b2 = FloatVector.fromArray(S, e, r1 + j + 2);
                FloatVector c0 = FloatVector.fromArray(S, e, r2 + j), c1 = FloatVector.fromArray(S, e, r2 + j + 1),
                        c2 = FloatVector.fromArray(S, e, r2 + j + 2);
                FloatVector gx = a2.sub(a0).add(b2.sub(b0).mul(2f)).add(c2.sub(c0));
                FloatVector gy = c0.add(c1.mul(2f)).add(c2).sub(a0.add(a1.mul(2f)).add(a2));
                rowSum = rowSum.add(gx.abs().add(gy.abs()), m);
                zero.blend(one, gx.compare(VectorOperators.GT, 0f)).blend(minus, gx.compare(VectorOperators.LT, 0f)).intoArray(sx, so + j, m);
                zero.blend(one, gy.compare(VectorOperators.GT, 0f)).blend(minus, gy.compare(VectorOperators.LT, 0f)).intoArray(sy, so + j, m);
            }
            sum += sumLanes(rowSum);
        }
        // adjoint gather (whole vectors past each row's end land in the next row, computed later)
        for (int r = 0; r < hp; r++) {
            int o0 = r * sw, o1 = o0 + sw, o2 = o1 + sw;
            for (int c = 0; c < wp; c += L) {
                FloatVector vx = FloatVector.fromArray(S, sx, o0 + c).sub(FloatVector.fromArray(S, sx, o0 + c + 2))
                        .add(FloatVector.fromArray(S, sx, o1 + c).sub(FloatVector.fromArray(S, sx, o1 + c + 2)).mul(2f))
                        .add(FloatVector.fromArray(S, sx, o2 + c).sub(FloatVector.fromArray(S, sx, o2 + c + 2)));
                FloatVector vy = FloatVector.fromArray(S, sy, o0 + c).add(FloatVector.fromArray(S, sy, o0 + c + 1).mul(2f))
                        .add(FloatVector.fromArray(S, sy, o0 + c + 2))
                        .sub(FloatVector.fromArray(S, sy, o2 + c).add(FloatVector.fromArray(S, sy, o2 + c + 1).mul(2f))
                                .add(FloatVector.fromArray(S, sy, o2 + c + 2)));
                vx.add(vy).intoArray(ge, r * wp + c);
            }
        }
        // fold the replicated border rows, then columns, onto the edge pixels
        int last = (hp - 1) * wp, edge = (hp - 2) * wp;
        for (int c = 0; c < wp; c++) ge[wp + c] += ge[c];
        for (int c = 0; c < wp; c++) ge[edge + c] += ge[last + c];
        for (int r = 1; r < hp - 1; r++) {
            ge[r * wp + 1] += ge[r * wp];
            ge[r * wp + w] += ge[r * wp + w + 1];
        }
        for (int i = 0; i < h; i++) {
            int gr = (i + 1) * wp + 1, o = i * w;
            for (int j = 0; j < w; j += L) {
                VectorMask<Float> m = S.indexInRange(j, w);
                FloatVector v = FloatVector.fromArray(S, ge, gr + j, m).mul(FloatVector.fromArray(S, dp, o + j, m)).mul(scale);
                if (acc) v = v.add(FloatVector.fromArray(S, grad, base + o + j, m));
                v.intoArray(grad, base + o + j, m);
            }
        }
        return sum;
    }
}
