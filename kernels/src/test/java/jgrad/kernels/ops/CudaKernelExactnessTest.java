package jgrad.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jgrad.core.Device;
import jgrad.core.Functional;
import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.core.spi.Backend;
import jgrad.core.spi.Backends;
import jgrad.kernels.cuda.Cuda;
import jgrad.kernels.ffm.Cublas;
import jgrad.kernels.ffm.Cudnn;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the GPU must reproduce exactly: the optimizer updates (explicitly rounded float
 * arithmetic, bit for bit the formulas of the Backend javadoc), and repeatability: the same
 * reduction, pooling/resampling/padding gradient and cuDNN backward twice give identical bits.
 */
@Tag("cuda")
class CudaKernelExactnessTest {
    private final Rng rng = new Rng(3);

    @BeforeEach
    void needsGpu() {
        assumeTrue(Cuda.available(), Cuda.unavailableReason());
        // convolutions and matmul need the libraries too: without them, skip with their reason rather than fail
        assumeTrue(Cudnn.available(), Cudnn::unavailableReason);
        assumeTrue(Cublas.available(), Cublas::unavailableReason);
    }

    private float[] randn(int n) {
        return Tensor.randn(rng, n).toArray();
    }

    @Test
    void sgdMatchesTheFloatFormulaBitForBit() {
        Device gpu = Device.cuda();
        Backend backend = Backends.of(gpu);
        int n = 1000;
        for (int variant = 0; variant < 3; variant++) {
            float[] p = randn(n), g = randn(n), b = randn(n);
            float lr = 0.05f, momentum = 0.9f, keep = 0.75f, wd = 1e-3f;
            boolean withBuffer = variant > 0, nesterov = variant == 2, first = false;
            try (var scope = MemoryScope.open()) {
                Tensor pd = Tensor.wrap(p.clone(), n).to(gpu), gd = Tensor.wrap(g, n).to(gpu);
                Tensor bd = withBuffer ? Tensor.wrap(b.clone(), n).to(gpu) : null;
                backend.sgdStep(pd, gd, bd, lr, momentum, keep, wd, nesterov, first);
                for (int i = 0; i < n; i++) {
                    float d = g[i] + wd * p[i];
                    if (!withBuffer) {
                        p[i] -= lr * d;
                    } else {
                        b[i] = momentum * b[i] + keep * d;
                        p[i] -= lr * (nesterov ? d + momentum * b[i] : b[i]);
                    }
                }
                assertArrayEquals(p, pd.toArray(), "parameters, variant " + variant);
                if (withBuffer) assertArrayEquals(b, bd.toArray(), "momentum buffer, variant " + variant);
            }
        }
    }

    @Test
    void adamMatchesTheFloatFormulaBitForBit() {
        Device gpu = Device.cuda();
        Backend backend = Backends.of(gpu);
        int n = 1000;
        for (boolean amsgrad : new boolean[]{false, true}) {
            float[] p = randn(n), g = randn(n), m = randn(n), v = Tensor.rand(rng, n).toArray(), vmax = Tensor.rand(rng, n).toArray();
            float decay = 0.999f, l2 = 1e-2f, b1 = 0.9f, b2 = 0.999f, c1 = 0.1f, c2 = 0.001f, step = 1e-3f, sqrtBc2 = 0.05f,
                    eps = 1e-8f;
            try (var scope = MemoryScope.open()) {
                Tensor pd = Tensor.wrap(p.clone(), n).to(gpu), gd = Tensor.wrap(g, n).to(gpu);
                Tensor md = Tensor.wrap(m.clone(), n).to(gpu), vd = Tensor.wrap(v.clone(), n).to(gpu);
                Tensor xd = amsgrad ? Tensor.wrap(vmax.clone(), n).to(gpu) : null;
                backend.adamStep(pd, gd, md, vd, xd, decay, l2, b1, b2, c1, c2, step, sqrtBc2, eps);
                for (int i = 0; i < n; i++) {
                    float pi = p[i] * decay;
                    float gi = g[i] + l2 * pi;
                    m[i] = b1 * m[i] + c1 * gi;
                    v[i] = b2 * v[i] + c2 * gi * gi;
                    float vi = v[i];
                    if (amsgrad) {
                        vi = Math.max(vmax[i], vi);
                        vmax[i] = vi;
                    }
                    p[i] = pi - step * m[i] / ((float) Math.sqrt(vi) / sqrtBc2 + eps);
                }
                assertArrayEquals(p, pd.toArray(), "parameters, amsgrad " + amsgrad);
                assertArrayEquals(m, md.toArray(), "first moment");
                assertArrayEquals(v, vd.toArray(), "second moment");
                if (amsgrad) assertArrayEquals(vmax, xd.toArray(), "running max of the second moment");
            }
        }
    }

    /** The gradient of x through f, computed on the GPU. */
    private static float[] gradient(Tensor xCpu, java.util.function.Function<Tensor, Tensor> f) {
        try (var scope = MemoryScope.open()) {
            Tensor x = xCpu.to(Device.cuda()).requiresGrad(true);
            Tensor y = f.apply(x);
            y.mul(Tensor.rand(new Rng(5), y.dims()).to(Device.cuda())).sum().backward();
            return x.grad().toArray();
        }
    }

    @Test
    void gradientsAndSumsAreBitwiseRepeatable() {
        Tensor x = Tensor.randn(rng, 2, 4, 33, 31);
        Tensor w = Tensor.randn(rng, 6, 4, 3, 3);
        java.util.List<java.util.function.Function<Tensor, Tensor>> ops = java.util.List.of(
                t -> t.sum(),
                t -> t.sum(new int[]{0, 2, 3}, false),
                t -> Functional.maxPool2d(t, 3, 2, 1),
                t -> Functional.avgPool2d(t, 3, 1, 1),
                t -> Functional.upsampleBilinear(t, 50, 20, false),
                t -> Functional.upsampleNearest(t, 70, 45),
                t -> Functional.pad(t, new int[]{3, 2, 1, 4}, Functional.PadMode.REFLECT),
                t -> Functional.batchNorm(t, null, null, null, null, true, 0.1, 1e-5),
                t -> Functional.conv2d(t, w.to(t.device()), null, 1, 1));
        for (int i = 0; i < ops.size(); i++) {
            float[] first = gradient(x, ops.get(i)), second = gradient(x, ops.get(i));
            assertArrayEquals(first, second, "op " + i + " is not bitwise repeatable");
        }
        try (var scope = MemoryScope.open()) {
            Tensor big = Tensor.randn(rng, 3_000_001).to(Device.cuda());
            assertEquals(Float.floatToIntBits(big.sum().item()), Float.floatToIntBits(big.sum().item()), "sum of 3M floats");
        }
    }
}
