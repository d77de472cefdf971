package jgrad.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LossBenchShapeTest {
    @Test
    void readsFourPositiveSizes() {
        assertArrayEquals(new int[]{128, 1, 96, 96}, LossBench.parseShape("128x1x96x96"));
        assertArrayEquals(new int[]{64, 1, 512, 512}, LossBench.parseShape("64x1x512x512"));
    }

    @Test
    void aMalformedShapeIsNamedInTheError() {
        for (String bad : new String[]{"128x96x96", "128x1x96x96x1", "128x1x96xa", "0x1x96x96", "-1x1x2x2", "", "128x1x96x"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> LossBench.parseShape(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("NxCxHxW"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> LossBench.parseShape("65536x1x256x256"));
        assertTrue(e.getMessage().contains("more elements than a Java array holds"), e.getMessage());
    }
}
