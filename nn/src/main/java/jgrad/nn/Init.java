package jgrad.nn;

import jgrad.core.Autograd;
import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;

import java.util.Arrays;

/**
 * Weight initialisers, as {@code torch.nn.init}; each fills a tensor in place from a seeded
 * {@link Rng} and returns it (a tensor on a device stays there, with the values the CPU would get). For a weight of shape out×in×k… the fans are
 * fan_in = in·∏k and fan_out = out·∏k (a 1-D tensor has fan_in = fan_out = its size).
 * <pre>
 *   gain(relu) = √2, gain(leaky_relu, a) = √(2 / (1 + a²)), gain(linear) = 1
 *   kaiming uniform: U(−b, b), b = gain·√(3 / fan)          kaiming normal: N(0, (gain / √fan)²)
 *   xavier uniform:  U(−b, b), b = gain·√(6 / (fan_in + fan_out))
 *   xavier normal:   N(0, gain²·2 / (fan_in + fan_out))
 * </pre>
 * PyTorch's default for Conv2d and Linear weights is kaiming uniform with a = √5 (bound
 * 1/√fan_in), and for their biases U(−1/√fan_in, 1/√fan_in): see {@link #pytorchDefault}.
 */
public final class Init {
    private Init() {}

    /** Which fan the kaiming initialisers scale by. */
    public enum FanMode { FAN_IN, FAN_OUT }

    /** {fan_in, fan_out} of a weight shape. */
    public static int[] fans(int[] shape) {
        if (shape.length == 0) throw new IllegalArgumentException("Init: fans need a tensor with at least one dimension");
        if (shape.length == 1) return new int[]{shape[0], shape[0]};
        int receptive = 1;
        for (int i = 2; i < shape.length; i++) receptive *= shape[i];
        return new int[]{shape[1] * receptive, shape[0] * receptive};
    }

    /** The gain for leaky_relu with negative slope a (a = 0 is ReLU). */
    public static double leakyReluGain(double a) {
        return Math.sqrt(2.0 / (1 + a * a));
    }

    public static Tensor uniform(Tensor t, double low, double high, Rng rng) {
        float[] d = target(t);
        for (int i = 0; i < d.length; i++) d[i] = (float) (low + (high - low) * rng.nextDouble());
        return store(t, d);
    }

    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        float[] d = target(t);
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * rng.nextGaussian());
        return store(t, d);
    }

    public static Tensor constant(Tensor t, float value) {
        float[] d = target(t);
        Arrays.fill(d, value);
        return store(t, d);
    }

    public static Tensor zeros(Tensor t) {
        return constant(t, 0f);
    }

    public static Tensor ones(Tensor t) {
        return constant(t, 1f);
    }

    /** Kaiming (He) uniform for leaky_relu with slope a. */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, Rng rng) {
        double bound = leakyReluGain(a) * Math.sqrt(3.0 / fan(t, mode));
        return uniform(t, -bound, bound, rng);
    }

    /** Kaiming (He) normal for leaky_relu with slope a. */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, Rng rng) {
        return normal(t, 0, leakyReluGain(a) / Math.sqrt(fan(t, mode)), rng);
    }

    public static Tensor xavierUniform(Tensor t, double gain, Rng rng) {
        int[] f = fans(t.dims());
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform(t, -bound, bound, rng);
    }

    public static Tensor xavierNormal(Tensor t, double gain, Rng rng) {
        int[] f = fans(t.dims());
        return normal(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])), rng);
    }

    /**
     * PyTorch's default for a Conv2d or Linear layer: weight kaiming uniform with a = √5 (that is
     * U(±1/√fan_in)), bias (may be null) U(±1/√fan_in) with the weight's fan_in.
     */
    public static void pytorchDefault(Tensor weight, Tensor bias, Rng rng) {
        kaimingUniform(weight, Math.sqrt(5), FanMode.FAN_IN, rng);
        if (bias != null) {
            int fanIn = fans(weight.dims())[0];
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            uniform(bias, -bound, bound, rng);
        }
    }

    private static int fan(Tensor t, FanMode mode) {
        int f = fans(t.dims())[mode == FanMode.FAN_IN ? 0 : 1];
        if (f == 0) throw new IllegalArgumentException("Init: cannot initialise a tensor of shape " + Arrays.toString(t.dims()) + " (zero fan)");
        return f;
    }

    /** The array to fill: the tensor's own data on the CPU, a host staging array for a device tensor. */
    private static float[] target(Tensor t) {
        boolean cpu = t.device().isCpu();
        if (!t.isContiguous() || t.offset() != 0 || (cpu && t.data().length != t.numel())) {
            throw new IllegalArgumentException("Init: tensor of shape " + Arrays.toString(t.dims()) + " does not own packed data");
        }
        if (!t.isLeaf() && Autograd.isEnabled()) {
            throw new IllegalArgumentException("Init: tensor is the output of an op; initialise parameters (leaf tensors)");
        }
        return cpu ? t.data() : new float[t.numel()];
    }

    /** Finishes a fill of {@link #target}: a device tensor gets the values copied in place, keeping its device. */
    private static Tensor store(Tensor t, float[] d) {
        if (t.device().isCpu()) return t.markModified();
        try (var ng = Autograd.noGrad(); var scope = MemoryScope.open()) {
            t.copyFrom(Tensor.wrap(d, t.dims()));
        }
        return t;
    }
}
