// The two SSIM passes shared by ssim_a.cu and ssim_b.cu. No include guard (see loss_common.cuh).
//
// Notation (per image plane, per window of odd size W = 2h + 1, 1-D Gaussian g normalised, the
// 2-D window g⊗g): x = σ(pred), y = target, shifted by the plane's centre pixel values kx, ky
// (x' = x − kx, y' = y − ky; SSIM is unchanged and the second moments no longer cancel
// catastrophically where a plane is flat). With m' = G∗x', G∗y', G∗x'², G∗y'², G∗x'y' at a map
// pixel, μx = m'x + kx, σxx = m'xx − m'x², σxy = m'xy − m'x·m'y, and
//   A1 = 2μxμy + C1, A2 = 2σxy + C2, B1 = μx² + μy² + C1, B2 = σxx + σyy + C2, D = B1·B2,
//   S = A1·A2/D.
// With u = ∂L/∂S at the pixel (−1/M for 1 − mean S; −1/(2M) or 0 for clamp(1 − S, 0, 1)/2):
//   da = u·∂S/∂m'x  = u·(2μy·A2/D − 2μx·S/B1 + 2m'x·S/B2 − 2m'y·A1/D)
//   db = u·∂S/∂m'xx = u·(−S/B2)
//   dc = u·∂S/∂m'xy = u·(2A1/D)
// and since the moments are linear filters of x', x'², x'y',
//   ∂L/∂x = (Gᵀda + 2x'·Gᵀdb + y'·Gᵀdc)·σ'(pred),
// Gᵀ being the adjoint of the map's filtering: for a symmetric window, the same Gaussian applied
// around each pixel to the maps (zero outside the map); with reflect padding, positions of the
// padded plane are folded back onto the pixel they mirror.
//
// Geometry: map pixel o of a window is centred at plane position o + shift (valid: shift = h,
// the map is (H − W + 1) wide; reflect: shift = 0, the map is H wide and reads position
// v ∈ [o − h, o + h] at source(v) = −v for v < 0, 2(H−1) − v for v ≥ H).
//
// Kernel 1 (stats): a block owns a 32×32 tile of map pixels of one plane. It loads x' and y'
// over the tile plus the largest window's halo (σ applied on load) into shared memory, and for
// each window runs one horizontal pass (5 sums per row position, symmetric taps paired) and one
// vertical pass giving all five moments per map pixel, then writes da, db, dc to the scratch maps
// and sums the pixel losses (per window) into its partials; the last block (ticket) reduces the
// partials in index order in double and writes L.
// Kernel 2 (grad): a block owns a 32×32 tile of plane pixels. For each window it loads the three
// maps over the tile plus the window's halo (zero outside the map), runs the horizontal then the
// vertical adjoint pass (with the reflect folds in the border tiles) and accumulates
// Gᵀda, Gᵀdb, Gᵀdc per pixel in registers; finally it reads x and y again and writes
// grad ← weight·(Gᵀda + 2x'·Gᵀdb + y'·Gᵀdc)·σ'(pred), or adds it.

namespace {
constexpr int TILE = 32;          // map tile (kernel 1) and plane tile (kernel 2) side
constexpr int HMAX = 5;           // half of the largest window (11)
constexpr int IN = TILE + 2 * HMAX;
constexpr int ROWS_PER_THREAD = TILE * TILE / LOSS_THREADS;  // 4: rows ty, ty + 8, ty + 16, ty + 24
}  // namespace

// g[0..W) = normalised exp(−(i − W/2)²/(2σ²)), evaluated in double and rounded once (as the CPU
// code does). Every one of the first W threads computes the whole sum in the same order.
template <int W>
__device__ __forceinline__ void gaussian(double sigma, float* g) {
    if (threadIdx.x < W) {
        double s = 0.0, mine = 0.0;
        for (int i = 0; i < W; ++i) {
            const double d = i - W / 2;
            const double v = exp(-d * d / (2.0 * sigma * sigma));
            s += v;
            if (i == (int)threadIdx.x) mine = v;
        }
        g[threadIdx.x] = (float)(mine / s);
    }
}

