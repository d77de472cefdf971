package jgrad.examples.models;

import jgrad.core.Functional;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.BatchNorm2d;
import jgrad.nn.Conv2d;
import jgrad.nn.MaxPool2d;
import jgrad.nn.Module;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;

/**
 * Seed A's joint depth + mask network: two small residual encoders (one per input), a merged
 * residual encoder to H/32 and two identical residual decoders, one per head. Every convolution
 * has a bias; blocks are Conv → ReLU → BN. With base width b (published 16):
 * <pre>
 *   DoubleConv(i, o)   = [Conv3×3(i→o) → ReLU → BN(o)] → [Conv3×3(o→o) → ReLU → BN(o)]
 *   ResEncoder(i, o):  y = DoubleConv(i, o)(x) + Conv1×1(i→o)(x);  returns (MaxPool2(y), y)
 *   ResDecoder(i, o):  x = bilinear×2(Conv1×1(i→o)(x))                 (align_corners = false)
 *                      e = skip, or Conv1×1(i→o)(cat[skip, skip2]) when a second skip is given
 *                      x = cat[x, e];  y = DoubleConv(i, o)(x) + Conv1×1(i→o)(x)
 *
 *   bg:     b1 = ResEncoder(3, b) at H,   b2 = ResEncoder(b, 2b) at H/2
 *   fg_bg:  bf1, bf2 the same
 *   merge = Conv1×1(4b→2b)(cat[b2 pooled, bf2 pooled])                    H/4
 *   enc1..enc4 = ResEncoder(2b→4b), (4b→8b), (8b→16b), (16b→32b)          H/4 … H/32
 *   each head: dec3(32b→16b, enc3), dec2(16b→8b, enc2), dec1(8b→4b, enc1),
 *              dec(4b→2b, b2, bf2), dec(2b→b, b1, bf1), Conv1×1(b→1)       logits at H
 * </pre>
 * H and W must be multiples of 32. The seed also max-pooled enc4's output and never used the
 * result; that pooling is left out here, which changes no output and lets 32×32 inputs run (the
 * seed's pooling of a 1×1 map fails, so its smallest input was 64×64); a summary therefore has one
 * MaxPool2d row fewer than the seed's would.
 *
 * <p><b>Parameter count.</b> 10,343,490 at b = 16, the seed's published figure, which counts the
 * layers that run. The seed's decoders also created the skip-merging Conv1×1 in the three decoders
 * that get a single skip, where it never runs (six convolutions, 344,960 parameters, true total
 * 10,688,450); this class builds only what runs, so {@link #parameterCount()} is 10,343,490 and
 * every parameter gets a gradient. At b = 4 the model has 649,554 parameters, at b = 2 163,418
 * (about b²/256 of the full model): b = 4 is the recommended width for quick CPU runs.
 *
 * <p>Names follow the seed ({@code b1, b2, bf1, bf2, merge, enc1…enc4, Mdec3, Mdec2, Mdec1, M2, M1,
 * M0, Ddec3, Ddec2, Ddec1, D2, D1, D0}). The mask head runs before the depth head, as in the seed,
 * so the summary rows come in the seed's order; the outputs are {@code [depth, mask]}.
 */
public final class DSResNet extends JointModel {
    /** Published base width. */
    public static final int WIDTH = 16;

    /** [Conv3×3 → ReLU → BN] twice. */
    public static final class DoubleConvBlock extends Module {
        public final Sequential conv1, conv2;

        DoubleConvBlock(int in, int out, Rng r) {
            conv1 = registerModule("conv1", new Sequential(new Conv2d(in, out, 3, 1, 1, 1, 1, true, r), new ReLU(), new BatchNorm2d(out)));
            conv2 = registerModule("conv2", new Sequential(new Conv2d(out, out, 3, 1, 1, 1, 1, true, r), new ReLU(), new BatchNorm2d(out)));
        }

        @Override
        protected Tensor forward(Tensor x) {
            return conv2.call(conv1.call(x));
        }
    }

