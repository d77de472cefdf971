package jgrad.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API microkernel of {@link Gemm}: an {@value Gemm#MR}×NR tile of C, NR being two
 * vectors of the preferred species (32 floats with AVX-512), held in 16 vector registers while
 * kc rank-1 updates stream through: per step two vector loads of the packed B panel, MR scalar
 * broadcasts of the packed A panel and 2·MR fused multiply-adds. Also the 4×4 dot-product block
 * behind {@link Gemm#dotRows} and the panel copy behind {@link Gemm#gatherPanel}. Loaded only
 * when the incubator module is present.
 *
 * <p>Every vector stays a local inside one method: passing a vector to a helper that is not
 * inlined makes the JIT box it, which cost a factor of eight here.
 */
final class VectorGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int NR = 2 * L;

    private VectorGemm() {}

    /**
     * C[co + i·ldc + j] (+)= Σ_p ap[ao + p·MR + i] · bp[bo + p·NR + j] for i &lt; MR, j &lt; NR;
     * stores when {@code add} is false.
     */
    static void kernel(float[] ap, int ao, float[] bp, int bo, int kc, float[] c, int co, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ao + 0]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
            ao += 8;
            bo += NR;
        }
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, c, co + 0 * ldc));
            c01 = c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + L));
            c10 = c10.add(FloatVector.fromArray(S, c, co + 1 * ldc));
            c11 = c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, co + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, co + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + L));
            c40 = c40.add(FloatVector.fromArray(S, c, co + 4 * ldc));
            c41 = c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + L));
            c50 = c50.add(FloatVector.fromArray(S, c, co + 5 * ldc));
            c51 = c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + L));
            c60 = c60.add(FloatVector.fromArray(S, c, co + 6 * ldc));
            c61 = c61.add(FloatVector.fromArray(S, c, co + 6 * ldc + L));
            c70 = c70.add(FloatVector.fromArray(S, c, co + 7 * ldc));
            c71 = c71.add(FloatVector.fromArray(S, c, co + 7 * ldc + L));
        }
        c00.intoArray(c, co + 0 * ldc);
        c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc);
        c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + L);
    }

    /**
     * out[o + i·ldo + j] += Σ_(q &lt; len) a[a_i + q] · b[b_j + q] for i &lt; mi, j &lt; nj (at most
     * 4 each; all four row offsets must be readable for len floats). A 4×4 block of dot products
     * along contiguous rows: 16 vector accumulators, 8 loads per 16 FMAs, one lane reduction each.
     */
    static void dot4x4(float[] a, int a0, int a1, int a2, int a3, float[] b, int b0, int b1, int b2, int b3,
                       int len, float[] out, int o, int ldo, int mi, int nj) {
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s02 = FloatVector.zero(S);
        FloatVector s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        FloatVector s12 = FloatVector.zero(S);
        FloatVector s13 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S);
        FloatVector s21 = FloatVector.zero(S);
        FloatVector s22 = FloatVector.zero(S);
        FloatVector s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S);
        FloatVector s31 = FloatVector.zero(S);
        FloatVector s32 = FloatVector.zero(S);
        FloatVector s33 = FloatVector.zero(S);
        int q = 0;
        for (int bound = S.loopBound(len); q < bound; q += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + q);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + q);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + q);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + q);
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + q);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + q);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + q);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + q);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            s02 = x0.fma(y2, s02);
            s03 = x0.fma(y3, s03);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
            s12 = x1.fma(y2, s12);
            s13 = x1.fma(y3, s13);
            s20 = x2.fma(y0, s20);
            s21 = x2.fma(y1, s21);
            s22 = x2.fma(y2, s22);
            s23 = x2.fma(y3, s23);
            s30 = x3.fma(y0, s30);
            s31 = x3.fma(y1, s31);
            s32 = x3.fma(y2, s32);
            s33 = x3.fma(y3, s33);
        }
        if (q < len) {
            VectorMask<Float> m = S.indexInRange(q, len);
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + q, m);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + q, m);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + q, m);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + q, m);
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + q, m);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + q, m);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + q, m);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + q, m);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            s02 = x0.fma(y2, s02);
            s03 = x0.fma(y3, s03);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
            s12 = x1.fma(y2, s12);
            s13 = x1.fma(y3, s13);
            s20 = x2.fma(y0, s20);
            s21 = x2.fma(y1, s21);
            s22 = x2.fma(y2, s22);
            s23 = x2.fma(y3, s23);
            s30 = x3.fma(y0, s30);
            s31 = x3.fma(y1, s31);
            s32 = x3.fma(y2, s32);
            s33 = x3.fma(y3, s33);
        }
        if (0 < mi && 0 < nj) out[o + 0 * ldo + 0] += VectorSimd.sumLanes(s00);
        if (0 < mi && 1 < nj) out[o + 0 * ldo + 1] += VectorSimd.sumLanes(s01);
        if (0 < mi && 2 < nj) out[o + 0 * ldo + 2] += VectorSimd.sumLanes(s02);
        if (0 < mi && 3 < nj) out[o + 0 * ldo + 3] += VectorSimd.sumLanes(s03);
        if (1 < mi && 0 < nj) out[o + 1 * ldo + 0] += VectorSimd.sumLanes(s10);
        if (1 < mi && 1 < nj) out[o + 1 * ldo + 1] += VectorSimd.sumLanes(s11);
        if (1 < mi && 2 < nj) out[o + 1 * ldo + 2] += VectorSimd.sumLanes(s12);
        if (1 < mi && 3 < nj) out[o + 1 * ldo + 3] += VectorSimd.sumLanes(s13);
        if (2 < mi && 0 < nj) out[o + 2 * ldo + 0] += VectorSimd.sumLanes(s20);
        if (2 < mi && 1 < nj) out[o + 2 * ldo + 1] += VectorSimd.sumLanes(s21);
        if (2 < mi && 2 < nj) out[o + 2 * ldo + 2] += VectorSimd.sumLanes(s22);
        if (2 < mi && 3 < nj) out[o + 2 * ldo + 3] += VectorSimd.sumLanes(s23);
        if (3 < mi && 0 < nj) out[o + 3 * ldo + 0] += VectorSimd.sumLanes(s30);
        if (3 < mi && 1 < nj) out[o + 3 * ldo + 1] += VectorSimd.sumLanes(s31);
        if (3 < mi && 2 < nj) out[o + 3 * ldo + 2] += VectorSimd.sumLanes(s32);
        if (3 < mi && 3 < nj) out[o + 3 * ldo + 3] += VectorSimd.sumLanes(s33);
    }

    /** dst[dOff + k·NR + j] = src[rowOff[k0 + k] + add + j] for k &lt; kc, j &lt; NR: one full B panel. */
    static void gatherPanel(float[] src, int[] rowOff, int k0, int kc, int add, float[] dst, int dOff) {
        for (int k = 0; k < kc; k++, dOff += NR) {
            int o = rowOff[k0 + k] + add;
            FloatVector.fromArray(S, src, o).intoArray(dst, dOff);
            FloatVector.fromArray(S, src, o + L).intoArray(dst, dOff + L);
        }
    }
}