__device__ __forceinline__ int reflect_index(int v, int n) {
    v = v < 0 ? -v : v >= n ? 2 * (n - 1) - v : v;
    return min(max(v, 0), n - 1);  // positions far past the plane feed only map pixels that are not written
}

// The plane's shift constants: σ(pred) and target at the centre pixel.
__device__ __forceinline__ void plane_shift(const float* __restrict__ xp, const float* __restrict__ tp, int h, int w,
                                            float& kx, float& ky) {
    const long long c = (long long)(h / 2) * w + w / 2;
    kx = sigmoid_of(xp[c]);
    ky = tp[c];
}

// Kernel 1, one window W on the loaded tile: the five moments per map pixel, then the map value,
// the three derivative maps (written) and the pixel losses (added to lossSum).
template <int W, bool CLAMP_HALF>
__device__ __forceinline__ void ssim_window_stats(const float (*xs)[IN + 1], const float (*ys)[IN + 1],
                                                  float (*hb)[IN][TILE], const float* g, int plane, int planes,
                                                  int o0i, int o0j, int ho, int wo, float kx, float ky, float c1,
                                                  float c2, float invM, float* __restrict__ maps, float& lossSum) {
    constexpr int H = W / 2, OFF = HMAX - H;
    const int tx = threadIdx.x & 31, ty = threadIdx.x >> 5;
    // horizontal: rows OFF .. IN − OFF of the tile, map column tx
    for (int r = OFF + ty; r < IN - OFF; r += LOSS_WARPS) {
        const float* xr = xs[r] + tx + OFF;
        const float* yr = ys[r] + tx + OFF;
        float a = xr[H], b = yr[H];
        float mx = g[H] * a, my = g[H] * b, mxx = g[H] * (a * a), myy = g[H] * (b * b), mxy = g[H] * (a * b);
#pragma unroll
        for (int k = 0; k < H; ++k) {
            const float x0 = xr[k], x1 = xr[W - 1 - k], y0 = yr[k], y1 = yr[W - 1 - k], gk = g[k];
            mx += gk * (x0 + x1);
            my += gk * (y0 + y1);
            mxx += gk * (x0 * x0 + x1 * x1);
            myy += gk * (y0 * y0 + y1 * y1);
            mxy += gk * (x0 * y0 + x1 * y1);
        }
        hb[0][r][tx] = mx;
        hb[1][r][tx] = my;
        hb[2][r][tx] = mxx;
        hb[3][r][tx] = myy;
        hb[4][r][tx] = mxy;
    }
    __syncthreads();
    const long long mapSize = (long long)planes * ho * wo;
#pragma unroll
    for (int q = 0; q < ROWS_PER_THREAD; ++q) {
        const int li = ty + q * LOSS_WARPS, oi = o0i + li, oj = o0j + tx;
        float m[5];
#pragma unroll
        for (int s = 0; s < 5; ++s) {
            float acc = g[H] * hb[s][li + OFF + H][tx];
#pragma unroll
            for (int k = 0; k < H; ++k) acc += g[k] * (hb[s][li + OFF + k][tx] + hb[s][li + OFF + W - 1 - k][tx]);
            m[s] = acc;
        }
        if (oi >= ho || oj >= wo) continue;
        const float sx = m[0], sy = m[1], ux = sx + kx, uy = sy + ky;
        const float a1 = 2.0f * ux * uy + c1, a2 = 2.0f * (m[4] - sx * sy) + c2;
        const float b1 = ux * ux + uy * uy + c1, b2 = (m[2] - sx * sx) + (m[3] - sy * sy) + c2;
        const float d = b1 * b2, sv = a1 * a2 / d;
        float u;
        if (CLAMP_HALF) {
            const float l = 1.0f - sv;
            lossSum += fminf(fmaxf(l, 0.0f), 1.0f) * 0.5f;
            u = l >= 0.0f && l <= 1.0f ? -0.5f * invM : 0.0f;
        } else {
            lossSum += 1.0f - sv;
            u = -invM;
        }
        const long long at = ((long long)plane * ho + oi) * wo + oj;
        maps[at] = u * (2.0f * uy * a2 / d - 2.0f * ux * sv / b1 + 2.0f * sx * sv / b2 - 2.0f * sy * a1 / d);
        maps[mapSize + at] = u * (-sv / b2);
        maps[2 * mapSize + at] = u * (2.0f * a1 / d);
    }
    __syncthreads();
}

