package jgrad.nn.plot;

import jgrad.core.io.AtomicFile;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line plot rendered to PNG with nothing but the JDK ({@link BufferedImage}, Java2D, ImageIO),
 * for training curves and the LR range test.
 *
 * <p>Data flow: series (x, y arrays) are added; {@link #render(int, int)} computes the data range
 * over the finite points (a log axis uses only x &gt; 0), picks "nice" ticks (1, 2 or 5 × 10^k
 * for a linear axis, powers of ten for a log axis, with 2 and 5 between them when fewer than three
 * decades are shown), maps data to pixels and draws frame, grid, ticks, labels, the lines (broken
 * at non-finite points) with optional point markers, the title and a legend. {@link #write} saves
 * via a temporary file and an atomic rename.
 *
 * <p>Rendering needs no display: the class sets {@code java.awt.headless=true} unless the property
 * was set already. If the JDK has no usable font (a stripped container), text is skipped and the
 * plot is still drawn.
 *
 * <pre>
 *   new LinePlot("LR range test").xLabel("learning rate").yLabel("loss").logX(true)
 *       .series("smoothed loss", lrs, losses).write(Path.of("lr_find.png"), 800, 500);
 * </pre>
 */
public final class LinePlot {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf), new Color(0x000000), new Color(0xaec7e8)};

    private record Series(String name, double[] x, double[] y, boolean markers) {}

    private final String title;
    private String xLabel = "", yLabel = "";
    private boolean logX;
    private double yLo = Double.NaN, yHi = Double.NaN;
    private final List<Series> series = new ArrayList<>();
    private final List<double[]> verticalMarks = new ArrayList<>();

    public LinePlot(String title) {
        this.title = title == null ? "" : title;
    }

    public LinePlot xLabel(String s) {
        xLabel = s == null ? "" : s;
        return this;
    }

    public LinePlot yLabel(String s) {
        yLabel = s == null ? "" : s;
        return this;
    }

    /** Logarithmic x axis (points with x ≤ 0 are left out). */
    public LinePlot logX(boolean on) {
        logX = on;
        return this;
    }

    /** Fixes the y range (points outside are clipped); NaN for either end keeps it automatic. */
    public LinePlot yRange(double lo, double hi) {
        if (lo >= hi) throw new IllegalArgumentException("LinePlot.yRange: low " + lo + " must be below high " + hi);
        yLo = lo;
        yHi = hi;
        return this;
    }

    /** Adds a line. */
    public LinePlot series(String name, double[] x, double[] y) {
        return series(name, x, y, false);
    }

    /** Adds a line, with a dot at each point when markers is true (useful for a few epochs). */
    public LinePlot series(String name, double[] x, double[] y, boolean markers) {
        if (x == null || y == null || x.length != y.length) {
            throw new IllegalArgumentException("LinePlot.series '" + name + "': x and y must have the same length (got "
                    + (x == null ? "null" : x.length) + " and " + (y == null ? "null" : y.length) + ")");
        }
        series.add(new Series(name == null ? "" : name, x.clone(), y.clone(), markers));
        return this;
    }

    /** A dashed vertical line at x (e.g. the suggested learning rate). */
    public LinePlot verticalLine(double x) {
        verticalMarks.add(new double[]{x});
        return this;
    }

    /** Renders and writes a PNG atomically (temporary file in the same folder, then rename). */
    public void write(Path file, int width, int height) {
        BufferedImage img = render(width, height);
        try {
            AtomicFile.write(file, out -> {
                if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer in this JDK");
            });
        } catch (IOException e) {
            String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
            throw new UncheckedIOException("LinePlot: cannot write " + file + ": " + why, e);
        }
    }

    /** Draws the plot into a new RGB image. */
    public BufferedImage render(int width, int height) {
        if (width < 120 || height < 90) throw new IllegalArgumentException("LinePlot: image " + width + "×" + height + " is too small (at least 120×90)");
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            draw(g, width, height);
        } finally {
            g.dispose();
        }
        return img;
    }

    // ---- layout ----------------------------------------------------------------------------------

    private double tx(double x) {
        return logX ? Math.log10(x) : x;
    }

    private boolean usable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0);
    }

    private void draw(Graphics2D g, int width, int height) {
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, height / 40));
        Text text = new Text(g, font);
        int left = 70, right = 20, top = title.isEmpty() ? 20 : 40, bottom = 55;
        int pw = width - left - right, ph = height - top - bottom;

        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (!usable(s.x[i], s.y[i])) continue;
                xmin = Math.min(xmin, tx(s.x[i]));
                xmax = Math.max(xmax, tx(s.x[i]));
                ymin = Math.min(ymin, s.y[i]);
                ymax = Math.max(ymax, s.y[i]);
            }
        }
        if (xmin > xmax) { // nothing to draw: a unit frame
            xmin = 0;
            xmax = 1;
            ymin = 0;
            ymax = 1;
        }
        if (xmin == xmax) {
            xmin -= 0.5;
            xmax += 0.5;
        }
        if (ymin == ymax) {
            double d = ymin == 0 ? 1 : Math.abs(ymin) * 0.1;
            ymin -= d;
            ymax += d;
        }
        double ypad = (ymax - ymin) * 0.05;
        ymin -= ypad;
        ymax += ypad;
        if (!Double.isNaN(yLo)) ymin = yLo;
        if (!Double.isNaN(yHi)) ymax = yHi;
        if (ymin >= ymax) ymax = ymin + 1;
        final double x0 = xmin, x1 = xmax, y0 = ymin, y1 = ymax;
        java.util.function.DoubleUnaryOperator px = v -> left + (v - x0) / (x1 - x0) * pw;
        java.util.function.DoubleUnaryOperator py = v -> top + (y1 - v) / (y1 - y0) * ph;

        // grid and ticks
        g.setStroke(new BasicStroke(1f));
        for (double[] t : logX ? logTicks(x0, x1) : linearTicks(x0, x1)) {
            int x = (int) Math.round(px.applyAsDouble(t[0]));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.BLACK);
            g.drawLine(x, top + ph, x, top + ph + 5);
            if (t[1] != 0) text.centered(logX ? powerLabel(t[0]) : label(t[0], x1 - x0), x, top + ph + 8, false);
        }
        for (double[] t : linearTicks(y0, y1)) {
            int y = (int) Math.round(py.applyAsDouble(t[0]));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.BLACK);
            g.drawLine(left - 5, y, left, y);
            text.right(label(t[0], y1 - y0), left - 8, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);

        // lines
        java.awt.Shape clip = g.getClip();
        g.clipRect(left, top, pw + 1, ph + 1);
        for (double[] v : verticalMarks) {
            if (!usable(v[0], 0)) continue;
            int x = (int) Math.round(px.applyAsDouble(tx(v[0])));
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
            g.drawLine(x, top, x, top + ph);
        }
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(PALETTE[k % PALETTE.length]);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            for (int i = 0; i < s.x.length; i++) {
                if (!usable(s.x[i], s.y[i])) {
                    pen = false;
                    continue;
                }
                double x = px.applyAsDouble(tx(s.x[i])), y = py.applyAsDouble(s.y[i]);
                if (pen) path.lineTo(x, y);
                else path.moveTo(x, y);
                pen = true;
                if (s.markers) g.fillOval((int) Math.round(x) - 3, (int) Math.round(y) - 3, 7, 7);
            }
            g.draw(path);
        }
        g.setClip(clip);

        // title, axis labels, legend
        g.setColor(Color.BLACK);
        if (!title.isEmpty()) text.centered(title, left + pw / 2, 10, true);
        if (!xLabel.isEmpty()) text.centered(xLabel, left + pw / 2, height - 22, false);
        if (!yLabel.isEmpty()) text.vertical(yLabel, 16, top + ph / 2);
        if (series.size() > 1 || (series.size() == 1 && !series.get(0).name.isEmpty())) legend(g, text, left + pw - 10, top + 10);
    }

    private void legend(Graphics2D g, Text text, int rightEdge, int y) {
        int w = 0;
        for (Series s : series) w = Math.max(w, text.width(s.name));
        int line = text.height() + 4, boxW = w + 40, boxH = series.size() * line + 8;
        int x = rightEdge - boxW;
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(x, y, boxW, boxH);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y, boxW, boxH);
        for (int k = 0; k < series.size(); k++) {
            int cy = y + 4 + k * line + line / 2;
            g.setColor(PALETTE[k % PALETTE.length]);
            g.setStroke(new BasicStroke(2f));
            g.drawLine(x + 6, cy, x + 28, cy);
            g.setColor(Color.BLACK);
            text.left(series.get(k).name, x + 34, cy);
        }
    }

    // ---- ticks ----------------------------------------------------------------------------------

    /** Ticks at 1, 2 or 5 × 10^k between lo and hi, about six of them; each {value, labelled}. */
    static List<double[]> linearTicks(double lo, double hi) {
        double step = niceStep((hi - lo) / 6);
        List<double[]> out = new ArrayList<>();
        double first = Math.ceil(lo / step - 1e-9) * step;
        for (int i = 0; ; i++) {
            double v = first + i * step;
            if (v > hi + step * 1e-9 || i > 100) break;
            out.add(new double[]{Math.abs(v) < step * 1e-9 ? 0 : v, 1});
        }
        return out;
    }

    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    /** Ticks on a log10 axis (values are exponents): every decade, plus 2 and 5 when the range is short. */
    static List<double[]> logTicks(double lo, double hi) {
        List<double[]> out = new ArrayList<>();
        int stride = Math.max(1, (int) Math.ceil((hi - lo) / 8));
        boolean minor = hi - lo < 3;
        for (int e = (int) Math.floor(lo); e <= (int) Math.ceil(hi); e++) {
            if (e >= lo - 1e-9 && e <= hi + 1e-9 && Math.floorMod(e, stride) == 0) out.add(new double[]{e, 1});
            if (minor) {
                for (int m : new int[]{2, 5}) {
                    double v = e + Math.log10(m);
                    if (v >= lo && v <= hi) out.add(new double[]{v, 1});
                }
            }
        }
        if (out.isEmpty()) out.add(new double[]{(lo + hi) / 2, 1});
        return out;
    }

    /** 10^e written as 1e-3, 2e-3, 0.1, 1, 10, … */
    static String powerLabel(double exponent) {
        double v = Math.pow(10, exponent);
        double r = Double.parseDouble(String.format(Locale.ROOT, "%.3g", v));
        if (r >= 0.01 && r < 10000) return trim(String.format(Locale.ROOT, "%.4f", r));
        String s = String.format(Locale.ROOT, "%.0e", r);
        return s.replace("e-0", "e-").replace("e+0", "e").replace("e+", "e");
    }

    static String label(double v, double range) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) return String.format(Locale.ROOT, "%.2g", v).replace("e-0", "e-").replace("e+0", "e");
        int decimals = Math.max(0, Math.min(6, 1 - (int) Math.floor(Math.log10(range / 6))));
        return trim(String.format(Locale.ROOT, "%." + decimals + "f", v));
    }

    private static String trim(String s) {
        if (!s.contains(".")) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Text drawing that degrades to nothing when no font can be loaded. */
    private static final class Text {
        private final Graphics2D g;
        private FontMetrics fm;

        Text(Graphics2D g, Font font) {
            this.g = g;
            try {
                g.setFont(font);
                fm = g.getFontMetrics();
                fm.stringWidth("0");
            } catch (Throwable e) { // no fonts in this JDK image: draw without text
                fm = null;
            }
        }

        int width(String s) {
            return fm == null ? 0 : fm.stringWidth(s);
        }

        int height() {
            return fm == null ? 10 : fm.getAscent();
        }

        void centered(String s, int x, int top, boolean bold) {
            if (fm == null) return;
            Font f = g.getFont();
            if (bold) g.setFont(f.deriveFont(Font.BOLD));
            FontMetrics m = g.getFontMetrics();
            g.drawString(s, x - m.stringWidth(s) / 2, top + m.getAscent());
            g.setFont(f);
        }

        void right(String s, int x, int cy) {
            if (fm == null) return;
            g.drawString(s, x - fm.stringWidth(s), cy + fm.getAscent() / 2 - 1);
        }

        void left(String s, int x, int cy) {
            if (fm == null) return;
            g.drawString(s, x, cy + fm.getAscent() / 2 - 1);
        }

        void vertical(String s, int x, int cy) {
            if (fm == null) return;
            AffineTransform old = g.getTransform();
            g.rotate(-Math.PI / 2, x, cy);
            g.drawString(s, x - fm.stringWidth(s) / 2, cy + fm.getAscent() / 2);
            g.setTransform(old);
        }
    }
}
