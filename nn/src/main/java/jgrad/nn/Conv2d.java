package jgrad.nn;

import jgrad.core.Functional;
import jgrad.core.Rng;
import jgrad.core.Tensor;

import java.util.Arrays;

/**
 * 2-D convolution (cross-correlation), as {@code torch.nn.Conv2d}:
 * y[n, o, i, j] = b[o] + Σ_{c ∈ group(o), u, v} W[o, c, u, v] · x[n, c, i·sH + u·dH − pH, j·sW + v·dW − pW]
 * (zeros outside the input). The output is N×out×H'×W' with H' = ⌊(H + 2pH − dH(kH − 1) − 1)/sH⌋ + 1.
 * The computation and its backward live in {@link Functional#conv2d}.
 *
 * <p>Parameters: {@code weight} out×(in/groups)×kH×kW and, unless disabled, {@code bias} (out),
 * initialised as PyTorch does (see {@link Init#pytorchDefault}).
 */
public class Conv2d extends Module {
    public final int inChannels, outChannels, groups;
    private final int[] kernel, stride, padding, dilation;
    public final Tensor weight;
    /** null when the layer has no bias */
    public final Tensor bias;

    /** Stride 1, no padding, with bias. */
    public Conv2d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0, true);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, stride, padding, true);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(in, out, kernel, stride, padding, 1, 1, bias, null);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias, Rng rng) {
        this(in, out, new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding},
                new int[]{dilation, dilation}, groups, bias, rng);
    }

    /**
     * @param rng the generator for the initial weights; null uses {@link Rng#global()} (seed it with
     *            {@link Rng#manualSeed} for reproducible models)
     */
    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias, Rng rng) {
        String what = "Conv2d(" + in + ", " + out + ", kernel " + Arrays.toString(kernel) + ")";
        if (in <= 0 || out <= 0) throw new IllegalArgumentException(what + ": channel counts must be positive");
        if (groups <= 0 || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(what + ": in and out channels must be divisible by groups " + groups);
        }
        check(what, "kernel", kernel, 1);
        check(what, "stride", stride, 1);
        check(what, "padding", padding, 0);
        check(what, "dilation", dilation, 1);
        this.inChannels = in;
        this.outChannels = out;
        this.groups = groups;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        Rng r = rng == null ? Rng.global() : rng;
        this.weight = registerParameter("weight", Tensor.zeros(out, in / groups, kernel[0], kernel[1]));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
        Init.pytorchDefault(weight, this.bias, r);
    }

    private static void check(String what, String name, int[] v, int min) {
        if (v == null || v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(what + ": " + name + " must be two values >= " + min + ", got " + Arrays.toString(v));
        }
    }

    @Override
    protected Tensor forward(Tensor x) {
        return Functional.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    public int[] kernelSize() { return kernel.clone(); }
    public int[] stride() { return stride.clone(); }
    public int[] padding() { return padding.clone(); }
    public int[] dilation() { return dilation.clone(); }

    @Override
    protected String extraRepr() {
        StringBuilder sb = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(pair(kernel)).append(", stride=").append(pair(stride));
        if (padding[0] != 0 || padding[1] != 0) sb.append(", padding=").append(pair(padding));
        if (dilation[0] != 1 || dilation[1] != 1) sb.append(", dilation=").append(pair(dilation));
        if (groups != 1) sb.append(", groups=").append(groups);
        if (bias == null) sb.append(", bias=False");
        return sb.toString();
    }

    static String pair(int[] v) {
        return "(" + v[0] + ", " + v[1] + ")";
    }
}
