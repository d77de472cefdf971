// Nearest-neighbour resizing (Backend.upsampleNearest / upsampleNearestBackward) of P = N·C
// planes H×W → OH×OW, as F.interpolate(mode='nearest') and jgrad.core.Resampling.
//
// Math, per axis: src(d) = min(⌊d·scale⌋, in − 1) with scale = in/out rounded to float on the
// host and d·scale an explicitly rounded float product (as Java computes it; no contraction).
// y[oh, ow] = x[src_h(oh), src_w(ow)]. Derivative: ∂x[h, w] = Σ_{ow: src_w = w} Σ_{oh: src_h = h}
// g[oh, ow], summed in the CPU's order (rows first, then columns) in float.
//
// Passes: nearest_fwd_f32, one thread per output (1 read); nearest_bwd_f32, a gather with one
// thread per input pixel over the contiguous ranges of outputs that map to it (found by binary
// search over the monotonic src). No atomics; bitwise repeatable. Bytes per element: 8 each way.

namespace {

__device__ __forceinline__ int source(int d, int in, float scale) {
    int s = (int)floorf(__fmul_rn((float)d, scale));
    return s < in - 1 ? s : in - 1;
}

// First d in [0, out) with src(d) ≥ target (out when none).
__device__ __forceinline__ int lower_bound(int target, int in, int out, float scale) {
    int lo = 0, hi = out;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (source(mid, in, scale) < target) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

}  // namespace

extern "C" __global__ void nearest_fwd_f32(const float* __restrict__ x, float* __restrict__ y, int planes, int h,
                                           int w, int oh, int ow, float scale_h, float scale_w) {
    long long total = (long long)planes * oh * ow;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int c = (int)(i % ow);
        long long t = i / ow;
        int r = (int)(t % oh);
        long long plane = t / oh;
        y[i] = x[plane * h * w + (long long)source(r, h, scale_h) * w + source(c, w, scale_w)];
    }
}

extern "C" __global__ void nearest_bwd_f32(const float* __restrict__ g, float* __restrict__ dx, int planes, int h,
                                           int w, int oh, int ow, float scale_h, float scale_w) {
    long long total = (long long)planes * h * w;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int iw = (int)(i % w);
        long long t = i / w;
        int ih = (int)(t % h);
        long long plane = t / h;
        const float* gp = g + plane * oh * ow;
        int r0 = lower_bound(ih, h, oh, scale_h);
        int c0 = lower_bound(iw, w, ow, scale_w);
        float acc = 0.0f;
        for (int c = c0; c < ow && source(c, w, scale_w) == iw; ++c) {
            float col = 0.0f;
            for (int r = r0; r < oh && source(r, h, scale_h) == ih; ++r) col = __fadd_rn(col, gp[r * ow + c]);
            acc = __fadd_rn(acc, col);
        }
        dx[i] = acc;
    }
}
