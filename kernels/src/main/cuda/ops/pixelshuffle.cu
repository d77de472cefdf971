// Pixel shuffle (Backend.pixelShuffle / pixelUnshuffle) between (P·r²)×H×W and P×(H·r)×(W·r)
// planes, P = N·C_out:
//   y[p, h·r + i, w·r + j] = x[p·r² + i·r + j, h, w]
// A permutation: its derivative is the inverse permutation, which is pixel unshuffle.
//
// Passes: one each, one thread per element of the side being written, gathering from the other
// side (reads are strided by r within a row, writes contiguous). Bytes per element: 8.

extern "C" __global__ void pixelshuffle_fwd_f32(const float* __restrict__ x, float* __restrict__ y, int planes,
                                                int r, int h, int w) {
    int oh = h * r, ow = w * r;
    long long total = (long long)planes * oh * ow;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int c = (int)(i % ow);
        long long t = i / ow;
        int row = (int)(t % oh);
        long long p = t / oh;
        int sh = row / r, si = row - sh * r, sw = c / r, sj = c - sw * r;
        y[i] = x[((p * r + si) * r + sj) * h * w + (long long)sh * w + sw];
    }
}

extern "C" __global__ void pixelshuffle_bwd_f32(const float* __restrict__ y, float* __restrict__ x, int planes,
                                                int r, int h, int w) {
    int oh = h * r, ow = w * r;
    long long total = (long long)planes * r * r * h * w;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int sw = (int)(i % w);
        long long t = i / w;
        int sh = (int)(t % h);
        long long ch = t / h;  // p·r² + i·r + j
        int sj = (int)(ch % r);
        int si = (int)((ch / r) % r);
        long long p = ch / ((long long)r * r);
        x[i] = y[(p * oh + (long long)sh * r + si) * ow + (long long)sw * r + sj];
    }
}