// Kernel 1. Windows W1 and (if W2 > 0) W2, both of the same padding; valid padding only with a
// single window (its map size depends on the window).
template <bool REFLECT, bool CLAMP_HALF, int W1, int W2>
__device__ __forceinline__ void ssim_stats_pass(const float* __restrict__ pred, const float* __restrict__ target,
                                                int planes, int h, int w, int ho, int wo, double sigma, float c1,
                                                float c2, float invM1, float invM2, float* __restrict__ maps,
                                                float* __restrict__ partials, unsigned int* __restrict__ counter,
                                                float* __restrict__ loss) {
    static_assert(REFLECT || W2 == 0, "valid padding supports one window");
    static_assert(W1 / 2 <= HMAX && W2 / 2 <= HMAX, "window larger than the tile halo");
    __shared__ float xs[IN][IN + 1], ys[IN][IN + 1];
    __shared__ float hb[5][IN][TILE];
    __shared__ float g1[W1], g2[W2 > 0 ? W2 : 1];
    __shared__ float fscratch[2 * LOSS_WARPS];
    __shared__ double dscratch[LOSS_WARPS];
    gaussian<W1>(sigma, g1);
    if (W2 > 0) gaussian<(W2 > 0 ? W2 : 1)>(sigma, g2);
    const int o0j = blockIdx.x * TILE, down = (ho + TILE - 1) / TILE;
    // first tile position read: centre of map pixel o0 (o0 + shift) minus HMAX
    const int shift = REFLECT ? 0 : W1 / 2;
    const int v0j = o0j + shift - HMAX;
    const long long hw = (long long)h * w;
    float sums[2] = {0.0f, 0.0f};
    // (plane, tile row) pairs, grid-stride over z and y: both extents are capped at 65535 blocks
    for (long long job = (long long)blockIdx.z * gridDim.y + blockIdx.y; job < (long long)planes * down;
         job += (long long)gridDim.z * gridDim.y) {
        const int plane = (int)(job / down), o0i = (int)(job % down) * TILE, v0i = o0i + shift - HMAX;
        const float* xp = pred + plane * hw;
        const float* tp = target + plane * hw;
        float kx, ky;
        plane_shift(xp, tp, h, w, kx, ky);
        for (int k = threadIdx.x; k < IN * IN; k += LOSS_THREADS) {
            const int r = k / IN, c = k % IN;
            int si, sj;
            if (REFLECT) {
                si = reflect_index(v0i + r, h);
                sj = reflect_index(v0j + c, w);
            } else {
                si = min(max(v0i + r, 0), h - 1);
                sj = min(max(v0j + c, 0), w - 1);
            }
            const long long idx = (long long)si * w + sj;
            xs[r][c] = sigmoid_of(xp[idx]) - kx;
            ys[r][c] = tp[idx] - ky;
        }
        __syncthreads();
        ssim_window_stats<W1, CLAMP_HALF>(xs, ys, hb, g1, plane, planes, o0i, o0j, ho, wo, kx, ky, c1, c2, invM1,
                                          maps, sums[0]);
        if (W2 > 0) {
            ssim_window_stats<(W2 > 0 ? W2 : 1), CLAMP_HALF>(xs, ys, hb, g2, plane, planes, o0i, o0j, ho, wo, kx, ky,
                                                            c1, c2, invM2, maps + 3LL * planes * ho * wo, sums[1]);
        }
    }
    block_sum<float, 2>(sums, fscratch);
    if (threadIdx.x == 0) {
        partials[2LL * linear_block()] = sums[0];
        partials[2LL * linear_block() + 1] = sums[1];
    }
    if (!last_block_done(counter)) return;
    const int blocks = block_count();
    const double s1 = sum_partials(partials, blocks, 2, 0, dscratch);
    const double s2 = W2 > 0 ? sum_partials(partials, blocks, 2, 1, dscratch) : 0.0;
    if (threadIdx.x == 0) {
        const double m1 = (double)planes * ho * wo;  // same map size for every window here
        loss[0] = (float)(s1 / m1 + s2 / m1);
    }
    reset_ticket(counter);
}

