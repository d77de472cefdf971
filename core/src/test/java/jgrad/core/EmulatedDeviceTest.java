package jgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The device contract on the emulated device, plus the bookkeeping only it can observe. */
class EmulatedDeviceTest extends DeviceContract {
    @Override
    protected Device device() {
        return EmulatedBackend.DEVICE;
    }

    @Test
    void aTrainingStepInAScopeLeavesNoDeviceMemoryBehind() {
        Tensor w = randn(8, 4).to(device()).requiresGrad(true);
        Tensor x = randn(16, 8).to(device());
        int before = EmulatedBackend.LIVE.get();
        for (int step = 0; step < 50; step++) {
            try (var scope = MemoryScope.open()) {
                Tensor loss = x.matmul(w).relu().square().mean();
                loss.backward();
                assertTrue(Float.isFinite(loss.item()));
                w.zeroGrad();
            }
            assertEquals(before, EmulatedBackend.LIVE.get(), "device buffers after step " + step);
        }
    }

    @Test
    void persistentScopeKeepsItsAllocations() {
        int before = EmulatedBackend.LIVE.get();
        Tensor state;
        try (var outer = MemoryScope.open()) {
            try (var p = MemoryScope.persistent()) {
                state = Tensor.zeros(device(), 4);
            }
        }
        assertEquals(before + 1, EmulatedBackend.LIVE.get());
        try (var scope = MemoryScope.open()) {
            assertEquals(0f, state.sum().item());
        }
        state.release();
        assertEquals(before, EmulatedBackend.LIVE.get());
    }

    @Test
    void scopesMustCloseInnermostFirst() {
        var outer = MemoryScope.open();
        var inner = MemoryScope.open();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
    }

    @Test
    void unknownDevicesExplainThemselves() {
        var e = assertThrows(UnsupportedOperationException.class, () -> Device.parse("tpu"));
        assertTrue(e.getMessage().contains("no tpu backend"), e.getMessage());
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(new Device("emu", 0), Device.parse("emu:0"));
    }

    @Test
    void gradientsOutliveTheScopeAndAccumulateAcrossScopes() {
        Tensor wc = randn(4, 3).requiresGrad(true);
        Tensor wd = wc.detach().to(device()).requiresGrad(true);
        Tensor x = randn(5, 4);
        for (int micro = 0; micro < 2; micro++) {
            x.matmul(wc).tanh().sum().backward();
            try (var scope = MemoryScope.open()) {
                x.to(device()).matmul(wd).tanh().sum().backward();
            }
        }
        assertClose("accumulated over two scopes", wc.grad().toArray(), wd.grad().toArray());
        int live = EmulatedBackend.LIVE.get();
        wd.zeroGrad();
        assertEquals(live - 1, EmulatedBackend.LIVE.get(), "zeroGrad frees the gradient backward allocated");
        wd.release();
    }

    @Test
    void aTransposedDeviceGradientAccumulatesInPlace() {
        Tensor wc = randn(3, 4).requiresGrad(true), wd = wc.detach().to(device()).requiresGrad(true);
        Tensor g0 = randn(4, 3);
        wc.setGrad(g0.transpose(0, 1));
        wd.setGrad(g0.to(device()).transpose(0, 1));
        wc.exp().sum().backward();
        try (var scope = MemoryScope.open()) {
            wd.exp().sum().backward();
        }
        assertClose("g0ᵀ + exp(w)", wc.grad().toArray(), wd.grad().toArray());
        var e = assertThrows(IllegalArgumentException.class, () -> wd.setGrad(Tensor.zeros(3, 4)));
        assertTrue(e.getMessage().contains("cpu"), e.getMessage());
    }

    @Test
    void readingAStridedDeviceTensorLeavesNoBufferBehind() {
        Tensor d;
        try (var keep = MemoryScope.persistent()) {
            d = randn(6, 7).to(device());
        }
        int live = EmulatedBackend.LIVE.get();
        for (int i = 0; i < 5; i++) {
            d.transpose(0, 1).toArray();
            d.transpose(0, 1).to(Device.CPU);
        }
        assertEquals(live, EmulatedBackend.LIVE.get());
        Tensor host = Tensor.zeros(7, 6);
        Elementwise.copyInto(host, d.transpose(0, 1));
        assertArrayEquals(d.transpose(0, 1).toArray(), host.toArray(), "device source into host memory");
        d.release();
    }
}
