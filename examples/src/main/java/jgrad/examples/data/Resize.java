package jgrad.examples.data;

/**
 * Resizing planar images (C planes of H×W floats).
 * <ul>
 * <li>{@link #bilinear}: half-pixel centres (PyTorch {@code align_corners=false}, no antialias):
 * output pixel (y, x) samples the input at sy = (y + 0.5)·H/H' − 0.5 (clamped to [0, H−1]), and
 * likewise x, weighting the four neighbours by the fractional parts.</li>
 * <li>{@link #nearest}: input pixel floor((y + 0.5)·H/H'), floor((x + 0.5)·W/W') (centre
 * sampling), so values are copied, never mixed: masks stay 0/255.</li>
 * </ul>
 * A same-size resize returns the input array unchanged.
 */
public final class Resize {
    private Resize() {}

    public static float[] bilinear(float[] in, int channels, int h, int w, int outH, int outW) {
        check(in, channels, h, w, outH, outW);
        if (h == outH && w == outW) return in;
        float[] out = new float[channels * outH * outW];
        int[] x0 = new int[outW], x1 = new int[outW];
        float[] fx = new float[outW];
        for (int x = 0; x < outW; x++) {
            double sx = Math.min(w - 1, Math.max(0, (x + 0.5) * w / outW - 0.5));
            x0[x] = (int) sx;
            x1[x] = Math.min(w - 1, x0[x] + 1);
            fx[x] = (float) (sx - x0[x]);
        }
        for (int y = 0; y < outH; y++) {
            double sy = Math.min(h - 1, Math.max(0, (y + 0.5) * h / outH - 0.5));
            int y0 = (int) sy, y1 = Math.min(h - 1, y0 + 1);
            float fy = (float) (sy - y0);
            for (int c = 0; c < channels; c++) {
                int base = c * h * w, r0 = base + y0 * w, r1 = base + y1 * w, o = c * outH * outW + y * outW;
                for (int x = 0; x < outW; x++) {
                    float top = in[r0 + x0[x]] + (in[r0 + x1[x]] - in[r0 + x0[x]]) * fx[x];
                    float bot = in[r1 + x0[x]] + (in[r1 + x1[x]] - in[r1 + x0[x]]) * fx[x];
                    out[o + x] = top + (bot - top) * fy;
                }
            }
        }
        return out;
    }

    public static float[] nearest(float[] in, int channels, int h, int w, int outH, int outW) {
        check(in, channels, h, w, outH, outW);
        if (h == outH && w == outW) return in;
        float[] out = new float[channels * outH * outW];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outH; y++) {
                int sy = Math.min(h - 1, (int) ((y + 0.5) * h / outH));
                for (int x = 0; x < outW; x++) {
                    int sx = Math.min(w - 1, (int) ((x + 0.5) * w / outW));
                    out[c * outH * outW + y * outW + x] = in[c * h * w + sy * w + sx];
                }
            }
        }
        return out;
    }

    private static void check(float[] in, int channels, int h, int w, int outH, int outW) {
        if (channels <= 0 || h <= 0 || w <= 0 || outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("resize: sizes must be positive, got " + channels + "x" + h + "x" + w + " -> " + outH + "x" + outW);
        }
        if (in.length != channels * h * w) {
            throw new IllegalArgumentException("resize: array of " + in.length + " floats is not " + channels + "x" + h + "x" + w);
        }
    }
}
