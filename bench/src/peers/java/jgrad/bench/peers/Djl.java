package jgrad.bench.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import jgrad.core.cpu.Parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * The peer engine: DJL 0.36 with its PyTorch engine (libtorch 2.7.1, CPU, shipped inside
 * {@code pytorch-native-cpu}), used only through its tensor ops and libtorch's autograd.
 *
 * <p>Run conditions, set here before the engine loads (and {@code -Dai.djl.offline=true}
 * {@code -Dai.djl.pytorch.num_interop_threads=1} in every peer benchmark's {@code @Fork} flags):
 * <ul>
 *   <li>{@code ai.djl.offline=true}: DJL never downloads; libtorch is unpacked from the
 *       native jar on the class path into the DJL cache folder.</li>
 *   <li>{@code ai.djl.pytorch.num_threads} = jgrad's thread count ({@code jgrad.threads}, default
 *       all cores) and {@code ai.djl.pytorch.num_interop_threads=1}, so both engines use the same
 *       number of cores. {@link #init()} checks libtorch's own count and fails if it differs.</li>
 * </ul>
 * {@link #backward(NDArray, NDArray)} calls libtorch's backward with a given output gradient
 * (the collector's public {@code backward} only seeds ones), so a convolution step needs no
 * extra multiply-and-sum.
 */
final class Djl {
    private Djl() {}

    private static NDManager base;

    /** Sets the run conditions, loads the engine once and returns the shared base manager. */
    static synchronized NDManager init() {
        if (base != null) return base;
        int threads = Parallel.THREADS;
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        Engine engine = Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        int torchThreads = JniUtils.getNumThreads();
        if (torchThreads != threads) {
            throw new IllegalStateException("DJL: libtorch runs " + torchThreads + " threads, jgrad " + threads);
        }
        System.out.println("DJL " + engine.getEngineName() + " " + engine.getVersion() + ", libtorch threads "
                + torchThreads + ", jgrad threads " + threads);
        base = engine.newBaseManager();
        return base;
    }

    /** libtorch backward from {@code out} with output gradient {@code gradOut}. */
    static void backward(NDArray out, NDArray gradOut) {
        JniUtils.backward((PtNDArray) out, (PtNDArray) gradOut, false, false);
    }

    /**
     * Plain SGD on every parameter, outside grad mode: w ← w − lr·∂L/∂w, then the gradient is set
     * to zero in place (libtorch adds into existing gradients).
     */
    static void sgd(List<NDArray> params, float lr) {
        for (NDArray w : params) {
            try (NDArray g = w.getGradient(); NDArray step = g.mul(lr)) {
                w.subi(step);
                g.muli(0f);
            }
        }
    }

    /** Parameters of a model written with DJL's ops: created in the base manager, with gradients. */
    static final class Params {
        final NDManager m;
        final List<NDArray> all = new ArrayList<>();

        Params(NDManager m) {
            this.m = m;
        }

        /** Uniform(−1/√fanIn, 1/√fanIn), PyTorch's default range for convolution weights and biases. */
        NDArray uniform(float fanIn, long... shape) {
            float b = (float) (1 / Math.sqrt(fanIn));
            NDArray a = m.randomUniform(-b, b, new Shape(shape));
            a.setRequiresGradient(true);
            all.add(a);
            return a;
        }

        NDArray constant(float v, long n, boolean trainable) {
            NDArray a = m.full(new Shape(n), v);
            if (trainable) {
                a.setRequiresGradient(true);
                all.add(a);
            }
            return a;
        }
    }
}
