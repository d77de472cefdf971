package jgrad.examples.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Reading and writing the seeds' image files (JPEG, PNG) as planar float arrays of 0..255 values.
 *
 * <p>Reading goes through the raster, not {@code getRGB}, so grayscale files keep their stored
 * values (Java's {@code getRGB} on a gray image applies a colour-space conversion). Colour reads
 * give 3·H·W floats (planes R, G, B); gray reads give H·W floats (the first band of a colour file,
 * which for the seeds' gray-looking masks stored as RGB is the same as any other band). 16-bit
 * samples are rescaled to 0..255; an alpha channel is ignored. A file cut short fails (Java's JPEG
 * reader would otherwise decode it with only a warning, gray where the data ran out). Every
 * failure is a {@link DataException} naming the file.
 */
public final class ImageFiles {
    /**
     * The most pixels a file may declare. The decoder allocates the whole raster from the header's
     * size before reading any pixel data, so a few hundred bytes that claim 20000 × 20000 would
     * otherwise fail with an OutOfMemoryError naming no file. 2^28 is a 16384 × 16384 image.
     */
    static final long MAX_PIXELS = 1L << 28;

    /** A decoded image: planar samples in 0..255, {@code channels} planes of height × width. */
    public record Image(int width, int height, int channels, float[] data) {}

    static {
        ImageIO.setUseCache(false); // decode from memory, no temporary files per read
    }

    private ImageFiles() {}

    public static BufferedImage decode(Path file) {
        if (Files.isDirectory(file)) throw new DataException(file + " is a folder, not an image file");
        if (!Files.isRegularFile(file)) throw new DataException("missing file: " + file);
        BufferedImage img;
        List<String> truncated = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
            if (readers == null || !readers.hasNext()) throw new DataException("cannot decode image " + file + ": not a JPEG or PNG file");
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                // the JPEG reader decodes a file cut short with only a warning, filling the rest with
                // gray; other warnings (e.g. extraneous bytes before a marker) leave the image whole
                reader.addIIOReadWarningListener((src, msg) -> {
                    String m = String.valueOf(msg).toLowerCase(Locale.ROOT);
                    if (m.contains("truncated") || m.contains("premature end")) truncated.add(msg);
                });
                long w = reader.getWidth(0), h = reader.getHeight(0);
                if (w * h > MAX_PIXELS) {
                    throw new DataException("cannot decode image " + file + ": its header declares " + w + "x" + h + " pixels, more than the "
                            + MAX_PIXELS + " jgrad decodes (a corrupt header?)");
                }
                try {
                    img = reader.read(0);
                } catch (OutOfMemoryError e) {
                    throw new DataException("cannot decode image " + file + ": " + w + "x" + h + " pixels do not fit in the Java heap"
                            + " (raise -Xmx, or is the header corrupt?)", e);
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) throw d;
            // ImageIO wraps some failures with a message that ends in ": " and says nothing more
            Throwable c = e.getCause();
            throw new DataException("cannot decode image " + file + ": " + e.getMessage() + (c == null ? "" : " (" + c + ")"), e);
        }
        if (!truncated.isEmpty()) {
            throw new DataException("cannot decode image " + file + ": the file is truncated (" + truncated.get(0) + ")");
        }
        return img;
    }

    /** Reads an image as RGB (gray files replicated to three planes). */
    public static Image readRgb(Path file) {
        return toPlanes(decode(file), 3, file);
    }

    /** Reads an image as one gray plane. */
    public static Image readGray(Path file) {
        return toPlanes(decode(file), 1, file);
    }

    static Image toPlanes(BufferedImage img, int channels, Path file) {
        int w = img.getWidth(), h = img.getHeight();
        float[] out = new float[channels * w * h];
        int plane = w * h;
        if (img.getColorModel() instanceof IndexColorModel) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = img.getRGB(x, y);
                    int r = argb >> 16 & 255, g = argb >> 8 & 255, b = argb & 255;
                    if (channels == 1) out[y * w + x] = r;
                    else { out[y * w + x] = r; out[plane + y * w + x] = g; out[2 * plane + y * w + x] = b; }
                }
            }
            return new Image(w, h, channels, out);
        }
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        int bits = img.getColorModel().getComponentSize(0);
        float scale = bits == 8 ? 1f : 255f / ((1 << bits) - 1);
        int[] row = new int[w];
        for (int c = 0; c < channels; c++) {
            int band = bands >= 3 ? c : 0;
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, band, row);
                for (int x = 0; x < w; x++) out[c * plane + y * w + x] = row[x] * scale;
            }
        }
        return new Image(w, h, channels, out);
    }

    /** Encodes planar 0..255 bytes (1 or 3 planes) as a JPEG of the given quality (0..1). */
    public static byte[] jpeg(byte[] planes, int width, int height, int channels, float quality) {
        BufferedImage img = toImage(planes, width, height, channels);
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = it.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new DataException("JPEG encoding failed: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Encodes planar 0..255 bytes (1 or 3 planes) as a PNG. */
    public static byte[] png(byte[] planes, int width, int height, int channels) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(toImage(planes, width, height, channels), "png", bytes);
        } catch (IOException e) {
            throw new DataException("PNG encoding failed: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private static BufferedImage toImage(byte[] planes, int w, int h, int channels) {
        BufferedImage img = new BufferedImage(w, h, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        int plane = w * h;
        int[] px = new int[channels];
        var raster = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) px[c] = planes[c * plane + y * w + x] & 255;
                raster.setPixel(x, y, px);
            }
        }
        return img;
    }

    /** Rounds [0,1] floats to bytes 0..255. */
    public static byte[] toBytes(float[] unit) {
        byte[] b = new byte[unit.length];
        for (int i = 0; i < unit.length; i++) b[i] = (byte) Math.round(Math.min(1f, Math.max(0f, unit[i])) * 255f);
        return b;
    }
}
