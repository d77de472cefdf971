package jgrad.core;

import jgrad.core.spi.Backends;

/**
 * Where a tensor's data lives: a device type ("cpu", "cuda") and an index among devices of that
 * type. The CPU is always available; other types come from backends found on the class path (the
 * {@code jgrad-kernels} module provides "cuda").
 *
 * <pre>
 *   Device gpu = Device.cuda();          // fails with the reason when CUDA cannot be used
 *   Tensor x = Tensor.randn(rng, 8, 3, 96, 96).to(gpu);
 * </pre>
 */
public record Device(String type, int index) {
    public static final Device CPU = new Device("cpu", 0);

    public Device {
        if (type == null || type.isBlank()) throw new IllegalArgumentException("Device: type must be given");
        if (index < 0) throw new IllegalArgumentException("Device: index must be non-negative, got " + index);
    }

    /** The first CUDA device; fails with an explanation when no usable CUDA backend is present. */
    public static Device cuda() {
        return cuda(0);
    }

    /** The CUDA device with the given index. */
    public static Device cuda(int index) {
        Device d = new Device("cuda", index);
        Backends.of(d); // throws with the backend's reason when unusable
        return d;
    }

    /** Parses "cpu", "cuda" or "cuda:1", checking that the device can be used. */
    public static Device parse(String spec) {
        if (spec == null) throw new IllegalArgumentException("Device.parse: null device");
        String s = spec.trim().toLowerCase();
        int colon = s.indexOf(':');
        String type = colon < 0 ? s : s.substring(0, colon);
        int index = 0;
        if (colon >= 0) {
            try {
                index = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Device.parse: bad device index in '" + spec + "' (expected e.g. cuda:0)");
            }
        }
        if (type.equals("cpu")) return CPU;
        Device d = new Device(type, index);
        Backends.of(d);
        return d;
    }

    public boolean isCpu() {
        return type.equals("cpu");
    }

    /** True when a backend for this device is present and usable, without throwing. */
    public static boolean isAvailable(String type) {
        return type.equals("cpu") || Backends.available(type);
    }

    @Override
    public String toString() {
        return isCpu() ? "cpu" : type + ":" + index;
    }
}
