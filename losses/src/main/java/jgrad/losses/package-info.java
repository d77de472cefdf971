/**
 * Loss functions for mask and depth prediction, each with a double-precision reference, a fused
 * CPU forward + backward, and an autodiff node ({@link jgrad.losses.Loss#apply}).
 *
 * <p>{@link jgrad.losses.Losses} is the registry (bce, dice-a, dice-b, tversky, bce-dice,
 * bce-dice-a, bce-tversky, rmse, berhu, ssim-a, ssim-b, grad); {@link jgrad.losses.DepthMaskLoss}
 * combines a depth loss and a mask loss the way the seed projects trained their joint models.
 * Predictions are logits, targets lie in [0, 1], shapes are N×C×H×W.
 *
 * <p>Layout: one class per loss; the elementwise loops live in {@code Kernels} (scalar) and
 * {@code VectorKernels} (Vector API), the separable filters of SSIM in {@code Filters} and
 * {@code VectorFilters}; {@code Blocks} splits work into shape-determined blocks so results are
 * repeatable bit for bit.
 */
package jgrad.losses;
