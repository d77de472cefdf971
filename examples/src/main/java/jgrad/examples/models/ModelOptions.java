package jgrad.examples.models;

import jgrad.core.Rng;

/**
 * Construction options shared by the models.
 *
 * @param width   base channel count; 0 means the model's published width (MaskNet 32, DSResNet 16,
 *                ResUNet 16). Every layer's width is a fixed multiple of it, so the architecture
 *                keeps its shape at any width (see each model's class comment for the counts).
 * @param dropout dropout probability of MaskNet's blocks (seed default 0); the joint models have no
 *                dropout layers and reject a non-zero value
 * @param seed    seed of the generator for the initial weights and dropout masks; null draws from
 *                {@link Rng#global()}
 */
public record ModelOptions(int width, double dropout, Long seed) {
    public ModelOptions {
        if (width < 0) throw new IllegalArgumentException("model options: width must be >= 1 (or 0 for the default), got " + width);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("model options: dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Published width, no dropout, weights from the global generator. */
    public static ModelOptions defaults() {
        return new ModelOptions(0, 0.0, null);
    }

    public ModelOptions withWidth(int w) {
        return new ModelOptions(w, dropout, seed);
    }

    public ModelOptions withDropout(double p) {
        return new ModelOptions(width, p, seed);
    }

    public ModelOptions withSeed(long s) {
        return new ModelOptions(width, dropout, s);
    }

    /** The width to build with: the given one, or {@code published} when 0. */
    int widthOr(int published) {
        return width == 0 ? published : width;
    }

    /** A fresh generator from the seed, or the global one. */
    Rng rng() {
        return seed == null ? Rng.global() : new Rng(seed);
    }
}
