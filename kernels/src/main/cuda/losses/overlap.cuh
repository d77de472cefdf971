// The two passes shared by the overlap losses (Dice, Tversky, and their sums with bce), which
// see the prediction only through a group's sums P = Σp, T = Σt, I = Σp·t with p = σ(x)
// (a group is the whole batch or one image). For a group loss L_g(P, T, I):
//   ∂L_g/∂x_i = (∂L_g/∂P + t_i·∂L_g/∂I)·σ'(x_i)
// so the gradient pass needs two numbers per group. No include guard (see loss_common.cuh).
//
// Layout: G groups of S consecutive elements, each split over C blocks; block b = g·C + c
// visits elements g·S + c·256 + j + k·(C·256) of its group. The stats pass writes K floats per
// block (P, T, I and, with bce, Σ bce terms); its last block (ticket) reduces every group's C
// partials with one warp per group (lanes in fixed order, then a fixed shuffle tree), evaluates
// the loss terms in double, writes the coefficients coef[2g] = w·∂L_g/∂I/G and
// coef[2g+1] = w·∂L_g/∂P/G, and the value to loss[0]. The grad pass reads its group's pair and
// writes (coef[2g+1] + coef[2g]·t)·σ'(x) [+ cb·(σ(x) − t)] per element.

template <int K>
__device__ __forceinline__ void overlap_stats(const float* __restrict__ x, const float* __restrict__ t, long long size,
                                              int chunks, float* __restrict__ partials) {
    __shared__ float scratch[K * LOSS_WARPS];
    const int g = blockIdx.x / chunks, c = blockIdx.x % chunks;
    const long long base = (long long)g * size;
    float s[K];
#pragma unroll
    for (int k = 0; k < K; ++k) s[k] = 0.0f;
    for_each_xt(x + base, t + base, (long long)c * LOSS_THREADS + threadIdx.x, size, (long long)chunks * LOSS_THREADS,
                [&](long long, float xi, float ti) {
                    const float e = expf(-fabsf(xi));
                    const float r = 1.0f / (1.0f + e);
                    const float p = xi >= 0.0f ? r : e * r;
                    s[0] += p;
                    s[1] += ti;
                    s[2] += p * ti;
                    if (K == 4) s[K - 1] += fmaxf(xi, 0.0f) - xi * ti + log1pf(e);
                });
    block_sum<float, K>(s, scratch);
    if (threadIdx.x == 0) {
#pragma unroll
        for (int k = 0; k < K; ++k) partials[(long long)blockIdx.x * K + k] = s[k];
    }
}

// Run by the last block of the stats pass. terms(P, T, I, &value, &dP, &dI) in double.
// value = overlapValueWeight·(Σ_g L_g)/G + bceValueWeight·(Σ bce)/n.
template <int K, typename Terms>
__device__ __forceinline__ void overlap_finish(const float* partials, int groups, int chunks, long long n,
                                               const Terms& terms, float overlapValueWeight, float bceValueWeight,
                                               float overlapGradWeight, float* __restrict__ coef,
                                               float* __restrict__ loss) {
    __shared__ double warpValue[LOSS_WARPS], warpBce[LOSS_WARPS];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    double value = 0.0, bce = 0.0;  // meaningful in lane 0
    for (int g = warp; g < groups; g += LOSS_WARPS) {
        double s[K];
#pragma unroll
        for (int k = 0; k < K; ++k) s[k] = 0.0;
        for (int c = lane; c < chunks; c += 32) {
            const float* p = partials + ((long long)g * chunks + c) * K;
#pragma unroll
            for (int k = 0; k < K; ++k) s[k] += (double)__ldcg(p + k);
        }
#pragma unroll
        for (int k = 0; k < K; ++k) s[k] = warp_sum(s[k]);
        if (lane == 0) {
            double v, dP, dI;
            terms(s[0], s[1], s[2], v, dP, dI);
            value += v;
            if (K == 4) bce += s[K - 1];
            coef[2 * g] = (float)((double)overlapGradWeight * dI / groups);
            coef[2 * g + 1] = (float)((double)overlapGradWeight * dP / groups);
        }
    }
    if (lane == 0) {
        warpValue[warp] = value;
        warpBce[warp] = bce;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        double v = 0.0, b = 0.0;
        for (int w = 0; w < LOSS_WARPS; ++w) {
            v += warpValue[w];
            b += warpBce[w];
        }
        double l = (double)overlapValueWeight * v / groups;
        if (K == 4) l += (double)bceValueWeight * b / (double)n;
        loss[0] = (float)l;
    }
}

template <bool BCE>
__device__ __forceinline__ void overlap_grad(const float* __restrict__ x, const float* __restrict__ t,
                                             float* __restrict__ grad, long long size, int chunks,
                                             const float* __restrict__ coef, float cb, int accumulate) {
    const int g = blockIdx.x / chunks, c = blockIdx.x % chunks;
    const long long base = (long long)g * size;
    const float a = coef[2 * g], b = coef[2 * g + 1];
    float* gg = grad + base;
    for_each_xt(x + base, t + base, (long long)c * LOSS_THREADS + threadIdx.x, size, (long long)chunks * LOSS_THREADS,
                [&](long long i, float xi, float ti) {
                    const float e = expf(-fabsf(xi));
                    const float r = 1.0f / (1.0f + e);
                    const float dp = e * r * r;
                    float v = (b + a * ti) * dp;
                    if (BCE) {
                        const float p = xi >= 0.0f ? r : e * r;
                        v += cb * (p - ti);
                    }
                    store_grad(gg, i, v, accumulate);
                });
}

// Soft Dice per group: den = P + T + sDen, num = 2I + sNum; L = 1 − num/den,
// ∂L/∂P = num/den², ∂L/∂I = −2/den.
struct DiceTerms {
    double smoothNum, smoothDen;
    __device__ void operator()(double P, double T, double I, double& value, double& dP, double& dI) const {
        const double den = P + T + smoothDen, num = 2.0 * I + smoothNum;
        value = 1.0 - num / den;
        dP = num / (den * den);
        dI = -2.0 / den;
    }
};

// Tversky per group: k = 1 − α − β, den = k·I + α·P + β·T + ε (= TP + α·FP + β·FN + ε);
// L = 1 − I/den, ∂L/∂P = α·I/den², ∂L/∂I = −(den − k·I)/den².
struct TverskyTerms {
    double alpha, beta, eps;
    __device__ void operator()(double P, double T, double I, double& value, double& dP, double& dI) const {
        const double k = 1.0 - alpha - beta;
        const double den = k * I + alpha * P + beta * T + eps;
        value = 1.0 - I / den;
        dP = alpha * I / (den * den);
        dI = -(den - k * I) / (den * den);
    }
};

// The stats kernel body: partials, then (last block) coefficients and value.
template <int K, typename Terms>
__device__ __forceinline__ void overlap_stats_pass(const float* __restrict__ x, const float* __restrict__ t,
                                                   long long size, int groups, int chunks, const Terms& terms,
                                                   float overlapValueWeight, float bceValueWeight,
                                                   float overlapGradWeight, float* __restrict__ partials,
                                                   unsigned int* __restrict__ counter, float* __restrict__ coef,
                                                   float* __restrict__ loss) {
    overlap_stats<K>(x, t, size, chunks, partials);
    if (!last_block_done(counter)) return;
    overlap_finish<K>(partials, groups, chunks, size * groups, terms, overlapValueWeight, bceValueWeight,
                      overlapGradWeight, coef, loss);
    reset_ticket(counter);
}
