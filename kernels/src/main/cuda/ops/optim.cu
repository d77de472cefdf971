// Optimizer updates (Backend.sgdStep / adamStep), elementwise and in place, in the float
// arithmetic of jgrad's CPU optimizers: every operation is an explicitly rounded float op
// (__fmul_rn, __fadd_rn, __fdiv_rn, correctly rounded sqrtf), so no FMA contraction and the
// results equal the CPU's bit for bit. Coefficients are computed in double on the host and
// rounded to float once.
//
// SGD: d = g + wd·p; without momentum p −= lr·d; with it buf = first ? d : momentum·buf + keep·d
//   and p −= lr·(nesterov ? d + momentum·buf : buf), keep = 1 − dampening.
// Adam/AdamW: p' = p·decay; g' = g + l2·p'; m = b1·m + c1·g'; v = b2·v + c2·g'²;
//   v̂ = max(vmax, v) stored back with AMSGrad, else v; p = p' − (step·m)/(√v̂/sqrt_bc2 + eps).
// No derivatives (these consume gradients). One pass each, one thread per parameter. Bytes per
// element: SGD 12 (20 with momentum), Adam 28 (36 with AMSGrad).

extern "C" __global__ void optim_sgd_f32(float* __restrict__ param, const float* __restrict__ grad,
                                         float* __restrict__ buf, long long n, float lr, float momentum, float keep,
                                         float wd, int has_buf, int nesterov, int first) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        float p = param[i];
        float d = __fadd_rn(grad[i], __fmul_rn(wd, p));
        if (!has_buf) {
            param[i] = __fsub_rn(p, __fmul_rn(lr, d));
        } else {
            float b = first ? d : __fadd_rn(__fmul_rn(momentum, buf[i]), __fmul_rn(keep, d));
            buf[i] = b;
            float step = nesterov ? __fadd_rn(d, __fmul_rn(momentum, b)) : b;
            param[i] = __fsub_rn(p, __fmul_rn(lr, step));
        }
    }
}

extern "C" __global__ void optim_adam_f32(float* __restrict__ param, const float* __restrict__ grad,
                                          float* __restrict__ m, float* __restrict__ v, float* __restrict__ vmax,
                                          long long n, int has_vmax, float decay, float l2, float b1, float b2,
                                          float c1, float c2, float step, float sqrt_bc2, float eps) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        float p = __fmul_rn(param[i], decay);
        float g = __fadd_rn(grad[i], __fmul_rn(l2, p));
        float mi = __fadd_rn(__fmul_rn(b1, m[i]), __fmul_rn(c1, g));
        float vi = __fadd_rn(__fmul_rn(b2, v[i]), __fmul_rn(__fmul_rn(c2, g), g));
        m[i] = mi;
        v[i] = vi;
        if (has_vmax) {
            float old = vmax[i];
            // Math.max: NaN wins
            vi = (old != old || vi != vi) ? __int_as_float(0x7fc00000) : (old > vi ? old : vi);
            vmax[i] = vi;
        }
        float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(vi), sqrt_bc2), eps);
        param[i] = __fsub_rn(p, __fdiv_rn(__fmul_rn(step, mi), denom));
    }
}
