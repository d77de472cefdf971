package jgrad.core;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RngTest {
    @Test
    void shuffleIsASeededPermutationInTheSameOrderForIntsAndFloats() {
        int n = 50;
        int[] a = new int[n];
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
            f[i] = i;
        }
        new Rng(7).shuffle(a);
        new Rng(7).shuffle(f);
        int[] again = new int[n];
        for (int i = 0; i < n; i++) again[i] = i;
        new Rng(7).shuffle(again);
        assertArrayEquals(a, again, "same seed, same order");
        for (int i = 0; i < n; i++) assertArrayEquals(new float[]{a[i]}, new float[]{f[i]}, "float order at " + i);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) identity[i] = i;
        assertArrayEquals(identity, sorted, "a permutation");
        assertFalse(Arrays.equals(identity, a), "not left in order");
        // two elements: one draw of nextInt(2) decides whether they swap
        int[] two = {0, 1};
        Rng r = new Rng(3);
        int j = new Rng(3).nextInt(2);
        r.shuffle(two);
        assertArrayEquals(j == 1 ? new int[]{0, 1} : new int[]{1, 0}, two);
    }
}
