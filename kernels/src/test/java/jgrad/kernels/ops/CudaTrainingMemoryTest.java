package jgrad.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jgrad.core.Device;
import jgrad.core.Functional;
import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.core.UnreachableBuffers;
import jgrad.core.spi.Backend;
import jgrad.core.spi.Backends;
import jgrad.kernels.cuda.Cuda;
import jgrad.kernels.ffm.Cublas;
import jgrad.kernels.ffm.Cudnn;
import jgrad.kernels.cuda.DeviceAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A small conv net trained with SGD on the GPU, each step inside a {@link MemoryScope}: after a
 * warm-up step the caching allocator must serve every request from its cache (no new device
 * allocations), the reserved memory must stay flat and no buffer may outlive its step.
 */
@Tag("cuda")
class CudaTrainingMemoryTest {
    @BeforeEach
    void needsGpu() {
        assumeTrue(Cuda.available(), Cuda.unavailableReason());
        // convolutions and matmul need the libraries too: without them, skip with their reason rather than fail
        assumeTrue(Cudnn.available(), Cudnn::unavailableReason);
        assumeTrue(Cublas.available(), Cublas::unavailableReason);
    }

    @Test
    void trainingStepsInAScopeKeepDeviceMemoryFlat() {
        Device gpu = Device.cuda();
        Backend backend = Backends.of(gpu);
        DeviceAllocator allocator = Cuda.context().allocator();
        Rng rng = new Rng(11);
        Tensor w1 = Tensor.randn(rng, 8, 3, 3, 3).mul(0.2f).to(gpu).requiresGrad(true);
        Tensor b1 = Tensor.zeros(8).to(gpu).requiresGrad(true);
        Tensor w2 = Tensor.randn(rng, 1, 8, 3, 3).mul(0.2f).to(gpu).requiresGrad(true);
        Tensor x = Tensor.randn(rng, 4, 3, 16, 16).to(gpu);
        Tensor target = Tensor.rand(rng, 4, 1, 16, 16).to(gpu);
        Tensor[] params = {w1, b1, w2};
        // the allocator is shared with every test before this one: their unclosed, unreachable
        // buffers must go back now, not during the steps below, where they would shift the figures
        UnreachableBuffers.settle(allocator::openBuffers);

        DeviceAllocator.Stats warm = null;
        float first = Float.NaN, last = Float.NaN;
        for (int step = 0; step < 60; step++) {
            try (var scope = MemoryScope.open()) {
                Tensor h = Functional.conv2d(x, w1, b1, 1, 1).relu();
                h = Functional.maxPool2d(h, 2, 2, 0);
                h = Functional.upsampleBilinear(h, 16, 16, false);
                Tensor y = Functional.conv2d(h, w2, null, 1, 1).sigmoid();
                Tensor loss = y.sub(target).square().mean();
                loss.backward();
                for (Tensor p : params) {
                    backend.sgdStep(p, p.grad(), null, 0.5f, 0f, 1f, 0f, false, false);
                    p.zeroGrad();
                }
                last = loss.item();
                if (step == 0) first = last;
            }
            DeviceAllocator.Stats s = allocator.stats();
            if (step == 1) warm = s;
            if (step > 1) {
                assertEquals(warm.allocatedBytes(), s.allocatedBytes(), "bytes held by open buffers after step " + step);
                assertEquals(warm.reservedBytes(), s.reservedBytes(), "bytes reserved from the device after step " + step);
                assertEquals(warm.mallocCount(), s.mallocCount(), "device allocations after step " + step);
            }
        }
        assertTrue(last < first, "the loss should fall under SGD: " + first + " → " + last);
        for (Tensor p : params) p.release();
        x.release();
        target.release();
    }
}
