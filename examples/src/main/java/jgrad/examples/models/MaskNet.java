package jgrad.examples.models;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.BatchNorm2d;
import jgrad.nn.Conv2d;
import jgrad.nn.Dropout;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;

/**
 * Seed A's mask-only network: full resolution throughout (no downsampling), every convolution with
 * a bias, blocks in the order Conv → ReLU → BN → Dropout. With width w (published 32):
 * <pre>
 *   prep_block_1:  Conv3×3(3→w) → ReLU → BN(w) → Dropout            on bg
 *   prep_block_2:  Conv3×3(3→w) → ReLU → BN(w) → Dropout            on fg_bg
 *   cat([bg features, fg_bg features]) → 2w channels
 *   convblock1:    Conv1×1(2w→w) → Conv3×3(w→2w) → ReLU → BN(2w) → Dropout
 *   convblock2:    Conv3×3(2w→2w) → ReLU → BN(2w) → Dropout
 *   convblock3:    Conv1×1(2w→1)                                     mask logits N×1×H×W
 * </pre>
 * Parameters: 2(27w + w) + 2·2w + (2w² + w) + (18w² + 2w) + 4w + (36w² + 2w) + 4w + (2w + 1)
 * = 56w² + 75w + 1, which is 59,745 at w = 32 (per layer 896, 64, 896, 64, 2,080, 18,496, 128,
 * 36,928, 128, 65) and 1,197 at w = 4.
 *
 * <p>Gradients flow back through each layer's own backward; the concatenation splits the gradient
 * between the two branches. Output: {@code [mask]} from {@code callAll(bg, fgBg)}.
 */
public final class MaskNet extends JointModel {
    /** Published base width. */
    public static final int WIDTH = 32;

    public final Sequential prepBlock1, prepBlock2, convBlock1, convBlock2, convBlock3;

    /** The published model: width 32, no dropout, weights from {@link Rng#global()}. */
    public MaskNet() {
        this(WIDTH, 0.0, null);
    }

    /**
     * @param width   base channel count (32 published)
     * @param dropout dropout probability after each BN (seed default 0)
     * @param rng     generator for the initial weights and the dropout masks; null uses {@link Rng#global()}
     */
    public MaskNet(int width, double dropout, Rng rng) {
        super(checkWidth(width));
        Rng r = rng == null ? Rng.global() : rng;
        int w = width;
        prepBlock1 = registerModule("prep_block_1", block(r, dropout, conv(3, w, 3, r), new ReLU(), new BatchNorm2d(w)));
        prepBlock2 = registerModule("prep_block_2", block(r, dropout, conv(3, w, 3, r), new ReLU(), new BatchNorm2d(w)));
        convBlock1 = registerModule("convblock1", block(r, dropout, conv(2 * w, w, 1, r), conv(w, 2 * w, 3, r), new ReLU(),
                new BatchNorm2d(2 * w)));
        convBlock2 = registerModule("convblock2", block(r, dropout, conv(2 * w, 2 * w, 3, r), new ReLU(), new BatchNorm2d(2 * w)));
        convBlock3 = registerModule("convblock3", new Sequential(conv(2 * w, 1, 1, r)));
    }

    private static int checkWidth(int width) {
        if (width < 1) throw new IllegalArgumentException("MaskNet: width must be positive, got " + width);
        return width;
    }

    /** A block ending in Dropout (which forks its own generator from r). */
    private static Sequential block(Rng r, double dropout, jgrad.nn.Module... layers) {
        Sequential s = new Sequential(layers);
        return s.add(new Dropout(dropout, r.fork()));
    }

    /** Conv with bias, padding k/2 (same size). */
    static Conv2d conv(int in, int out, int k, Rng r) {
        return new Conv2d(in, out, k, 1, k / 2, 1, 1, true, r);
    }

    @Override
    public String modelName() {
        return "masknet";
    }

    @Override
    public boolean predictsDepth() {
        return false;
    }

    @Override
    public int sizeMultiple() {
        return 1;
    }

    @Override
    protected Tensor[] forward(Tensor[] inputs) {
        checkPair(inputs);
        Tensor bg = prepBlock1.call(inputs[0]);
        Tensor fgBg = prepBlock2.call(inputs[1]);
        Tensor x = Tensor.cat(1, bg, fgBg);
        x = convBlock1.call(x);
        x = convBlock2.call(x);
        return new Tensor[]{convBlock3.call(x)};
    }

    @Override
    protected String extraRepr() {
        return "width=" + width();
    }
}
