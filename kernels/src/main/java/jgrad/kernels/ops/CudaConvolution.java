package jgrad.kernels.ops;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jgrad.core.Tensor;
import jgrad.core.spi.Backend.Conv2d;
import jgrad.kernels.cuda.CudaBuffer;
import jgrad.kernels.ffm.Cudnn;

/**
 * 2-D convolutions (cross-correlation, NCHW float, groups and dilation) on cuDNN: forward,
 * backward data and backward filter, each overwriting its output (beta = 0). Descriptors use
 * CUDNN_FMA_MATH, so no TF32 or tensor-core rounding; the backward passes only use algorithms
 * cuDNN reports deterministic, so gradients are bitwise repeatable. The algorithm for each
 * geometry is chosen once by cuDNN's heuristics and cached; workspaces come from the caching
 * allocator and are returned once the call is queued. The bias is added by the backend's
 * broadcasting add kernel.
 */
final class CudaConvolution {
    private final CudaBackend backend;
    private final Cudnn cudnn;
    private final Map<String, Integer> algorithms = new ConcurrentHashMap<>();

    CudaConvolution(CudaBackend backend) {
        this.backend = backend;
        this.cudnn = Cudnn.create(backend.context());
    }

    /** The descriptors of one call, destroyed by close. */
    private final class Descriptors implements AutoCloseable {
        final long x, w, y, conv;

        Descriptors(int[] xd, int[] wd, int[] yd, Conv2d p) {
            long cx = 0, cw = 0, cy = 0;
            try {
                cx = cudnn.tensor4d(xd[0], xd[1], xd[2], xd[3]);
                cw = cudnn.filter4d(wd[0], wd[1], wd[2], wd[3]);
                cy = cudnn.tensor4d(yd[0], yd[1], yd[2], yd[3]);
                conv = cudnn.convolution(p.padding()[0], p.padding()[1], p.stride()[0], p.stride()[1], p.dilation()[0],
                        p.dilation()[1], p.groups());
            } catch (RuntimeException e) {
                if (cx != 0) cudnn.destroyTensor(cx);
                if (cw != 0) cudnn.destroyFilter(cw);
                if (cy != 0) cudnn.destroyTensor(cy);
                throw e;
            }
            x = cx;
            w = cw;
            y = cy;
        }

        @Override
        public void close() {
            cudnn.destroyConvolution(conv);
            cudnn.destroyTensor(y);
            cudnn.destroyFilter(w);
            cudnn.destroyTensor(x);
        }
    }

    private static String key(String pass, int[] xd, int[] wd, Conv2d p) {
        return pass + Arrays.toString(xd) + Arrays.toString(wd) + Arrays.toString(p.stride()) + Arrays.toString(p.padding())
                + Arrays.toString(p.dilation()) + p.groups();
    }

    private CudaBuffer workspace(long bytes) {
        return bytes > 0 ? backend.scratch(bytes) : null;
    }

    void forward(Tensor x, Tensor w, Conv2d p, Tensor y) {
        int[] xd = x.dims(), wd = w.dims();
        try (Descriptors d = new Descriptors(xd, wd, y.dims(), p)) {
            int algo = algorithms.computeIfAbsent(key("fwd", xd, wd, p), k -> cudnn.forwardAlgorithm(d.x, d.w, d.conv, d.y));
            long bytes = cudnn.forwardWorkspaceBytes(d.x, d.w, d.conv, d.y, algo);
            CudaBuffer ws = workspace(bytes);
            try {
                cudnn.forward(d.x, CudaBackend.ptr(x), d.w, CudaBackend.ptr(w), d.conv, algo, ws == null ? 0 : ws.address(),
                        bytes, d.y, CudaBackend.ptr(y));
            } finally {
                if (ws != null) ws.close();
            }
        }
    }

    void backwardData(Tensor g, Tensor w, Conv2d p, Tensor dx) {
        int[] xd = dx.dims(), wd = w.dims();
        try (Descriptors d = new Descriptors(xd, wd, g.dims(), p)) {
            int algo = algorithms.computeIfAbsent(key("data", xd, wd, p),
                    k -> cudnn.backwardDataAlgorithm(d.w, d.y, d.conv, d.x));
            long bytes = cudnn.backwardDataWorkspaceBytes(d.w, d.y, d.conv, d.x, algo);
            CudaBuffer ws = workspace(bytes);
            try {
                cudnn.backwardData(d.w, CudaBackend.ptr(w), d.y, CudaBackend.ptr(g), d.conv, algo,
                        ws == null ? 0 : ws.address(), bytes, d.x, CudaBackend.ptr(dx));
            } finally {
                if (ws != null) ws.close();
            }
        }
    }

    void backwardWeight(Tensor x, Tensor g, Conv2d p, Tensor dw) {
        int[] xd = x.dims(), wd = dw.dims();
        try (Descriptors d = new Descriptors(xd, wd, g.dims(), p)) {
            int algo = algorithms.computeIfAbsent(key("filter", xd, wd, p),
                    k -> cudnn.backwardFilterAlgorithm(d.x, d.y, d.conv, d.w));
            long bytes = cudnn.backwardFilterWorkspaceBytes(d.x, d.y, d.conv, d.w, algo);
            CudaBuffer ws = workspace(bytes);
            try {
                cudnn.backwardFilter(d.x, CudaBackend.ptr(x), d.y, CudaBackend.ptr(g), d.conv, algo,
                        ws == null ? 0 : ws.address(), bytes, d.w, CudaBackend.ptr(dw));
            } finally {
                if (ws != null) ws.close();
            }
        }
    }
}
