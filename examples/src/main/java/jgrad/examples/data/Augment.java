package jgrad.examples.data;

import jgrad.core.Rng;

/**
 * Photometric augmentation of the network inputs (never targets): a hue shift, saturation and
 * value (brightness) scaling in HSV, then a contrast change. Parameters are drawn once per sample
 * and applied to both bg and fg_bg, so the two stay photometrically consistent and their
 * difference still marks the foreground.
 *
 * <p>Per pixel, on [0,1] RGB: (h, s, v) = hsv(rgb); h += dh (in turns, dh ∈ [−hue, hue]);
 * s ← clamp(s·fs), fs ∈ [1 − saturation, 1 + saturation]; v ← clamp(v·fv), fv ∈ [1 − value, 1 + value];
 * back to RGB; then x ← clamp(μ + fc·(x − μ)) with μ the image's mean luminance
 * (0.299 R + 0.587 G + 0.114 B) and fc ∈ [1 − contrast, 1 + contrast].
 */
public record Augment(double hue, double saturation, double value, double contrast) {
    /** Moderate defaults: hue ±0.05 turn, saturation, value and contrast ±20%. */
    public static Augment standard() {
        return new Augment(0.05, 0.2, 0.2, 0.2);
    }

    /** One draw of the jitter parameters. */
    public record Params(float dh, float fs, float fv, float fc) {}

    public Params draw(Rng rng) {
        return new Params((float) ((rng.nextDouble() * 2 - 1) * hue), (float) (1 + (rng.nextDouble() * 2 - 1) * saturation),
                (float) (1 + (rng.nextDouble() * 2 - 1) * value), (float) (1 + (rng.nextDouble() * 2 - 1) * contrast));
    }

    /** In place on planar [0,1] RGB (3 planes). */
    public static void apply(float[] rgb, Params p) {
        int n = rgb.length / 3;
        double lum = 0;
        float[] hsv = new float[3];
        for (int i = 0; i < n; i++) {
            toHsv(rgb[i], rgb[n + i], rgb[2 * n + i], hsv);
            float h = hsv[0] + p.dh();
            h -= (float) Math.floor(h);
            float s = clamp(hsv[1] * p.fs()), v = clamp(hsv[2] * p.fv());
            fromHsv(h, s, v, rgb, i, n);
            lum += 0.299 * rgb[i] + 0.587 * rgb[n + i] + 0.114 * rgb[2 * n + i];
        }
        float mu = (float) (lum / n);
        for (int i = 0; i < rgb.length; i++) rgb[i] = clamp(mu + p.fc() * (rgb[i] - mu));
    }

    private static float clamp(float x) {
        return Math.min(1f, Math.max(0f, x));
    }

    static void toHsv(float r, float g, float b, float[] out) {
        float max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b)), d = max - min;
        float h;
        if (d == 0) h = 0;
        else if (max == r) h = ((g - b) / d) / 6f;
        else if (max == g) h = ((b - r) / d + 2) / 6f;
        else h = ((r - g) / d + 4) / 6f;
        if (h < 0) h += 1;
        out[0] = h;
        out[1] = max == 0 ? 0 : d / max;
        out[2] = max;
    }

    static void fromHsv(float h, float s, float v, float[] rgb, int i, int n) {
        float h6 = h * 6;
        int k = (int) Math.floor(h6) % 6;
        float f = h6 - (float) Math.floor(h6);
        float p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        float r, g, b;
        switch (k) {
            case 0 -> { r = v; g = t; b = p; }
            case 1 -> { r = q; g = v; b = p; }
            case 2 -> { r = p; g = v; b = t; }
            case 3 -> { r = p; g = q; b = v; }
            case 4 -> { r = t; g = p; b = v; }
            default -> { r = v; g = p; b = q; }
        }
        rgb[i] = r; rgb[n + i] = g; rgb[2 * n + i] = b;
    }
}
