package jgrad.bench.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * jgrad's MaskNet and DSResNet ({@code jgrad.examples.models}) written with DJL's ops, layer for
 * layer: the same convolutions (all with bias, padding k/2), ReLU, training-mode BatchNorm
 * (batch statistics, running estimates updated, eps 1e−5), 2×2 max pooling, bilinear ×2
 * upsampling (align_corners false) and concatenations, in the same order. Parameters live in the
 * base manager and carry gradients; {@link #params} lists them for the SGD update.
 *
 * <p>Every op puts its result in its first operand's manager; {@code forward} starts from inputs
 * owned by the caller's per-step manager, so all activations are freed when that manager closes.
 */
final class DjlModels {
    private DjlModels() {}

    /** Conv2d with bias. */
    record Conv(NDArray w, NDArray b, int pad) {
        static Conv of(Djl.Params ps, int in, int out, int k) {
            float fanIn = in * k * k;
            return new Conv(ps.uniform(fanIn, out, in, k, k), ps.uniform(fanIn, out), k / 2);
        }

        NDArray call(NDArray x) {
            return Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(pad, pad)).singletonOrThrow();
        }
    }

    /** BatchNorm2d in training mode: weight 1, bias 0, running mean 0 and variance 1 at the start. */
    record Bn(NDArray gamma, NDArray beta, NDArray mean, NDArray var) {
        static Bn of(Djl.Params ps, int c) {
            return new Bn(ps.constant(1, c, true), ps.constant(0, c, true), ps.constant(0, c, false), ps.constant(1, c, false));
        }

        NDArray call(NDArray x) {
            return BatchNorm.batchNorm(x, mean, var, gamma, beta, 1, 0.1f, 1e-5f, true).singletonOrThrow();
        }
    }

    /** Conv → ReLU → BN. */
    record Cbr(Conv conv, Bn bn) {
        static Cbr of(Djl.Params ps, int in, int out, int k) {
            return new Cbr(Conv.of(ps, in, out, k), Bn.of(ps, out));
        }

        NDArray call(NDArray x) {
            return bn.call(conv.call(x).getNDArrayInternal().relu());
        }
    }

    interface Model {
        /** Outputs: {mask} for MaskNet, {depth, mask} for DSResNet. */
        NDArray[] forward(NDArray bg, NDArray fgBg);

        java.util.List<NDArray> params();
    }

    /** See {@code jgrad.examples.models.MaskNet} (width 32, no dropout). */
    static final class MaskNet implements Model {
        final Djl.Params ps;
        final Cbr prep1, prep2, block1b, block2;
        final Conv block1a, block3;

        MaskNet(NDManager m, int w) {
            ps = new Djl.Params(m);
            prep1 = Cbr.of(ps, 3, w, 3);
            prep2 = Cbr.of(ps, 3, w, 3);
            block1a = Conv.of(ps, 2 * w, w, 1);
            block1b = Cbr.of(ps, w, 2 * w, 3);
            block2 = Cbr.of(ps, 2 * w, 2 * w, 3);
            block3 = Conv.of(ps, 2 * w, 1, 1);
        }

        @Override
        public NDArray[] forward(NDArray bg, NDArray fgBg) {
            NDArray x = NDArrays.concat(new NDList(prep1.call(bg), prep2.call(fgBg)), 1);
            x = block1b.call(block1a.call(x));
            x = block2.call(x);
            return new NDArray[]{block3.call(x)};
        }

        @Override
        public java.util.List<NDArray> params() {
            return ps.all;
        }
    }

    /** y = [Cbr → Cbr](x) + Conv1×1(x), then optionally MaxPool2. */
    record Encoder(Cbr c1, Cbr c2, Conv skip, boolean pool) {
        static Encoder of(Djl.Params ps, int in, int out, boolean pool) {
            return new Encoder(Cbr.of(ps, in, out, 3), Cbr.of(ps, out, out, 3), Conv.of(ps, in, out, 1), pool);
        }

        /** {pooled, y} or {y}. */
        NDArray[] call(NDArray x) {
            NDArray identity = skip.call(x);
            NDArray y = c2.call(c1.call(x)).add(identity);
            if (!pool) return new NDArray[]{y};
            NDArray p = Pool.maxPool2d(y, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            return new NDArray[]{p, y};
        }
    }

    /** x = up2(Conv1×1(x)); e = skip or Conv1×1(cat[skip, skip2]); x = cat[x, e]; y = DoubleConv(x) + Conv1×1(x). */
    record Decoder(Conv transition, Conv encSkip, Conv skip, Cbr c1, Cbr c2) {
        static Decoder of(Djl.Params ps, int in, int out, boolean twoSkips) {
            Conv t = Conv.of(ps, in, out, 1);
            Conv e = twoSkips ? Conv.of(ps, in, out, 1) : null;
            Conv s = Conv.of(ps, in, out, 1);
            return new Decoder(t, e, s, Cbr.of(ps, in, out, 3), Cbr.of(ps, out, out, 3));
        }

        NDArray call(NDArray x, NDArray skip1, NDArray skip2) {
            x = transition.call(x);
            long h = x.getShape().get(2), w = x.getShape().get(3);
            x = x.getNDArrayInternal().interpolation(new long[]{2 * h, 2 * w}, 1, false);  // 1 = bilinear
            NDArray e = encSkip == null ? skip1 : encSkip.call(NDArrays.concat(new NDList(skip1, skip2), 1));
            x = NDArrays.concat(new NDList(x, e), 1);
            NDArray identity = skip.call(x);
            return c2.call(c1.call(x)).add(identity);
        }
    }

    /** See {@code jgrad.examples.models.DSResNet} (only the layers that run). */
    static final class DSResNet implements Model {
        final Djl.Params ps;
        final Encoder b1, b2, bf1, bf2, enc1, enc2, enc3, enc4;
        final Conv merge, m0, d0;
        final Decoder mdec3, mdec2, mdec1, m2, m1, ddec3, ddec2, ddec1, d2, d1;

        DSResNet(NDManager m, int b) {
            ps = new Djl.Params(m);
            b1 = Encoder.of(ps, 3, b, true);
            b2 = Encoder.of(ps, b, 2 * b, true);
            bf1 = Encoder.of(ps, 3, b, true);
            bf2 = Encoder.of(ps, b, 2 * b, true);
            merge = Conv.of(ps, 4 * b, 2 * b, 1);
            enc1 = Encoder.of(ps, 2 * b, 4 * b, true);
            enc2 = Encoder.of(ps, 4 * b, 8 * b, true);
            enc3 = Encoder.of(ps, 8 * b, 16 * b, true);
            enc4 = Encoder.of(ps, 16 * b, 32 * b, false);
            mdec3 = Decoder.of(ps, 32 * b, 16 * b, false);
            mdec2 = Decoder.of(ps, 16 * b, 8 * b, false);
            mdec1 = Decoder.of(ps, 8 * b, 4 * b, false);
            m2 = Decoder.of(ps, 4 * b, 2 * b, true);
            m1 = Decoder.of(ps, 2 * b, b, true);
            m0 = Conv.of(ps, b, 1, 1);
            ddec3 = Decoder.of(ps, 32 * b, 16 * b, false);
            ddec2 = Decoder.of(ps, 16 * b, 8 * b, false);
            ddec1 = Decoder.of(ps, 8 * b, 4 * b, false);
            d2 = Decoder.of(ps, 4 * b, 2 * b, true);
            d1 = Decoder.of(ps, 2 * b, b, true);
            d0 = Conv.of(ps, b, 1, 1);
        }

        @Override
        public NDArray[] forward(NDArray bg, NDArray fgBg) {
            NDArray[] b1o = b1.call(bg), b2o = b2.call(b1o[0]);
            NDArray[] bf1o = bf1.call(fgBg), bf2o = bf2.call(bf1o[0]);
            NDArray x = merge.call(NDArrays.concat(new NDList(b2o[0], bf2o[0]), 1));
            NDArray[] e1 = enc1.call(x), e2 = enc2.call(e1[0]), e3 = enc3.call(e2[0]);
            NDArray e4 = enc4.call(e3[0])[0];
            NDArray mask = head(mdec3, mdec2, mdec1, m2, m1, m0, e4, e3[1], e2[1], e1[1], b2o[1], bf2o[1], b1o[1], bf1o[1]);
            NDArray depth = head(ddec3, ddec2, ddec1, d2, d1, d0, e4, e3[1], e2[1], e1[1], b2o[1], bf2o[1], b1o[1], bf1o[1]);
            return new NDArray[]{depth, mask};
        }

        private static NDArray head(Decoder dec3, Decoder dec2, Decoder dec1, Decoder dec2x, Decoder dec1x, Conv out,
                                    NDArray e4, NDArray e3, NDArray e2, NDArray e1, NDArray b2, NDArray bf2, NDArray b1,
                                    NDArray bf1) {
            NDArray x = dec3.call(e4, e3, null);
            x = dec2.call(x, e2, null);
            x = dec1.call(x, e1, null);
            x = dec2x.call(x, b2, bf2);
            x = dec1x.call(x, b1, bf1);
            return out.call(x);
        }

        @Override
        public java.util.List<NDArray> params() {
            return ps.all;
        }
    }
}
