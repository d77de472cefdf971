// Row reductions of the CUDA backend (Backend.reduceRows): out[r] = ⊕ x[r·L, (r+1)·L) for a
// contiguous rows×L input, ⊕ ∈ {SUM = 0, MAX = 1, MIN = 2}.
//
// Math: sums are accumulated in double and rounded once (the CPU also sums in double); max and
// min propagate NaN (any NaN in a row gives NaN, as jgrad.core.cpu.Simd.max/min). All values go
// through double, which holds every float, ±∞ and NaN exactly. No derivative here: core builds
// the gradients of sum (broadcast) and max/min (tie mask) from other kernels.
//
// Determinism: each output depends on a summation order fixed by L alone (never by the GPU):
//  - reduce_thread_f32 (L ≤ 16): one thread per row, left to right.
//  - reduce_warp_f32 (L ≤ 1024): one warp per row; lane l takes l, l + 32, …; a fixed shuffle tree.
//  - reduce_block_f32: 256 threads per (row, chunk) of `chunk` elements; thread t takes t,
//    t + 256, … of its chunk; warp trees then the 8 warp results in order. With one chunk per
//    row the block writes out[r]; otherwise it writes partials[r·chunks + c] and
//    reduce_final_f32 (one thread per row) combines a row's chunks in index order.
// No atomics.
//
// Bytes per element: 4 read; per row 4 written (+ 8 per chunk through the partials).

#define THREADS 256

namespace {

enum Reduce { SUM, MAX, MIN };

__device__ __forceinline__ double identity(int op) {
    return op == SUM ? 0.0 : (op == MAX ? -__longlong_as_double(0x7ff0000000000000LL)
                                        : __longlong_as_double(0x7ff0000000000000LL));
}

__device__ __forceinline__ double combine(int op, double acc, double v) {
    if (op == SUM) return acc + v;
    if (acc != acc) return acc;
    if (v != v) return v;
    if (v == acc) return (op == MAX) == (bool)signbit(acc) ? v : acc;  // signed zeros as Math.max/min
    if (op == MAX) return v > acc ? v : acc;
    return v < acc ? v : acc;
}

__device__ __forceinline__ double warp_reduce(int op, double v) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        v = combine(op, v, __shfl_down_sync(0xffffffffu, v, offset));
    }
    return v;
}

}  // namespace

extern "C" __global__ void reduce_thread_f32(const float* __restrict__ x, int rows, int length, int op,
                                             float* __restrict__ out) {
    long long r = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) return;
    const float* row = x + r * length;
    double acc = identity(op);
    for (int i = 0; i < length; ++i) acc = combine(op, acc, (double)row[i]);
    out[r] = (float)acc;
}

extern "C" __global__ void reduce_warp_f32(const float* __restrict__ x, int rows, int length, int op,
                                           float* __restrict__ out) {
    long long r = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32;
    int lane = threadIdx.x % 32;
    if (r >= rows) return;  // whole warps leave together: r is uniform across a warp
    const float* row = x + r * length;
    double acc = identity(op);
    for (int i = lane; i < length; i += 32) acc = combine(op, acc, (double)row[i]);
    acc = warp_reduce(op, acc);
    if (lane == 0) out[r] = (float)acc;
}

// grid (rows, chunks), THREADS threads.
extern "C" __global__ void reduce_block_f32(const float* __restrict__ x, long long length, long long chunk, int op,
                                            float* __restrict__ out, double* __restrict__ partials) {
    __shared__ double warps[THREADS / 32];
    long long r = blockIdx.x;
    long long begin = (long long)blockIdx.y * chunk;
    long long end = begin + chunk < length ? begin + chunk : length;
    const float* row = x + r * length;
    double acc = identity(op);
    for (long long i = begin + threadIdx.x; i < end; i += THREADS) acc = combine(op, acc, (double)row[i]);
    acc = warp_reduce(op, acc);
    if (threadIdx.x % 32 == 0) warps[threadIdx.x / 32] = acc;
    __syncthreads();
    if (threadIdx.x == 0) {
        double total = warps[0];
#pragma unroll
        for (int w = 1; w < THREADS / 32; ++w) total = combine(op, total, warps[w]);
        if (gridDim.y == 1) out[r] = (float)total;
        else partials[r * gridDim.y + blockIdx.y] = total;
    }
}

extern "C" __global__ void reduce_final_f32(const double* __restrict__ partials, int rows, int chunks, int op,
                                            float* __restrict__ out) {
    long long r = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) return;
    const double* p = partials + r * chunks;
    double acc = p[0];
    for (int c = 1; c < chunks; ++c) acc = combine(op, acc, p[c]);
    out[r] = (float)acc;
}

#undef THREADS
