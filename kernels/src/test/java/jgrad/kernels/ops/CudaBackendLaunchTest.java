package jgrad.kernels.ops;

import jgrad.core.BinaryOp;
import jgrad.core.Functional;
import jgrad.core.Tensor;
import jgrad.core.UnaryOp;
import jgrad.core.spi.Backend;
import jgrad.core.spi.DeviceBuffer;
import jgrad.kernels.cuda.DeviceAllocator;
import jgrad.kernels.cuda.KernelModule;
import jgrad.kernels.cuda.Launch;
import jgrad.kernels.cuda.RawMemory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA backend's kernel launches, made without a GPU: every op that launches our own kernels
 * runs under {@link Launch#recordInto}, which checks each launch's grid and block limits and its
 * arguments against the kernel's parameter list in the built fatbin, then records it instead of
 * calling the driver. Device tensors here are views of pretend memory; nothing is computed. A
 * launcher passing an int where the kernel takes a long, or one argument too few, fails here.
 * (Copies, fills, cuBLAS and cuDNN call the driver or libraries directly and are left to the
 * GPU tests.)
 */
class CudaBackendLaunchTest {
    private CudaBackend backend;
    private final List<Launch> launches = new ArrayList<>();

    @BeforeEach
    void setUp() {
        assumeTrue(KernelModule.present(), "the kernels were not built (no nvcc)");
        RawMemory pretend = new RawMemory() {
            long next = 1L << 40;

            @Override
            public long malloc(long bytes) {
                long a = next;
                next += bytes + 256;
                return a;
            }

            @Override
            public void free(long ptr) {}
        };
        backend = new CudaBackend(0, null, new DeviceAllocator(pretend, 0));
    }

    /** A contiguous device tensor over pretend memory. */
    private Tensor t(int... shape) {
        try {
            Constructor<Tensor> c = Tensor.class.getDeclaredConstructor(DeviceBuffer.class, int.class, int[].class, int[].class);
            c.setAccessible(true);
            int n = 1;
            for (int d : shape) n *= d;
            int[] strides = new int[shape.length];
            for (int i = shape.length - 1, s = 1; i >= 0; s *= shape[i], i--) strides[i] = s;
            return c.newInstance(backend.allocate(Math.max(1, n)), 0, shape, strides);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the op with launches recorded; returns how many it made. */
    private int launches(String what, Runnable op) {
        launches.clear();
        try (var rec = Launch.recordInto(launches)) {
            op.run();
        } catch (Exception e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
        assertFalse(launches.isEmpty(), what + " launched nothing");
        return launches.size();
    }

    @Test
    void elementwise() {
        Tensor x = t(3, 4, 5), y = t(3, 4, 5), g = t(3, 4, 5);
        for (UnaryOp op : UnaryOp.values()) {
            launches("unary " + op, () -> backend.unary(op, x.transpose(0, 2), t(5, 4, 3)));
            launches("unaryBackward " + op, () -> backend.unaryBackward(op, x, y, g, t(3, 4, 5)));
        }
        Tensor b = t(4, 1).expand(3, 4, 5);
        for (BinaryOp op : BinaryOp.values()) {
            launches("binary " + op, () -> backend.binary(op, x, b, t(3, 4, 5)));
            if (op.differentiable()) {
                launches("partial " + op, () -> backend.binaryPartial(op, true, g, x, b, y, t(3, 4, 5)));
            }
        }
        launches("clamp", () -> backend.clamp(x.permute(1, 0, 2), -1, 1, t(4, 3, 5)));
        launches("where", () -> backend.where(x, b, g, t(3, 4, 5)));
        launches("copy", () -> backend.copy(t(5, 4, 3).transpose(0, 2), x));
        launches("addInto", () -> backend.addInto(t(3, 4, 5), b));
    }

    @Test
    void reductionsOfEveryRowLength() {
        for (int length : new int[]{1, 7, 16, 100, 1024, 5000, 100_000}) {
            for (Backend.Reduce op : Backend.Reduce.values()) {
                launches("reduce " + op + " " + length, () -> backend.reduceRows(op, t(3, length), 3, length, t(3)));
            }
        }
        launches("one long row", () -> backend.reduceRows(Backend.Reduce.SUM, t(1 << 24), 1, 1 << 24, t(1)));
    }

    @Test
    void poolingResamplingPadding() {
        Tensor x = t(2, 3, 9, 8);
        Tensor mp = t(2, 3, 5, 4);
        launches("maxPool", () -> backend.maxPool2d(x, 3, 2, 1, mp));
        launches("maxPool backward", () -> backend.maxPool2dBackward(x, mp, t(2, 3, 5, 4), 3, 2, 1, t(2, 3, 9, 8)));
        launches("avgPool", () -> backend.avgPool2d(x, 2, 2, 0, t(2, 3, 4, 4)));
        launches("avgPool backward", () -> backend.avgPool2dBackward(t(2, 3, 4, 4), 2, 2, 0, t(2, 3, 9, 8)));
        for (boolean align : new boolean[]{true, false}) {
            launches("bilinear", () -> backend.upsampleBilinear(x, align, t(2, 3, 17, 11)));
            launches("bilinear backward", () -> backend.upsampleBilinearBackward(t(2, 3, 17, 11), align, t(2, 3, 9, 8)));
        }
        launches("nearest", () -> backend.upsampleNearest(x, t(2, 3, 18, 12)));
        launches("nearest backward", () -> backend.upsampleNearestBackward(t(2, 3, 18, 12), t(2, 3, 9, 8)));
        launches("pixelShuffle", () -> backend.pixelShuffle(t(2, 8, 3, 5), 2, t(2, 2, 6, 10)));
        launches("pixelUnshuffle", () -> backend.pixelUnshuffle(t(2, 2, 6, 10), 2, t(2, 8, 3, 5)));
        int[] before = {0, 0, 1, 2}, after = {0, 0, 3, 1};
        for (Functional.PadMode mode : Functional.PadMode.values()) {
            launches("pad " + mode, () -> backend.pad(x, before, after, mode, t(2, 3, 13, 11)));
            launches("pad backward " + mode, () -> backend.padBackward(t(2, 3, 13, 11), before, after, mode, t(2, 3, 9, 8)));
        }
    }

    @Test
    void normalisationDropoutAndOptimizers() {
        Tensor x = t(4, 3, 5, 6);
        for (boolean training : new boolean[]{true, false}) {
            launches("batchNorm", () -> backend.batchNorm(x, t(3), t(3), t(3), t(3), training, 0.1, 1e-5, t(4, 3, 5, 6), t(3), t(3)));
            launches("batchNorm backward", () -> backend.batchNormBackward(x, t(4, 3, 5, 6), t(3), t(3), t(3), training, 1e-5,
                    t(4, 3, 5, 6), t(3), t(3)));
        }
        launches("batchNorm backward without dx", () -> backend.batchNormBackward(x, t(4, 3, 5, 6), t(3), t(3), t(3), true, 1e-5,
                null, t(3), t(3)));
        launches("dropout", () -> backend.dropoutMask(42L, 1L << 23, 2f, t(1000)));
        launches("sgd", () -> backend.sgdStep(t(50), t(50), null, 0.1f, 0, 1, 0, false, false));
        launches("sgd momentum", () -> backend.sgdStep(t(50), t(50), t(50), 0.1f, 0.9f, 1, 1e-4f, true, true));
        launches("adam", () -> backend.adamStep(t(50), t(50), t(50), t(50), null, 1, 0, 0.9f, 0.999f, 0.1f, 0.001f, 0.1f, 0.5f, 1e-8f));
        launches("amsgrad", () -> backend.adamStep(t(50), t(50), t(50), t(50), t(50), 0.99f, 0, 0.9f, 0.999f, 0.1f, 0.001f, 0.1f,
                0.5f, 1e-8f));
    }
}
