package jgrad.core;

/**
 * A small seeded random generator (SplitMix64) whose whole state is one {@code long}, so a
 * training run can save and restore it exactly. Not for cryptography.
 */
public final class Rng {
    private static final Rng GLOBAL = new Rng(0x5eed);
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The process-wide generator used when an op is given none. */
    public static Rng global() {
        return GLOBAL;
    }

    /** Reseeds the process-wide generator, as {@code torch.manual_seed}. */
    public static void manualSeed(long seed) {
        GLOBAL.setState(seed);
    }

    public synchronized long state() {
        return state;
    }

    public synchronized void setState(long s) {
        state = s;
    }

    public synchronized long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("Rng.nextInt: bound must be positive, got " + bound);
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** Shuffles {@code a} in place (Fisher–Yates, from the last element down). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Shuffles {@code a} in place, in the same order as {@link #shuffle(int[])}. */
    public void shuffle(float[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Standard normal (Box–Muller). */
    public double nextGaussian() {
        double u1 = nextDouble(), u2 = nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A new generator seeded from this one: independent streams for workers. */
    public Rng fork() {
        return new Rng(nextLong());
    }
}
