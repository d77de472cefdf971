package jgrad.nn;

import jgrad.core.Functional;
import jgrad.core.Tensor;

/**
 * Resizes N×C×H×W images, as {@code torch.nn.Upsample}: to a fixed size, or by a scale factor
 * (output ⌊H·s⌋×⌊W·s⌋). Bilinear interpolation follows {@code align_corners}: with true, the
 * corner pixels of input and output are aligned (source = dst·(in − 1)/(out − 1)); with false
 * (PyTorch's default), pixel centres are (source = (dst + 0.5)·in/out − 0.5, clamped at 0).
 * Nearest takes source = ⌊dst·in/out⌋ (align_corners must then be false: PyTorch rejects it too).
 * The source positions use the ratio of sizes, which equals PyTorch's for integer scale factors
 * (the common ×2). Backward scatters the interpolation weights
 * ({@link Functional#upsampleBilinear}, {@link Functional#upsampleNearest}).
 */
public class Upsample extends Module {
    public enum Mode { NEAREST, BILINEAR }

    private final double scale;
    private final int outH, outW;
    public final Mode mode;
    public final boolean alignCorners;

    /** By a scale factor. */
    public Upsample(double scaleFactor, Mode mode, boolean alignCorners) {
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
            throw new IllegalArgumentException("Upsample: scale factor must be positive, got " + scaleFactor);
        }
        checkMode(mode, alignCorners);
        this.scale = scaleFactor;
        this.outH = this.outW = -1;
        this.mode = mode;
        this.alignCorners = alignCorners;
    }

    /** Nearest-neighbour by a scale factor. */
    public Upsample(double scaleFactor) {
        this(scaleFactor, Mode.NEAREST, false);
    }

    private Upsample(int outH, int outW, Mode mode, boolean alignCorners) {
        if (outH <= 0 || outW <= 0) throw new IllegalArgumentException("Upsample: size must be positive, got " + outH + "×" + outW);
        checkMode(mode, alignCorners);
        this.scale = 0;
        this.outH = outH;
        this.outW = outW;
        this.mode = mode;
        this.alignCorners = alignCorners;
    }

    /** As torch.nn.Upsample: align_corners only means something for an interpolating mode. */
    private static void checkMode(Mode mode, boolean alignCorners) {
        if (mode == null) throw new IllegalArgumentException("Upsample: mode must be NEAREST or BILINEAR, got null");
        if (alignCorners && mode != Mode.BILINEAR) {
            throw new IllegalArgumentException("Upsample: align_corners can only be set with mode BILINEAR, got mode " + mode);
        }
    }

    /** To a fixed output size. */
    public static Upsample toSize(int outH, int outW, Mode mode, boolean alignCorners) {
        return new Upsample(outH, outW, mode, alignCorners);
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() != 4) throw new IllegalArgumentException("Upsample: expected an N×C×H×W input, got " + java.util.Arrays.toString(x.dims()));
        int h = outH > 0 ? outH : (int) Math.floor(x.size(2) * scale);
        int w = outW > 0 ? outW : (int) Math.floor(x.size(3) * scale);
        return mode == Mode.BILINEAR ? Functional.upsampleBilinear(x, h, w, alignCorners) : Functional.upsampleNearest(x, h, w);
    }

    @Override
    protected String extraRepr() {
        String size = outH > 0 ? "size=(" + outH + ", " + outW + ")" : "scale_factor=" + scale;
        return size + ", mode='" + mode.name().toLowerCase() + "'" + (mode == Mode.BILINEAR ? ", align_corners=" + alignCorners : "");
    }
}
