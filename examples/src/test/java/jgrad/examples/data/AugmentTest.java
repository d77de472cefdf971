package jgrad.examples.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AugmentTest {
    @TempDir
    Path tmp;

    @Test
    void hsvAndContrastByHand() {
        float[] red = {1, 0, 0};
        Augment.apply(red, new Augment.Params(1f / 3, 1, 1, 1)); // a third of a turn: red -> green
        assertArrayEquals(new float[]{0, 1, 0}, red, 1e-6f);
        float[] c = {0.8f, 0.4f, 0.2f};
        Augment.apply(c, new Augment.Params(0, 1, 0.5f, 1)); // value halved
        assertArrayEquals(new float[]{0.4f, 0.2f, 0.1f}, c, 1e-6f);
        float[] grey = {0.8f, 0.4f, 0.2f};
        Augment.apply(grey, new Augment.Params(0, 0, 1, 1)); // saturation 0: grey at the max
        assertArrayEquals(new float[]{0.8f, 0.8f, 0.8f}, grey, 1e-6f);
        float[] two = {0.2f, 0.6f, 0.2f, 0.6f, 0.2f, 0.6f}; // 2 pixels: grey 0.2 and grey 0.6
        Augment.apply(two, new Augment.Params(0, 1, 1, 0)); // contrast 0: all at mean luminance 0.4
        for (float v : two) assertEquals(0.4f, v, 1e-6f);
        float[] same = {0.3f, 0.7f, 0.5f, 0.1f, 0.9f, 0.2f};
        float[] copy = same.clone();
        Augment.apply(same, new Augment.Params(0, 1, 1, 1));
        assertArrayEquals(copy, same, 1e-6f);
    }

    @Test
    void onlyTrainingInputsAreAugmented() {
        TestData.generate(tmp, Layout.B, 8, 4, 24, 9, 2);
        DepthMaskDataset ds = DepthMaskDataset.open(tmp, OnError.FAIL, 24);
        Split split = Split.of(ds.size(), 0.5, 1);
        DataLoader train = new DataLoader(ds, split.train(), DataLoader.Options.training(4, 5));
        DataLoader val = new DataLoader(ds, split.validation(), DataLoader.Options.validation(4));
        int checked = 0;
        try (DataLoader.Epoch ep = train.epoch(0)) {
            while (ep.hasNext()) {
                Batch b = ep.next();
                for (int n = 0; n < b.size(); n++) {
                    Sample plain = ds.load(b.indices()[n], null);
                    int img = 3 * 24 * 24, px = 24 * 24;
                    float[] bg = Arrays.copyOfRange(b.bg().data(), n * img, (n + 1) * img);
                    float[] fg = Arrays.copyOfRange(b.fgBg().data(), n * img, (n + 1) * img);
                    assertFalse(Arrays.equals(plain.bg(), bg), "training bg should be jittered");
                    assertFalse(Arrays.equals(plain.fgBg(), fg), "training fg_bg should be jittered");
                    assertArrayEquals(plain.mask(), Arrays.copyOfRange(b.mask().data(), n * px, (n + 1) * px), "mask must not change");
                    assertArrayEquals(plain.depth(), Arrays.copyOfRange(b.depth().data(), n * px, (n + 1) * px), "depth must not change");
                    checked++;
                }
            }
        }
        assertEquals(split.train().length, checked);
        try (DataLoader.Epoch ep = val.epoch(0)) {
            while (ep.hasNext()) {
                Batch b = ep.next();
                for (int n = 0; n < b.size(); n++) {
                    Sample plain = ds.load(b.indices()[n], null);
                    int img = 3 * 24 * 24;
                    assertArrayEquals(plain.bg(), Arrays.copyOfRange(b.bg().data(), n * img, (n + 1) * img));
                    assertArrayEquals(plain.fgBg(), Arrays.copyOfRange(b.fgBg().data(), n * img, (n + 1) * img));
                }
            }
        }
    }
}
