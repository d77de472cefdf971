package jgrad.examples.data;

import java.nio.file.Path;

/**
 * Loads preprocessed {@link Sample}s from a {@link DatasetIndex}: decode the four files, check
 * that bg, mask and depth have the fg_bg image's size, resize to height × width (bilinear for bg,
 * fg_bg and depth, nearest for the mask), scale to [0,1], optionally apply a photometric
 * {@link Augment} draw to the inputs, then apply the seed's {@link Preprocessing} (input
 * normalisation, mask binarisation). Each load fails with a {@link DataException} naming the
 * offending file. Stateless after construction: safe to call from several threads.
 */
public final class DepthMaskDataset {
    private final DatasetIndex index;
    private final Preprocessing pre;
    private final int height, width;

    public DepthMaskDataset(DatasetIndex index, Preprocessing pre, int height, int width) {
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("dataset: size must be positive, got " + height + "x" + width);
        this.index = index;
        this.pre = pre;
        this.height = height;
        this.width = width;
    }

    /** The index's layout decides the preprocessing. */
    public static DepthMaskDataset open(Path root, OnError onError, int size) {
        DatasetIndex idx = DatasetIndex.scan(root, onError);
        return new DepthMaskDataset(idx, Preprocessing.of(idx.layout()), size, size);
    }

    public DatasetIndex index() { return index; }
    public Preprocessing preprocessing() { return pre; }
    public int size() { return index.size(); }
    public int height() { return height; }
    public int width() { return width; }

    /** Sample i, augmented with {@code aug} when it is not null. */
    public Sample load(int i, Augment.Params aug) {
        if (i < 0 || i >= index.size()) throw new IndexOutOfBoundsException("dataset: sample " + i + " of " + index.size());
        Entry e = index.entries().get(i);
        ImageFiles.Image fg = ImageFiles.readRgb(e.fgBg());
        ImageFiles.Image bg = ImageFiles.readRgb(e.bg());
        ImageFiles.Image mask = ImageFiles.readGray(e.mask());
        ImageFiles.Image depth = ImageFiles.readGray(e.depth());
        sameSize(bg, e.bg(), fg, e.fgBg());
        sameSize(mask, e.mask(), fg, e.fgBg());
        sameSize(depth, e.depth(), fg, e.fgBg());
        int h = fg.height(), w = fg.width();
        float[] b = scale(Resize.bilinear(bg.data(), 3, h, w, height, width));
        float[] f = scale(Resize.bilinear(fg.data(), 3, h, w, height, width));
        float[] m = Resize.nearest(mask.data(), 1, h, w, height, width);
        if (m == mask.data()) m = m.clone();
        float[] d = scale(Resize.bilinear(depth.data(), 1, h, w, height, width));
        if (aug != null) {
            Augment.apply(b, aug);
            Augment.apply(f, aug);
        }
        Preprocessing.normalise(b, pre.bgMean(), pre.bgStd());
        Preprocessing.normalise(f, pre.fgBgMean(), pre.fgBgStd());
        pre.mask(m);
        return new Sample(i, height, width, b, f, m, d);
    }

    /** x/255 into a fresh array (inputs may be the decoder's own array when no resize happened). */
    private static float[] scale(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] / 255f;
        return out;
    }

    private static void sameSize(ImageFiles.Image a, Path pa, ImageFiles.Image ref, Path pref) {
        if (a.width() != ref.width() || a.height() != ref.height()) {
            throw new DataException("size mismatch: " + pa + " is " + a.width() + "x" + a.height() + " but " + pref + " is "
                    + ref.width() + "x" + ref.height());
        }
    }
}
