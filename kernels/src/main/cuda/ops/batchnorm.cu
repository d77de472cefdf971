// Batch normalisation (Backend.batchNorm / batchNormBackward) over x viewed as N×C×S contiguous,
// M = N·S values per channel, the formulas of jgrad.core.BatchNorm:
//   training: μ = Σx/M, σ² = Σ(x − μ)²/M, running ← (1 − m)·running + m·(μ, σ²·M/(M − 1))
//   eval:     μ, σ² = the running statistics
//   y = a·(x − μ) + β with a = γ/√(σ² + ε) rounded to float once
// Derivative, g = ∂L/∂y, x̂ = (x − μ)/√(σ² + ε):
//   ∂β = Σg, ∂γ = Σg·x̂, ∂x = k·g + u·(x − μ) + v with k = γ/√(σ² + ε) and, in training only,
//   u = −k·Σ(g·x̂)/(M·√(σ² + ε)), v = −k·Σg/M (the statistics' dependence on x).
//
// Passes, all deterministic (fixed-shape trees, sums in double, no atomics):
//   forward training: batchnorm_sums_f32 (one block per plane n·C + c: Σx) → batchnorm_mean_f32
//   (one thread per channel sums its N planes in order) → batchnorm_sums_f32 again (Σ(x − μ)²,
//   two-pass for accuracy) → batchnorm_finish_f32 (σ², 1/√(σ² + ε), running statistics, the saved
//   statistics and the per-channel coefficients a, μ, β) → batchnorm_apply_f32 (y, elementwise).
//   Eval runs batchnorm_finish_f32 on the running statistics, then batchnorm_apply_f32.
//   backward: batchnorm_bwdsums_f32 (per plane Σg and Σg·(x − μ)·invstd) → batchnorm_bwdfinish_f32
//   (per channel ∂γ, ∂β, k, u, v) → batchnorm_bwdapply_f32 (∂x, elementwise; skipped without dx).
// Bytes per element: forward training 4 + 4 + 8 (two reads for the statistics, read + write for
// y), eval 8; backward 8 (sums) + 12 (∂x).

#define THREADS 256

namespace {

template <int K>
__device__ __forceinline__ void block_sum(double (&v)[K], double* scratch) {
#pragma unroll
    for (int k = 0; k < K; ++k) {
#pragma unroll
        for (int offset = 16; offset > 0; offset >>= 1) v[k] += __shfl_down_sync(0xffffffffu, v[k], offset);
    }
    int warp = threadIdx.x / 32;
    if (threadIdx.x % 32 == 0) {
#pragma unroll
        for (int k = 0; k < K; ++k) scratch[k * (THREADS / 32) + warp] = v[k];
    }
    __syncthreads();
    if (threadIdx.x == 0) {
#pragma unroll
        for (int k = 0; k < K; ++k) {
            double t = scratch[k * (THREADS / 32)];
            for (int w = 1; w < THREADS / 32; ++w) t += scratch[k * (THREADS / 32) + w];
            v[k] = t;
        }
    }
}

}  // namespace

// grid: one block per plane (n·C + c), THREADS threads. part[p] = Σx, or Σ(x − mean[c])² when centered.
extern "C" __global__ void batchnorm_sums_f32(const float* __restrict__ x, long long s, int c, const double* mean,
                                              int centered, double* __restrict__ part) {
    __shared__ double scratch[THREADS / 32];
    long long plane = blockIdx.x;
    const float* xp = x + plane * s;
    double mu = centered ? mean[plane % c] : 0.0;
    double acc[1] = {0.0};
    for (long long i = threadIdx.x; i < s; i += THREADS) {
        double d = (double)xp[i] - mu;
        acc[0] += centered ? d * d : d;
    }
    block_sum<1>(acc, scratch);
    if (threadIdx.x == 0) part[plane] = acc[0];
}

// One thread per channel: mean[c] = Σ_n part[n·C + c] / M.
extern "C" __global__ void batchnorm_mean_f32(const double* __restrict__ part, int n, int c, double m,
                                              double* __restrict__ mean) {
    int ch = blockIdx.x * blockDim.x + threadIdx.x;
    if (ch >= c) return;
    double t = 0.0;
    for (int b = 0; b < n; ++b) t += part[(long long)b * c + ch];
    mean[ch] = t / m;
}

