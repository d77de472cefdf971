package jgrad.examples.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SplitTest {
    @Test
    void disjointCompleteAndDeterministic() {
        Split s = Split.of(100, 0.3, 42);
        assertEquals(70, s.train().length);
        assertEquals(30, s.validation().length);
        Set<Integer> seen = new HashSet<>();
        for (int i : s.train()) assertTrue(seen.add(i));
        for (int i : s.validation()) assertTrue(seen.add(i), "index " + i + " is in both parts");
        assertEquals(100, seen.size());
        Split again = Split.of(100, 0.3, 42);
        assertArrayEquals(s.train(), again.train());
        assertArrayEquals(s.validation(), again.validation());
        assertFalse(Arrays.equals(s.validation(), Split.of(100, 0.3, 43).validation()), "the seed should matter");
    }

    @Test
    void groupedSplitKeepsBackgroundsWhole() {
        int[] group = {0, 0, 0, 1, 1, 2, 2, 2, 2, 3};
        Split s = Split.grouped(group, 0.5, 3);
        assertEquals(10, s.train().length + s.validation().length);
        Set<Integer> trainGroups = new HashSet<>(), valGroups = new HashSet<>();
        for (int i : s.train()) trainGroups.add(group[i]);
        for (int i : s.validation()) valGroups.add(group[i]);
        assertEquals(2, trainGroups.size());
        assertEquals(2, valGroups.size());
        trainGroups.retainAll(valGroups);
        assertTrue(trainGroups.isEmpty(), "a background in both parts: " + trainGroups);
        assertArrayEquals(s.validation(), Split.grouped(group, 0.5, 3).validation());
    }

    @Test
    void edgeFractionsAndBadInput() {
        assertEquals(0, Split.of(10, 0, 1).validation().length);
        assertEquals(10, Split.of(10, 1, 1).validation().length);
        assertEquals(2, Split.of(10, 0.25, 1).validation().length); // round(7.5) = 8 train, 2 validate
        var e = assertThrows(IllegalArgumentException.class, () -> Split.of(10, 1.5, 1));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }
}
