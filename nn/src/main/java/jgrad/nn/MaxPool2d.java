package jgrad.nn;

import jgrad.core.Functional;
import jgrad.core.Tensor;

/**
 * Max over kernel×kernel windows, as {@code torch.nn.MaxPool2d} (stride defaults to the kernel
 * size; padding counts as −∞). The gradient goes to the position of each window's maximum
 * ({@link Functional#maxPool2d}).
 */
public class MaxPool2d extends Module {
    public final int kernel, stride, padding;

    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("MaxPool2d: kernel and stride must be positive and padding >= 0, got kernel "
                    + kernel + ", stride " + stride + ", padding " + padding);
        }
        if (2 * padding > kernel) {
            throw new IllegalArgumentException("MaxPool2d: padding " + padding + " must be at most half the kernel " + kernel);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return Functional.maxPool2d(x, kernel, stride, padding);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding;
    }
}
