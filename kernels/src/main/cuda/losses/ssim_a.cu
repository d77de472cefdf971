// ssim-a: 1 − mean SSIM between x = σ(pred) and y = target, per image plane (N·C planes), one
// 11×11 Gaussian window (σ = 1.5, separable), valid filtering (the map is (H−10)×(W−10)),
// C1 = 0.01², C2 = 0.03². L = (1/M) Σ (1 − S) over the M = N·C·(H−10)·(W−10) map pixels.
// Derivative (see ssim_common.cuh): u = ∂L/∂S = −1/M at every map pixel, three per-pixel maps
// da, db, dc, and ∂L/∂x = (Gᵀda + 2x'·Gᵀdb + y'·Gᵀdc)·σ'(pred) with the same Gaussian.
//
// Passes (two launches, 32×32 tiles, grid (tiles across, tiles down, planes) with y and z capped
// at 65535, each block looping over its (plane, tile row) pairs):
//   ssim_a_stats_f32: sigmoid on load, tile + halo 5 in shared memory, separable symmetric
//     passes for the five moments, the map, da/db/dc written to `maps` (3 planes of M floats),
//     per-block loss partials, L by the last block (ticket, index order, double).
//   ssim_a_grad_f32: the Gaussian applied to da, db, dc around each pixel (tile + halo 5 in
//     shared memory), grad ← weight·(...)·σ'(pred) or +=.
// Bytes per element (M ≈ H·W): read pred, target (8) and write 3 maps (12); read 3 maps (12),
// pred, target (8) and write grad (4): 44, the halos (1.7× on 32×32 tiles) served from L2.
#include "loss_common.cuh"
#include "ssim_common.cuh"

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void ssim_a_stats_f32(
        const float* __restrict__ pred, const float* __restrict__ target, int planes, int h, int w, int ho, int wo,
        double sigma, float c1, float c2, float invM, float* __restrict__ maps, float* __restrict__ partials,
        unsigned int* __restrict__ counter, float* __restrict__ loss) {
    ssim_stats_pass<false, false, 11, 0>(pred, target, planes, h, w, ho, wo, sigma, c1, c2, invM, 0.0f, maps,
                                         partials, counter, loss);
}

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void ssim_a_grad_f32(
        const float* __restrict__ pred, const float* __restrict__ target, float* __restrict__ grad, int planes, int h,
        int w, int ho, int wo, double sigma, const float* __restrict__ maps, float weight, int accumulate) {
    ssim_grad_pass<false, 11, 0>(pred, target, grad, planes, h, w, ho, wo, sigma, maps, weight, accumulate);
}
