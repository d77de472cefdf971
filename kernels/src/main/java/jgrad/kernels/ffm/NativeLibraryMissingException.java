package jgrad.kernels.ffm;

/** A native library (or one of its functions) could not be found; the message says what to install. */
public class NativeLibraryMissingException extends RuntimeException {
    public NativeLibraryMissingException(String message) {
        super(message);
    }
}