    /**
     * y = DoubleConv(x) + Conv1×1(x); outputs (MaxPool2(y), y), or only y for the last encoder,
     * whose pooled output nothing uses.
     */
    public static final class ResEncoderBlock extends Module {
        public final DoubleConvBlock doubleConv;
        public final Conv2d skipConv;
        /** null for the last encoder */
        public final MaxPool2d down;

        ResEncoderBlock(int in, int out, boolean pool, Rng r) {
            doubleConv = registerModule("double_conv", new DoubleConvBlock(in, out, r));
            skipConv = registerModule("skip_conv", new Conv2d(in, out, 1, 1, 0, 1, 1, true, r));
            down = pool ? registerModule("down", new MaxPool2d(2)) : null;
        }

        @Override
        protected Tensor[] forward(Tensor[] inputs) {
            if (inputs.length != 1) throw new IllegalArgumentException("ResEncoderBlock: takes one input, got " + inputs.length);
            Tensor identity = skipConv.call(inputs[0]);
            Tensor y = doubleConv.call(inputs[0]).add(identity);
            return down == null ? new Tensor[]{y} : new Tensor[]{down.call(y), y};
        }
    }

    /**
     * Inputs (x, skip) or (x, skip, skip2); x has {@code in} channels at half the skip's size,
     * skip has {@code out} channels, or skip and skip2 together have {@code in}.
     */
    public static final class ResDecoderBlock extends Module {
        public final Sequential transitionConv;
        /** null for a decoder with a single skip (the seed built it there too, but never ran it) */
        public final Conv2d encSkipConv;
        public final Conv2d skipConv;
        public final DoubleConvBlock doubleConv;

        ResDecoderBlock(int in, int out, boolean twoSkips, Rng r) {
            transitionConv = registerModule("transition_conv", new Sequential(new Conv2d(in, out, 1, 1, 0, 1, 1, true, r)));
            encSkipConv = twoSkips ? registerModule("enc_skip_conv", new Conv2d(in, out, 1, 1, 0, 1, 1, true, r)) : null;
            skipConv = registerModule("skip_conv", new Conv2d(in, out, 1, 1, 0, 1, 1, true, r));
            doubleConv = registerModule("double_conv", new DoubleConvBlock(in, out, r));
        }

        @Override
        protected Tensor[] forward(Tensor[] inputs) {
            int want = encSkipConv == null ? 2 : 3;
            if (inputs.length != want) {
                throw new IllegalArgumentException("ResDecoderBlock: takes " + want + " inputs (x, skip" + (want == 3 ? ", skip2" : "")
                        + "), got " + inputs.length);
            }
            Tensor x = transitionConv.call(inputs[0]);
            x = Functional.upsampleBilinear(x, 2 * x.size(2), 2 * x.size(3), false);
            Tensor enc = encSkipConv == null ? inputs[1] : encSkipConv.call(Tensor.cat(1, inputs[1], inputs[2]));
            x = Tensor.cat(1, x, enc);
            Tensor identity = skipConv.call(x);
            return new Tensor[]{doubleConv.call(x).add(identity)};
        }
    }

    public final ResEncoderBlock b1, b2, bf1, bf2, enc1, enc2, enc3, enc4;
    public final Conv2d merge, m0, d0;
    public final ResDecoderBlock mdec3, mdec2, mdec1, m2, m1, ddec3, ddec2, ddec1, d2, d1;

    /** The published model (b = 16) with weights from {@link Rng#global()}. */
    public DSResNet() {
        this(WIDTH, null);
    }

