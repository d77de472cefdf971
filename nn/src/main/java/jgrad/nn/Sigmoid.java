package jgrad.nn;

import jgrad.core.Tensor;

/** σ(x) = 1/(1 + e^−x) elementwise, as {@code torch.nn.Sigmoid}; derivative σ(x)(1 − σ(x)). */
public class Sigmoid extends Module {
    @Override
    protected Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
