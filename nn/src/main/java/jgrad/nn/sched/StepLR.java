package jgrad.nn.sched;

import jgrad.nn.optim.Optimizer;

/**
 * Multiplies the learning rate by gamma every stepSize steps (epochs), as {@code StepLR}:
 * lr(t) = base_lr · gamma^⌊t / stepSize⌋.
 */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize <= 0) throw new IllegalArgumentException("StepLR: stepSize must be positive, got " + stepSize);
        if (!(gamma > 0)) throw new IllegalArgumentException("StepLR: gamma must be positive, got " + gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    @Override
    protected java.util.Map<String, Object> settings() {
        return java.util.Map.of("step_size", (long) stepSize, "gamma", gamma);
    }

    @Override
    protected double lrAt(int group, int t) {
        return baseLrs[group] * Math.pow(gamma, t / stepSize);
    }
}
