package jgrad.examples.experiments;

/**
 * A perceptually ordered colour map for depth images, dark violet (0, far) through blue and green
 * to yellow (1, near), in the spirit of viridis. Defined here by nine anchor colours with linear
 * interpolation in sRGB between them: v ∈ [0, 1] (clamped, NaN → 0) maps to anchor position
 * v·8, and the colour is the mix of the two neighbouring anchors.
 */
public final class Colormap {
    private static final int[][] ANCHORS = {
            {66, 6, 84}, {72, 36, 117}, {64, 67, 135}, {52, 94, 141}, {41, 120, 142},
            {32, 146, 140}, {53, 183, 121}, {144, 215, 67}, {250, 231, 35}};

    private Colormap() {}

    /** Packed 0xRRGGBB for v in [0, 1]. */
    public static int rgb(double v) {
        if (!(v > 0)) v = 0;
        if (v > 1) v = 1;
        double pos = v * (ANCHORS.length - 1);
        int i = Math.min((int) pos, ANCHORS.length - 2);
        double f = pos - i;
        int[] a = ANCHORS[i], b = ANCHORS[i + 1];
        int r = (int) Math.round(a[0] + f * (b[0] - a[0]));
        int g = (int) Math.round(a[1] + f * (b[1] - a[1]));
        int bl = (int) Math.round(a[2] + f * (b[2] - a[2]));
        return (r << 16) | (g << 8) | bl;
    }
}
