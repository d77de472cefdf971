package jgrad.nn;

import jgrad.core.Tensor;

/** tanh(x) elementwise, as {@code torch.nn.Tanh}; derivative 1 − tanh²(x). */
public class Tanh extends Module {
    @Override
    protected Tensor forward(Tensor x) {
        return x.tanh();
    }
}