    /**
     * @param width base channel count b (16 published; see the class comment for counts)
     * @param rng   generator for the initial weights; null uses {@link Rng#global()}
     */
    public DSResNet(int width, Rng rng) {
        super(checkWidth(width));
        Rng r = rng == null ? Rng.global() : rng;
        int b = width;
        b1 = registerModule("b1", new ResEncoderBlock(3, b, true, r));
        b2 = registerModule("b2", new ResEncoderBlock(b, 2 * b, true, r));
        bf1 = registerModule("bf1", new ResEncoderBlock(3, b, true, r));
        bf2 = registerModule("bf2", new ResEncoderBlock(b, 2 * b, true, r));
        merge = registerModule("merge", new Conv2d(4 * b, 2 * b, 1, 1, 0, 1, 1, true, r));
        enc1 = registerModule("enc1", new ResEncoderBlock(2 * b, 4 * b, true, r));
        enc2 = registerModule("enc2", new ResEncoderBlock(4 * b, 8 * b, true, r));
        enc3 = registerModule("enc3", new ResEncoderBlock(8 * b, 16 * b, true, r));
        enc4 = registerModule("enc4", new ResEncoderBlock(16 * b, 32 * b, false, r));
        mdec3 = registerModule("Mdec3", new ResDecoderBlock(32 * b, 16 * b, false, r));
        mdec2 = registerModule("Mdec2", new ResDecoderBlock(16 * b, 8 * b, false, r));
        mdec1 = registerModule("Mdec1", new ResDecoderBlock(8 * b, 4 * b, false, r));
        m2 = registerModule("M2", new ResDecoderBlock(4 * b, 2 * b, true, r));
        m1 = registerModule("M1", new ResDecoderBlock(2 * b, b, true, r));
        m0 = registerModule("M0", new Conv2d(b, 1, 1, 1, 0, 1, 1, true, r));
        ddec3 = registerModule("Ddec3", new ResDecoderBlock(32 * b, 16 * b, false, r));
        ddec2 = registerModule("Ddec2", new ResDecoderBlock(16 * b, 8 * b, false, r));
        ddec1 = registerModule("Ddec1", new ResDecoderBlock(8 * b, 4 * b, false, r));
        d2 = registerModule("D2", new ResDecoderBlock(4 * b, 2 * b, true, r));
        d1 = registerModule("D1", new ResDecoderBlock(2 * b, b, true, r));
        d0 = registerModule("D0", new Conv2d(b, 1, 1, 1, 0, 1, 1, true, r));
    }

    private static int checkWidth(int width) {
        if (width < 1) throw new IllegalArgumentException("DSResNet: width must be positive, got " + width);
        return width;
    }

    @Override
    public String modelName() {
        return "dsresnet";
    }

    @Override
    public boolean predictsDepth() {
        return true;
    }

    @Override
    public int sizeMultiple() {
        return 32;
    }

    @Override
    protected Tensor[] forward(Tensor[] inputs) {
        checkPair(inputs);
        Tensor[] b1o = b1.callAll(inputs[0]);
        Tensor[] b2o = b2.callAll(b1o[0]);
        Tensor[] bf1o = bf1.callAll(inputs[1]);
        Tensor[] bf2o = bf2.callAll(bf1o[0]);
        Tensor x = merge.call(Tensor.cat(1, b2o[0], bf2o[0]));
        Tensor[] e1 = enc1.callAll(x);
        Tensor[] e2 = enc2.callAll(e1[0]);
        Tensor[] e3 = enc3.callAll(e2[0]);
        Tensor e4 = enc4.call(e3[0]);
        Tensor mask = head(mdec3, mdec2, mdec1, m2, m1, m0, e4, e3[1], e2[1], e1[1], b2o[1], bf2o[1], b1o[1], bf1o[1]);
        Tensor depth = head(ddec3, ddec2, ddec1, d2, d1, d0, e4, e3[1], e2[1], e1[1], b2o[1], bf2o[1], b1o[1], bf1o[1]);
        return new Tensor[]{depth, mask};
    }

    private static Tensor head(ResDecoderBlock dec3, ResDecoderBlock dec2, ResDecoderBlock dec1, ResDecoderBlock dec2x,
                               ResDecoderBlock dec1x, Conv2d out, Tensor e4, Tensor e3, Tensor e2, Tensor e1,
                               Tensor b2, Tensor bf2, Tensor b1, Tensor bf1) {
        Tensor x = dec3.callAll(e4, e3)[0];
        x = dec2.callAll(x, e2)[0];
        x = dec1.callAll(x, e1)[0];
        x = dec2x.callAll(x, b2, bf2)[0];
        x = dec1x.callAll(x, b1, bf1)[0];
        return out.call(x);
    }

    @Override
    protected String extraRepr() {
        return "width=" + width();
    }
}
