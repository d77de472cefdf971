package jgrad.nn;

import jgrad.core.Tensor;

/** Returns its input unchanged (all inputs, for several). */
public class Identity extends Module {
    @Override
    protected Tensor forward(Tensor x) {
        return x;
    }

    @Override
    protected Tensor[] forward(Tensor[] inputs) {
        return inputs.clone();
    }
}
