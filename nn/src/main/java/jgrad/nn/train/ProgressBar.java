package jgrad.nn.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A Keras-style progress bar for one epoch.
 *
 * <pre>
 *   while running:  "  37/2188 [&gt;.............................] - 14s - ETA: 13:42 - loss: 0.2345"
 *   at the end:     "2188/2188 [==============================] - 838s 383ms/step - loss: 0.1234 - rmse: 0.0210 - iou: 0.8930"
 * </pre>
 *
 * <p>On a terminal the running line is redrawn in place with a carriage return (at most every
 * {@code 50 ms}, padded with spaces so a shorter line erases a longer one). When the output is not
 * a terminal (a log file, a pipe, CI), carriage returns would pile up, so a plain line is printed
 * each time progress crosses another tenth of the epoch, or when {@link #plainIntervalSeconds}
 * have passed since the last line. {@link #finish(Map)} always prints the final line and a newline.
 *
 * <p>ETA = (elapsed / steps done) · steps left. The output stream, the clock (nanoseconds) and the
 * terminal flag are injected so the output is testable; {@link #console(int)} picks System.out,
 * {@link System#nanoTime()} and {@link #isTerminal()}.
 */
public final class ProgressBar {
    static final int WIDTH = 30;
    static final long REDRAW_NANOS = 50_000_000L;

    private final int total;
    private final PrintStream out;
    private final LongSupplier clock;
    private final boolean terminal;
    private final double plainIntervalSeconds;
    private final long start;
    private long lastDraw = Long.MIN_VALUE;
    private int lastTenth;
    private int current;
    private int lastLength;
    private boolean finished;

    /**
     * @param total                steps in the epoch, or ≤ 0 when unknown
     * @param plainIntervalSeconds in plain mode, the longest time between two lines
     */
    public ProgressBar(int total, PrintStream out, LongSupplier nanoClock, boolean terminal, double plainIntervalSeconds) {
        if (out == null || nanoClock == null) throw new IllegalArgumentException("ProgressBar: output and clock must not be null");
        if (!(plainIntervalSeconds > 0)) throw new IllegalArgumentException("ProgressBar: plain interval must be positive, got " + plainIntervalSeconds);
        this.total = Math.max(total, 0);
        this.out = out;
        this.clock = nanoClock;
        this.terminal = terminal;
        this.plainIntervalSeconds = plainIntervalSeconds;
        this.start = nanoClock.getAsLong();
    }

    public ProgressBar(int total, PrintStream out, LongSupplier nanoClock, boolean terminal) {
        this(total, out, nanoClock, terminal, 30);
    }

    /** A bar on standard output that redraws in place only when a terminal is attached. */
    public static ProgressBar console(int total) {
        return new ProgressBar(total, System.out, System::nanoTime, isTerminal());
    }

    /**
     * True when standard input and output are a terminal. Since JDK 22 {@link System#console()} may
     * return a console even when output is redirected, so {@link java.io.Console#isTerminal()} decides.
     */
    public static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Records that {@code current} steps are done, with the running values to show (in map order). */
    public void update(int current, Map<String, Double> values) {
        if (finished) throw new IllegalStateException("ProgressBar: update after finish");
        if (current < 0) throw new IllegalArgumentException("ProgressBar: step " + current + " is negative");
        this.current = current;
        long now = clock.getAsLong();
        if (terminal) {
            if (lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS && current != total) return;
            lastDraw = now;
            String line = runningLine(now, values);
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lastLength = line.length();
            out.flush();
        } else {
            int tenth = total > 0 ? (int) ((long) Math.min(current, total) * 10 / total) : 0;
            boolean crossed = tenth > lastTenth;
            boolean late = (now - (lastDraw == Long.MIN_VALUE ? start : lastDraw)) >= plainIntervalSeconds * 1e9;
            boolean last = total > 0 && current >= total; // the final line comes from finish()
            if ((crossed || late) && !last) {
                lastTenth = tenth;
                lastDraw = now;
                out.println(runningLine(now, values));
                out.flush();
            }
        }
    }

    /** Prints the final line ("N/N [===] - 838s 383ms/step - …") and ends it with a newline. */
    public void finish(Map<String, Double> values) {
        if (finished) return;
        finished = true;
        long now = clock.getAsLong();
        double elapsed = (now - start) / 1e9;
        StringBuilder sb = new StringBuilder(head(total > 0 ? total : current));
        sb.append(" - ").append(String.format(Locale.ROOT, "%.0fs", elapsed));
        if (current > 0) sb.append(' ').append(perStep(elapsed / current));
        appendValues(sb, values);
        String line = sb.toString();
        if (terminal) {
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad) + System.lineSeparator());
        } else {
            out.println(line);
        }
        out.flush();
    }

    private String runningLine(long now, Map<String, Double> values) {
        double elapsed = (now - start) / 1e9;
        StringBuilder sb = new StringBuilder(head(current));
        sb.append(" - ").append(duration(elapsed));
        if (total > 0 && current > 0 && current < total) {
            sb.append(" - ETA: ").append(duration(elapsed / current * (total - current)));
        }
        appendValues(sb, values);
        return sb.toString();
    }

    private String head(int done) {
        if (total <= 0) return done + "/Unknown";
        String t = Integer.toString(total);
        String c = String.format(Locale.ROOT, "%" + t.length() + "d", done);
        return c + "/" + t + " [" + bar(done) + "]";
    }

    /** "=" for finished steps, "&gt;" at the head while running, "." for the rest. */
    static String bar(int done, int total) {
        int filled = (int) ((long) WIDTH * Math.min(done, total) / total);
        StringBuilder sb = new StringBuilder(WIDTH);
        sb.append("=".repeat(Math.max(filled - 1, 0)));
        sb.append(done < total ? '>' : '=');
        while (sb.length() < WIDTH) sb.append('.');
        return sb.toString();
    }

    private String bar(int done) {
        return bar(done, total);
    }

    private static void appendValues(StringBuilder sb, Map<String, Double> values) {
        if (values == null) return;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            sb.append(" - ").append(e.getKey()).append(": ").append(number(e.getValue()));
        }
    }

    /** 4 decimals, or scientific notation for tiny magnitudes; "nan" and "inf" spelled out. */
    static String number(Double v) {
        if (v == null || v.isNaN()) return "nan";
        if (v.isInfinite()) return v > 0 ? "inf" : "-inf";
        double a = Math.abs(v);
        if (a != 0 && a < 1e-3) return String.format(Locale.ROOT, "%.4e", v);
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** "42s", "13:42" or "1:02:03". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
        if (s >= 60) return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        return s + "s";
    }

    /** "2s/step", "383ms/step" or "250us/step". */
    static String perStep(double seconds) {
        if (seconds >= 1) return String.format(Locale.ROOT, "%.0fs/step", seconds);
        if (seconds >= 1e-3) return String.format(Locale.ROOT, "%.0fms/step", seconds * 1e3);
        return String.format(Locale.ROOT, "%.0fus/step", seconds * 1e6);
    }
}
