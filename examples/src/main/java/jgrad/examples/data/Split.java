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
        new Rng(seed).shuffle(idx);
        int nTrain = (int) Math.round(n * (1 - valFraction));
        int[] train = Arrays.copyOfRange(idx, 0, nTrain), val = Arrays.copyOfRange(idx, nTrain, n);
        Arrays.sort(train);
        Arrays.sort(val);
        return new Split(train, val);
    }

    /**
     * A split that keeps groups whole: group[i] is sample i's group (e.g. its background, see
     * {@link DatasetIndex#backgroundGroups()}); the groups are split as {@link #of} splits indices,
     * and every sample follows its group. No background then appears in both parts, which the
     * seeds' per-image split allowed.
     */
    public static Split grouped(int[] group, double valFraction, long seed) {
        int nGroups = 0;
        for (int g : group) {
            if (g < 0) throw new IllegalArgumentException("Split.grouped: group ids must be >= 0, got " + g);
            nGroups = Math.max(nGroups, g + 1);
        }
        Split byGroup = of(nGroups, valFraction, seed);
        boolean[] isVal = new boolean[nGroups];
        for (int g : byGroup.validation()) isVal[g] = true;
        int nVal = 0;
        for (int g : group) if (isVal[g]) nVal++;
        int[] train = new int[group.length - nVal], val = new int[nVal];
        int t = 0, v = 0;
        for (int i = 0; i < group.length; i++) {
            if (isVal[group[i]]) val[v++] = i;
            else train[t++] = i;
        }
        return new Split(train, val);
    }
}
