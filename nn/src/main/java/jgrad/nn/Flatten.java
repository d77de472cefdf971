package jgrad.nn;

import jgrad.core.Tensor;

/**
 * Joins dims startDim … endDim into one, as {@code torch.nn.Flatten}: by default (1, −1) an
 * N×C×H×W feature map becomes N×(C·H·W), between the convolutions and the Linear head of a
 * {@link Sequential}. A reshape (a view when the input is contiguous), so the gradient is the
 * same values reshaped back.
 */
public class Flatten extends Module {
    public final int startDim, endDim;

    /** Keeps the batch dim: N×… → N×(product of the rest). */
    public Flatten() {
        this(1, -1);
    }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return x.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
