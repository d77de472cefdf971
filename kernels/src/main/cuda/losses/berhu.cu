// berhu: reverse Huber (Laina et al. 2016) on p = σ(x), mean over n elements. With
// d = |p − t| and c = 0.2·max d over the batch:
//   ℓ(d) = d for d ≤ c, else (d² + c²)/(2c) = (d·(d/c) + c)/2;   L = (1/n) Σ ℓ(d_i)
//   c is a constant in the gradient:  dL/dx_i = s_i·σ'(x_i)/n with s_i = sign(p_i − t_i) for
//   d_i ≤ c and (p_i − t_i)/c above. c = 0 only when p = t everywhere: every d = 0 ≤ c, so the
//   value and gradient are 0 with no division (sign(0) = 0).
//
// Passes (two launches, 1-D grids of B ≤ 2048 blocks, grid-stride):
//   berhu_stats_f32: per block max d into partials[block]; the last block (ticket) takes the max
//     of the B partials, writes c = 0.2·max to coef[0] and resets the ticket counter.
//   berhu_grad_f32: per element ℓ and grad ← weight·s·σ'(x)/n (or +=); per block Σ ℓ into
//     partials[block]; the last block sums them in index order in double, writes L = Σ/n to
//     loss[0] and resets the counter.
// Bytes per element: read x, t twice and write grad once: 20 (24 with accumulate).
#include "loss_common.cuh"

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void berhu_stats_f32(
        const float* __restrict__ x, const float* __restrict__ t, long long n, float* __restrict__ partials,
        unsigned int* __restrict__ counter, float* __restrict__ coef) {
    __shared__ float scratch[LOSS_WARPS];
    float m = 0.0f;
    for_each_xt(x, t, (long long)blockIdx.x * LOSS_THREADS + threadIdx.x, n, (long long)gridDim.x * LOSS_THREADS,
                [&](long long, float xi, float ti) { m = fmaxf(m, fabsf(sigmoid_of(xi) - ti)); });
    m = block_max(m, scratch);
    if (threadIdx.x == 0) partials[blockIdx.x] = m;
    if (!last_block_done(counter)) return;
    float all = 0.0f;
    for (int i = threadIdx.x; i < (int)gridDim.x; i += LOSS_THREADS) all = fmaxf(all, __ldcg(partials + i));
    all = block_max(all, scratch);
    // a positive c below the smallest float becomes that float, not 0 (as BerHu.toFloat on the CPU)
    if (threadIdx.x == 0) {
        float c = (float)(0.2 * (double)all);
        coef[0] = all > 0.0f && c == 0.0f ? 1.40129846e-45f : c;
    }
    reset_ticket(counter);
}

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void berhu_grad_f32(
        const float* __restrict__ x, const float* __restrict__ t, float* __restrict__ grad, long long n, float scale,
        int accumulate, const float* __restrict__ coef, float* __restrict__ partials,
        unsigned int* __restrict__ counter, float* __restrict__ loss) {
    __shared__ float fscratch[LOSS_WARPS];
    __shared__ double dscratch[LOSS_WARPS];
    const float c = coef[0];
    float s[1] = {0.0f};
    for_each_xt(x, t, (long long)blockIdx.x * LOSS_THREADS + threadIdx.x, n, (long long)gridDim.x * LOSS_THREADS,
                [&](long long i, float xi, float ti) {
                    float p, dp;
                    sigmoid_slope(xi, p, dp);
                    const float diff = p - ti, d = fabsf(diff);
                    float slope;
                    if (d <= c) {
                        s[0] += d;
                        slope = diff > 0.0f ? 1.0f : diff < 0.0f ? -1.0f : 0.0f;
                    } else {
                        // d/c rather than d²: a subnormal c cannot turn 0/0 into NaN
                        s[0] += 0.5f * (d * (d / c) + c);
                        slope = diff / c;
                    }
                    store_grad(grad, i, scale * slope * dp, accumulate);
                });
    block_sum<float, 1>(s, fscratch);
    if (threadIdx.x == 0) partials[blockIdx.x] = s[0];
    if (!last_block_done(counter)) return;
    const double total = sum_partials(partials, gridDim.x, 1, 0, dscratch);
    if (threadIdx.x == 0) loss[0] = (float)(total / (double)n);
    reset_ticket(counter);
}
