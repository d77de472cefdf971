// Elementwise kernels of the CUDA backend (jgrad.core.Elementwise on the GPU), with numpy
// broadcasting through strides.
//
// Math: copy dst ← src; add dst += src; unary y = f(x) for f in jgrad.core.UnaryOp (NEG EXP LOG
// LOG1P SQRT ABS SIGMOID TANH RELU, in that ordinal order); binary out = a ∘ b for ∘ in
// jgrad.core.BinaryOp (ADD SUB MUL DIV POW MAXIMUM MINIMUM EQ NE LT LE GT GE); clamp
// y = min(max(x, lo), hi); where out = cond ≠ 0 ? a : b. MAXIMUM, MINIMUM and clamp propagate NaN
// as Java's Math.max/min do (fmaxf would drop it).
// Derivatives: unary_bwd dx = g·f'(x, y) as UnaryOp.derivative (0 at x = 0 for ABS and RELU);
// partial out = g·∂(a ∘ b)/∂a or ∂b exactly as BinaryOp.da/db, evaluated in double like the CPU
// (POW: b·a^(b−1) with 0 when b = 0, and a^b·ln a with 0 when a = 0; MAXIMUM/MINIMUM split ties ½/½).
//
// Layout: the host merges dims that every operand can step through as one, drops size-1 dims and
// passes at most 8 dims innermost first (n0 innermost) as plain int arguments, with one stride
// list per strided operand (0 along broadcast dims) and element offsets folded into the
// pointers. Outputs other than copy's destination are contiguous (index i). All indices fit an
// int: tensors hold fewer than 2³¹ elements.
//
// Passes: one each, grid-stride over the output. Bytes per element: copy 8, add 12, unary 8,
// unary_bwd 16, binary 12, partial 20, clamp 8, where 16 (broadcast operands mostly hit cache).

#define SHAPE_PARAMS int rank, int n0, int n1, int n2, int n3, int n4, int n5, int n6, int n7
#define STRIDE_PARAMS(p) int p##0, int p##1, int p##2, int p##3, int p##4, int p##5, int p##6, int p##7
#define SHAPE_ARRAY const int nn[8] = {n0, n1, n2, n3, n4, n5, n6, n7}
#define STRIDE_ARRAY(p) const int p[8] = {p##0, p##1, p##2, p##3, p##4, p##5, p##6, p##7}

#define GRID_LOOP(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long long)gridDim.x * blockDim.x)

namespace {

// Offset of flat (row-major) element i in an operand with strides s.
__device__ __forceinline__ long long offset1(unsigned i, int rank, const int* nn, const int* s) {
    long long o = 0;
#pragma unroll
    for (int d = 0; d < 8; ++d) {
        if (d >= rank) break;
        unsigned q = i / (unsigned)nn[d];
        o += (long long)(i - q * (unsigned)nn[d]) * s[d];
        i = q;
    }
    return o;
}

__device__ __forceinline__ void offset2(unsigned i, int rank, const int* nn, const int* s1, const int* s2,
                                        long long& o1, long long& o2) {
    o1 = 0;
    o2 = 0;
#pragma unroll
    for (int d = 0; d < 8; ++d) {
        if (d >= rank) break;
        unsigned q = i / (unsigned)nn[d];
        long long k = (long long)(i - q * (unsigned)nn[d]);
        o1 += k * s1[d];
        o2 += k * s2[d];
        i = q;
    }
}

__device__ __forceinline__ void offset3(unsigned i, int rank, const int* nn, const int* s1, const int* s2,
                                        const int* s3, long long& o1, long long& o2, long long& o3) {
    o1 = 0;
    o2 = 0;
    o3 = 0;
#pragma unroll
    for (int d = 0; d < 8; ++d) {
        if (d >= rank) break;
        unsigned q = i / (unsigned)nn[d];
        long long k = (long long)(i - q * (unsigned)nn[d]);
        o1 += k * s1[d];
        o2 += k * s2[d];
        o3 += k * s3[d];
        i = q;
    }
}

enum Unary { NEG, EXP, LOG, LOG1P, SQRT, ABS, SIGMOID, TANH, RELU };
enum Binary { ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE };

__device__ __forceinline__ float unary(int op, float x) {
    switch (op) {
        case NEG: return -x;
        case EXP: return expf(x);
        case LOG: return logf(x);
        case LOG1P: return log1pf(x);
        case SQRT: return sqrtf(x);
        case ABS: return fabsf(x);
        case SIGMOID: {
            // exp of a non-positive number only, so neither branch overflows
            if (x >= 0.0f) return 1.0f / (1.0f + expf(-x));
            float e = expf(x);
            return e / (1.0f + e);
        }
        case TANH: return tanhf(x);
        case RELU: return x <= 0.0f ? 0.0f : x;  // NaN stays NaN, as UnaryOp.RELU
        default: return __int_as_float(0x7fc00000);
    }
}

__device__ __forceinline__ float unary_grad(int op, float x, float y, float g) {
    switch (op) {
        case NEG: return -g;
        case EXP: return g * y;
        case LOG: return g / x;
        case LOG1P: return g / (x + 1.0f);
        case SQRT: return (g * 0.5f) / y;
        case ABS: return x > 0.0f ? g : (x < 0.0f ? -g : 0.0f);
        case SIGMOID: return (g * y) * (1.0f - y);
        case TANH: return g * (1.0f - y * y);
        case RELU: return x > 0.0f ? g : 0.0f;
        default: return __int_as_float(0x7fc00000);
    }
}

__device__ __forceinline__ float nan_max(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == b) return signbit(a) ? b : a;  // max(−0, +0) = +0, as Java's Math.max
    return a > b ? a : b;
}

