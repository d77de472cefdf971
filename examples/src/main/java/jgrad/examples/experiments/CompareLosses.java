package jgrad.examples.experiments;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.examples.models.JointModel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The loss comparison: every combination of a preset trains on the same data split, from the same
 * initial weights (each model is built once from the seed and its state copied into every run of
 * that model) and with the same optimizer and schedule; then {@link Report} writes the table, the
 * per-epoch CSV, the curves and the prediction grids.
 *
 * <pre>
 *   data (given folder, or the cached synthetic set) → split → decoded once
 *   for each model of the preset: build once, copy the initial state
 *   an earlier comparison in runs/&lt;name&gt;/: refused, or deleted first with overwrite
 *   for each combination k: fresh model ← initial state; Rng.global ← seed; Experiment.run → runs/&lt;name&gt;/&lt;combo&gt;/
 *   Report → runs/&lt;name&gt;/report.md, metrics.csv, comparison_*.png
 * </pre>
 */
public final class CompareLosses {
    /** What the comparison produced. */
    public record Outcome(List<Presets.Combo> combos, List<Experiment.Result> results, Path dir, double seconds) {}

    private CompareLosses() {}

    public static String slug(String label) {
        return label.replaceAll("[^A-Za-z0-9+.-]", "_");
    }

    /**
     * Runs the preset's combinations (or those {@code only} names) with the base configuration.
     *
     * @param cacheRoot where a synthetic set is generated when the config names no data folder
     */
    public static Outcome run(Config base, String preset, String only, Path dir, Path cacheRoot, PrintStream log,
                              boolean progress, String commandLine, boolean overwrite) throws IOException {
        long t0 = System.nanoTime();
        Experiment.checkDevice(base.choice("device", "cpu", "cuda", "gpu"));
        List<Presets.Combo> combos = Presets.select(Presets.of(preset), only);
        Experiment.checkConfig(base, combos.stream().map(Presets.Combo::model).distinct().toList(), false);
        clearEarlierComparison(dir, overwrite);
        // an unusable run folder (under a file, say) is reported now, not after the data is generated
        Experiment.createOutputFolder(dir);
        DataChoice dc = resolveData(base, cacheRoot, log);
        Config cfg = dc.config();
        Path dataDir = dc.dir();
        ExperimentData data = ExperimentData.open(dataDir, cfg, log);
        if (log != null) {
            log.printf(Locale.ROOT, "Data: %s, %d training and %d validation images at %dx%d (%s; %s)%n", dataDir, data.trainCount(),
                    data.valCount(), data.size(), data.size(), data.splitDescription(),
                    data.inMemory() ? "decoded once, kept in memory" : "streamed from disk");
            if (!data.skippedNote().isEmpty()) log.println("Data: " + data.skippedNote());
        }
        Map<String, Map<String, Tensor>> initial = new LinkedHashMap<>();
        for (Presets.Combo c : combos) {
            if (!initial.containsKey(c.model())) {
                JointModel m = Experiment.buildModel(cfg.with("model", c.model()));
                initial.put(c.model(), Experiment.copyState(m));
                if (log != null) {
                    log.printf(Locale.ROOT, "Model: %s width %d, %,d parameters (initial weights from seed %d, shared by every run)%n",
                            m.modelName(), m.width(), m.parameterCount(), cfg.integer("seed", 0));
                }
            }
        }
        List<Experiment.Result> results = new ArrayList<>();
        double spent = 0;
        for (int k = 0; k < combos.size(); k++) {
            Presets.Combo c = combos.get(k);
            Objective obj = c.objective();
            Config rc = cfg.with(Map.of("model", c.model(), "seg-loss", obj.seg(), "depth-loss", obj.joint() ? obj.depth() : "none"), "preset");
            if (log != null) {
                String eta = k == 0 ? "" : String.format(Locale.ROOT, " - ETA for the remaining %d: %s", combos.size() - k,
                        jgradDuration(spent / k * (combos.size() - k)));
                log.printf(Locale.ROOT, "%n=== Combination %d/%d: %s  (loss = %s, model %s)%s%n", k + 1, combos.size(), obj.label(),
                        obj.formula(), c.model(), eta);
            }
            JointModel m = Experiment.buildModel(rc);
            m.loadStateDict(initial.get(c.model()));
            Rng.global().setState(new Rng(cfg.integer("seed", 0)).state());
            long r0 = System.nanoTime();
            Experiment.Result r = Experiment.run(m, obj, rc, data, dir.resolve(slug(obj.label())), null, log, progress);
            double took = (System.nanoTime() - r0) / 1e9;
            spent += took;
            results.add(r);
            if (log != null) {
                log.printf(Locale.ROOT, "%s: val mIoU (B) %.4f, IoU (A) %.4f%s in %.1f s%n", obj.label(), r.get("miou_b"), r.get("iou"),
                        obj.joint() ? String.format(Locale.ROOT, ", mRMSE (B) %.4f, RMSE (A) %.4f", r.get("mrmse_b"), r.get("rmse")) : "",
                        took);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Outcome out = new Outcome(combos, results, dir, secs);
        Report.write(out, cfg, preset, data, dataDir, commandLine);
        return out;
    }

    /**
     * A new comparison must not mix with an earlier one in the same folder: a shorter rerun would
     * leave the earlier run's later per-epoch grids beside its own, and a combination it does not
     * run would keep its checkpoints and curves. As {@code train} does, a folder holding a
     * combination's run (a subfolder with {@code last/}, {@code best/} or {@code grids/}) is
     * refused, or with {@code overwrite} the earlier comparison is deleted first: report.md,
     * metrics.csv, the comparison plots, and in each combination folder what {@link Experiment#run}
     * writes ({@link Experiment#RUN_FILES}; the folder too when nothing else is left in it). Other
     * files are kept.
     */
    static void clearEarlierComparison(Path dir, boolean overwrite) throws IOException {
        if (!Files.isDirectory(dir)) return;
        List<Path> runs = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && Stream.of("last", "best", "grids").anyMatch(f -> Files.exists(p.resolve(f), LinkOption.NOFOLLOW_LINKS))) {
                    runs.add(p);
                }
            }
        }
        if (runs.isEmpty()) return;
        if (!overwrite) {
            throw new IllegalArgumentException(dir + " already holds a loss comparison; choose another --name (or --runs), "
                    + "or pass --overwrite to replace it");
        }
        List<Path> top = new ArrayList<>(List.of(dir.resolve("report.md"), dir.resolve("metrics.csv")));
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("comparison_.*\\.png")).sorted().forEach(top::add);
        }
        for (Path p : top) Files.deleteIfExists(p);
        for (Path run : runs) {
            for (String f : Experiment.RUN_FILES) Experiment.deleteTree(run.resolve(f));
            try (Stream<Path> s = Files.list(run)) {
                if (s.findAny().isPresent()) continue;
            }
            Files.delete(run);
        }
    }

    /** The data folder a configuration trains on, and the configuration adjusted to it. */
    public record DataChoice(Config config, Path dir) {}

    /**
     * The configured folder, or (when {@code data} is empty) the cached synthetic set. The split
     * keeps backgrounds whole, so each part is rounded up to whole backgrounds on its own: train
     * needs ⌈train/10⌉ backgrounds and val ⌈val/10⌉, the set holds both, and the validation fraction
     * is set to val's share of the backgrounds, so that the grouped split gives each part at least
     * the asked-for count (then cut to it) and never falls back to sharing a background.
     */
    public static DataChoice resolveData(Config base, Path cacheRoot, PrintStream log) throws IOException {
        if (!base.string("data").isBlank()) return new DataChoice(base, Path.of(base.string("data")));
        int per = SyntheticData.PER_BACKGROUND;
        int train = base.integer("train", 1), val = base.integer("val", 1);
        int trainBgs = (train + per - 1) / per, valBgs = (val + per - 1) / per;
        int count = (trainBgs + valBgs) * per;
        Path dir = SyntheticData.ensure(cacheRoot, count, base.integer("size", 8), base.integer("seed", 0), log);
        return new DataChoice(base.with("val-fraction", String.valueOf(valBgs / (double) (trainBgs + valBgs))), dir);
    }

    static String jgradDuration(double s) {
        long t = Math.round(s);
        return t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
    }
}
