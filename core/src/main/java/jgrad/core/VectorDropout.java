package jgrad.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API body of {@link Dropout}'s mask: the same counter-based SplitMix64 hash, one element
 * per 64-bit lane (the 64-bit lane multiply is native with AVX-512). Used only when
 * {@link jgrad.core.cpu.Simd#VECTOR} is true; the scalar loop in {@link Dropout} is the reference.
 */
final class VectorDropout {
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    /** Float lanes matching the long lanes one to one (half the bits). */
    private static final VectorSpecies<Float> FS = VectorSpecies.of(float.class, VectorShape.forBitSize(LS.vectorBitSize() / 2));
    private static final int L = LS.length();

    private VectorDropout() {}

    /** md[i] = scale if bits(i) ≥ t else 0, for i in [from, to); bits(i) = mix(seed + (i + 1)·γ) >>> 40. */
    static void mask(long seed, long golden, long t, float scale, float[] md, int from, int to) {
        LongVector lane = LongVector.zero(LS).addIndex(1).mul(golden); // lane·γ
        LongVector step = LongVector.broadcast(LS, L * golden);
        LongVector z0 = lane.add(seed + (from + 1L) * golden);
        FloatVector keepV = FloatVector.broadcast(FS, scale), zero = FloatVector.zero(FS);
        int i = from;
        int bound = from + (to - from) / L * L;
        for (; i < bound; i += L) {
            LongVector z = z0;
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            VectorMask<Long> keep = z.lanewise(VectorOperators.LSHR, 40).compare(VectorOperators.GE, t);
            zero.blend(keepV, keep.cast(FS)).intoArray(md, i);
            z0 = z0.add(step);
        }
        for (; i < to; i++) {
            long b = Dropout.mix(seed + (i + 1L) * golden) >>> 40;
            md[i] = scale * ((t - 1 - b) >>> 63);
        }
    }
}
