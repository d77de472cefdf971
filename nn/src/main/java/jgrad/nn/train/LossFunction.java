package jgrad.nn.train;

import jgrad.core.Tensor;

/**
 * The training objective: from the model's outputs and the batch's targets to a scalar tensor that
 * carries the graph, e.g. {@code (out, t) -> Dice.b(out[1], t[1]).add(Rmse.of(out[0], t[0]).mul(2))}.
 */
@FunctionalInterface
public interface LossFunction {
    Tensor compute(Tensor[] outputs, Tensor[] targets);

    /** For one output and one target. */
    static LossFunction single(java.util.function.BinaryOperator<Tensor> f) {
        return (o, t) -> f.apply(o[0], t[0]);
    }
}
