package jgrad.core.spi;

/**
 * Makes the {@link Backend} of one device type; found with {@link java.util.ServiceLoader}
 * (a provider lists itself in {@code META-INF/services/jgrad.core.spi.BackendProvider}).
 */
public interface BackendProvider {
    /** The device type served, e.g. "cuda". */
    String type();

    /** Null when devices of this type can be used here, else why not and what to install. */
    String unavailableReason();

    /** The backend of device {@code index}; called once per device, only when available. */
    Backend open(int index);
}
