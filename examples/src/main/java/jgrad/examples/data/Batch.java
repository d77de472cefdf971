package jgrad.examples.data;

import jgrad.core.Tensor;

/**
 * A batch: bg and fgBg N×3×H×W, mask and depth N×1×H×W, and the dataset index of each row
 * ({@code indices[n]} is row n).
 */
public record Batch(Tensor bg, Tensor fgBg, Tensor mask, Tensor depth, int[] indices) {
    public int size() {
        return indices.length;
    }
}
