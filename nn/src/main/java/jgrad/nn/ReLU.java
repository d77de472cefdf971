package jgrad.nn;

import jgrad.core.Tensor;

/** max(x, 0) elementwise, as {@code torch.nn.ReLU}; derivative 1 where x &gt; 0, else 0. */
public class ReLU extends Module {
    @Override
    protected Tensor forward(Tensor x) {
        return x.relu();
    }
}
