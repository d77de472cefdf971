// Padding (Backend.pad / padBackward) of a contiguous tensor, as F.pad and jgrad.core.Padding.
// The host merges neighbouring unpadded dims and passes at most 8 dims innermost first: input
// size n, pad before b and output size o = b + n + after for each.
//
// Math: along each dim an output position q reads source i(q) (Padding.sourceIndex):
//   CONSTANT (mode 0)  i = q − b if 0 ≤ q − b < n, else none: the output is 0
//   REFLECT  (mode 1)  i = |q − b| mirrored at both edges without repeating them (pads < n)
//   REPLICATE (mode 2) i = clamp(q − b, 0, n − 1)
// y[q] = x[i(q)] over all dims. Derivative: ∂x[i] = Σ over outputs q with i(q) = i of g[q]. Per
// dim the preimage of i is small and sorted: CONSTANT {b + i}; REPLICATE the range from 0 (when
// i = 0) or b + i up to o − 1 (when i = n − 1) or b + i; REFLECT {b − i if 1 ≤ i ≤ b, b + i,
// b + 2(n − 1) − i if i ≤ n − 2 and it is < o}. The full preimage is their product.
//
// Passes: pad_fwd_f32, one thread per output (gather); pad_bwd_f32, one thread per input summing
// its preimage in ascending output order, in float: the CPU's scatter order, no atomics, bitwise
// repeatable. Bytes per element: 8 forward, 4 + 4·|preimage| backward.

#define DIM_PARAMS(p) int p##0, int p##1, int p##2, int p##3, int p##4, int p##5, int p##6, int p##7
#define DIM_ARRAY(p) const int p[8] = {p##0, p##1, p##2, p##3, p##4, p##5, p##6, p##7}

namespace {

enum Mode { CONSTANT, REFLECT, REPLICATE };

__device__ __forceinline__ int source(int mode, int q, int n, int b) {
    int i = q - b;
    if (mode == CONSTANT) return i >= 0 && i < n ? i : -1;
    if (mode == REPLICATE) return i < 0 ? 0 : (i > n - 1 ? n - 1 : i);
    if (n == 1) return 0;
    int period = 2 * (n - 1);
    int j = i % period;
    if (j < 0) j += period;
    return j < n ? j : period - j;
}

// Number of outputs along one dim that read source i, and the k-th of them in ascending order.
__device__ __forceinline__ int preimage_count(int mode, int i, int n, int b, int o) {
    if (mode == CONSTANT) return 1;
    if (mode == REPLICATE) {
        int lo = i == 0 ? 0 : b + i, hi = i == n - 1 ? o - 1 : b + i;
        return hi - lo + 1;
    }
    int c = 1;
    if (i >= 1 && i <= b) ++c;
    if (i <= n - 2 && b + 2 * (n - 1) - i < o) ++c;
    return c;
}

__device__ __forceinline__ int preimage(int mode, int i, int n, int b, int k) {
    if (mode == CONSTANT) return b + i;
    if (mode == REPLICATE) return (i == 0 ? 0 : b + i) + k;
    if (i >= 1 && i <= b) {
        if (k == 0) return b - i;
        --k;
    }
    return k == 0 ? b + i : b + 2 * (n - 1) - i;
}

}  // namespace

extern "C" __global__ void pad_fwd_f32(const float* __restrict__ x, float* __restrict__ y, long long total, int rank,
                                       int mode, DIM_PARAMS(n), DIM_PARAMS(b), DIM_PARAMS(o)) {
    DIM_ARRAY(n);
    DIM_ARRAY(b);
    DIM_ARRAY(o);
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        unsigned rem = (unsigned)i;
        long long src = 0, stride = 1;
        bool zero = false;
#pragma unroll
        for (int d = 0; d < 8; ++d) {
            if (d >= rank) break;
            unsigned q = rem / (unsigned)o[d];
            int s = source(mode, (int)(rem - q * (unsigned)o[d]), n[d], b[d]);
            rem = q;
            zero |= s < 0;
            src += (long long)s * stride;
            stride *= n[d];
        }
        y[i] = zero ? 0.0f : x[src];
    }
}

extern "C" __global__ void pad_bwd_f32(const float* __restrict__ g, float* __restrict__ dx, long long total, int rank,
                                       int mode, DIM_PARAMS(n), DIM_PARAMS(b), DIM_PARAMS(o)) {
    DIM_ARRAY(n);
    DIM_ARRAY(b);
    DIM_ARRAY(o);
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int idx[8], cnt[8];
        unsigned rem = (unsigned)i;
        int combos = 1;
#pragma unroll
        for (int d = 0; d < 8; ++d) {
            idx[d] = 0;
            cnt[d] = 1;
            if (d < rank) {
                unsigned q = rem / (unsigned)n[d];
                idx[d] = (int)(rem - q * (unsigned)n[d]);
                rem = q;
                cnt[d] = preimage_count(mode, idx[d], n[d], b[d], o[d]);
                combos *= cnt[d];
            }
        }
        float acc = 0.0f;
        for (int c = 0; c < combos; ++c) {
            // c in mixed radix, innermost dim fastest: ascending output order
            int rest = c;
            long long off = 0, stride = 1;
#pragma unroll
            for (int d = 0; d < 8; ++d) {
                if (d >= rank) break;
                int k = rest % cnt[d];
                rest /= cnt[d];
                off += (long long)preimage(mode, idx[d], n[d], b[d], k) * stride;
                stride *= o[d];
            }
            acc = __fadd_rn(acc, g[off]);
        }
        dx[i] = acc;
    }
}

#undef DIM_PARAMS
#undef DIM_ARRAY
