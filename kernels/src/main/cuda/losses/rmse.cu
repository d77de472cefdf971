// rmse: root mean squared error on p = σ(x), one value per batch of n elements.
//   L = sqrt(S/n + 1e-6),  S = Σ(p − t)²
//   dL/dx_i = (p_i − t_i)·σ'(x_i)/(n·L)   (the 1e-6 keeps L ≥ 1e-3, so equal inputs are finite)
//
// Passes (two launches, 1-D grids of B ≤ 2048 blocks, grid-stride):
//   rmse_stats_f32: per block Σ(p − t)² into partials[block]; the last block (ticket) sums the B
//     partials in index order in double, writes L to loss[0] and k = weight/(n·L) to coef[0], and
//     resets the ticket counter.
//   rmse_grad_f32: grad ← k·(p − t)·σ'(x), or += with accumulate.
// Bytes per element: read x, t twice and write grad once: 20 (24 with accumulate).
#include "loss_common.cuh"

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void rmse_stats_f32(
        const float* __restrict__ x, const float* __restrict__ t, long long n, float weight,
        float* __restrict__ partials, unsigned int* __restrict__ counter, float* __restrict__ coef,
        float* __restrict__ loss) {
    __shared__ float fscratch[LOSS_WARPS];
    __shared__ double dscratch[LOSS_WARPS];
    float s[1] = {0.0f};
    for_each_xt(x, t, (long long)blockIdx.x * LOSS_THREADS + threadIdx.x, n, (long long)gridDim.x * LOSS_THREADS,
                [&](long long, float xi, float ti) {
                    const float d = sigmoid_of(xi) - ti;
                    s[0] += d * d;
                });
    block_sum<float, 1>(s, fscratch);
    if (threadIdx.x == 0) partials[blockIdx.x] = s[0];
    if (!last_block_done(counter)) return;
    const double total = sum_partials(partials, gridDim.x, 1, 0, dscratch);
    if (threadIdx.x == 0) {
        const double l = sqrt(total / (double)n + 1e-6);
        loss[0] = (float)l;
        coef[0] = (float)((double)weight / ((double)n * l));
    }
    reset_ticket(counter);
}

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void rmse_grad_f32(
        const float* __restrict__ x, const float* __restrict__ t, float* __restrict__ grad, long long n,
        const float* __restrict__ coef, int accumulate) {
    const float k = coef[0];
    for_each_xt(x, t, (long long)blockIdx.x * LOSS_THREADS + threadIdx.x, n, (long long)gridDim.x * LOSS_THREADS,
                [&](long long i, float xi, float ti) {
                    float p, dp;
                    sigmoid_slope(xi, p, dp);
                    store_grad(grad, i, k * (p - ti) * dp, accumulate);
                });
}
