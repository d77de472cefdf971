package jgrad.kernels.ffm;

import static jgrad.kernels.cuda.GpuTestSupport.assertClose;
import static jgrad.kernels.cuda.GpuTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jgrad.core.Functional;
import jgrad.core.Tensor;
import jgrad.kernels.cuda.Cuda;
import jgrad.kernels.cuda.CudaBuffer;
import jgrad.kernels.cuda.Memcpy;

/** cuDNN convolution and batch norm on a GPU against jgrad's CPU ops (strict FP32 math for the comparison). */
@Tag("cuda")
class CudnnGpuTest {
    static Cudnn dnn;

    @BeforeAll
    static void open() {
        if (!Cuda.available() || !Cudnn.available()) return;
        dnn = Cudnn.create(Cuda.context(), Cudnn.MathType.FMA);
        System.out.println(Cudnn.unavailableReason() + ", version " + dnn.version());
    }

    @BeforeEach
    void requireLibrary() {
        assumeTrue(Cuda.available(), Cuda.unavailableReason());
        assumeTrue(Cudnn.available(), Cudnn.unavailableReason());
    }

    @AfterAll
    static void close() {
        if (dnn != null) dnn.close();
    }

    @ParameterizedTest
    @CsvSource({
            // n, c, h, w, k, kernel, pad, stride, dilation, groups
            "2, 3, 17, 19, 8, 3, 1, 1, 1, 1",
            "1, 8, 16, 16, 8, 3, 2, 2, 2, 1",
            "3, 6, 9, 12, 4, 1, 0, 1, 1, 2",
            "2, 8, 11, 11, 8, 3, 1, 1, 1, 8",
            "1, 4, 32, 20, 6, 5, 2, 2, 1, 1"})
    void convolutionMatchesTheCpu(int n, int c, int h, int w, int k, int kernel, int pad, int stride, int dilation, int groups) {
        Cudnn.ConvShape s = Cudnn.ConvShape.of(n, c, h, w, k, kernel, pad, stride, dilation, groups);
        float[] x = random(11, (int) s.inputFloats());
        float[] wt = random(12, (int) s.weightFloats());
        float[] dy = random(13, (int) s.outputFloats());

        Tensor tx = Tensor.of(x, n, c, h, w).requiresGrad(true);
        Tensor tw = Tensor.of(wt, k, c / groups, kernel, kernel).requiresGrad(true);
        Tensor tb = Tensor.zeros(k).requiresGrad(true);
        Tensor ty = Functional.conv2d(tx, tw, tb, new int[]{stride, stride}, new int[]{pad, pad},
                new int[]{dilation, dilation}, groups);
        assertArrayEquals(new int[]{n, k, s.outH(), s.outW()}, ty.dims());
        ty.backward(Tensor.of(dy, n, k, s.outH(), s.outW()));

        try (CudaBuffer dx = Memcpy.upload(x); CudaBuffer dw = Memcpy.upload(wt); CudaBuffer ddy = Memcpy.upload(dy);
             CudaBuffer y = Cuda.context().allocator().allocateFloats(s.outputFloats());
             CudaBuffer gx = Cuda.context().allocator().allocateFloats(s.inputFloats());
             CudaBuffer gw = Cuda.context().allocator().allocateFloats(s.weightFloats());
             CudaBuffer gb = Cuda.context().allocator().allocateFloats(k)) {
            dnn.conv2dForward(s, dx.address(), dw.address(), y.address(), false);
            dnn.conv2dBackwardData(s, dw.address(), ddy.address(), gx.address(), false);
            dnn.conv2dBackwardFilter(s, dx.address(), ddy.address(), gw.address(), false);
            dnn.conv2dBackwardBias(n, k, s.outH(), s.outW(), ddy.address(), gb.address(), false);
            assertClose(ty.toArray(), Memcpy.toHost(y), 1e-4, 1e-4, "conv forward " + s);
            assertClose(tx.grad().toArray(), Memcpy.toHost(gx), 1e-4, 1e-4, "conv backward data " + s);
            assertClose(tw.grad().toArray(), Memcpy.toHost(gw), 1e-3, 1e-4, "conv backward filter " + s);
            assertClose(tb.grad().toArray(), Memcpy.toHost(gb), 1e-3, 1e-4, "conv backward bias " + s);

            Cudnn.ConvAlgorithms al = dnn.algorithms(s);
            System.out.println(s + ": " + al);
            assertTrue(al.backwardData().deterministic() && al.backwardFilter().deterministic(), al.toString());

            // deterministic backward: a second run is bit-identical; accumulate adds
            float[] first = Memcpy.toHost(gw);
            dnn.conv2dBackwardFilter(s, dx.address(), ddy.address(), gw.address(), false);
            assertArrayEquals(first, Memcpy.toHost(gw));
            dnn.conv2dBackwardFilter(s, dx.address(), ddy.address(), gw.address(), true);
            float[] twice = first.clone();
            for (int i = 0; i < twice.length; i++) twice[i] *= 2;
            assertClose(twice, Memcpy.toHost(gw), 1e-4, 1e-5, "accumulated dw");
        }
    }

