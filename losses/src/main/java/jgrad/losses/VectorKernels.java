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

    /** e = exp(−|x|) (lanes of the argument x); −|x| by setting the sign bit. */
    static FloatVector expNegAbs(FloatVector x) {
        return expNonPositive(x.reinterpretAsInts().or(0x80000000).reinterpretAsFloats());
    }

    private static final float MAGIC = 12582912f; // 1.5·2^23: adding it rounds to an integer
    private static final float LOG2E = 1.44269504f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float[] LOG_POLY = {1f / 15, 1f / 13, 1f / 11, 1f / 9, 1f / 7, 1f / 5, 1f / 3, 1f};

    /**
     * e^x for x ≤ 0, lanes below −87.3 (where e^x leaves the normal floats) give 0. Written with
     * +, ×, fma and conversions only, instead of the lanewise EXP operator, whose compiled
     * (SVML) and interpreted forms may differ in the last bit: results must be identical run to
     * run. e^x = 2^n·e^r with n = round(x·log2 e), r = x − n·ln 2 (two-part ln 2), |r| ≤ 0.35,
     * and a degree-7 Taylor polynomial for e^r (relative error below 1e-8). The coefficients
     * are literals and the clamp a blend (not max, which needs NaN and ±0 handling), so the hot
     * loops keep them in registers.
     */
    static FloatVector expNonPositive(FloatVector x) {
        VectorMask<Float> under = x.compare(VectorOperators.LT, -87.3f);
        FloatVector xc = x.blend(-87.3f, under);
        FloatVector n = xc.fma(LOG2E, MAGIC).sub(MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, 1f / 5040);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 720));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats()).blend(0f, under);
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

    /**
     * The lane sums of bce terms over [from, to), in double. A bce term is about |x|, so with
     * logits beyond about 5e36 a float lane (FLUSH/L terms) overflows to infinity while the
     * terms are finite: such a run is summed again term by term in double, as the scalar path
     * does (a NaN or infinite input stays non-finite that way).
     */
    private static double bceLanes(FloatVector sum, float[] x, float[] t, int from, int to) {
        double s = sumLanes(sum);
        return Double.isFinite(s) ? s : Kernels.bceValueScalar(x, t, from, to);
    }

    static double bce(float[] x, float[] t, float[] g, int from, int to, float scale, boolean acc) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        double s = 0;
        int i = from;
        int bound = from + S.loopBound(to - from);
        while (i < bound) {
            int start = i, end = Math.min(bound, i + FLUSH);
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
            s += bceLanes(sum, x, t, start, end);
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
     * Buffers of {@link #sobelBand} for H×W planes (rows of {@code stride}
     * floats, a whole number of vectors). In L2: rings of {@code block} + 2 rows of the errors e
     * (for rows whose e cannot be kept in the gradient itself) and of scale·σ'. In L1: rings of
     * three rows of the horizontally filtered errors d and sm and of the horizontally filtered
     * signs hx and hy (plus a fourth row for a negated edge row): 13 rows, 26 KiB for a
     * 512-wide plane. {@code block} rows are about 128 KiB of pred and target (at most the plane).
     */
    static final class SobelRows {
        final int stride, block, ring;
        final float[] e, dp, d, sm, hx, hy;

        SobelRows(int w, int h) {
            stride = ((w + L - 1) / L) * L;
            block = Math.min(h, Math.max(4, (16 * 1024) / stride));
            ring = block + 2;
            e = new float[ring * stride];
            dp = new float[ring * stride];
            d = new float[3 * stride];
            sm = new float[3 * stride];
            hx = new float[3 * stride];
            hy = new float[4 * stride];
        }
    }

    /**
     * Output rows [i0, i1) of one H×W plane of {@link GradLoss}: returns Σ |8·Gx| + |8·Gy| over
     * those rows (in row order, per row a float vector summed in lane order into a double) and
     * writes (or adds) scale·(8·Gᵀ sign)·σ'(x) into their gradient. Both filters are separable:
     * 8·Gx = [1,2,1]ᵀ(down) ⊗ [−1,0,1](across), 8·Gy = [−1,0,1]ᵀ ⊗ [1,2,1].
     *
     * <p>Two alternating passes. The streaming pass takes a block of source rows at once (about
     * 128 KiB of pred and target): e = t − σ(x) and scale·σ'(x) for every element, e written
     * into the block's own gradient rows (so that the gradient's cache lines are fetched here,
     * in one long loop that keeps the memory busy) and σ' into a ring. Then, one row at a time
     * from L2 and L1: d = e[c+1] − e[c−1] and sm = e[c−1] + 2e[c] + e[c+1] per source row r (ring
     * slot r mod 3); per output row i, 8·Gx = d[i−1] + 2d[i] + d[i+1], 8·Gy = sm[i+1] − sm[i−1]
     * (rows clamped: replicate padding), their signs sx, sy and the transposed horizontal filters
     * hx = sx[c−1] − sx[c+1], hy = sy[c−1] + 2sy[c] + sy[c+1]; per gradient row r, 8·Gᵀ sign =
     * hx[r−1] + 2hx[r] + hx[r+1] + hy[r−1] − hy[r+1], times σ', overwriting e. A row's e is read
     * before its gradient is written. With {@code acc}, and for the halo rows a band shares with
     * its neighbours, e goes to a ring instead and the gradient is kept (the streaming pass then
     * only touches its cache lines). Horizontal neighbours come from the adjacent vectors in
     * registers (slice), not from unaligned loads.
     *
     * <p>Replicate padding reads e[−1] = e[0] and e[w] = e[w−1]. Its adjoint (a padded
     * position's share goes to the edge pixel it copied) equals, for a filter k with k0 = ±k2,
     * reading a virtual neighbour ±(edge value) past the edge: + for the smoothing [1,2,1], − for
     * the difference [−1,0,1]. So sx is continued by −sx and sy by +sy, and past the top and
     * bottom rows hx repeats and hy is negated. A band recomputes two source rows and one output
     * row on each side it shares with a neighbouring band.
     */
    static double sobelBand(float[] pred, float[] target, int base, int h, int w, int i0, int i1, float[] grad, float scale,
                            boolean acc, SobelRows b) {
        int s0 = Math.max(0, i0 - 1), s1 = Math.min(h, i1 + 1);
        int first = Math.max(0, s0 - 1), lastSource = Math.min(h - 1, s1);
        int loaded = first - 1, streamed = first;
        double sum = 0;
        for (int i = s0; i < s1; i++) {
            int need = Math.min(i + 1, h - 1);
            if (need >= streamed) {
                int to = Math.min(lastSource + 1, streamed + b.block);
                sobelStream(pred, target, base, w, streamed, to, i0, i1, grad, scale, acc, b);
                streamed = to;
            }
            while (loaded < need) {
                loaded++;
                boolean inGrad = errorsInGradient(loaded, i0, i1, acc);
                sobelFilter(inGrad ? grad : b.e, inGrad ? base + loaded * w : (loaded % b.ring) * b.stride, w, b, (loaded % 3) * b.stride);
            }
            double rowSum = sobelSigns(h, w, i, b);
            if (i >= i0 && i < i1) sum += rowSum;
            if (i - 1 >= i0 && i - 1 < i1) sobelWrite(h, w, i - 1, base, grad, acc, b);
        }
        if (i1 == h) sobelWrite(h, w, h - 1, base, grad, acc, b);
        return sum;
    }

    /** Whether source row r keeps its errors e in its own gradient row (a row of the band, without acc) rather than in the ring. */
    private static boolean errorsInGradient(int r, int i0, int i1, boolean acc) {
        return !acc && r >= i0 && r < i1;
    }

    /**
     * The streaming pass over source rows [r0, r1): e = t − σ(x) into the gradient row (own rows
     * [i0, i1) without acc) or into ring row r mod ring; scale·σ'(x) into ring row r mod ring.
     * With acc, own gradient rows are read and written back unchanged, so that the later write
     * finds them in cache.
     */
    private static void sobelStream(float[] pred, float[] target, int base, int w, int r0, int r1, int i0, int i1, float[] grad,
                                    float scale, boolean acc, SobelRows b) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int bound = S.loopBound(w);
        VectorMask<Float> tail = S.indexInRange(bound, w);
        for (int r = r0; r < r1; r++) {
            int src = base + r * w, ro = (r % b.ring) * b.stride;
            boolean inGrad = errorsInGradient(r, i0, i1, acc);
            float[] e = inGrad ? grad : b.e, dp = b.dp;
            int eo = inGrad ? src : ro;
            for (int c = 0; c < bound; c += L) {
                FloatVector x = FloatVector.fromArray(S, pred, src + c), t = FloatVector.fromArray(S, target, src + c);
                FloatVector ex = expNegAbs(x), q = one.div(ex.add(1f)), eq = ex.mul(q);
                eq.mul(q).mul(scale).intoArray(dp, ro + c);
                t.sub(q.blend(eq, x.compare(VectorOperators.LT, 0f))).intoArray(e, eo + c);
            }
            if (bound < w) {
                // lanes past w read x = t = 0 (finite values, never used)
                FloatVector x = FloatVector.fromArray(S, pred, src + bound, tail), t = FloatVector.fromArray(S, target, src + bound, tail);
                FloatVector ex = expNegAbs(x), q = one.div(ex.add(1f)), eq = ex.mul(q);
                eq.mul(q).mul(scale).intoArray(dp, ro + bound);
                t.sub(q.blend(eq, x.compare(VectorOperators.LT, 0f))).intoArray(e, eo + bound, tail);
            }
            if (acc && r >= i0 && r < i1) {
                for (int c = 0; c < bound; c += L) FloatVector.fromArray(S, grad, src + c).intoArray(grad, src + c);
            }
        }
    }

    /** d and sm of one source row whose w errors start at e[eo], into ring slot {@code o}; lanes past w are 0. */
    private static void sobelFilter(float[] e, int eo, int w, SobelRows b, int o) {
        float[] d = b.d, sm = b.sm;
        int last = (w - 1) / L * L, valid = w - last;
        VectorMask<Float> in = S.indexInRange(0, valid), past = in.not();
        FloatVector two = FloatVector.broadcast(S, 2f);
        FloatVector prev = FloatVector.broadcast(S, e[eo]);
        // the row's last vector is read with a mask: past w lie the next row's errors, or the array's end
        FloatVector cur = last == 0 ? FloatVector.fromArray(S, e, eo, in) : FloatVector.fromArray(S, e, eo);
        for (int c = 0; c < last; c += L) {
            int n = c + L;
            FloatVector next = n < last ? FloatVector.fromArray(S, e, eo + n) : FloatVector.fromArray(S, e, eo + n, in);
            FloatVector left = prev.slice(L - 1, cur), right = cur.slice(1, next);
            right.sub(left).intoArray(d, o + c);
            cur.fma(two, left.add(right)).intoArray(sm, o + c);
            prev = cur;
            cur = next;
        }
        FloatVector edge = FloatVector.broadcast(S, e[eo + w - 1]);
        cur = cur.blend(edge, past);
        FloatVector left = prev.slice(L - 1, cur), right = cur.slice(1, edge);
        right.sub(left).blend(0f, past).intoArray(d, o + last);
        cur.fma(two, left.add(right)).blend(0f, past).intoArray(sm, o + last);
    }

    /** Output row i: returns Σ |8·Gx| + |8·Gy| over its w columns; hx, hy into ring slot i mod 3. */
    private static double sobelSigns(int h, int w, int i, SobelRows b) {
        int st = b.stride, oa = (Math.max(i - 1, 0) % 3) * st, oi = (i % 3) * st, ob = (Math.min(i + 1, h - 1) % 3) * st;
        float[] d = b.d, sm = b.sm, hx = b.hx, hy = b.hy;
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S), minus = one.neg(), two = FloatVector.broadcast(S, 2f);
        int last = (w - 1) / L * L, valid = w - last;
        // lanes past w have d = sm = 0, hence 8·G = 0: no |·| and sign 0
        FloatVector gx = FloatVector.fromArray(S, d, oi).fma(two, FloatVector.fromArray(S, d, oa).add(FloatVector.fromArray(S, d, ob)));
        FloatVector gy = FloatVector.fromArray(S, sm, ob).sub(FloatVector.fromArray(S, sm, oa));
        FloatVector rowSum = gx.abs().add(gy.abs());
        FloatVector curX = zero.blend(one, gx.compare(VectorOperators.GT, 0f)).blend(minus, gx.compare(VectorOperators.LT, 0f));
        FloatVector curY = zero.blend(one, gy.compare(VectorOperators.GT, 0f)).blend(minus, gy.compare(VectorOperators.LT, 0f));
        FloatVector prevX = FloatVector.broadcast(S, -curX.lane(0)), prevY = FloatVector.broadcast(S, curY.lane(0));
        for (int c = 0; c < last; c += L) {
            int n = c + L;
            gx = FloatVector.fromArray(S, d, oi + n).fma(two, FloatVector.fromArray(S, d, oa + n).add(FloatVector.fromArray(S, d, ob + n)));
            gy = FloatVector.fromArray(S, sm, ob + n).sub(FloatVector.fromArray(S, sm, oa + n));
            rowSum = rowSum.add(gx.abs().add(gy.abs()));
            FloatVector nextX = zero.blend(one, gx.compare(VectorOperators.GT, 0f)).blend(minus, gx.compare(VectorOperators.LT, 0f));
            FloatVector nextY = zero.blend(one, gy.compare(VectorOperators.GT, 0f)).blend(minus, gy.compare(VectorOperators.LT, 0f));
            prevX.slice(L - 1, curX).sub(curX.slice(1, nextX)).intoArray(hx, oi + c);
            curY.fma(two, prevY.slice(L - 1, curY).add(curY.slice(1, nextY))).intoArray(hy, oi + c);
            prevX = curX;
            prevY = curY;
            curX = nextX;
            curY = nextY;
        }
        FloatVector edgeX = FloatVector.broadcast(S, -curX.lane(valid - 1)), edgeY = FloatVector.broadcast(S, curY.lane(valid - 1));
        VectorMask<Float> past = S.indexInRange(0, valid).not();
        curX = curX.blend(edgeX, past);
        curY = curY.blend(edgeY, past);
        prevX.slice(L - 1, curX).sub(curX.slice(1, edgeX)).intoArray(hx, oi + last);
        curY.fma(two, prevY.slice(L - 1, curY).add(curY.slice(1, edgeY))).intoArray(hy, oi + last);
        return sumLanes(rowSum);
    }

    /** Gradient row r from hx, hy of output rows r − 1, r, r + 1 (virtual past the plane's edges) and scale·σ' (ring row r mod ring). */
    private static void sobelWrite(int h, int w, int r, int base, float[] grad, boolean acc, SobelRows b) {
        int st = b.stride, or = (r % 3) * st, neg = 3 * st, od = (r % b.ring) * st;
        float[] hx = b.hx, hy = b.hy, dp = b.dp;
        int xa = r > 0 ? ((r - 1) % 3) * st : or, xb = r < h - 1 ? ((r + 1) % 3) * st : or;
        int ya = r > 0 ? xa : neg, yb = r < h - 1 ? xb : neg;
        if (r == 0 || r == h - 1) {
            for (int c = 0; c < w; c += L) FloatVector.fromArray(S, hy, or + c).neg().intoArray(hy, neg + c);
        }
        FloatVector two = FloatVector.broadcast(S, 2f);
        int out = base + r * w, bound = S.loopBound(w), c = 0;
        for (; c < bound; c += L) {
            FloatVector v = FloatVector.fromArray(S, hx, or + c).fma(two, FloatVector.fromArray(S, hx, xa + c).add(FloatVector.fromArray(S, hx, xb + c)))
                    .add(FloatVector.fromArray(S, hy, ya + c).sub(FloatVector.fromArray(S, hy, yb + c)))
                    .mul(FloatVector.fromArray(S, dp, od + c));
            if (acc) v = v.add(FloatVector.fromArray(S, grad, out + c));
            v.intoArray(grad, out + c);
        }
        if (c < w) {
            VectorMask<Float> m = S.indexInRange(c, w);
            FloatVector v = FloatVector.fromArray(S, hx, or + c).fma(two, FloatVector.fromArray(S, hx, xa + c).add(FloatVector.fromArray(S, hx, xb + c)))
                    .add(FloatVector.fromArray(S, hy, ya + c).sub(FloatVector.fromArray(S, hy, yb + c)))
                    .mul(FloatVector.fromArray(S, dp, od + c));
            if (acc) v = v.add(FloatVector.fromArray(S, grad, out + c, m));
            v.intoArray(grad, out + c, m);
        }
    }

    static void overlapBceStats(float[] x, float[] t, int from, int to, double[] out, int o) {
        double sp = 0, st = 0, spt = 0, sb = 0;
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector one = FloatVector.broadcast(S, 1f);
        while (i < bound) {
            int start = i, end = Math.min(bound, i + FLUSH);
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
            sb += bceLanes(ab, x, t, start, end);
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
