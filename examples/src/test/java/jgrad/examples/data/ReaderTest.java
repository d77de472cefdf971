package jgrad.examples.data;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both readers read what the generator writes, with each seed's preprocessing. */
class ReaderTest {
    @TempDir
    Path tmp;

    private static int raw(Path file, int x, int y, int band) throws Exception {
        BufferedImage img = ImageIO.read(file.toFile());
        return img.getRaster().getSample(x, y, band);
    }

    @Test
    void layoutARoundTripWithMeanStdNormalisation() throws Exception {
        TestData.generate(tmp, Layout.A, 8, 4, 32, 3, 2);
        assertEquals(Layout.A, DatasetIndex.detect(tmp));
        DepthMaskDataset ds = DepthMaskDataset.open(tmp, OnError.FAIL, 32);
        assertEquals(8, ds.size());
        assertSame(Preprocessing.A, ds.preprocessing());
        Entry e = ds.index().entries().get(5);
        assertEquals("bg_001.jpg", e.bg().getFileName().toString());
        assertEquals("bg_fg_001_001.jpg", e.fgBg().getFileName().toString());
        Sample s = ds.load(5, null);
        int plane = 32 * 32, x = 9, y = 21, i = y * 32 + x;
        // by hand: (v/255 - mean_c)/std_c with seed A's per-type constants
        float bgR = raw(e.bg(), x, y, 0), fgB = raw(e.fgBg(), x, y, 2);
        assertEquals((bgR / 255 - 0.40086f) / 0.25451f, s.bg()[i], 1e-5f);
        assertEquals((fgB / 255 - 0.53431f) / 0.24217f, s.fgBg()[2 * plane + i], 1e-5f);
        // targets: v/255, the mask not binarised (JPEG leaves values between 0 and 255)
        boolean between = false;
        for (int yy = 0; yy < 32; yy++) {
            for (int xx = 0; xx < 32; xx++) {
                int k = yy * 32 + xx;
                int m = raw(e.mask(), xx, yy, 0);
                assertEquals(m / 255f, s.mask()[k], 1e-7f);
                assertEquals(raw(e.depth(), xx, yy, 0) / 255f, s.depth()[k], 1e-7f);
                if (m > 0 && m < 255) between = true;
            }
        }
        assertTrue(between, "a JPEG mask should carry some values between 0 and 255 at edges");
    }

    @Test
    void layoutBRoundTripBinarisesMasksAt150() throws Exception {
        TestData.generate(tmp, Layout.B, 6, 3, 32, 4, 2);
        assertEquals(Layout.B, DatasetIndex.detect(tmp));
        DepthMaskDataset ds = DepthMaskDataset.open(tmp, OnError.FAIL, 32);
        assertEquals(6, ds.size());
        Entry e = ds.index().entries().get(4);
        assertEquals("bg_001.jpg", e.bg().getFileName().toString());
        assertEquals("fg_bg_001_001.jpg", e.fgBg().getFileName().toString());
        assertEquals("fg_bg_mask_001_001.jpg", e.mask().getFileName().toString());
        assertEquals("depth_fg_bg_001_001.png", e.depth().getFileName().toString());
        assertArrayEquals(new int[]{0, 0, 0, 1, 1, 1}, ds.index().backgroundGroups());
        Sample s = ds.load(4, null);
        int plane = 32 * 32, ones = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int i = y * 32 + x;
                assertEquals(raw(e.bg(), x, y, 1) / 255f, s.bg()[plane + i], 1e-7f);
                assertEquals(raw(e.fgBg(), x, y, 0) / 255f, s.fgBg()[i], 1e-7f);
                assertEquals(raw(e.mask(), x, y, 0) >= 150 ? 1f : 0f, s.mask()[i], 0f);
                assertEquals(raw(e.depth(), x, y, 0) / 255f, s.depth()[i], 1e-7f);
                if (s.mask()[i] == 1f) ones++;
            }
        }
        assertTrue(ones > 0, "the sample should have foreground");
    }

    @Test
    void resizingOnReadKeepsMasksBinaryAndInRange() {
        TestData.generate(tmp, Layout.B, 3, 3, 40, 5, 1);
        DepthMaskDataset ds = DepthMaskDataset.open(tmp, OnError.FAIL, 16);
        Sample s = ds.load(0, null);
        assertEquals(3 * 16 * 16, s.bg().length);
        assertEquals(16 * 16, s.mask().length);
        for (float m : s.mask()) assertTrue(m == 0f || m == 1f);
        for (float d : s.depth()) assertTrue(d >= 0f && d <= 1f);
    }

    @Test
    void bilinearAndNearestByHand() {
        float[] in = {0, 10, 20, 30}; // 2x2
        float[] up = Resize.bilinear(in, 1, 2, 2, 4, 4);
        assertEquals(0f, up[0], 1e-6f); // centre (-0.25, -0.25) clamps to pixel (0,0)
        assertEquals(2.5f, up[1], 1e-6f); // x 0.25 between 0 and 10
        assertEquals(7.5f, up[5], 1e-6f); // (0.25, 0.25): 0.25*10 + 0.25*20
        assertEquals(30f, up[15], 1e-6f);
        float[] big = new float[16];
        for (int i = 0; i < 16; i++) big[i] = i; // 4x4, value 4y + x
        float[] down = Resize.bilinear(big, 1, 4, 4, 2, 2);
        assertArrayEquals(new float[]{2.5f, 4.5f, 10.5f, 12.5f}, down, 1e-6f); // means of 2x2 blocks
        float[] near = Resize.nearest(in, 1, 2, 2, 4, 4);
        assertEquals(10f, near[1 * 4 + 2], 0f);
        assertEquals(20f, near[2 * 4 + 1], 0f);
        var e = assertThrows(IllegalArgumentException.class, () -> Resize.bilinear(in, 1, 3, 2, 4, 4));
        assertTrue(e.getMessage().contains("3x2"), e.getMessage());
    }
}
