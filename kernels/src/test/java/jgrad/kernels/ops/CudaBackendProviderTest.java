package jgrad.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import jgrad.core.Device;
import jgrad.core.spi.Backends;
import jgrad.kernels.cuda.Cuda;
import org.junit.jupiter.api.Test;

/** The provider is found through the service file and explains why CUDA is unusable (CPU machines). */
class CudaBackendProviderTest {
    @Test
    void providerIsRegisteredAndAgreesWithTheProbe() {
        CudaBackendProvider p = new CudaBackendProvider();
        assertEquals("cuda", p.type());
        assertEquals(Cuda.available(), Backends.available("cuda"));
        assertEquals(Cuda.available(), p.unavailableReason() == null);
    }

    @Test
    void withoutAGpuTheReasonReachesTheUser() {
        assumeFalse(Cuda.available(), "a GPU is present");
        String reason = Backends.unavailableReason("cuda");
        assertNotNull(reason);
        assertEquals(Cuda.unavailableReason(), reason);
        var e = assertThrows(UnsupportedOperationException.class, Device::cuda);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
