package jgrad.nn;

import jgrad.core.Functional;
import jgrad.core.Tensor;

/**
 * Rearranges N×(C·r²)×H×W into N×C×(H·r)×(W·r), as {@code torch.nn.PixelShuffle}:
 * y[n, c, h·r + i, w·r + j] = x[n, c·r² + i·r + j, h, w]. A permutation, so the gradient is the
 * inverse rearrangement ({@link Functional#pixelShuffle}).
 */
public class PixelShuffle extends Module {
    public final int upscale;

    public PixelShuffle(int upscale) {
        if (upscale <= 0) throw new IllegalArgumentException("PixelShuffle: upscale factor must be positive, got " + upscale);
        this.upscale = upscale;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return Functional.pixelShuffle(x, upscale);
    }

    @Override
    protected String extraRepr() {
        return "upscale_factor=" + upscale;
    }
}
