package jgrad.examples.data;

import java.util.Arrays;

import jgrad.core.Rng;

/**
 * A disjoint train / validation split of sample indices 0..n−1: a seeded Fisher–Yates shuffle,
 * then the first round(n·(1 − valFraction)) shuffled indices train and the rest validate (seed A:
 * 70/30 after a seeded shuffle). Both lists are returned sorted. Seed B drew its test set from its
 * training set; this split never shares an index.
 */
public record Split(int[] train, int[] validation) {
    public static Split of(int n, double valFraction, long seed) {
        if (n < 0) throw new IllegalArgumentException("Split.of: n must be >= 0, got " + n);
        if (!(valFraction >= 0 && valFraction <= 1)) {
            throw new IllegalArgumentException("Split.of: validation fraction must be in [0, 1], got " + valFraction);
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Rng rng = new Rng(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = idx[i]; idx[i] = idx[j]; idx[j] = t;
        }
        int nTrain = (int) Math.round(n * (1 - valFraction));
        int[] train = Arrays.copyOfRange(idx, 0, nTrain), val = Arrays.copyOfRange(idx, nTrain, n);
        Arrays.sort(train);
        Arrays.sort(val);
        return new Split(train, val);
    }
}