__device__ __forceinline__ float nan_min(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == b) return signbit(a) ? a : b;  // min(−0, +0) = −0, as Java's Math.min
    return a < b ? a : b;
}

__device__ __forceinline__ float binary(int op, float a, float b) {
    switch (op) {
        case ADD: return a + b;
        case SUB: return a - b;
        case MUL: return a * b;
        case DIV: return a / b;
        case POW: return powf(a, b);
        case MAXIMUM: return nan_max(a, b);
        case MINIMUM: return nan_min(a, b);
        case EQ: return a == b ? 1.0f : 0.0f;
        case NE: return a != b ? 1.0f : 0.0f;
        case LT: return a < b ? 1.0f : 0.0f;
        case LE: return a <= b ? 1.0f : 0.0f;
        case GT: return a > b ? 1.0f : 0.0f;
        case GE: return a >= b ? 1.0f : 0.0f;
        default: return __int_as_float(0x7fc00000);
    }
}

// ∂(a ∘ b)/∂a (wrt_a) or ∂b, in double as BinaryOp.da / BinaryOp.db.
__device__ __forceinline__ double partial(int op, bool wrt_a, double a, double b, double y) {
    switch (op) {
        case ADD: return 1.0;
        case SUB: return wrt_a ? 1.0 : -1.0;
        case MUL: return wrt_a ? b : a;
        case DIV: return wrt_a ? 1.0 / b : -a / (b * b);
        case POW:
            if (wrt_a) return b == 0.0 ? 0.0 : b * pow(a, b - 1.0);
            return a == 0.0 ? 0.0 : y * log(a);
        case MAXIMUM:
            if (wrt_a) return a > b ? 1.0 : (a == b ? 0.5 : 0.0);
            return b > a ? 1.0 : (a == b ? 0.5 : 0.0);
        case MINIMUM:
            if (wrt_a) return a < b ? 1.0 : (a == b ? 0.5 : 0.0);
            return b < a ? 1.0 : (a == b ? 0.5 : 0.0);
        default: return __longlong_as_double(0x7ff8000000000000LL);
    }
}

}  // namespace

// dst (strided by sd) ← src (strided by ss, 0 where broadcast).
extern "C" __global__ void elementwise_copy_f32(float* __restrict__ dst, const float* __restrict__ src, long long n,
                                                SHAPE_PARAMS, STRIDE_PARAMS(sd), STRIDE_PARAMS(ss)) {
    SHAPE_ARRAY;
    STRIDE_ARRAY(sd);
    STRIDE_ARRAY(ss);
    GRID_LOOP(i, n) {
        long long od, os;
        offset2((unsigned)i, rank, nn, sd, ss, od, os);
        dst[od] = src[os];
    }
}

// dst (contiguous) += src (strided).
extern "C" __global__ void elementwise_add_f32(float* __restrict__ dst, const float* __restrict__ src, long long n,
                                               SHAPE_PARAMS, STRIDE_PARAMS(ss)) {
    SHAPE_ARRAY;
    STRIDE_ARRAY(ss);
    GRID_LOOP(i, n) {
        dst[i] += src[offset1((unsigned)i, rank, nn, ss)];
    }
}

