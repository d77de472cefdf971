// ssim-b: SSIM between x = σ(pred) and y = target per image plane for two Gaussian windows,
// 5×5 and 11×11 (σ = 1.5, separable), reflect padding of w/2 (mirror without repeating the
// edge, so each map is H×W), C1 = 0.01², C2 = 0.03²; per pixel clamp(1 − S, 0, 1)/2, mean per
// window over the M = N·C·H·W map pixels, the two means summed.
// Derivative (see ssim_common.cuh): u = ∂L/∂S = −1/(2M) where 0 ≤ 1 − S ≤ 1, else 0; per window
// three maps da, db, dc; ∂L/∂x = Σ_windows (Gᵀda + 2x'·Gᵀdb + y'·Gᵀdc)·σ'(pred), where Gᵀ folds
// the reflected border positions back onto the pixels they mirror.
//
// Passes (two launches, 32×32 tiles, grid (tiles across, tiles down, planes) with y and z capped
// at 65535, each block looping over its (plane, tile row) pairs):
//   ssim_b_stats_f32: sigmoid on load, tile + halo 5 (reflected) in shared memory, for each window
//     separable symmetric passes for the five moments, the map, da/db/dc written to `maps`
//     (6 planes of M floats: window 5 then window 11), per-block loss partials per window, L by
//     the last block (ticket, index order, double).
//   ssim_b_grad_f32: per window the Gaussian applied to its three maps (tile + halo, folds at the
//     plane border), contributions summed in registers; grad ← weight·(...)·σ'(pred) or +=.
// Bytes per element: read pred, target (8), write 6 maps (24); read 6 maps (24), pred, target (8),
// write grad (4): 68, the halos served from L2.
#include "loss_common.cuh"
#include "ssim_common.cuh"

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void ssim_b_stats_f32(
        const float* __restrict__ pred, const float* __restrict__ target, int planes, int h, int w, double sigma,
        float c1, float c2, float invM, float* __restrict__ maps, float* __restrict__ partials,
        unsigned int* __restrict__ counter, float* __restrict__ loss) {
    ssim_stats_pass<true, true, 5, 11>(pred, target, planes, h, w, h, w, sigma, c1, c2, invM, invM, maps, partials,
                                       counter, loss);
}

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void ssim_b_grad_f32(
        const float* __restrict__ pred, const float* __restrict__ target, float* __restrict__ grad, int planes, int h,
        int w, double sigma, const float* __restrict__ maps, float weight, int accumulate) {
    ssim_grad_pass<true, 5, 11>(pred, target, grad, planes, h, w, h, w, sigma, maps, weight, accumulate);
}
