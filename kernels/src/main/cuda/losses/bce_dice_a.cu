// bce-dice-a: wb·bce + wo·dice-a (registry weights wb = 1, wo = 2) as one fused pair of passes.
//   bce = (1/n) Σ max(x,0) − x·t + log(1 + e^−|x|),  ∂bce/∂x = (σ(x) − t)/n
//   dice-a, the whole batch one group: L = 1 − (2I + 1)/(P + T + 1),
//   ∂L/∂x_i = (∂L/∂P + t_i·∂L/∂I)·σ'(x_i), ∂L/∂P = (2I + 1)/den², ∂L/∂I = −2/den.
//
// Passes (two launches, see overlap.cuh for the layout and the reductions):
//   bce_dice_a_stats_f32: per block Σp, Σt, Σp·t and Σ bce terms (p = σ(x)); the last block reduces each
//     group's partials in fixed order (double), writes coef[2g] = wo·∂L_g/∂I/G and
//     coef[2g+1] = wo·∂L_g/∂P/G (wo = overlapGradWeight), L = overlapValueWeight·(Σ_g L_g)/G +
//     bceValueWeight·(Σ bce)/n to loss[0], and resets the ticket counter.
//   bce_dice_a_grad_f32: grad ← (coef[2g+1] + coef[2g]·t)·σ'(x) + cb·(σ(x) − t) with cb = wb/n, or +=.
// Bytes per element: read x, t twice and write grad once: 20 (24 with accumulate), instead of
// 12 + 20 for bce and the overlap loss run apart.
#include "loss_common.cuh"
#include "overlap.cuh"

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void bce_dice_a_stats_f32(
        const float* __restrict__ x, const float* __restrict__ t, long long size, int groups, int chunks,
        float overlapValueWeight, float bceValueWeight, float overlapGradWeight, float* __restrict__ partials,
        unsigned int* __restrict__ counter, float* __restrict__ coef, float* __restrict__ loss) {
    overlap_stats_pass<4>(x, t, size, groups, chunks, DiceTerms{1.0, 1.0}, overlapValueWeight, bceValueWeight, overlapGradWeight,
                          partials, counter, coef, loss);
}

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void bce_dice_a_grad_f32(
        const float* __restrict__ x, const float* __restrict__ t, float* __restrict__ grad, long long size, int chunks,
        const float* __restrict__ coef, float cb, int accumulate) {
    overlap_grad<true>(x, t, grad, size, chunks, coef, cb, accumulate);
}