// 1-D adjoint with the reflect fold, for one output position p of the plane (size n) whose loaded
// map row/column starts at plane position p0 − H (index 0 of `line`, stride `step`): the extra
// weight that positions mirrored across the border give to p.
template <int W>
__device__ __forceinline__ float reflect_fold(const float* line, int step, int p, int p0, int n, const float* g) {
    constexpr int H = W / 2;
    float v = 0.0f;
    if (p >= 1 && p <= H) {                 // mirrored position −p, read by map positions 0 .. H − p
#pragma unroll 1
        for (int c = 0; c <= H - p; ++c) v += g[H - p - c] * line[(c - p0 + H) * step];
    }
    if (p >= n - 1 - H && p <= n - 2) {     // mirrored position 2(n−1) − p, read by 2(n−1) − p − H .. n − 1
        const int m = 2 * (n - 1) - p;
#pragma unroll 1
        for (int c = m - H; c <= n - 1; ++c) v += g[m - c + H] * line[(c - p0 + H) * step];
    }
    return v;
}

// Kernel 2, one window: adds Gᵀda, Gᵀdb, Gᵀdc at the thread's pixels into acc.
template <int W, bool REFLECT>
__device__ __forceinline__ void ssim_window_adjoint(float (*dt)[IN][IN + 1], float (*rb)[IN][TILE], const float* g,
                                                    const float* __restrict__ maps, int plane, int planes, int i0,
                                                    int j0, int h, int w, int ho, int wo,
                                                    float (&acc)[3][ROWS_PER_THREAD]) {
    constexpr int H = W / 2, N = TILE + 2 * H;
    const int tx = threadIdx.x & 31, ty = threadIdx.x >> 5;
    const int shift = REFLECT ? 0 : H;
    const long long mapSize = (long long)planes * ho * wo;
    // map values at plane positions (i0 − H + r, j0 − H + c), zero outside the map
    for (int k = threadIdx.x; k < N * N; k += LOSS_THREADS) {
        const int r = k / N, c = k % N;
        const int mi = i0 - H + r - shift, mj = j0 - H + c - shift;
        const bool in = mi >= 0 && mi < ho && mj >= 0 && mj < wo;
        const long long at = ((long long)plane * ho + mi) * wo + mj;
#pragma unroll
        for (int m = 0; m < 3; ++m) dt[m][r][c] = in ? maps[m * mapSize + at] : 0.0f;
    }
    __syncthreads();
    // horizontal adjoint: every loaded row r, plane column j0 + tx
    const int pj = j0 + tx;
    const bool foldJ = REFLECT && (pj <= H || pj >= w - 1 - H) && pj < w;
    for (int r = ty; r < N; r += LOSS_WARPS) {
#pragma unroll
        for (int m = 0; m < 3; ++m) {
            const float* row = dt[m][r] + tx;
            float v = g[H] * row[H];
#pragma unroll
            for (int k = 0; k < H; ++k) v += g[k] * (row[k] + row[W - 1 - k]);
            if (foldJ) v += reflect_fold<W>(dt[m][r], 1, pj, j0, w, g);
            rb[m][r][tx] = v;
        }
    }
    __syncthreads();
    // the reflect fold across rows, for border tiles only: computed into dt, free after the
    // horizontal pass, so the unrolled vertical pass below stays lean
    const bool foldTile = REFLECT && (i0 <= H || i0 + TILE - 1 >= h - 1 - H);
    if (foldTile) {
        for (int k = threadIdx.x; k < 3 * TILE * TILE; k += LOSS_THREADS) {
            const int m = k / (TILE * TILE), li = (k / TILE) % TILE, j = k % TILE, pi = i0 + li;
            const bool foldI = (pi <= H || pi >= h - 1 - H) && pi < h;
            dt[m][li][j] = foldI ? reflect_fold<W>(&rb[m][0][j], TILE, pi, i0, h, g) : 0.0f;
        }
        __syncthreads();
    }
    // vertical adjoint: plane rows i0 + ty + 8q
#pragma unroll
    for (int q = 0; q < ROWS_PER_THREAD; ++q) {
        const int li = ty + q * LOSS_WARPS;
#pragma unroll
        for (int m = 0; m < 3; ++m) {
            float v = g[H] * rb[m][li + H][tx];
#pragma unroll
            for (int k = 0; k < H; ++k) v += g[k] * (rb[m][li + k][tx] + rb[m][li + W - 1 - k][tx]);
            if (foldTile) v += dt[m][li][tx];
            acc[m][q] += v;
        }
    }
    __syncthreads();
}

