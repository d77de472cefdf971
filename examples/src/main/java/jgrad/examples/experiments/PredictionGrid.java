package jgrad.examples.experiments;

import jgrad.examples.data.Preprocessing;
import jgrad.examples.data.Sample;
import jgrad.examples.models.JointModel;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Seed B's prediction grid: one row per validation sample, columns BG, FG_BG, GT MASK, PRED MASK,
 * GT DEPTH, PRED DEPTH. Inputs are shown as RGB (normalised inputs are mapped back with the
 * preprocessing's mean and std), masks as gray levels of σ(logits), depths through
 * {@link Colormap}. Each H×W image is enlarged by pixel repetition to at least 96 pixels per
 * side; a header row names the columns. A mask-only model leaves the predicted-depth cell gray.
 */
public final class PredictionGrid {
    static final String[] COLUMNS = {"BG", "FG_BG", "GT MASK", "PRED MASK", "GT DEPTH", "PRED DEPTH"};
    static final int HEADER = 22, GAP = 2;

    private PredictionGrid() {}

    /** Runs the model on the samples and writes the grid PNG. */
    public static void write(Path png, JointModel model, Sample[] samples, Preprocessing pre, String title) throws IOException {
        if (samples.length == 0) return;
        float[][] p = Experiment.predict(model, ExperimentData.stack(samples));
        BufferedImage img = render(samples, p[0], p[1], pre, title);
        Files.createDirectories(png.toAbsolutePath().getParent());
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        ImageIO.write(img, "png", tmp.toFile());
        Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The grid image; predMask and predDepth hold N×H×W values in [0,1] (predDepth may be null). */
    static BufferedImage render(Sample[] s, float[] predMask, float[] predDepth, Preprocessing pre, String title) {
        int h = s[0].height(), w = s[0].width(), plane = h * w;
        int scale = Math.max(1, (96 + Math.max(h, w) - 1) / Math.max(h, w));
        int cw = w * scale, ch = h * scale;
        int width = COLUMNS.length * (cw + GAP) + GAP, height = HEADER + s.length * (ch + GAP) + GAP;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
            for (int c = 0; c < COLUMNS.length; c++) g.drawString(COLUMNS[c], GAP + c * (cw + GAP) + 2, 15);
        } catch (Throwable e) {
            // no usable font: the grid is still drawn without the header text
        }
        g.dispose();
        for (int r = 0; r < s.length; r++) {
            int y0 = HEADER + r * (ch + GAP);
            int[][] cells = new int[COLUMNS.length][];
            cells[0] = rgb(s[r].bg(), plane, pre.bgMean(), pre.bgStd());
            cells[1] = rgb(s[r].fgBg(), plane, pre.fgBgMean(), pre.fgBgStd());
            cells[2] = gray(s[r].mask(), 0, plane);
            cells[3] = gray(predMask, r * plane, plane);
            cells[4] = colour(s[r].depth(), 0, plane);
            cells[5] = predDepth == null ? null : colour(predDepth, r * plane, plane);
            for (int c = 0; c < COLUMNS.length; c++) {
                int x0 = GAP + c * (cw + GAP);
                for (int y = 0; y < ch; y++) {
                    for (int x = 0; x < cw; x++) {
                        int v = cells[c] == null ? 0x808080 : cells[c][(y / scale) * w + x / scale];
                        img.setRGB(x0 + x, y0 + y, v);
                    }
                }
            }
        }
        return img;
    }

    private static int[] rgb(float[] planes, int plane, float[] mean, float[] std) {
        int[] out = new int[plane];
        for (int i = 0; i < plane; i++) {
            int v = 0;
            for (int c = 0; c < 3; c++) {
                float x = planes[c * plane + i];
                if (mean != null) x = x * std[c] + mean[c];
                v = (v << 8) | byteOf(x);
            }
            out[i] = v;
        }
        return out;
    }

    private static int[] gray(float[] a, int off, int plane) {
        int[] out = new int[plane];
        for (int i = 0; i < plane; i++) {
            int b = byteOf(a[off + i]);
            out[i] = (b << 16) | (b << 8) | b;
        }
        return out;
    }

    private static int[] colour(float[] a, int off, int plane) {
        int[] out = new int[plane];
        for (int i = 0; i < plane; i++) out[i] = Colormap.rgb(a[off + i]);
        return out;
    }

    static int byteOf(float x) {
        if (!(x > 0)) return 0;
        return x >= 1 ? 255 : Math.round(x * 255f);
    }
}
