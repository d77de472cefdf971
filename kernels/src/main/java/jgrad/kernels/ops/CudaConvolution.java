package jgrad.kernels.ops;

import jgrad.core.Tensor;
import jgrad.core.spi.Backend.Conv2d;
import jgrad.kernels.ffm.Cudnn;

/**
 * 2-D convolutions (cross-correlation, NCHW float, groups and dilation) on cuDNN: forward,
 * backward data and backward filter, each overwriting its output (beta = 0). The handle runs in
 * CUDNN_FMA_MATH, so no TF32 or tensor-core rounding; cuDNN's ranked heuristics pick, once per
 * geometry, the first algorithm reported deterministic (for the backward passes: ALGO_1 is always
 * among them), so gradients are bitwise repeatable. Workspaces come from the context's caching
 * allocator. The bias is added by the backend's broadcasting add kernel.
 */
final class CudaConvolution {
    private final Cudnn cudnn;

    CudaConvolution(CudaBackend backend) {
        this.cudnn = Cudnn.create(backend.context(), Cudnn.MathType.FMA);
    }

    private static Cudnn.ConvShape shape(int[] x, int[] w, Conv2d p) {
        return new Cudnn.ConvShape(x[0], x[1], x[2], x[3], w[0], w[2], w[3], p.padding()[0], p.padding()[1], p.stride()[0],
                p.stride()[1], p.dilation()[0], p.dilation()[1], p.groups());
    }

    void forward(Tensor x, Tensor w, Conv2d p, Tensor y) {
        cudnn.conv2dForward(shape(x.dims(), w.dims(), p), CudaBackend.ptr(x), CudaBackend.ptr(w), CudaBackend.ptr(y), false);
    }

    void backwardData(Tensor g, Tensor w, Conv2d p, Tensor dx) {
        cudnn.conv2dBackwardData(shape(dx.dims(), w.dims(), p), CudaBackend.ptr(w), CudaBackend.ptr(g), CudaBackend.ptr(dx),
                false);
    }

    void backwardWeight(Tensor x, Tensor g, Conv2d p, Tensor dw) {
        cudnn.conv2dBackwardFilter(shape(x.dims(), dw.dims(), p), CudaBackend.ptr(x), CudaBackend.ptr(g), CudaBackend.ptr(dw),
                false);
    }
}
