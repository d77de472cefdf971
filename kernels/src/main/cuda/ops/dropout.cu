// Dropout mask (Backend.dropoutMask), bit for bit the CPU's jgrad.core.Dropout.mask:
//   bits(i) = splitmix64(seed + (i + 1)·γ) >> 40 (a 24-bit uniform), γ = 0x9E3779B97F4A7C15
//   mask[i] = scale when bits(i) ≥ threshold, else 0
// with 64-bit wrapping arithmetic (Java's long arithmetic is the same modulo 2⁶⁴) and the test
// written as the CPU's sign bit of threshold − 1 − bits. Counter-based: each element depends on
// its index alone. No derivative (the mask is a constant; dropout's gradient is g·mask).
// One pass, one thread per element: writes 4 bytes per element, reads none.

extern "C" __global__ void dropout_mask_f32(float* __restrict__ mask, long long n, long long seed,
                                            long long threshold, float scale) {
    const unsigned long long golden = 0x9E3779B97F4A7C15ULL;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        unsigned long long z = (unsigned long long)seed + (unsigned long long)(i + 1) * golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        unsigned long long bits = z >> 40;
        unsigned long long keep = ((unsigned long long)threshold - 1ULL - bits) >> 63;
        mask[i] = scale * (float)keep;
    }
}