// One thread per channel: the statistics used to normalise, the running update (training with
// running tensors), the saved statistics and coef = (a, μ, β) per channel (3·C floats).
extern "C" __global__ void batchnorm_finish_f32(const double* part, int n, int c, double m, int training,
                                                double momentum, double eps, float* running_mean, float* running_var,
                                                int has_running, const float* __restrict__ weight,
                                                const float* __restrict__ bias, const double* mean,
                                                float* __restrict__ save_mean, float* __restrict__ save_invstd,
                                                float* __restrict__ coef) {
    int ch = blockIdx.x * blockDim.x + threadIdx.x;
    if (ch >= c) return;
    double mu, inv;
    if (training) {
        double t = 0.0;
        for (int b = 0; b < n; ++b) t += part[(long long)b * c + ch];
        mu = mean[ch];
        inv = 1.0 / sqrt(t / m + eps);
        if (has_running) {
            float rm = running_mean[ch], rv = running_var[ch];
            running_mean[ch] = (float)((1.0 - momentum) * rm + momentum * mu);
            running_var[ch] = (float)((1.0 - momentum) * rv + momentum * (t / (m - 1.0)));
        }
    } else {
        mu = (double)running_mean[ch];
        inv = 1.0 / sqrt((double)running_var[ch] + eps);
    }
    save_mean[ch] = (float)mu;
    save_invstd[ch] = (float)inv;
    coef[ch] = (float)((double)weight[ch] * inv);
    coef[c + ch] = (float)mu;
    coef[2 * c + ch] = bias[ch];
}

// y = a·(x − μ) + β elementwise, channel (i / S) mod C.
extern "C" __global__ void batchnorm_apply_f32(const float* __restrict__ x, const float* __restrict__ coef, int c,
                                               long long s, long long total, float* __restrict__ y) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int ch = (int)((i / s) % c);
        y[i] = __fadd_rn(__fmul_rn(coef[ch], __fsub_rn(x[i], coef[c + ch])), coef[2 * c + ch]);
    }
}

// grid: one block per plane. part[2p] = Σg, part[2p + 1] = Σ g·(x − μ) · invstd.
extern "C" __global__ void batchnorm_bwdsums_f32(const float* __restrict__ x, const float* __restrict__ g, long long s,
                                                 int c, const float* __restrict__ save_mean,
                                                 const float* __restrict__ save_invstd, double* __restrict__ part) {
    __shared__ double scratch[2 * (THREADS / 32)];
    long long plane = blockIdx.x;
    int ch = (int)(plane % c);
    const float* xp = x + plane * s;
    const float* gp = g + plane * s;
    double mu = (double)save_mean[ch];
    double acc[2] = {0.0, 0.0};
    for (long long i = threadIdx.x; i < s; i += THREADS) {
        double gv = (double)gp[i];
        acc[0] += gv;
        acc[1] += gv * ((double)xp[i] - mu);
    }
    block_sum<2>(acc, scratch);
    if (threadIdx.x == 0) {
        part[2 * plane] = acc[0];
        part[2 * plane + 1] = acc[1] * (double)save_invstd[ch];
    }
}

// One thread per channel: ∂γ, ∂β and coef = (k, u, v, μ) per channel (4·C floats).
extern "C" __global__ void batchnorm_bwdfinish_f32(const double* __restrict__ part, int n, int c, double m,
                                                   int training, const float* __restrict__ weight,
                                                   const float* __restrict__ save_mean,
                                                   const float* __restrict__ save_invstd, float* __restrict__ dweight,
                                                   float* __restrict__ dbias, float* __restrict__ coef) {
    int ch = blockIdx.x * blockDim.x + threadIdx.x;
    if (ch >= c) return;
    double sg = 0.0, sgx = 0.0;
    for (int b = 0; b < n; ++b) {
        sg += part[2 * ((long long)b * c + ch)];
        sgx += part[2 * ((long long)b * c + ch) + 1];
    }
    dweight[ch] = (float)sgx;
    dbias[ch] = (float)sg;
    double inv = (double)save_invstd[ch];
    double k = (double)weight[ch] * inv;
    coef[ch] = (float)k;
    coef[c + ch] = training ? (float)(-k * inv * sgx / m) : 0.0f;
    coef[2 * c + ch] = training ? (float)(-k * sg / m) : 0.0f;
    coef[3 * c + ch] = save_mean[ch];
}

// dx = k·g + u·(x − μ) + v elementwise.
extern "C" __global__ void batchnorm_bwdapply_f32(const float* __restrict__ x, const float* __restrict__ g,
                                                  const float* __restrict__ coef, int c, long long s,
                                                  long long total, float* __restrict__ dx) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        int ch = (int)((i / s) % c);
        float t = __fadd_rn(__fmul_rn(coef[ch], g[i]), __fmul_rn(coef[c + ch], __fsub_rn(x[i], coef[3 * c + ch])));
        dx[i] = __fadd_rn(t, coef[2 * c + ch]);
    }
}

#undef THREADS
