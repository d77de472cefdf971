package jgrad.examples.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image header that claims a huge size (a corrupt or hostile file of a few hundred bytes) must
 * fail naming the file before the decoder allocates the raster: with a smaller heap (a data loader
 * worker, -Xmx1g) that allocation is an OutOfMemoryError naming no file.
 */
class ImageHeaderSizeTest {
    @TempDir
    Path tmp;

    /** A valid 16×16 JPEG whose SOF0 frame header is rewritten to claim side × side pixels. */
    private static byte[] jpegClaiming(int side) {
        byte[] j = ImageFiles.jpeg(new byte[3 * 16 * 16], 16, 16, 3, 0.9f);
        for (int i = 0; i + 8 < j.length; i++) {
            if ((j[i] & 0xff) == 0xFF && (j[i + 1] & 0xff) == 0xC0) { // FFC0, length (2), precision (1), height (2), width (2)
                j[i + 5] = (byte) (side >> 8);
                j[i + 6] = (byte) side;
                j[i + 7] = (byte) (side >> 8);
                j[i + 8] = (byte) side;
                return j;
            }
        }
        throw new AssertionError("no SOF0 marker");
    }

    @Test
    void hugeDeclaredSizeFailsNamingFileAndSize() throws Exception {
        Path f = tmp.resolve("liar.jpg");
        Files.write(f, jpegClaiming(20000)); // 1.2 GB of raster for a file of about 600 bytes
        var e = assertThrows(DataException.class, () -> ImageFiles.readRgb(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("20000x20000"), e.getMessage());
    }

    @Test
    void ordinarySizesStillDecode() throws Exception {
        Path f = tmp.resolve("ok.jpg");
        Files.write(f, ImageFiles.jpeg(new byte[3 * 16 * 16], 16, 16, 3, 0.9f));
        assertEquals(16, ImageFiles.readGray(f).height());
    }
}
