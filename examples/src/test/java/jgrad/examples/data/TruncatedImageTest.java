package jgrad.examples.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JPEG cut short (an interrupted copy, download or write) must not decode quietly: Java's JPEG
 * reader only warns and fills the missing blocks with gray, which would train on wrong pixels.
 */
class TruncatedImageTest {
    @TempDir
    Path tmp;

    private static byte[] noiseJpeg() {
        byte[] rgb = new byte[3 * 48 * 48];
        new Random(3).nextBytes(rgb);
        return ImageFiles.jpeg(rgb, 48, 48, 3, 0.9f);
    }

    @Test
    void truncatedJpegFailsNamingTheFile() throws Exception {
        byte[] jpg = noiseJpeg();
        Path whole = tmp.resolve("whole.jpg");
        Files.write(whole, jpg);
        assertEquals(48, ImageFiles.readRgb(whole).width());
        for (int cut : new int[]{jpg.length / 2, jpg.length - 2}) {
            Path f = tmp.resolve("cut_" + cut + ".jpg");
            Files.write(f, Arrays.copyOf(jpg, cut));
            var e = assertThrows(DataException.class, () -> ImageFiles.readRgb(f), "cut at " + cut + " of " + jpg.length);
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
            assertThrows(DataException.class, () -> ImageFiles.readGray(f));
        }
    }

    @Test
    void truncatedMaskFailsAtLoadNamingIt() throws Exception {
        TestData.generate(tmp, Layout.B, 2, 2, 32, 5, 1);
        Path mask = tmp.resolve("fg_bg_mask/bg_000/fg_bg_mask_000_001.jpg");
        byte[] b = Files.readAllBytes(mask);
        Files.write(mask, Arrays.copyOf(b, b.length * 2 / 3));
        DepthMaskDataset ds = DepthMaskDataset.open(tmp, OnError.FAIL, 32);
        ds.load(0, null);
        var e = assertThrows(DataException.class, () -> ds.load(1, null));
        assertTrue(e.getMessage().contains("fg_bg_mask_000_001.jpg"), e.getMessage());
    }

    @Test
    void extraneousBytesBeforeTheEndMarkerAreTolerated() throws Exception {
        // libjpeg (and PIL) only warn about these; the image itself is complete
        byte[] jpg = noiseJpeg();
        byte[] padded = new byte[jpg.length + 2];
        System.arraycopy(jpg, 0, padded, 0, jpg.length - 2);
        padded[jpg.length - 2] = 1;
        padded[jpg.length - 1] = 2;
        padded[jpg.length] = (byte) 0xFF;
        padded[jpg.length + 1] = (byte) 0xD9;
        Path whole = tmp.resolve("whole.jpg"), pad = tmp.resolve("padded.jpg");
        Files.write(whole, jpg);
        Files.write(pad, padded);
        assertArrayEquals(ImageFiles.readRgb(whole).data(), ImageFiles.readRgb(pad).data());
    }
}
