// Bilinear resizing (Backend.upsampleBilinear / upsampleBilinearBackward) of P = N·C planes
// H×W → OH×OW, as F.interpolate(mode='bilinear') and jgrad.core.Resampling.
//
// Math, per axis (in → out), in float exactly as Resampling.linearAxis (scale computed on the
// host the same way: (in − 1)/(out − 1) or 0 when aligning corners, else in/out):
//   align_corners: src = scale·d;  otherwise src = max(scale·(d + ½) − ½, 0)
//   i0 = min(⌊src⌋, in − 1), i1 = i0 + (i0 < in − 1), λ1 = clamp(src − i0, 0, 1), λ0 = 1 − λ1
//   y = λh0·(λw0·x[h0,w0] + λw1·x[h0,w1]) + λh1·(λw0·x[h1,w0] + λw1·x[h1,w1])
// Every product and sum is an explicitly rounded float operation (__fmul_rn/__fadd_rn), so no
// FMA contraction changes a source index or a weight: the results equal the CPU's bit for bit.
// Derivative: the transpose, ∂x[h, w] = Σ over outputs reading (h, w) of g·(row weight)·(column
// weight); since the axes are separable, ∂x[h, w] = Σ_ow λw(ow → w)·T(h, ow) with
// T(h, ow) = Σ_oh λh(oh → h)·g[oh, ow], the CPU's two passes with the same addition order.
//
// Passes: bilinear_fwd_f32, one thread per output (4 reads from cache). bilinear_bwd_f32, a
// gather with one thread per input pixel: the outputs whose i0 or i1 is the pixel's row form a
// contiguous range (i0 is monotonic in d), found by binary search over the exact axis formula;
// likewise for columns. No atomics; bitwise repeatable. Bytes per element: forward 4 written +
// ≈4 read per input; backward 4 written + each g read by up to 4 inputs.

namespace {

struct Tap {
    int i0, i1;
    float l0, l1;
};

__device__ __forceinline__ float source(int d, float scale, bool align) {
    if (align) return __fmul_rn(scale, (float)d);
    float src = __fsub_rn(__fmul_rn(scale, __fadd_rn((float)d, 0.5f)), 0.5f);
    return src < 0.0f ? 0.0f : src;
}

__device__ __forceinline__ int first_index(int d, int in, float scale, bool align) {
    int i0 = (int)floorf(source(d, scale, align));
    return i0 < in - 1 ? i0 : in - 1;
}

__device__ __forceinline__ Tap tap(int d, int in, float scale, bool align) {
    float src = source(d, scale, align);
    Tap t;
    t.i0 = (int)floorf(src);
    if (t.i0 > in - 1) t.i0 = in - 1;
    t.i1 = t.i0 + (t.i0 < in - 1 ? 1 : 0);
    float l1 = __fsub_rn(src, (float)t.i0);
    l1 = l1 < 0.0f ? 0.0f : (l1 > 1.0f ? 1.0f : l1);
    t.l1 = l1;
    t.l0 = __fsub_rn(1.0f, l1);
    return t;
}

// First output position d in [0, out) with i0(d) ≥ target (out when none).
__device__ __forceinline__ int lower_bound(int target, int in, int out, float scale, bool align) {
    int lo = 0, hi = out;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (first_index(mid, in, scale, align) < target) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

__device__ __forceinline__ float lerp(float l0, float a, float l1, float b) {
    return __fadd_rn(__fmul_rn(l0, a), __fmul_rn(l1, b));
}

}  // namespace

extern "C" __global__ void bilinear_fwd_f32(const float* __restrict__ x, float* __restrict__ y, int planes, int h,
                                            int w, int oh, int ow, float scale_h, float scale_w, int align) {
    long long total = (long long)planes * oh * ow;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int c = (int)(i % ow);
        long long t = i / ow;
        int r = (int)(t % oh);
        long long plane = t / oh;
        const float* xp = x + plane * h * w;
        Tap th = tap(r, h, scale_h, align != 0), tw = tap(c, w, scale_w, align != 0);
        const float* row0 = xp + th.i0 * w;
        const float* row1 = xp + th.i1 * w;
        float t0 = lerp(tw.l0, row0[tw.i0], tw.l1, row0[tw.i1]);
        float t1 = lerp(tw.l0, row1[tw.i0], tw.l1, row1[tw.i1]);
        y[i] = lerp(th.l0, t0, th.l1, t1);
    }
}

extern "C" __global__ void bilinear_bwd_f32(const float* __restrict__ g, float* __restrict__ dx, int planes, int h,
                                            int w, int oh, int ow, float scale_h, float scale_w, int align) {
    long long total = (long long)planes * h * w;
    bool al = align != 0;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int iw = (int)(i % w);
        long long t = i / w;
        int ih = (int)(t % h);
        long long plane = t / h;
        const float* gp = g + plane * oh * ow;
        // outputs reading this row or column have i0 = ih − 1 (through i1) or i0 = ih
        int r0 = lower_bound(ih - 1, h, oh, scale_h, al);
        int c0 = lower_bound(iw - 1, w, ow, scale_w, al);
        float acc = 0.0f;
        for (int c = c0; c < ow; ++c) {
            Tap tw = tap(c, w, scale_w, al);
            if (tw.i0 > iw) break;
            bool use0 = tw.i0 == iw, use1 = tw.i1 == iw;
            if (!use0 && !use1) continue;
            float col = 0.0f;
            for (int r = r0; r < oh; ++r) {
                Tap th = tap(r, h, scale_h, al);
                if (th.i0 > ih) break;
                float gv = gp[r * ow + c];
                if (th.i0 == ih) col = __fadd_rn(col, __fmul_rn(th.l0, gv));
                if (th.i1 == ih) col = __fadd_rn(col, __fmul_rn(th.l1, gv));
            }
            if (use0) acc = __fadd_rn(acc, __fmul_rn(tw.l0, col));
            if (use1) acc = __fadd_rn(acc, __fmul_rn(tw.l1, col));
        }
        dx[i] = acc;
    }
}
