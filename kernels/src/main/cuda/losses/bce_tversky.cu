// bce-tversky: wb·bce + wo·tversky(α, β) (registry: wb = 1, wo = 2, α = 0.6, β = 0.5, ε = 1e-6)
// as one fused pair of passes.
//   bce = (1/n) Σ max(x,0) − x·t + log(1 + e^−|x|),  ∂bce/∂x = (σ(x) − t)/n
//   tversky per image g: L_g = 1 − I/den, den = k·I + α·P + β·T + ε, k = 1 − α − β, mean over G = N,
//   ∂L_g/∂P = α·I/den², ∂L_g/∂I = −(den − k·I)/den², ∂L/∂x_i = (∂L_g/∂P + t_i·∂L_g/∂I)·σ'(x_i)/G.
//
// Passes (two launches, see overlap.cuh for the layout and the reductions):
//   bce_tversky_stats_f32: per block Σp, Σt, Σp·t and Σ bce terms (p = σ(x)); the last block reduces each
//     group's partials in fixed order (double), writes coef[2g] = wo·∂L_g/∂I/G and
//     coef[2g+1] = wo·∂L_g/∂P/G (wo = overlapGradWeight), L = overlapValueWeight·(Σ_g L_g)/G +
//     bceValueWeight·(Σ bce)/n to loss[0], and resets the ticket counter.
//   bce_tversky_grad_f32: grad ← (coef[2g+1] + coef[2g]·t)·σ'(x) + cb·(σ(x) − t) with cb = wb/n, or +=.
// Bytes per element: read x, t twice and write grad once: 20 (24 with accumulate), instead of
// 12 + 20 for bce and the overlap loss run apart.
#include "loss_common.cuh"
#include "overlap.cuh"

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void bce_tversky_stats_f32(
        const float* __restrict__ x, const float* __restrict__ t, long long size, int groups, int chunks,
        double alpha, double beta, double eps,
        float overlapValueWeight, float bceValueWeight, float overlapGradWeight, float* __restrict__ partials,
        unsigned int* __restrict__ counter, float* __restrict__ coef, float* __restrict__ loss) {
    overlap_stats_pass<4>(x, t, size, groups, chunks, TverskyTerms{alpha, beta, eps}, overlapValueWeight, bceValueWeight, overlapGradWeight,
                          partials, counter, coef, loss);
}

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void bce_tversky_grad_f32(
        const float* __restrict__ x, const float* __restrict__ t, float* __restrict__ grad, long long size, int chunks,
        const float* __restrict__ coef, float cb, int accumulate) {
    overlap_grad<true>(x, t, grad, size, chunks, coef, cb, accumulate);
}
