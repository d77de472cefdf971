package jgrad.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import jgrad.core.BinaryOp;
import jgrad.core.UnaryOp;

/** Vector API bodies of {@link Simd}; loaded only when the incubator module is present. */
final class VectorSimd {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Butterfly partners for {@link #sumLanes}: lane i pairs with lane i xor w. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] BUTTERFLY = new VectorShuffle[Integer.numberOfTrailingZeros(L)];

    static {
        for (int k = 0; k < BUTTERFLY.length; k++) {
            int w = 1 << k;
            BUTTERFLY[k] = VectorShuffle.fromOp(S, i -> i ^ w);
        }
    }

    private VectorSimd() {}

    static void unary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            apply(op, v).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] = (float) op.apply(x[xo + i]);
    }

    private static FloatVector apply(UnaryOp op, FloatVector v) {
        return switch (op) {
            case NEG -> v.neg();
            case EXP -> v.lanewise(VectorOperators.EXP);
            case LOG -> v.lanewise(VectorOperators.LOG);
            case LOG1P -> v.lanewise(VectorOperators.LOG1P);
            case SQRT -> v.sqrt();
            case ABS -> v.abs();
            // 1/(1+e^-x): for x < -88, e^-x overflows to +inf and the quotient is exactly 0, as it should be.
            case SIGMOID -> FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
            case TANH -> v.lanewise(VectorOperators.TANH);
            case RELU -> v.max(0f);
        };
    }

    static void unaryBackward(UnaryOp op, float[] x, int xo, float[] y, int yo, float[] g, int go,
                              float[] out, int oo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            FloatVector r = switch (op) {
                case NEG -> gv.neg();
                case EXP -> gv.mul(FloatVector.fromArray(S, y, yo + i));
                case LOG -> gv.div(FloatVector.fromArray(S, x, xo + i));
                case LOG1P -> gv.div(FloatVector.fromArray(S, x, xo + i).add(1f));
                case SQRT -> gv.mul(0.5f).div(FloatVector.fromArray(S, y, yo + i));
                case ABS -> {
                    FloatVector xv = FloatVector.fromArray(S, x, xo + i);
                    VectorMask<Float> pos = xv.compare(VectorOperators.GT, 0f);
                    VectorMask<Float> neg = xv.compare(VectorOperators.LT, 0f);
                    yield FloatVector.zero(S).blend(gv, pos).blend(gv.neg(), neg);
                }
                case SIGMOID -> {
                    FloatVector yv = FloatVector.fromArray(S, y, yo + i);
                    yield gv.mul(yv).mul(yv.neg().add(1f));
                }
                case TANH -> {
                    FloatVector yv = FloatVector.fromArray(S, y, yo + i);
                    yield gv.mul(yv.mul(yv).neg().add(1f));
                }
                case RELU -> FloatVector.zero(S).blend(gv, FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f));
            };
            r.intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = (float) (g[go + i] * op.derivative(x[xo + i], y[yo + i]));
    }

    static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector ab = as == 0 ? FloatVector.broadcast(S, a[ao]) : null;
        FloatVector bb = bs == 0 ? FloatVector.broadcast(S, b[bo]) : null;
        for (; i < bound; i += L) {
            FloatVector av = as == 0 ? ab : FloatVector.fromArray(S, a, ao + i);
            FloatVector bv = bs == 0 ? bb : FloatVector.fromArray(S, b, bo + i);
            FloatVector r = switch (op) {
                case ADD -> av.add(bv);
                case SUB -> av.sub(bv);
                case MUL -> av.mul(bv);
                case DIV -> av.div(bv);
                case POW -> av.lanewise(VectorOperators.POW, bv);
                case MAXIMUM -> av.max(bv);
                case MINIMUM -> av.min(bv);
                case EQ -> mask(av.compare(VectorOperators.EQ, bv));
                case NE -> mask(av.compare(VectorOperators.NE, bv));
                case LT -> mask(av.compare(VectorOperators.LT, bv));
                case LE -> mask(av.compare(VectorOperators.LE, bv));
                case GT -> mask(av.compare(VectorOperators.GT, bv));
                case GE -> mask(av.compare(VectorOperators.GE, bv));
            };
            r.intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = (float) op.apply(a[ao + i * as], b[bo + i * bs]);
    }

    private static FloatVector mask(VectorMask<Float> m) {
        return FloatVector.zero(S).blend(1f, m);
    }

    /**
     * Sums blocks of 1024 floats in four independent vector accumulators (16 additions per lane
     * per block, so float rounding stays near one ulp), then adds each block's total in double.
     */
    static double sum(float[] x, int o, int n) {
        double total = 0;
        int i = 0;
        while (i < n) {
            int end = Math.min(n, i + 1024);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (; i + 4 * L <= end; i += 4 * L) {
                a0 = a0.add(FloatVector.fromArray(S, x, o + i));
                a1 = a1.add(FloatVector.fromArray(S, x, o + i + L));
                a2 = a2.add(FloatVector.fromArray(S, x, o + i + 2 * L));
                a3 = a3.add(FloatVector.fromArray(S, x, o + i + 3 * L));
            }
            for (; i + L <= end; i += L) a0 = a0.add(FloatVector.fromArray(S, x, o + i));
            double block = sumLanes(a0.add(a1).add(a2.add(a3)));
            for (; i < end; i++) block += x[o + i];
            total += block;
        }
        return total;
    }

    /**
     * Sum of the lanes in a fixed butterfly order. {@code reduceLanes(ADD)} leaves the order
     * unspecified, and in practice the interpreter and the JIT-compiled code add in different
     * orders, so a run's results would depend on when a method got compiled.
     */
    static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> partner : BUTTERFLY) v = v.add(v.rearrange(partner));
        return v.lane(0);
    }
}
