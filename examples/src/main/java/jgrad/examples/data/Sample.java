package jgrad.examples.data;

/**
 * One preprocessed sample: bg and fg_bg as 3×H×W planar floats, mask and depth as 1×H×W, and the
 * sample's index in its {@link DatasetIndex}.
 */
public record Sample(int index, int height, int width, float[] bg, float[] fgBg, float[] mask, float[] depth) {}
