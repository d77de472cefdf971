// fill_f32: out[i] = value for i in [0, n). No derivative (a constant). One pass, writes 4 bytes
// per element and reads none. Used to initialise buffers whose fill is not a 32-bit pattern
// cuMemsetD32 could write, and as the smallest kernel to test the launch path.
#include "jgrad.cuh"

extern "C" __global__ void fill_f32(float* __restrict__ out, float value, long long n) {
    JG_GRID_STRIDE_LOOP(i, n) {
        out[i] = value;
    }
}