    @Test
    void batchNormTrainingAndBackwardMatchTheCpu() {
        int n = 4, c = 5, h = 7, w = 6;
        float[] x = random(21, n * c * h * w);
        for (int i = 0; i < x.length; i++) x[i] = 3 * x[i] + 1.5f;
        float[] gamma = random(22, c), beta = random(23, c), dy = random(24, x.length);
        float[] rm = random(25, c), rv = new float[c];
        java.util.Arrays.fill(rv, 2f);
        double momentum = 0.1, eps = 1e-5;

        Tensor tx = Tensor.of(x, n, c, h, w).requiresGrad(true);
        Tensor tg = Tensor.of(gamma, c).requiresGrad(true);
        Tensor tb = Tensor.of(beta, c).requiresGrad(true);
        Tensor trm = Tensor.of(rm.clone(), c), trv = Tensor.of(rv.clone(), c);
        Tensor ty = Functional.batchNorm(tx, trm, trv, tg, tb, true, momentum, eps);
        ty.backward(Tensor.of(dy, n, c, h, w));

        var alloc = Cuda.context().allocator();
        try (CudaBuffer dx = Memcpy.upload(x); CudaBuffer dg = Memcpy.upload(gamma); CudaBuffer db = Memcpy.upload(beta);
             CudaBuffer drm = Memcpy.upload(rm); CudaBuffer drv = Memcpy.upload(rv); CudaBuffer ddy = Memcpy.upload(dy);
             CudaBuffer y = alloc.allocateFloats(x.length); CudaBuffer gx = alloc.allocateFloats(x.length);
             CudaBuffer gg = alloc.allocateFloats(c); CudaBuffer gb = alloc.allocateFloats(c);
             CudaBuffer mean = alloc.allocateFloats(c); CudaBuffer inv = alloc.allocateFloats(c);
             CudaBuffer yi = alloc.allocateFloats(x.length)) {
            dnn.batchNormForwardTraining(n, c, h, w, dx.address(), y.address(), dg.address(), db.address(), momentum, eps,
                    drm.address(), drv.address(), mean.address(), inv.address());
            dnn.batchNormBackward(n, c, h, w, dx.address(), ddy.address(), gx.address(), dg.address(), gg.address(),
                    gb.address(), eps, mean.address(), inv.address(), false);
            assertClose(ty.toArray(), Memcpy.toHost(y), 1e-4, 1e-4, "bn forward");
            assertClose(trm.toArray(), Memcpy.toHost(drm), 1e-5, 1e-5, "running mean");
            assertClose(trv.toArray(), Memcpy.toHost(drv), 1e-4, 1e-4, "running var (unbiased)");
            assertClose(tx.grad().toArray(), Memcpy.toHost(gx), 1e-4, 1e-3, "bn dx");
            assertClose(tg.grad().toArray(), Memcpy.toHost(gg), 1e-3, 1e-4, "bn dgamma");
            assertClose(tb.grad().toArray(), Memcpy.toHost(gb), 1e-3, 1e-4, "bn dbeta");

            // inference with the updated running statistics
            Tensor ti = Functional.batchNorm(Tensor.of(x, n, c, h, w), trm, trv, Tensor.of(gamma, c), Tensor.of(beta, c),
                    false, momentum, eps);
            dnn.batchNormForwardInference(n, c, h, w, dx.address(), yi.address(), dg.address(), db.address(),
                    drm.address(), drv.address(), eps);
            assertClose(ti.toArray(), Memcpy.toHost(yi), 1e-4, 1e-4, "bn inference");
        }
    }
}
