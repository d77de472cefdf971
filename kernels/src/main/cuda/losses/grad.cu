// grad: image-gradient loss. Sobel operators Kx = [[−1,0,1],[−2,0,2],[−1,0,1]]/8 and Ky = Kxᵀ,
// cross-correlation with replicate padding of 1, on each H×W plane of e = t − p, p = σ(x):
//   L = (1/(2n)) Σ |Gx e| + |Gy e|     (mean over both gradient channels; n = N·C·H·W)
//   G is linear, so dL/de = (1/(2n))·(Gxᵀ sign(Gx e) + Gyᵀ sign(Gy e)) with sign(0) = 0, and
//   dL/dx = −dL/de·σ'(x). Gᵀ scatters each output's sign onto the 3×3 inputs it read; a padded
//   (replicated) position gives its share to the edge pixel it copied.
//
// Pass (grad_fused_f32, one launch; grid (tiles across, tiles down, planes) with y and z capped
// at 65535, a block looping over its (plane, tile row) pairs): per 32×32 tile of one plane, a
// block loads e over the tile plus a halo of 2 (replicate-clamped indices) and σ'(x) of the tile
// into shared memory, forms the signs of 8·Gx and 8·Gy over the tile plus a halo of 1 (zero
// outside the plane) and sums |8·Gx| + |8·Gy| over its own pixels, then gathers the adjoint for
// each own pixel — at the plane's border also from the replicated positions just outside it —
// and writes grad ← −weight/(2n)/8 · (8·Gᵀsign)·σ'(x) (or +=). The block sum goes to
// partials[block]; the last block (ticket) sums the partials in index order in double, writes L
// to loss[0] and resets the counter.
// Bytes per element: read x and t (about 1.27× with the halo, mostly from L2), write grad: 12.
#include "loss_common.cuh"

namespace {
constexpr int T = 32;           // tile side
constexpr int E = T + 4;        // e tile side (halo 2)
constexpr int S = T + 2;        // sign tile side (halo 1)
}  // namespace

