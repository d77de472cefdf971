// bce: binary cross-entropy on logits x with targets t, mean over all n elements, fused forward
// and backward in one launch.
//
//   L = (1/n) Σ max(x,0) − x·t + log(1 + e^−|x|)      (the overflow-free form of
//       −t·log σ(x) − (1−t)·log σ(−x))
//   dL/dx = (σ(x) − t)/n;  grad ← weight·dL/dx, or grad += weight·dL/dx with accumulate.
//
// Pass (bce_fused_f32, 1-D grid of B ≤ 2048 blocks, grid-stride): every element's term and
// gradient; each block sums its terms (fixed tree) into partials[block]; the last block to
// finish (threadfence + atomic ticket) sums the B partials in index order in double, writes
// L = Σ/n to loss[0] and resets the ticket counter.
// Bytes per element: read x and t, write grad: 12 (16 with accumulate, which reads grad).
#include "loss_common.cuh"

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void bce_fused_f32(
        const float* __restrict__ x, const float* __restrict__ t, float* __restrict__ grad, long long n,
        float scale, int accumulate, float* __restrict__ partials, unsigned int* __restrict__ counter,
        float* __restrict__ loss) {
    __shared__ float fscratch[LOSS_WARPS];
    __shared__ double dscratch[LOSS_WARPS];
    float s[1] = {0.0f};
    for_each_xt(x, t, (long long)blockIdx.x * LOSS_THREADS + threadIdx.x, n, (long long)gridDim.x * LOSS_THREADS,
                [&](long long i, float xi, float ti) {
                    const float e = expf(-fabsf(xi));
                    const float r = 1.0f / (1.0f + e);
                    const float p = xi >= 0.0f ? r : e * r;
                    s[0] += fmaxf(xi, 0.0f) - xi * ti + log1pf(e);
                    store_grad(grad, i, scale * (p - ti), accumulate);
                });
    block_sum<float, 1>(s, fscratch);
    if (threadIdx.x == 0) partials[blockIdx.x] = s[0];
    if (!last_block_done(counter)) return;
    const double total = sum_partials(partials, gridDim.x, 1, 0, dscratch);
    if (threadIdx.x == 0) loss[0] = (float)(total / (double)n);
    reset_ticket(counter);
}