template <bool REFLECT, int W1, int W2>
__device__ __forceinline__ void ssim_grad_pass(const float* __restrict__ pred, const float* __restrict__ target,
                                               float* __restrict__ grad, int planes, int h, int w, int ho, int wo,
                                               double sigma, const float* __restrict__ maps, float weight,
                                               int accumulate) {
    __shared__ float dt[3][IN][IN + 1];
    __shared__ float rb[3][IN][TILE];
    __shared__ float g1[W1], g2[W2 > 0 ? W2 : 1];
    gaussian<W1>(sigma, g1);
    if (W2 > 0) gaussian<(W2 > 0 ? W2 : 1)>(sigma, g2);
    __syncthreads();
    const int j0 = blockIdx.x * TILE, down = (h + TILE - 1) / TILE;
    const int tx = threadIdx.x & 31, ty = threadIdx.x >> 5;
    const long long hw = (long long)h * w;
    // (plane, tile row) pairs, grid-stride over z and y: both extents are capped at 65535 blocks
    for (long long job = (long long)blockIdx.z * gridDim.y + blockIdx.y; job < (long long)planes * down;
         job += (long long)gridDim.z * gridDim.y) {
        const int plane = (int)(job / down), i0 = (int)(job % down) * TILE;
        float acc[3][ROWS_PER_THREAD];
#pragma unroll
        for (int m = 0; m < 3; ++m)
#pragma unroll
            for (int q = 0; q < ROWS_PER_THREAD; ++q) acc[m][q] = 0.0f;
        ssim_window_adjoint<W1, REFLECT>(dt, rb, g1, maps, plane, planes, i0, j0, h, w, ho, wo, acc);
        if (W2 > 0) {
            ssim_window_adjoint<(W2 > 0 ? W2 : 1), REFLECT>(dt, rb, g2, maps + 3LL * planes * ho * wo, plane, planes,
                                                           i0, j0, h, w, ho, wo, acc);
        }
        const float* xp = pred + plane * hw;
        const float* tp = target + plane * hw;
        float kx, ky;
        plane_shift(xp, tp, h, w, kx, ky);
        const int pj = j0 + tx;
#pragma unroll
        for (int q = 0; q < ROWS_PER_THREAD; ++q) {
            const int pi = i0 + ty + q * LOSS_WARPS;
            if (pi >= h || pj >= w) continue;
            const long long idx = (long long)pi * w + pj;
            float p, dp;
            sigmoid_slope(xp[idx], p, dp);
            const float xv = p - kx, yv = tp[idx] - ky;
            const float v = acc[0][q] + 2.0f * xv * acc[1][q] + yv * acc[2][q];
            store_grad(grad + plane * hw, idx, weight * v * dp, accumulate);
        }
    }
}
