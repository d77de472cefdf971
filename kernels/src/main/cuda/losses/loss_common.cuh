// Device helpers shared by the loss kernels in this directory.
//
// No include guard on purpose: the kernel build compiles every .cu file as one translation unit
// with each file wrapped in its own namespace, so each loss file needs its own copy of these
// helpers (a guard would hide them from every file but the first). Include it once per file.
//
// Determinism: every sum here has a fixed order. A block sums its threads with warp shuffles at
// fixed offsets, then the warps' results in warp order; a grid writes one partial per block and
// the partials are summed in index order (in double) by one block. Grids are sized from the
// problem alone, never from the device, so results are bitwise repeatable on any GPU. No float
// atomics: the only atomic is the integer ticket that elects the last block to finish.

// Threads per block of every loss kernel (8 warps).
constexpr int LOSS_THREADS = 256;
constexpr int LOSS_WARPS = LOSS_THREADS / 32;

// σ(x) and σ'(x) = σ(x)σ(−x) = e/(1+e)² with e = exp(−|x|) ∈ (0, 1]: finite for any x.
__device__ __forceinline__ void sigmoid_slope(float x, float& p, float& dp) {
    const float e = expf(-fabsf(x));
    const float r = 1.0f / (1.0f + e);
    p = x >= 0.0f ? r : e * r;
    dp = e * r * r;
}

__device__ __forceinline__ float sigmoid_of(float x) {
    const float e = expf(-fabsf(x));
    const float r = 1.0f / (1.0f + e);
    return x >= 0.0f ? r : e * r;
}

// Writes v, or adds it to what is there (the accumulate flag of every loss kernel).
__device__ __forceinline__ void store_grad(float* __restrict__ grad, long long i, float v, int accumulate) {
    grad[i] = accumulate ? grad[i] + v : v;
}

template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, offset));
    return v;
}

// Sums K values over the block (LOSS_THREADS threads, all must call); the totals are returned in
// v on every thread. scratch: shared memory of K·LOSS_WARPS elements.
template <typename T, int K>
__device__ __forceinline__ void block_sum(T (&v)[K], T* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
#pragma unroll
    for (int k = 0; k < K; ++k) {
        const T s = warp_sum(v[k]);
        if (lane == 0) scratch[k * LOSS_WARPS + warp] = s;
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < K; ++k) {
        T s = T(0);
#pragma unroll
        for (int w = 0; w < LOSS_WARPS; ++w) s += scratch[k * LOSS_WARPS + w];
        v[k] = s;
    }
    __syncthreads();
}

// Maximum over the block (all threads must call), returned to every thread.
__device__ __forceinline__ float block_max(float v, float* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_max(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float m = scratch[0];
#pragma unroll
    for (int w = 1; w < LOSS_WARPS; ++w) m = fmaxf(m, scratch[w]);
    __syncthreads();
    return m;
}

__device__ __forceinline__ unsigned int linear_block() {
    return blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
}

__device__ __forceinline__ unsigned int block_count() {
    return gridDim.x * gridDim.y * gridDim.z;
}

// Call after thread 0 has written this block's partials. Returns true (on every thread) in the
// one block that finishes last; that block then sees every other block's partials (they were
// published with a fence before the ticket was taken) and must reset the counter with
// reset_ticket() when done, so the next kernel on the stream finds it at zero.
__device__ __forceinline__ bool last_block_done(unsigned int* counter) {
    __shared__ bool last;
    if (threadIdx.x == 0) {
        __threadfence();
        const unsigned int ticket = atomicAdd(counter, 1u);
        last = ticket == block_count() - 1;
    }
    __syncthreads();
    if (last) __threadfence();
    return last;
}

__device__ __forceinline__ void reset_ticket(unsigned int* counter) {
    if (threadIdx.x == 0) *counter = 0u;
}

// Σ partials[i·stride + k] for i < count, in double, in a fixed order: thread j adds i = j,
// j + LOSS_THREADS, ... in turn, then the block sums the threads. Reads bypass L1 (__ldcg), since
// other blocks wrote the partials during this kernel. Returned to every thread.
__device__ __forceinline__ double sum_partials(const float* partials, int count, int stride, int k, double* scratch) {
    double acc[1] = {0.0};
    for (int i = threadIdx.x; i < count; i += LOSS_THREADS) acc[0] += (double)__ldcg(partials + (long long)i * stride + k);
    block_sum<double, 1>(acc, scratch);
    return acc[0];
}

// Visits indices first, first + stride, ... below end with four loads of x and t in flight per
// thread before any is used: f(i, x[i], t[i]).
template <typename F>
__device__ __forceinline__ void for_each_xt(const float* __restrict__ x, const float* __restrict__ t, long long first,
                                            long long end, long long stride, F&& f) {
    long long i = first;
    for (; i + 3 * stride < end; i += 4 * stride) {
        float xv[4], tv[4];
#pragma unroll
        for (int k = 0; k < 4; ++k) {
            xv[k] = x[i + k * stride];
            tv[k] = t[i + k * stride];
        }
#pragma unroll
        for (int k = 0; k < 4; ++k) f(i + k * stride, xv[k], tv[k]);
    }
    for (; i < end; i += stride) f(i, x[i], t[i]);
}
