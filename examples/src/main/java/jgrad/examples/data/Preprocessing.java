package jgrad.examples.data;

/**
 * How a seed turned file values (0..255) into network inputs and targets.
 * <ul>
 * <li>{@link #A}: inputs x/255 then (x − mean_c)/std_c per channel with seed A's per-type constants
 * (bg and fg_bg have their own); mask and depth x/255, the mask not binarised (JPEG ringing
 * stays).</li>
 * <li>{@link #B}: everything x/255, no normalisation; the mask binarised: 1 where the stored value
 * is ≥ 150, else 0.</li>
 * </ul>
 * A null mean/std means no normalisation; a negative threshold means no binarisation.
 */
public record Preprocessing(String name, float[] bgMean, float[] bgStd, float[] fgBgMean, float[] fgBgStd, float maskThreshold) {
    public static final Preprocessing A = new Preprocessing("A",
            new float[]{0.40086f, 0.46599f, 0.53281f}, new float[]{0.25451f, 0.24249f, 0.23615f},
            new float[]{0.41221f, 0.47368f, 0.53431f}, new float[]{0.25699f, 0.24577f, 0.24217f}, -1);
    public static final Preprocessing B = new Preprocessing("B", null, null, null, null, 150);

    public static Preprocessing of(Layout layout) {
        return layout == Layout.A ? A : B;
    }

    /** In place: [0,1] RGB planes → normalised with the given mean/std (no-op when null). */
    public static void normalise(float[] rgb, float[] mean, float[] std) {
        if (mean == null) return;
        int plane = rgb.length / 3;
        for (int c = 0; c < 3; c++) {
            float m = mean[c], inv = 1f / std[c];
            for (int i = c * plane; i < (c + 1) * plane; i++) rgb[i] = (rgb[i] - m) * inv;
        }
    }

    /** In place: stored 0..255 mask → target (binarised at the threshold, or /255). */
    void mask(float[] m) {
        for (int i = 0; i < m.length; i++) m[i] = maskThreshold >= 0 ? (m[i] >= maskThreshold ? 1f : 0f) : m[i] / 255f;
    }
}
