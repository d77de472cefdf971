package jgrad.nn.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.io.UncheckedIOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LinePlotTest {
    @TempDir
    Path dir;

    @Test
    void writesAPngThatReadsBackWithTheSeriesColours() throws Exception {
        double[] x = {1, 2, 3, 4, 5}, loss = {1.0, 0.6, 0.4, 0.3, 0.25}, iou = {0.2, 0.5, 0.7, 0.8, 0.85};
        Path png = dir.resolve("curves.png");
        new LinePlot("training").xLabel("epoch").yLabel("value")
                .series("loss", x, loss, true).series("iou", x, iou, true).write(png, 640, 400);
        assertTrue(Files.size(png) > 0);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "ImageIO reads the file back");
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
        assertTrue(count(img, new Color(0x1f77b4)) > 50, "first series drawn in blue");
        assertTrue(count(img, new Color(0xff7f0e)) > 50, "second series drawn in orange");
        assertTrue(System.getProperty("java.awt.headless") != null);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(png), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void aFolderThatCannotHoldThePlotIsReportedWithTheReason() throws Exception {
        // a read-only folder, or for a user that ignores permissions (root), Linux's /proc
        Path parent = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (Files.isWritable(parent)) {
            parent = Path.of("/proc");
            assumeTrue(Files.isDirectory(parent.resolve("self")), "no read-only folder for this user, and no /proc");
        }
        Path png = parent.resolve("lr_find.png");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new LinePlot("lr").series("loss", new double[]{1, 2, 3}, new double[]{3, 2, 1}, true).write(png, 400, 300));
        String m = e.getMessage();
        assertTrue(m.equals("LinePlot: cannot write " + png + ": permission denied")
                || m.equals("LinePlot: cannot write " + png + ": no such file or folder"), m);
    }

    @Test
    void logAxisSkipsNonPositiveAndNonFinitePoints() {
        double[] lr = {0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1}, loss = {9, 2.0, 1.5, Double.NaN, 0.8, Double.POSITIVE_INFINITY};
        BufferedImage img = new LinePlot("lr").logX(true).series("loss", lr, loss).verticalLine(1e-3).render(400, 300);
        assertTrue(count(img, new Color(0x1f77b4)) > 10);
    }

    @Test
    void ticksAreNiceNumbers() {
        List<double[]> t = LinePlot.linearTicks(0.03, 0.97);
        assertEquals(0.2, t.get(1)[0] - t.get(0)[0], 1e-12);
        assertEquals(0.2, t.get(0)[0], 1e-12);
        assertEquals(0.8, t.get(t.size() - 1)[0], 1e-12);
        assertEquals(5.0, LinePlot.niceStep(3.1), 1e-12);
        assertEquals(0.01, LinePlot.niceStep(0.0093), 1e-12);
        // log axis from 1e-6 to 1: one tick per decade
        List<double[]> lt = LinePlot.logTicks(-6, 0);
        assertEquals(7, lt.size());
        assertEquals("1e-6", LinePlot.powerLabel(-6));
        assertEquals("0.1", LinePlot.powerLabel(-1));
        assertEquals("100", LinePlot.powerLabel(2));
    }

    @Test
    void rejectsMismatchedSeriesAndTinyImages() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LinePlot("t").series("a", new double[2], new double[3]));
        assertTrue(e.getMessage().contains("same length"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LinePlot("t").render(50, 50));
        assertNotNull(new LinePlot("empty").render(200, 150), "an empty plot still renders a frame");
    }

    static int count(BufferedImage img, Color c) {
        int n = 0, rgb = c.getRGB() & 0xFFFFFF;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) n++;
        }
        return n;
    }
}
