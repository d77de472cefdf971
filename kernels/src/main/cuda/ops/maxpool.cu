// 2-D max pooling (Backend.maxPool2d / maxPool2dBackward) over P = N·C planes of H×W, square
// window k, stride s, padding p (padding acts as −∞), OH = ⌊(H + 2p − k)/s⌋ + 1 (same for W).
//
// Math: y[oh, ow] = max over the in-bounds taps x[oh·s − p + i, ow·s − p + j]; NaN propagates.
// Derivative: g[oh, ow] goes to one tap only, the first in row-major window order equal to y, as
// jgrad.core.Pooling and PyTorch; when y is NaN, the first NaN, as jgrad.core.Pooling (PyTorch's
// kernels take the last).
//
// Passes: maxpool_fwd_f32, one thread per output (reads k² inputs, mostly from cache).
// maxpool_bwd_f32 is a gather, one thread per input pixel: for every window covering the pixel
// (oh ascending, then ow) it rescans the window for its first maximum and adds g when that is
// the pixel. No atomics, and the order of the additions is fixed, so the result is bitwise
// repeatable. Bytes per element: forward ≈ 4 + 4/s²; backward ≈ 8 + window rescans from cache.

namespace {

__device__ __forceinline__ int ceil_div_nonneg(int a, int b) {
    return a <= 0 ? -((-a) / b) : (a + b - 1) / b;
}

}  // namespace

extern "C" __global__ void maxpool_fwd_f32(const float* __restrict__ x, float* __restrict__ y, int planes, int h,
                                           int w, int oh, int ow, int k, int s, int p) {
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
        float m = -__int_as_float(0x7f800000);
        for (int ih = rlo; ih < rhi; ++ih) {
            for (int iw = clo; iw < chi; ++iw) {
                float v = xp[ih * w + iw];
                if (v > m || v != v || (v == m && signbit(m) && !signbit(v))) m = v;  // +0 beats −0, as Math.max
                if (m != m) break;
            }
            if (m != m) break;
        }
        y[i] = m;
    }
}

extern "C" __global__ void maxpool_bwd_f32(const float* __restrict__ x, const float* __restrict__ y,
                                           const float* __restrict__ g, float* __restrict__ dx, int planes, int h,
                                           int w, int oh, int ow, int k, int s, int p) {
    long long total = (long long)planes * h * w;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int iw = (int)(i % w);
        long long t = i / w;
        int ih = (int)(t % h);
        long long plane = t / h;
        const float* xp = x + plane * h * w;
        const float* yp = y + plane * oh * ow;
        const float* gp = g + plane * oh * ow;
        // windows covering (ih, iw): o·s − p ≤ i ≤ o·s − p + k − 1
        int rlo = ceil_div_nonneg(ih + p - k + 1, s), rhi = (ih + p) / s;
        int clo = ceil_div_nonneg(iw + p - k + 1, s), chi = (iw + p) / s;
        if (rlo < 0) rlo = 0;
        if (clo < 0) clo = 0;
        if (rhi > oh - 1) rhi = oh - 1;
        if (chi > ow - 1) chi = ow - 1;
        float acc = 0.0f;
        for (int r = rlo; r <= rhi; ++r) {
            for (int c = clo; c <= chi; ++c) {
                float m = yp[r * ow + c];
                bool nan = m != m;
                int r0 = r * s - p, c0 = c * s - p;
                int wr0 = r0 < 0 ? 0 : r0, wr1 = r0 + k < h ? r0 + k : h;
                int wc0 = c0 < 0 ? 0 : c0, wc1 = c0 + k < w ? c0 + k : w;
                int at = -1;
                for (int a = wr0; a < wr1 && at < 0; ++a) {
                    for (int b = wc0; b < wc1; ++b) {
                        float v = xp[a * w + b];
                        if (v == m || (nan && v != v)) {
                            at = a * w + b;
                            break;
                        }
                    }
                }
                if (at == ih * w + iw) acc += gp[r * ow + c];
            }
        }
        dx[i] = acc;
    }
}
