// sum_partials_f32 / sum_final_f32: s = Σ_i x[i], the deterministic two-pass reduction that
// jgrad.cuh describes; ∂s/∂x[i] = 1 (no kernel needed for it).
// Pass 1 (sum_partials_f32): a grid of jg_grid_for(n, JG_BLOCK) blocks; each thread sums its
//   grid-stride indices in order (in double), the block reduces them, and block b writes
//   partials[b]. Reads 4 bytes per element.
// Pass 2 (sum_final_f32): one block reduces the partials in index order into out[0].
// The order depends only on n, so the result is bit-identical across runs and GPUs.
#include "jgrad.cuh"

extern "C" __global__ void sum_partials_f32(const float* __restrict__ x, long long n,
                                            double* __restrict__ partials) {
    __shared__ double scratch[JG_WARP];
    double acc = 0.0;
    JG_GRID_STRIDE_LOOP(i, n) {
        acc += (double)x[i];
    }
    double total = jg_block_sum(acc, scratch);
    if (threadIdx.x == 0) partials[blockIdx.x] = total;
}

extern "C" __global__ void sum_final_f32(const double* __restrict__ partials, int count,
                                         float* __restrict__ out) {
    __shared__ double scratch[JG_WARP];
    double total = jg_sum_partials(partials, count, scratch);
    if (threadIdx.x == 0) out[0] = (float)total;
}