extern "C" __global__ __launch_bounds__(LOSS_THREADS) void grad_fused_f32(
        const float* __restrict__ x, const float* __restrict__ t, float* __restrict__ grad, int planes, int h, int w,
        float scale, int accumulate, float* __restrict__ partials, unsigned int* __restrict__ counter,
        float* __restrict__ loss) {
    __shared__ float e[E][E + 1];
    __shared__ float dps[T][T + 1];
    __shared__ float sx[S][S + 1], sy[S][S + 1];
    __shared__ float fscratch[LOSS_WARPS];
    __shared__ double dscratch[LOSS_WARPS];
    const int j0 = blockIdx.x * T, down = (h + T - 1) / T;
    const long long hw = (long long)h * w;
    float sum[1] = {0.0f};

    // (plane, tile row) pairs, grid-stride over z and y: both extents are capped at 65535 blocks
    for (long long job = (long long)blockIdx.z * gridDim.y + blockIdx.y; job < (long long)planes * down;
         job += (long long)gridDim.z * gridDim.y) {
        const int plane = (int)(job / down), i0 = (int)(job % down) * T;
        const float* xp = x + plane * hw;
        const float* tp = t + plane * hw;
        for (int k = threadIdx.x; k < E * E; k += LOSS_THREADS) {
            const int r = k / E, c = k % E;
            const int gi = min(max(i0 - 2 + r, 0), h - 1), gj = min(max(j0 - 2 + c, 0), w - 1);
            const long long idx = (long long)gi * w + gj;
            float p, dp;
            sigmoid_slope(xp[idx], p, dp);
            e[r][c] = tp[idx] - p;
            if (r >= 2 && r < T + 2 && c >= 2 && c < T + 2) dps[r - 2][c - 2] = dp;
        }
        __syncthreads();
        for (int k = threadIdx.x; k < S * S; k += LOSS_THREADS) {
            const int r = k / S, c = k % S;  // sign position (i0 − 1 + r, j0 − 1 + c); e rows r..r+2
            const int gi = i0 - 1 + r, gj = j0 - 1 + c;
            float vx = 0.0f, vy = 0.0f;
            if (gi >= 0 && gi < h && gj >= 0 && gj < w) {
                const int er = r + 1, ec = c + 1;
                // 8·Gx and 8·Gy, grouped as the CPU path groups them
                const float gx = (e[er - 1][ec + 1] - e[er - 1][ec - 1]) + 2.0f * (e[er][ec + 1] - e[er][ec - 1]) +
                                 (e[er + 1][ec + 1] - e[er + 1][ec - 1]);
                const float gy = (e[er + 1][ec - 1] + 2.0f * e[er + 1][ec] + e[er + 1][ec + 1]) -
                                 (e[er - 1][ec - 1] + 2.0f * e[er - 1][ec] + e[er - 1][ec + 1]);
                vx = gx > 0.0f ? 1.0f : gx < 0.0f ? -1.0f : 0.0f;
                vy = gy > 0.0f ? 1.0f : gy < 0.0f ? -1.0f : 0.0f;
                if (r >= 1 && r <= T && c >= 1 && c <= T) sum[0] += fabsf(gx) + fabsf(gy);
            }
            sx[r][c] = vx;
            sy[r][c] = vy;
        }
        __syncthreads();
        for (int k = threadIdx.x; k < T * T; k += LOSS_THREADS) {
            const int li = k / T, lj = k % T, gi = i0 + li, gj = j0 + lj;
            if (gi >= h || gj >= w) continue;
            // 8·V at virtual position (v, u): Σ_dr wt(dr)·(sx[v+dr][u−1] − sx[v+dr][u+1])
            //                                  + Σ_dc wt(dc)·(sy[v−1][u+dc] − sy[v+1][u+dc]), wt = 1, 2, 1;
            // signs outside the sign tile lie outside the plane and count as zero.
            auto sxAt = [&](int r, int c) { return r >= 0 && r < S && c >= 0 && c < S ? sx[r][c] : 0.0f; };
            auto syAt = [&](int r, int c) { return r >= 0 && r < S && c >= 0 && c < S ? sy[r][c] : 0.0f; };
            auto adjoint = [&](int r, int c) {  // (r, c): sign-tile coordinates of the virtual position
                return (sxAt(r - 1, c - 1) - sxAt(r - 1, c + 1)) + 2.0f * (sxAt(r, c - 1) - sxAt(r, c + 1)) +
                       (sxAt(r + 1, c - 1) - sxAt(r + 1, c + 1)) +
                       (syAt(r - 1, c - 1) + 2.0f * syAt(r - 1, c) + syAt(r - 1, c + 1)) -
                       (syAt(r + 1, c - 1) + 2.0f * syAt(r + 1, c) + syAt(r + 1, c + 1));
            };
            const int r = li + 1, c = lj + 1;
            float v = adjoint(r, c);
            // replicate padding: the virtual rows/columns −1 and h (w) copied this edge pixel
            const bool top = gi == 0, bottom = gi == h - 1, left = gj == 0, right = gj == w - 1;
            if (top) v += adjoint(r - 1, c);
            if (bottom) v += adjoint(r + 1, c);
            if (left) v += adjoint(r, c - 1);
            if (right) v += adjoint(r, c + 1);
            if (top && left) v += adjoint(r - 1, c - 1);
            if (top && right) v += adjoint(r - 1, c + 1);
            if (bottom && left) v += adjoint(r + 1, c - 1);
            if (bottom && right) v += adjoint(r + 1, c + 1);
            store_grad(grad + plane * hw, (long long)gi * w + gj, scale * v * dps[li][lj], accumulate);
        }
        __syncthreads();
    }
    block_sum<float, 1>(sum, fscratch);
    if (threadIdx.x == 0) partials[linear_block()] = sum[0];
    if (!last_block_done(counter)) return;
    const double total = sum_partials(partials, block_count(), 1, 0, dscratch);
    if (threadIdx.x == 0) loss[0] = (float)(total / 8.0 / (2.0 * (double)planes * (double)hw));
    reset_ticket(counter);
}
