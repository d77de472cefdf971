package jgrad.kernels.ffm;

/** A cuBLAS or cuDNN call returned an error status: the call and the status by name. */
public class NativeCallException extends RuntimeException {
    private final String call;
    private final int status;

    public NativeCallException(String library, String call, int status, String statusText) {
        super(library + ": " + call + " failed: " + statusText + " (" + status + ")");
        this.call = call;
        this.status = status;
    }

    public String call() {
        return call;
    }

    public int status() {
        return status;
    }
}
