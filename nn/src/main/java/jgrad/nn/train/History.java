package jgrad.nn.train;

import jgrad.core.io.AtomicFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The per-epoch record of a training run, as Keras' {@code History}: one {@link EpochStats} per
 * finished epoch, as a list, as columns, as CSV (columns {@code epoch, loss, <metrics>, val_loss,
 * val_<metrics>, lr, seconds, images_per_s}; a missing value is an empty cell) or as JSON values
 * for a checkpoint.
 */
public final class History {
    private final List<EpochStats> epochs = new ArrayList<>();

    public List<EpochStats> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public int size() {
        return epochs.size();
    }

    public EpochStats last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    void add(EpochStats s) {
        epochs.add(s);
    }

    void clear() {
        epochs.clear();
    }

    /** One column over the epochs by a monitor name ({@code loss}, {@code val_iou}, {@code lr}, …); NaN where absent. */
    public double[] column(String name) {
        double[] out = new double[epochs.size()];
        for (int i = 0; i < out.length; i++) {
            EpochStats e = epochs.get(i);
            out[i] = switch (name) {
                case "epoch" -> e.epoch();
                case "lr" -> e.lr();
                case "seconds" -> e.seconds();
                case "images_per_s" -> e.imagesPerSecond();
                default -> e.values().getOrDefault(name, Double.NaN);
            };
        }
        return out;
    }

    /** The column names in CSV order. */
    public List<String> columns() {
        Set<String> metricNames = new LinkedHashSet<>(), valNames = new LinkedHashSet<>();
        for (EpochStats e : epochs) {
            metricNames.addAll(e.metrics().keySet());
            valNames.addAll(e.valMetrics().keySet());
        }
        List<String> cols = new ArrayList<>(List.of("epoch", "loss"));
        cols.addAll(metricNames);
        cols.add("val_loss");
        for (String v : valNames) cols.add("val_" + v);
        cols.addAll(List.of("lr", "seconds", "images_per_s"));
        return cols;
    }

    public String toCsv() {
        List<String> cols = columns();
        StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
        for (EpochStats e : epochs) {
            Map<String, Double> v = e.values();
            for (int i = 0; i < cols.size(); i++) {
                if (i > 0) sb.append(',');
                String c = cols.get(i);
                double x = switch (c) {
                    case "epoch" -> e.epoch();
                    case "lr" -> e.lr();
                    case "seconds" -> e.seconds();
                    case "images_per_s" -> e.imagesPerSecond();
                    default -> v.getOrDefault(c, Double.NaN);
                };
                if (c.equals("epoch")) sb.append(e.epoch());
                else if (Double.isFinite(x)) sb.append(String.format(Locale.ROOT, "%.6g", x));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} atomically. */
    public void writeCsv(Path file) throws IOException {
        AtomicFile.writeString(file, toCsv());
    }

    /**
     * Draws the named columns (e.g. "loss", "val_loss") against the epoch number as a PNG line plot
     * with a dot per epoch; columns with no finite value are left out.
     */
    public void plot(Path png, String title, String... columns) {
        double[] x = column("epoch");
        jgrad.nn.plot.LinePlot p = new jgrad.nn.plot.LinePlot(title).xLabel("epoch").yLabel(String.join(", ", columns));
        for (String c : columns) {
            double[] y = column(c);
            boolean any = false;
            for (double v : y) any |= Double.isFinite(v);
            if (any) p.series(c, x, y, true);
        }
        p.write(png, 800, 500);
    }

    // ---- JSON (for checkpoints) ---------------------------------------------------------------------

    List<Object> toJson() {
        List<Object> out = new ArrayList<>();
        for (EpochStats e : epochs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", (long) e.epoch());
            m.put("loss", num(e.loss()));
            m.put("val_loss", num(e.valLoss()));
            m.put("metrics", nums(e.metrics()));
            m.put("val_metrics", nums(e.valMetrics()));
            m.put("lr", num(e.lr()));
            m.put("seconds", num(e.seconds()));
            m.put("images_per_s", num(e.imagesPerSecond()));
            out.add(m);
        }
        return out;
    }

    static History fromJson(Object json) {
        History h = new History();
        if (!(json instanceof List<?> list)) throw new IllegalArgumentException("checkpoint: history is not a list");
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m)) throw new IllegalArgumentException("checkpoint: history entry is not an object");
            h.add(new EpochStats(((Number) m.get("epoch")).intValue(), dbl(m.get("loss")), dbl(m.get("val_loss")),
                    dbls(m.get("metrics")), dbls(m.get("val_metrics")), dbl(m.get("lr")), dbl(m.get("seconds")),
                    dbl(m.get("images_per_s"))));
        }
        return h;
    }

    /** JSON has no NaN or infinity: those are stored as null. */
    static Object num(double v) {
        return Double.isFinite(v) ? (Object) v : null;
    }

    static double dbl(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static Map<String, Object> nums(Map<String, Double> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, num(v)));
        return out;
    }

    private static Map<String, Double> dbls(Object o) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) m.forEach((k, v) -> out.put(String.valueOf(k), dbl(v)));
        return out;
    }
}
