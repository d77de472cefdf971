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
}
