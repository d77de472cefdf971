package jgrad.losses;

import jgrad.core.Tensor;

/**
 * A joint model's loss over its (depth, mask) outputs:
 * L = w_d·L_depth(depth, depthTarget) + w_m·L_mask(mask, maskTarget). Built from the two losses'
 * autodiff nodes with tensor ops, so backward sends each loss's gradient to its own head.
 *
 * <p>Seed A weighs depth by 2 in every combination ({@link #seedA(String)}); seed B trains with
 * seg(m) + 2·depth(d) for any pair of registered losses ({@link #seedB}).
 */
public final class DepthMaskLoss {
    private final String name;
    private final Loss depth, mask;
    private final double depthWeight, maskWeight;

    public DepthMaskLoss(String name, Loss depth, double depthWeight, Loss mask, double maskWeight) {
        if (depth == null || mask == null) throw new IllegalArgumentException(name + ": both a depth and a mask loss are needed");
        if (!(Double.isFinite(depthWeight) && Double.isFinite(maskWeight))) {
            throw new IllegalArgumentException(name + ": weights must be finite, got depth " + depthWeight + ", mask " + maskWeight);
        }
        this.name = name;
        this.depth = depth;
        this.mask = mask;
        this.depthWeight = depthWeight;
        this.maskWeight = maskWeight;
    }

    /**
     * Seed A's three combinations: "rmse+bce-dice" = 2·rmse(d) + bce-dice-a(m),
     * "ssim+dice" = 2·ssim-a(d) + dice-a(m), "rmse+bce" = 2·rmse(d) + bce(m).
     */
    public static DepthMaskLoss seedA(String combination) {
        return switch (combination) {
            case "rmse+bce-dice" -> new DepthMaskLoss(combination, Losses.get("rmse"), 2, Losses.get("bce-dice-a"), 1);
            case "ssim+dice" -> new DepthMaskLoss(combination, Losses.get("ssim-a"), 2, Losses.get("dice-a"), 1);
            case "rmse+bce" -> new DepthMaskLoss(combination, Losses.get("rmse"), 2, Losses.get("bce"), 1);
            default -> throw new IllegalArgumentException("seed A combination '" + combination
                    + "' is unknown; known: rmse+bce-dice, ssim+dice, rmse+bce");
        };
    }

    /** Seed B: seg(m) + 2·depth(d), both registry names. */
    public static DepthMaskLoss seedB(String seg, String depth) {
        return new DepthMaskLoss(seg + "+" + depth, Losses.get(depth), 2, Losses.get(seg), 1);
    }

    public String name() {
        return name;
    }

    public Loss depthLoss() {
        return depth;
    }

    public Loss maskLoss() {
        return mask;
    }

    /**
     * The weighted sum as a 0-d tensor in the autodiff graph. An argument a loss rejects is reported
     * with this loss's name and the head it belongs to (both heads may use the same loss).
     */
    public Tensor apply(Tensor depthPred, Tensor depthTarget, Tensor maskPred, Tensor maskTarget) {
        Tensor d = head("depth", depth, depthPred, depthTarget), m = head("mask", mask, maskPred, maskTarget);
        return d.mul((float) depthWeight).add(m.mul((float) maskWeight));
    }

    private Tensor head(String which, Loss loss, Tensor pred, Tensor target) {
        try {
            return loss.apply(pred, target);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ", " + which + " head: " + e.getMessage(), e);
        }
    }
}
