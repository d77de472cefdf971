// 2-D average pooling (Backend.avgPool2d / avgPool2dBackward) over P = N·C planes of H×W, square
// window k, stride s, padding p, count_include_pad: every window divides by k².
//
// Math: y[oh, ow] = (Σ in-bounds taps x[oh·s − p + i, ow·s − p + j]) / k², summed in double and
// rounded once, as jgrad.core.Pooling. Derivative: every in-bounds tap of a window receives
// g[oh, ow]·(1/k²) (that factor rounded to float, as the CPU).
//
// Passes: avgpool_fwd_f32, one thread per output; avgpool_bwd_f32, a gather with one thread per
// input pixel summing, in float and in the fixed order oh then ow, the scaled gradients of the
// windows that cover it (no atomics, bitwise repeatable). Bytes per element: forward ≈ 4 + 4/s²,
// backward ≈ 4 + 4·(windows per pixel) mostly from cache.

namespace {

__device__ __forceinline__ int ceil_div_nonneg(int a, int b) {
    return a <= 0 ? -((-a) / b) : (a + b - 1) / b;
}

}  // namespace

extern "C" __global__ void avgpool_fwd_f32(const float* __restrict__ x, float* __restrict__ y, int planes, int h,
                                           int w, int oh, int ow, int k, int s, int p, double inv) {
    long long total = (long long)planes * oh * ow;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int c = (int)(i % ow);
        long long t = i / ow;
        int r = (int)(t % oh);
        long long plane = t / oh;
        const float* xp = x + plane * h * w;
        int r0 = r * s - p, c0 = c * s - p;
        int rlo = r0 < 0 ? 0 : r0, rhi = r0 + k < h ? r0 + k : h;
        int clo = c0 < 0 ? 0 : c0, chi = c0 + k < w ? c0 + k : w;
        double acc = 0.0;
        for (int ih = rlo; ih < rhi; ++ih) {
            for (int iw = clo; iw < chi; ++iw) acc += (double)xp[ih * w + iw];
        }
        y[i] = (float)(acc * inv);
    }
}

extern "C" __global__ void avgpool_bwd_f32(const float* __restrict__ g, float* __restrict__ dx, int planes, int h,
                                           int w, int oh, int ow, int k, int s, int p, float scale) {
    long long total = (long long)planes * h * w;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int iw = (int)(i % w);
        long long t = i / w;
        int ih = (int)(t % h);
        long long plane = t / h;
        const float* gp = g + plane * oh * ow;
        int rlo = ceil_div_nonneg(ih + p - k + 1, s), rhi = (ih + p) / s;
        int clo = ceil_div_nonneg(iw + p - k + 1, s), chi = (iw + p) / s;
        if (rlo < 0) rlo = 0;
        if (clo < 0) clo = 0;
        if (rhi > oh - 1) rhi = oh - 1;
        if (chi > ow - 1) chi = ow - 1;
        float acc = 0.0f;
        for (int r = rlo; r <= rhi; ++r) {
            for (int c = clo; c <= chi; ++c) acc = __fadd_rn(acc, __fmul_rn(gp[r * ow + c], scale));
        }
        dx[i] = acc;
    }
}
