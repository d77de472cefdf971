package jgrad.nn.train;

import jgrad.core.Tensor;

/**
 * The training objective: from the model's outputs and the batch's targets to a scalar tensor that
 * carries the graph. With the {@code jgrad-losses} registry, the joint model's mask loss on output 1
 * plus twice its depth loss on output 0:
 * <pre>
 *   LossFunction f = (out, t) -&gt; Losses.get("dice-b").apply(out[1], t[1])
 *           .add(Losses.get("rmse").apply(out[0], t[0]).mul(2));
 * </pre>
 */
@FunctionalInterface
public interface LossFunction {
    Tensor compute(Tensor[] outputs, Tensor[] targets);

    /** For one output and one target. */
    static LossFunction single(java.util.function.BinaryOperator<Tensor> f) {
        return (o, t) -> f.apply(o[0], t[0]);
    }
}