// y (contiguous) = f(x) with x strided.
extern "C" __global__ void elementwise_unary_f32(float* __restrict__ y, const float* __restrict__ x, long long n, int op,
                                                 SHAPE_PARAMS, STRIDE_PARAMS(sx)) {
    SHAPE_ARRAY;
    STRIDE_ARRAY(sx);
    GRID_LOOP(i, n) {
        y[i] = unary(op, x[offset1((unsigned)i, rank, nn, sx)]);
    }
}

// dx = g·f'(x, y), all contiguous.
extern "C" __global__ void elementwise_unarybwd_f32(float* __restrict__ dx, const float* __restrict__ x,
                                                    const float* __restrict__ y, const float* __restrict__ g,
                                                    long long n, int op) {
    GRID_LOOP(i, n) {
        dx[i] = unary_grad(op, x[i], y[i], g[i]);
    }
}

// out (contiguous) = a ∘ b with a, b strided.
extern "C" __global__ void elementwise_binary_f32(float* __restrict__ out, const float* __restrict__ a,
                                                  const float* __restrict__ b, long long n, int op, SHAPE_PARAMS,
                                                  STRIDE_PARAMS(sa), STRIDE_PARAMS(sb)) {
    SHAPE_ARRAY;
    STRIDE_ARRAY(sa);
    STRIDE_ARRAY(sb);
    GRID_LOOP(i, n) {
        long long oa, ob;
        offset2((unsigned)i, rank, nn, sa, sb, oa, ob);
        out[i] = binary(op, a[oa], b[ob]);
    }
}

// out (contiguous) = g·∂y/∂a (wrt_a ≠ 0) or g·∂y/∂b; g, a, b strided, y contiguous.
extern "C" __global__ void elementwise_partial_f32(float* __restrict__ out, const float* __restrict__ g,
                                                   const float* __restrict__ a, const float* __restrict__ b,
                                                   const float* __restrict__ y, long long n, int op, int wrt_a,
                                                   SHAPE_PARAMS, STRIDE_PARAMS(sg), STRIDE_PARAMS(sa),
                                                   STRIDE_PARAMS(sb)) {
    SHAPE_ARRAY;
    STRIDE_ARRAY(sg);
    STRIDE_ARRAY(sa);
    STRIDE_ARRAY(sb);
    GRID_LOOP(i, n) {
        long long og, oa, ob;
        offset3((unsigned)i, rank, nn, sg, sa, sb, og, oa, ob);
        double d = partial(op, wrt_a != 0, (double)a[oa], (double)b[ob], (double)y[i]);
        out[i] = (float)((double)g[og] * d);
    }
}

// y (contiguous) = min(max(x, lo), hi) with x strided; NaN stays NaN.
extern "C" __global__ void elementwise_clamp_f32(float* __restrict__ y, const float* __restrict__ x, long long n,
                                                 float lo, float hi, SHAPE_PARAMS, STRIDE_PARAMS(sx)) {
    SHAPE_ARRAY;
    STRIDE_ARRAY(sx);
    GRID_LOOP(i, n) {
        float v = x[offset1((unsigned)i, rank, nn, sx)];
        v = v < lo ? lo : v;
        y[i] = v > hi ? hi : v;
    }
}

// out (contiguous) = cond ≠ 0 ? a : b, all three strided (a NaN condition counts as true, as in Java).
extern "C" __global__ void elementwise_where_f32(float* __restrict__ out, const float* __restrict__ cond,
                                                 const float* __restrict__ a, const float* __restrict__ b,
                                                 long long n, SHAPE_PARAMS, STRIDE_PARAMS(sc), STRIDE_PARAMS(sa),
                                                 STRIDE_PARAMS(sb)) {
    SHAPE_ARRAY;
    STRIDE_ARRAY(sc);
    STRIDE_ARRAY(sa);
    STRIDE_ARRAY(sb);
    GRID_LOOP(i, n) {
        long long oc, oa, ob;
        offset3((unsigned)i, rank, nn, sc, sa, sb, oc, oa, ob);
        out[i] = cond[oc] != 0.0f ? a[oa] : b[ob];
    }
}

// the build compiles every .cu in one translation unit: keep these macros to this file
#undef SHAPE_PARAMS
#undef STRIDE_PARAMS
#undef SHAPE_ARRAY
#undef STRIDE_ARRAY
#undef GRID_LOOP
