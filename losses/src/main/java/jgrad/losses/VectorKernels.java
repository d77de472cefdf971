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
     * Output rows [i0, i1) of one H×W plane of {@link GradLoss}, vectorised along rows: returns
     * Σ |8·Gx| + |8·Gy| over those rows and writes (or adds) scale·(8·Gᵀ sign)·σ'(x) into their
     * gradient. Working on strips keeps every intermediate in cache for large images; the strip
     * recomputes a halo of two rows of e and one of signs. Scratch (reused, with 64 floats slack):
     * e ≥ (i1−i0+4)·(w+2), sx, sy ≥ (i1−i0+6)·(w+4), ge ≥ (i1−i0+2)·(w+2), dp ≥ (i1−i0)·w.
     *
     * <p>Local coordinates: sign rows are computed for output rows [s0, s1) = [i0−1, i1+1) ∩ [0, h)
     * and stored at local row i − s0 + 2 (two zero rows either side, zero columns either side);
     * they read padded e rows s0 .. s1+1 (local row q is padded row s0 + q, i.e. source row
     * clamp(s0 + q − 1)); ge holds padded rows [R0, R1), including the replicated border rows
     * 0 and h+1 when the strip touches them, which are folded onto rows 1 and h.
     */
    static double sobelStrip(float[] pred, float[] target, int base, int h, int w, int i0, int i1, float[] grad, float scale,
                             boolean acc, float[] e, float[] sx, float[] sy, float[] ge, float[] dp) {
        // each phase is its own small method, so C2 compiles them early and whole
        int s0 = Math.max(0, i0 - 1), s1 = Math.min(h, i1 + 1);
        int R0 = i0 == 0 ? 0 : i0 + 1, R1 = i1 == h ? h + 2 : i1 + 1;
        sobelErrors(pred, target, base, h, w, s0, s1, i0, i1, e, dp);
        double sum = sobelSigns(h, w, i0, i1, s0, s1, e, sx, sy);
        sobelGather(w, s0, R0, R1, sx, sy, ge);
        sobelFoldAndWrite(base, h, w, i0, i1, R0, grad, scale, acc, ge, dp);
        return sum;
    }

    /**
     * e = t − σ(x) on padded rows s0 .. s1+1 (local row q = source row clamp(s0 + q − 1)),
     * replicated columns; σ'(x) of output rows [i0, i1) into dp (row i at (i − i0)·w).
     */
    private static void sobelErrors(float[] pred, float[] target, int base, int h, int w, int s0, int s1, int i0, int i1,
                                    float[] e, float[] dp) {
        int wp = w + 2, bound = S.loopBound(w);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int q = 0; q < s1 - s0 + 2; q++) {
            int srcRow = Math.min(h - 1, Math.max(0, s0 + q - 1)), src = base + srcRow * w, row = q * wp;
            // a source row is an output row of this strip once (clamping repeats edge rows)
            int d = srcRow >= i0 && srcRow < i1 && srcRow == s0 + q - 1 ? (srcRow - i0) * w : -1;
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector x = FloatVector.fromArray(S, pred, src + c);
                FloatVector ex = expNegAbs(x), r = one.div(ex.add(1f)), er = ex.mul(r);
                FloatVector p = r.blend(er, x.compare(VectorOperators.LT, 0f));
                FloatVector.fromArray(S, target, src + c).sub(p).intoArray(e, row + 1 + c);
                if (d >= 0) er.mul(r).intoArray(dp, d + c);
            }
            if (c < w) {
                VectorMask<Float> m = S.indexInRange(c, w);
                FloatVector x = FloatVector.fromArray(S, pred, src + c, m);
                FloatVector ex = expNegAbs(x), r = one.div(ex.add(1f)), er = ex.mul(r);
                FloatVector p = r.blend(er, x.compare(VectorOperators.LT, 0f));
                FloatVector.fromArray(S, target, src + c, m).sub(p).intoArray(e, row + 1 + c, m);
                if (d >= 0) er.mul(r).intoArray(dp, d + c, m);
            }
            e[row] = e[row + 1];
            e[row + w + 1] = e[row + w];
        }
    }

    /** Signs of 8·Gx, 8·Gy for output rows [s0, s1) at local rows i − s0 + 2; returns Σ|8G| over rows [i0, i1). */
    private static double sobelSigns(int h, int w, int i0, int i1, int s0, int s1, float[] e, float[] sx, float[] sy) {
        int wp = w + 2, sw = w + 4, ns = s1 - s0;
        java.util.Arrays.fill(sx, 0, 2 * sw, 0f);
        java.util.Arrays.fill(sy, 0, 2 * sw, 0f);
        java.util.Arrays.fill(sx, (ns + 2) * sw, (ns + 4) * sw, 0f);
        java.util.Arrays.fill(sy, (ns + 2) * sw, (ns + 4) * sw, 0f);
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S), minus = one.neg();
        double sum = 0;
        for (int i = s0; i < s1; i++) {
            int r0 = (i - s0) * wp, r1 = r0 + wp, r2 = r1 + wp, so = (i - s0 + 2) * sw + 2;
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
            if (i >= i0 && i < i1) sum += sumLanes(rowSum);
        }
        return sum;
    }

    /** Adjoint gather over padded rows [R0, R1) (whole vectors past a row's end land in the next row). */
    private static void sobelGather(int w, int s0, int R0, int R1, float[] sx, float[] sy, float[] ge) {
        int wp = w + 2, sw = w + 4;
        for (int R = R0; R < R1; R++) {
            int o0 = (R - s0) * sw, o1 = o0 + sw, o2 = o1 + sw, go = (R - R0) * wp;
            for (int c = 0; c < wp; c += L) {
                FloatVector vx = FloatVector.fromArray(S, sx, o0 + c).sub(FloatVector.fromArray(S, sx, o0 + c + 2))
                        .add(FloatVector.fromArray(S, sx, o1 + c).sub(FloatVector.fromArray(S, sx, o1 + c + 2)).mul(2f))
                        .add(FloatVector.fromArray(S, sx, o2 + c).sub(FloatVector.fromArray(S, sx, o2 + c + 2)));
                FloatVector vy = FloatVector.fromArray(S, sy, o0 + c).add(FloatVector.fromArray(S, sy, o0 + c + 1).mul(2f))
                        .add(FloatVector.fromArray(S, sy, o0 + c + 2))
                        .sub(FloatVector.fromArray(S, sy, o2 + c).add(FloatVector.fromArray(S, sy, o2 + c + 1).mul(2f))
                                .add(FloatVector.fromArray(S, sy, o2 + c + 2)));
                vx.add(vy).intoArray(ge, go + c);
            }
        }
    }

    /** Folds replicated border rows (when in the strip) and columns onto edge pixels; grad rows [i0, i1) = scale·ge·σ'(x). */
    private static void sobelFoldAndWrite(int base, int h, int w, int i0, int i1, int R0, float[] grad,
                                          float scale, boolean acc, float[] ge, float[] dp) {
        int wp = w + 2;
        if (i0 == 0) for (int c = 0; c < wp; c++) ge[wp + c] += ge[c];
        if (i1 == h) {
            int last = (h + 1 - R0) * wp, edge = (h - R0) * wp;
            for (int c = 0; c < wp; c++) ge[edge + c] += ge[last + c];
        }
        for (int i = i0; i < i1; i++) {
            int g = (i + 1 - R0) * wp, o = base + i * w, d = (i - i0) * w;
            ge[g + 1] += ge[g];
            ge[g + w] += ge[g + w + 1];
            for (int j = 0; j < w; j += L) {
                VectorMask<Float> m = S.indexInRange(j, w);
                FloatVector v = FloatVector.fromArray(S, ge, g + 1 + j, m).mul(FloatVector.fromArray(S, dp, d + j, m)).mul(scale);
                if (acc) v = v.add(FloatVector.fromArray(S, grad, o + j, m));
                v.intoArray(grad, o + j, m);
            }
        }
    }

    static void overlapBceStats(float[] x, float[] t, int from, int to, double[] out, int o) {
        double sp = 0, st = 0, spt = 0, sb = 0;
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector one = FloatVector.broadcast(S, 1f);
        while (i < bound) {
            int end = Math.min(bound, i + FLUSH);
            FloatVector ap = FloatVector.zero(S), at = FloatVector.zero(S), apt = FloatVector.zero(S), ab = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i), tv = FloatVector.fromArray(S, t, i);
                FloatVector e = expNegAbs(xv);
                FloatVector r = one.div(e.add(1f));
                FloatVector p = r.blend(e.mul(r), xv.compare(VectorOperators.LT, 0f));
                ap = ap.add(p);
                at = at.add(tv);
                apt = p.fma(tv, apt);
                ab = ab.add(xv.max(0f).sub(xv.mul(tv)).add(log1pUnit(e)));
            }
            sp += sumLanes(ap);
            st += sumLanes(at);
            spt += sumLanes(apt);
            sb += sumLanes(ab);
        }
        out[o] += sp;
        out[o + 1] += st;
        out[o + 2] += spt;
        out[o + 3] += sb;
        Kernels.overlapBceStatsScalar(x, t, i, to, out, o);
    }

    static void overlapBceGrad(float[] x, float[] t, float[] g, int from, int to, float a, float b, float cb, boolean acc) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, i), tv = FloatVector.fromArray(S, t, i);
            FloatVector e = expNegAbs(xv);
            FloatVector r = one.div(e.add(1f));
            FloatVector er = e.mul(r);
            FloatVector p = r.blend(er, xv.compare(VectorOperators.LT, 0f));
            FloatVector v = tv.fma(a, b).mul(er.mul(r)).add(p.sub(tv).mul(cb));
            if (acc) v = v.add(FloatVector.fromArray(S, g, i));
            v.intoArray(g, i);
        }
        Kernels.overlapBceGradScalar(x, t, g, i, to, a, b, cb, acc);
    }
}
