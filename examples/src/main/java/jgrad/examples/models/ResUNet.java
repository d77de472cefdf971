package jgrad.examples.models;

import java.util.Arrays;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.BatchNorm2d;
import jgrad.nn.Conv2d;
import jgrad.nn.MaxPool2d;
import jgrad.nn.Module;
import jgrad.nn.PixelShuffle;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;

/**
 * Seed B's ResUNet v2 (the "15M" model): a pre-activation residual U-Net on the 6-channel input
 * cat[bg, fg_bg], with a depth decoder and a mask decoder that also adds the depth decoder's
 * outputs ("dense" connections). No convolution has a bias. With base width b (published 16):
 * <pre>
 *   ResDoubleConv(i, o) = BN(i) → ReLU → Conv3×3(i→o) → BN(o) → ReLU → Conv3×3(o→o)
 *   ResDown(i, o):  y = ResDoubleConv(i, o)(x) + [Conv1×1(i→o) → BN(o)](x);  returns (MaxPool2(y), y)
 *   ResUp(i, o, s[, d]):  x = PixelShuffle(2)(Conv1×1(i→4i)(x)) + Conv1×1(s→i)(skip)
 *                         [+ Conv1×1(d→i)(dense)];  y = ResDoubleConv(i, o)(x) + [Conv1×1(i→o) → BN(o)](x)
 *
 *   init_conv Conv5×5(6→2b, pad 2)                                   H
 *   res_down1..4: (2b→4b), (4b→8b), (8b→16b), (16b→32b)              skips at H … H/8, bridge input H/16
 *   bridge ResDoubleConv(32b, 32b)                                   H/16
 *   depth: up(32b→16b, s 32b), up(16b→8b, 16b), up(8b→4b, 8b), up(4b→b, 4b), Conv1×1(b→1)
 *   mask:  up(32b→4b, s 32b, d 16b), up(4b→4b, 16b, 8b), up(4b→2b, 8b, 4b), up(2b→b, 4b, b), Conv1×1(b→1)
 * </pre>
 * where each mask block's dense input is the output of the depth block at the same level.
 * H and W must be multiples of 16.
 *
 * <p><b>Parameter count.</b> 15,855,712 at b = 16 (the seed's figure); 994,264 at b = 4 and
 * 249,660 at b = 2 (b = 4 is the recommended width for quick CPU runs).
 *
 * <p><b>Inputs.</b> {@code callAll(bg, fgBg)} concatenates bg first, so all models share one call
 * shape; {@code callAll(x)} with a single N×6×H×W tensor is the seed's own call. Outputs
 * {@code [depth, mask]}. Names follow the seed ({@code init_conv, res_down1…4, bridge,
 * d_res_up4…1, depth_output, s_res_up4…1, segment_output}).
 */
public final class ResUNet extends JointModel {
    /** Published base width. */
    public static final int WIDTH = 16;

    /** BN → ReLU → Conv3×3 → BN → ReLU → Conv3×3, all convolutions without bias. */
    public static final class ResDoubleConv extends Module {
        public final Sequential doubleConv;

        ResDoubleConv(int in, int out, Rng r) {
            doubleConv = registerModule("double_conv", new Sequential(new BatchNorm2d(in), new ReLU(), conv(in, out, 3, r),
                    new BatchNorm2d(out), new ReLU(), conv(out, out, 3, r)));
        }

        @Override
        protected Tensor forward(Tensor x) {
            return doubleConv.call(x);
        }
    }

    /** y = ResDoubleConv(x) + BN(Conv1×1(x)); outputs (MaxPool2(y), y). */
    public static final class ResDownBlock extends Module {
        public final ResDoubleConv doubleConv;
        public final Sequential projLayer;
        public final MaxPool2d downSample;

        ResDownBlock(int in, int out, Rng r) {
            doubleConv = registerModule("double_conv", new ResDoubleConv(in, out, r));
            projLayer = registerModule("proj_layer", new Sequential(conv(in, out, 1, r), new BatchNorm2d(out)));
            downSample = registerModule("down_sample", new MaxPool2d(2));
        }

        @Override
        protected Tensor[] forward(Tensor[] inputs) {
            if (inputs.length != 1) throw new IllegalArgumentException("ResDownBlock: takes one input, got " + inputs.length);
            Tensor identity = projLayer.call(inputs[0]);
            Tensor y = doubleConv.call(inputs[0]).add(identity);
            return new Tensor[]{downSample.call(y), y};
        }
    }

    /**
     * Inputs (x, skip) or (x, skip, dense): x has {@code in} channels at half the skip's size; skip
     * and dense are at the output size.
     */
    public static final class ResUpBlock extends Module {
        public final Conv2d preConv, skipConv;
        /** null without a dense input */
        public final Conv2d denseConv;
        public final PixelShuffle upsample;
        public final ResDoubleConv doubleConv;
        public final Sequential projLayer;

        ResUpBlock(int in, int out, int skip, int dense, Rng r) {
            preConv = registerModule("pre_conv", conv(in, 4 * in, 1, r));
            skipConv = registerModule("skip_conv", conv(skip, in, 1, r));
            denseConv = dense > 0 ? registerModule("dense_conv", conv(dense, in, 1, r)) : null;
            upsample = registerModule("upsample", new PixelShuffle(2));
            doubleConv = registerModule("double_conv", new ResDoubleConv(in, out, r));
            projLayer = registerModule("proj_layer", new Sequential(conv(in, out, 1, r), new BatchNorm2d(out)));
        }

