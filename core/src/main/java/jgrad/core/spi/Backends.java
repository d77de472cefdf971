package jgrad.core.spi;

import jgrad.core.Device;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the {@link Backend} of a device through the {@link BackendProvider}s on the class path. */
public final class Backends {
    private static final Map<Device, Backend> OPEN = new ConcurrentHashMap<>();

    private Backends() {}

    private static BackendProvider provider(String type) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.type().equals(type)) return p;
        }
        return null;
    }

    /** True when a provider for the type is present and reports no reason it cannot be used. */
    public static boolean available(String type) {
        BackendProvider p = provider(type);
        return p != null && p.unavailableReason() == null;
    }

    /** Why devices of this type cannot be used, or null when they can. */
    public static String unavailableReason(String type) {
        BackendProvider p = provider(type);
        if (p == null) {
            return "no " + type + " backend is on the class path"
                    + (type.equals("cuda") ? " (add the jgrad-kernels module and run on a machine with an NVIDIA GPU and driver)" : "");
        }
        return p.unavailableReason();
    }

    /** The backend of a non-CPU device, opened on first use; fails with the reason when unusable. */
    public static Backend of(Device device) {
        if (device.isCpu()) throw new IllegalArgumentException("Backends.of: the CPU has no device backend");
        Backend b = OPEN.get(device);
        if (b != null) return b;
        synchronized (OPEN) {
            b = OPEN.get(device);
            if (b != null) return b;
            BackendProvider p = provider(device.type());
            String reason = p == null ? unavailableReason(device.type()) : p.unavailableReason();
            if (reason != null) throw new UnsupportedOperationException("device " + device + " cannot be used: " + reason);
            b = p.open(device.index());
            OPEN.put(device, b);
            return b;
        }
    }
}
