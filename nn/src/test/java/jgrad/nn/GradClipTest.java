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

    private static List<Tensor> params(jgrad.core.Device device, float[] ga, float[] gb) {
        Tensor a = Tensor.zeros(ga.length).requiresGrad(true), b = Tensor.zeros(gb.length).requiresGrad(true);
        a.setGrad(Tensor.of(ga, ga.length));
        b.setGrad(Tensor.of(gb, gb.length));
        a.moveTo(device);
        b.moveTo(device);
        return List.of(a, b);
    }

    @Test
    void clipsByTheNormTypesOfPyTorch() {
        for (var device : List.of(jgrad.core.Device.CPU, jgrad.core.EmulatedBackend.DEVICE)) {
            // norm_type=inf: the largest |g| = 12, scale 6 / (12 + 1e-6)
            List<Tensor> p = params(device, new float[]{3, -4}, new float[]{12});
            assertEquals(12.0, GradClip.clipNorm(p, 6, Double.POSITIVE_INFINITY, false), 1e-6, device.toString());
            assertArrayEquals(new float[]{1.5f, -2}, p.get(0).grad().toArray(), 1e-5f);
            assertArrayEquals(new float[]{6}, p.get(1).grad().toArray(), 1e-5f);
            assertEquals(device, p.get(0).grad().device());
            // norm_type=1: Σ|g| = 19; norm_type=3: (27 + 64 + 1728)^(1/3)
            p = params(device, new float[]{3, -4}, new float[]{12});
            assertEquals(19.0, GradClip.clipNorm(p, 100, 1, false), 1e-5);
            assertArrayEquals(new float[]{3, -4}, p.get(0).grad().toArray(), "under the limit: unchanged");
            double n3 = Math.cbrt(27 + 64 + 1728);
            assertEquals(n3, GradClip.clipNorm(p, 1, 3, false), 1e-4);
            assertArrayEquals(new float[]{(float) (12 / n3)}, p.get(1).grad().toArray(), 1e-5f);
            // 2 is the two-argument form
            p = params(device, new float[]{3, -4}, new float[]{12});
            assertEquals(13.0, GradClip.clipNorm(p, 26, 2, false), 1e-5);
        }
        List<Tensor> p = params(jgrad.core.Device.CPU, new float[]{1}, new float[]{1});
        for (double bad : new double[]{0, -2, Double.NaN, Double.NEGATIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipNorm(p, 1, bad, false));
            assertTrue(e.getMessage().contains("normType") && e.getMessage().contains(Double.toString(bad)), e.getMessage());
        }
    }

    @Test
    void aNonFiniteNormIsRefusedOnRequestAndLeavesTheGradients() {
        List<Tensor> p = params(jgrad.core.Device.CPU, new float[]{3, Float.NaN}, new float[]{12});
        var e = assertThrows(IllegalStateException.class, () -> GradClip.clipNorm(p, 1, 2, true));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        assertArrayEquals(new float[]{12}, p.get(1).grad().toArray());
        List<Tensor> q = params(jgrad.core.Device.CPU, new float[]{Float.POSITIVE_INFINITY}, new float[]{12});
        assertThrows(IllegalStateException.class, () -> GradClip.clipNorm(q, 1, Double.POSITIVE_INFINITY, true));
        assertEquals(Double.POSITIVE_INFINITY, GradClip.clipNorm(q, 1, Double.POSITIVE_INFINITY, false));
    }

    @Test
    void clipsByValue() {
        Tensor a = Tensor.zeros(3).requiresGrad(true);
        a.setGrad(Tensor.of(new float[]{-5, 0.2f, 7}, 3));
        GradClip.clipValue(List.of(a), 1);
        assertArrayEquals(new float[]{-1, 0.2f, 1}, a.grad().toArray());
    }
}
