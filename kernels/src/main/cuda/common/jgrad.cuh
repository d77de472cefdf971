// Shared device helpers for jgrad's kernels: grid-stride loops and block reductions whose
// summation order is fixed, so a kernel built on them returns bit-identical results run to run.
//
// Determinism contract:
//  - A block reduction sums thread values in a fixed tree (warp shuffles with fixed offsets,
//    then the warps' partials in warp order). The result depends only on blockDim and the inputs.
//  - A multi-block reduction writes one partial per block and reduces the partials in index
//    order in a second pass (jg_sum_partials). Choose the grid from the problem size only
//    (jg_grid_for), never from the device's SM count, so every GPU sums in the same order.
//  - No float atomics for sums.
//
// Build: every .cu under src/main/cuda is compiled into one module. Each file is wrapped in its
// own namespace there, so file-local helpers may reuse names across files; extern "C" entry
// points must be globally unique. Include this header as "../common/jgrad.cuh" (or
// "common/jgrad.cuh"), and put any system #include at the top of a file, outside other code.
#ifndef JGRAD_CUH
#define JGRAD_CUH

#include <cstdint>
#include <cfloat>

// Threads per block that jgrad's kernels are written for unless a kernel says otherwise.
#define JG_BLOCK 256
#define JG_WARP 32
// Cap on blocks for grid-stride kernels: enough to fill any current GPU, small enough that the
// second pass over the per-block partials is one block's work.
#define JG_MAX_BLOCKS 1024

// Flat index of this thread over the whole grid, as 64-bit so tensors over 2^31 elements work.
__device__ __forceinline__ long long jg_thread_index() {
    return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}

// Distance between consecutive indices a thread visits in a grid-stride loop.
__device__ __forceinline__ long long jg_grid_stride() {
    return (long long)gridDim.x * blockDim.x;
}

// for (long long i = first; i < n; i += stride): each thread visits a fixed index set, in order.
#define JG_GRID_STRIDE_LOOP(i, n) \
    for (long long i = jg_thread_index(); i < (long long)(n); i += jg_grid_stride())

// Blocks for n elements at `block` threads each, capped at JG_MAX_BLOCKS. Host and device.
__host__ __device__ __forceinline__ int jg_grid_for(long long n, int block) {
    long long blocks = (n + block - 1) / block;
    if (blocks < 1) blocks = 1;
    return (int)(blocks < JG_MAX_BLOCKS ? blocks : JG_MAX_BLOCKS);
}

// Sum over the 32 lanes of a warp; the full sum lands in lane 0 (other lanes hold partial sums).
template <typename T>
__device__ __forceinline__ T jg_warp_sum(T v) {
#pragma unroll
    for (int offset = JG_WARP / 2; offset > 0; offset >>= 1) {
        v += __shfl_down_sync(0xffffffffu, v, offset);
    }
    return v;
}

template <typename T>
__device__ __forceinline__ T jg_warp_max(T v) {
#pragma unroll
    for (int offset = JG_WARP / 2; offset > 0; offset >>= 1) {
        T o = __shfl_down_sync(0xffffffffu, v, offset);
        v = o > v ? o : v;
    }
    return v;
}

// Sum of v over the block, returned to every thread. blockDim.x must be a multiple of 32 and at
// most 1024; every thread of the block must call it (it synchronises). `scratch` is shared memory
// of at least 32 elements, reusable after the call returns.
template <typename T>
__device__ T jg_block_sum(T v, T* scratch) {
    const int lane = threadIdx.x % JG_WARP;
    const int warp = threadIdx.x / JG_WARP;
    const int warps = blockDim.x / JG_WARP;
    v = jg_warp_sum(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    T total = lane < warps ? scratch[lane] : T(0);
    if (warp == 0) {
        total = jg_warp_sum(total);
        if (lane == 0) scratch[0] = total;
    }
    __syncthreads();
    total = scratch[0];
    __syncthreads();
    return total;
}

// The same for N values at once (e.g. the three sums of a Dice loss), in one round of barriers.
// `scratch` holds at least 32·N elements. Results are written back into v on every thread.
template <typename T, int N>
__device__ void jg_block_sum_n(T (&v)[N], T* scratch) {
    const int lane = threadIdx.x % JG_WARP;
    const int warp = threadIdx.x / JG_WARP;
    const int warps = blockDim.x / JG_WARP;
#pragma unroll
    for (int k = 0; k < N; ++k) {
        T s = jg_warp_sum(v[k]);
        if (lane == 0) scratch[k * JG_WARP + warp] = s;
    }
    __syncthreads();
    if (warp == 0) {
#pragma unroll
        for (int k = 0; k < N; ++k) {
            T s = lane < warps ? scratch[k * JG_WARP + lane] : T(0);
            s = jg_warp_sum(s);
            if (lane == 0) scratch[k * JG_WARP] = s;
        }
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < N; ++k) v[k] = scratch[k * JG_WARP];
    __syncthreads();
}

// Maximum of v over the block, returned to every thread; same rules as jg_block_sum.
template <typename T>
__device__ T jg_block_max(T v, T* scratch) {
    const int lane = threadIdx.x % JG_WARP;
    const int warp = threadIdx.x / JG_WARP;
    const int warps = blockDim.x / JG_WARP;
    v = jg_warp_max(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    if (warp == 0) {
        T m = lane < warps ? scratch[lane] : scratch[0];
        m = jg_warp_max(m);
        if (lane == 0) scratch[0] = m;
    }
    __syncthreads();
    T total = scratch[0];
    __syncthreads();
    return total;
}

// Second pass of a multi-block reduction, run by a single block: the sum of partials[0..count)
// where thread t adds partials t, t + blockDim, t + 2·blockDim, ... in order, then the block
// reduction combines the threads. Returned to every thread of the block.
template <typename T>
__device__ T jg_sum_partials(const T* __restrict__ partials, int count, T* scratch) {
    T acc = T(0);
    for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partials[i];
    return jg_block_sum(acc, scratch);
}

#endif  // JGRAD_CUH
