package jgrad.nn;

import jgrad.core.Functional;
import jgrad.core.Tensor;

/**
 * Batch normalisation over (N, H, W) per channel, as {@code torch.nn.BatchNorm2d}:
 * y = (x − μ) / √(σ² + ε) · γ + β. In training μ and σ² are the batch mean and biased variance, and
 * the running estimates move as running ← (1 − momentum)·running + momentum·batch (unbiased
 * variance); in eval the running estimates are used. The computation and its backward live in
 * {@link Functional#batchNorm}.
 *
 * <p>Parameters {@code weight} (γ, ones) and {@code bias} (β, zeros) when affine; buffers
 * {@code running_mean} (zeros), {@code running_var} (ones) and {@code num_batches_tracked}
 * (a 0-d count, stored as float) when tracking running statistics. Defaults: ε = 1e-5,
 * momentum = 0.1.
 */
public class BatchNorm2d extends Module {
    public final int numFeatures;
    public final double eps, momentum;
    public final Tensor weight, bias, runningMean, runningVar, numBatchesTracked;

    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    public BatchNorm2d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures <= 0) throw new IllegalArgumentException("BatchNorm2d: numFeatures must be positive, got " + numFeatures);
        if (!(eps > 0)) throw new IllegalArgumentException("BatchNorm2d: eps must be positive, got " + eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("BatchNorm2d: momentum must be in [0, 1], got " + momentum);
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        if (trackRunningStats) {
            runningMean = registerBuffer("running_mean", Tensor.zeros(numFeatures));
            runningVar = registerBuffer("running_var", Tensor.ones(numFeatures));
            numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.scalar(0f));
        } else {
            runningMean = runningVar = numBatchesTracked = null;
        }
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(1) != numFeatures) {
            throw new IllegalArgumentException("BatchNorm2d(" + numFeatures + "): expected input N×" + numFeatures
                    + "×H×W, got " + java.util.Arrays.toString(x.dims()));
        }
        boolean useBatch = isTraining() || runningMean == null;
        Tensor y = Functional.batchNorm(x, runningMean, runningVar, weight, bias, useBatch, momentum, eps);
        if (isTraining() && numBatchesTracked != null) {
            if (numBatchesTracked.device().isCpu()) {
                numBatchesTracked.data()[0] += 1;
                numBatchesTracked.markModified();
            } else {
                try (var scope = jgrad.core.MemoryScope.open(); var ng = jgrad.core.Autograd.noGrad()) {
                    numBatchesTracked.copyFrom(numBatchesTracked.add(1f)); // stays on the device: no host round trip
                }
            }
        }
        return y;
    }

    /** As PyTorch, a state without {@code num_batches_tracked} (older checkpoints) loads and keeps the count. */
    @Override
    protected java.util.Set<String> optionalStateNames() {
        return numBatchesTracked == null ? java.util.Set.of() : java.util.Set.of("num_batches_tracked");
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + (weight != null)
                + ", track_running_stats=" + (runningMean != null);
    }
}
