package jgrad.nn.train;

/** Thrown when a training step's loss is NaN or infinite; training stops and no checkpoint of the bad epoch is written. */
public final class NonFiniteLossException extends RuntimeException {
    private final int epoch, step;
    private final double loss;

    public NonFiniteLossException(String message, int epoch, int step, double loss) {
        super(message);
        this.epoch = epoch;
        this.step = step;
        this.loss = loss;
    }

    /** The 1-based epoch in which the loss went bad. */
    public int epoch() {
        return epoch;
    }

    /** The 1-based step (batch) within that epoch. */
    public int step() {
        return step;
    }

    public double loss() {
        return loss;
    }
}
