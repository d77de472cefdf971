// tversky: Tversky loss on p = σ(x) per image (G = N), α weighing false positives, β false
// negatives, mean over the images (the registry's loss: α = 0.6, β = 0.5, ε = 1e-6):
//   TP = I = Σp·t, FP = P − I, FN = T − I;  L_g = 1 − I/den,  den = TP + α·FP + β·FN + ε
//     = k·I + α·P + β·T + ε with k = 1 − α − β
//   ∂L_g/∂P = α·I/den², ∂L_g/∂I = −(den − k·I)/den²;  ∂L/∂x_i = (∂L_g/∂P + t_i·∂L_g/∂I)·σ'(x_i)/G.
//
// Passes (two launches, see overlap.cuh for the layout and the reductions):
//   tversky_stats_f32: per block Σp, Σt, Σp·t (p = σ(x)); the last block reduces each group's
//     partials in fixed order (double), writes coef[2g] = w·∂L_g/∂I/G, coef[2g+1] = w·∂L_g/∂P/G
//     and L = valueWeight·(Σ_g L_g)/G to loss[0], and resets the ticket counter.
//   tversky_grad_f32: grad ← (coef[2g+1] + coef[2g]·t)·σ'(x), or += with accumulate.
// Bytes per element: read x, t twice and write grad once: 20 (24 with accumulate).
#include "loss_common.cuh"
#include "overlap.cuh"

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void tversky_stats_f32(
        const float* __restrict__ x, const float* __restrict__ t, long long size, int groups, int chunks,
        double alpha, double beta, double eps,
        float valueWeight, float gradWeight, float* __restrict__ partials, unsigned int* __restrict__ counter,
        float* __restrict__ coef, float* __restrict__ loss) {
    overlap_stats_pass<3>(x, t, size, groups, chunks, TverskyTerms{alpha, beta, eps}, valueWeight, 0.0f, gradWeight, partials, counter, coef, loss);
}

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void tversky_grad_f32(
        const float* __restrict__ x, const float* __restrict__ t, float* __restrict__ grad, long long size, int chunks,
        const float* __restrict__ coef, int accumulate) {
    overlap_grad<false>(x, t, grad, size, chunks, coef, 0.0f, accumulate);
}
