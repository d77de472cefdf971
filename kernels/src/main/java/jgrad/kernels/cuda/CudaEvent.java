package jgrad.kernels.cuda;

import static jgrad.kernels.cuda.CudaException.check;

import jcuda.driver.CUevent;
import jcuda.driver.JCudaDriver;

/**
 * A point in the context's stream, for timing GPU work without host-side noise:
 * <pre>{@code
 * try (var start = CudaEvent.create(); var end = CudaEvent.create()) {
 *     start.record(); ...launches...; end.record();
 *     float ms = end.elapsedMillisSince(start);   // waits for end
 * }
 * }</pre>
 */
public final class CudaEvent implements AutoCloseable {
    private final CudaContext context;
    private final CUevent event = new CUevent();
    private boolean open = true;
    private boolean recorded;

    private CudaEvent(CudaContext context) {
        this.context = context;
        context.makeCurrent();
        check(JCudaDriver.cuEventCreate(event, 0), "cuEventCreate");
    }

    /** An event on device 0's context. */
    public static CudaEvent create() {
        return new CudaEvent(Cuda.context());
    }

    public static CudaEvent create(CudaContext context) {
        return new CudaEvent(context);
    }

    /** Records the event after the work queued so far on the context's stream. */
    public CudaEvent record() {
        checkOpen();
        context.makeCurrent();
        check(JCudaDriver.cuEventRecord(event, context.stream()), "cuEventRecord");
        recorded = true;
        return this;
    }

    /** Waits until the work before the recorded point has finished. */
    public void synchronize() {
        checkOpen();
        if (!recorded) throw new IllegalStateException("event was never recorded");
        context.makeCurrent();
        check(JCudaDriver.cuEventSynchronize(event), "cuEventSynchronize");
    }

    /** Milliseconds of GPU time from {@code start} to this event; waits for this event. */
    public float elapsedMillisSince(CudaEvent start) {
        if (!start.recorded || !recorded) throw new IllegalStateException("both events must be recorded");
        synchronize();
        float[] ms = {0};
        check(JCudaDriver.cuEventElapsedTime(ms, start.event, event), "cuEventElapsedTime");
        return ms[0];
    }

    private void checkOpen() {
        if (!open) throw new IllegalStateException("event was closed");
    }

    @Override
    public void close() {
        if (!open) return;
        open = false;
        context.makeCurrent();
        check(JCudaDriver.cuEventDestroy(event), "cuEventDestroy");
    }
}
