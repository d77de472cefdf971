package jgrad.nn;

import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GradClipTest {
    @Test
    void clipsByJointNorm() {
        Tensor a = Tensor.zeros(2).requiresGrad(true), b = Tensor.zeros(1).requiresGrad(true), c = Tensor.zeros(1).requiresGrad(true);
        a.setGrad(Tensor.of(new float[]{3, 0}, 2));
        b.setGrad(Tensor.of(new float[]{4}, 1));
        // joint norm √(9 + 16) = 5; scale 1/(5 + 1e-6)
        assertEquals(5.0, GradClip.clipNorm(List.of(a, b, c), 1.0), 1e-12);
        assertArrayEquals(new float[]{0.6f, 0}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[]{0.8f}, b.grad().toArray(), 1e-6f);
        assertNull(c.grad());
        // below the limit: unchanged
        assertEquals(1.0, GradClip.clipNorm(List.of(a, b), 2.0), 1e-5);
        assertArrayEquals(new float[]{0.6f, 0}, a.grad().toArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipNorm(List.of(a), 0));
    }

    @Test
    void clipsByValue() {
        Tensor a = Tensor.zeros(3).requiresGrad(true);
        a.setGrad(Tensor.of(new float[]{-5, 0.2f, 7}, 3));
        GradClip.clipValue(List.of(a), 1);
        assertArrayEquals(new float[]{-1, 0.2f, 1}, a.grad().toArray());
    }
}