        @Override
        protected Tensor[] forward(Tensor[] inputs) {
            int want = denseConv == null ? 2 : 3;
            if (inputs.length != want) {
                throw new IllegalArgumentException("ResUpBlock: takes " + want + " inputs (x, skip" + (want == 3 ? ", dense" : "")
                        + "), got " + inputs.length);
            }
            Tensor x = upsample.call(preConv.call(inputs[0])).add(skipConv.call(inputs[1]));
            if (denseConv != null) x = x.add(denseConv.call(inputs[2]));
            Tensor identity = projLayer.call(x);
            return new Tensor[]{doubleConv.call(x).add(identity)};
        }
    }

    public final Conv2d initConv, depthOutput, segmentOutput;
    public final ResDownBlock resDown1, resDown2, resDown3, resDown4;
    public final ResDoubleConv bridge;
    public final ResUpBlock dResUp4, dResUp3, dResUp2, dResUp1, sResUp4, sResUp3, sResUp2, sResUp1;

    /** The published model (b = 16) with weights from {@link Rng#global()}. */
    public ResUNet() {
        this(WIDTH, null);
    }

    /**
     * @param width base channel count b (16 published; see the class comment for counts)
     * @param rng   generator for the initial weights; null uses {@link Rng#global()}
     */
    public ResUNet(int width, Rng rng) {
        super(checkWidth(width));
        Rng r = rng == null ? Rng.global() : rng;
        int b = width;
        initConv = registerModule("init_conv", new Conv2d(6, 2 * b, 5, 1, 2, 1, 1, false, r));
        resDown1 = registerModule("res_down1", new ResDownBlock(2 * b, 4 * b, r));
        resDown2 = registerModule("res_down2", new ResDownBlock(4 * b, 8 * b, r));
        resDown3 = registerModule("res_down3", new ResDownBlock(8 * b, 16 * b, r));
        resDown4 = registerModule("res_down4", new ResDownBlock(16 * b, 32 * b, r));
        bridge = registerModule("bridge", new ResDoubleConv(32 * b, 32 * b, r));
        dResUp4 = registerModule("d_res_up4", new ResUpBlock(32 * b, 16 * b, 32 * b, 0, r));
        dResUp3 = registerModule("d_res_up3", new ResUpBlock(16 * b, 8 * b, 16 * b, 0, r));
        dResUp2 = registerModule("d_res_up2", new ResUpBlock(8 * b, 4 * b, 8 * b, 0, r));
        dResUp1 = registerModule("d_res_up1", new ResUpBlock(4 * b, b, 4 * b, 0, r));
        depthOutput = registerModule("depth_output", conv(b, 1, 1, r));
        sResUp4 = registerModule("s_res_up4", new ResUpBlock(32 * b, 4 * b, 32 * b, 16 * b, r));
        sResUp3 = registerModule("s_res_up3", new ResUpBlock(4 * b, 4 * b, 16 * b, 8 * b, r));
        sResUp2 = registerModule("s_res_up2", new ResUpBlock(4 * b, 2 * b, 8 * b, 4 * b, r));
        sResUp1 = registerModule("s_res_up1", new ResUpBlock(2 * b, b, 4 * b, b, r));
        segmentOutput = registerModule("segment_output", conv(b, 1, 1, r));
    }

    private static int checkWidth(int width) {
        if (width < 1) throw new IllegalArgumentException("ResUNet: width must be positive, got " + width);
        return width;
    }

    /** Conv without bias, padding k/2. */
    private static Conv2d conv(int in, int out, int k, Rng r) {
        return new Conv2d(in, out, k, 1, k / 2, 1, 1, false, r);
    }

    @Override
    public String modelName() {
        return "resunet";
    }

    @Override
    public boolean predictsDepth() {
        return true;
    }

    @Override
    public int sizeMultiple() {
        return 16;
    }

    @Override
    protected Tensor[] forward(Tensor[] inputs) {
        Tensor x;
        if (inputs.length == 1) {
            x = inputs[0];
            if (x.rank() != 4 || x.size(1) != 6) {
                throw new IllegalArgumentException("ResUNet: a single input must be cat[bg, fg_bg], N×6×H×W, got "
                        + Arrays.toString(x.dims()));
            }
            checkSize(x);
        } else {
            checkPair(inputs);
            x = Tensor.cat(1, inputs[0], inputs[1]);
        }
        Tensor init = initConv.call(x);
        Tensor[] r1 = resDown1.callAll(init);
        Tensor[] r2 = resDown2.callAll(r1[0]);
        Tensor[] r3 = resDown3.callAll(r2[0]);
        Tensor[] r4 = resDown4.callAll(r3[0]);
        Tensor br = bridge.call(r4[0]);

        Tensor du4 = dResUp4.callAll(br, r4[1])[0];
        Tensor du3 = dResUp3.callAll(du4, r3[1])[0];
        Tensor du2 = dResUp2.callAll(du3, r2[1])[0];
        Tensor du1 = dResUp1.callAll(du2, r1[1])[0];
        Tensor depth = depthOutput.call(du1);

        Tensor su4 = sResUp4.callAll(br, r4[1], du4)[0];
        Tensor su3 = sResUp3.callAll(su4, r3[1], du3)[0];
        Tensor su2 = sResUp2.callAll(su3, r2[1], du2)[0];
        Tensor su1 = sResUp1.callAll(su2, r1[1], du1)[0];
        Tensor mask = segmentOutput.call(su1);
        return new Tensor[]{depth, mask};
    }

    @Override
    protected String extraRepr() {
        return "width=" + width();
    }
}
