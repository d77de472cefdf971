package jgrad.examples.experiments;

import jgrad.core.io.AtomicFile;
import jgrad.nn.plot.LinePlot;
import jgrad.nn.train.History;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The loss comparison's outputs in the run folder:
 * <ul>
 *   <li>{@code report.md}: how the run was set up and how it differs from the seeds, the table
 *       (validation seg loss, depth loss, IoU (A), mIoU (B), RMSE (A), mRMSE (B) of the last epoch,
 *       training time, images/s), the seeds' published numbers beside ours (labelled as theirs),
 *       and comparison sentences generated from the measured numbers;</li>
 *   <li>{@code metrics.csv}: every epoch of every combination;</li>
 *   <li>{@code comparison_*.png}: one validation curve per combination for each metric;</li>
 *   <li>per combination ({@code <combo>/}): loss and metric curves, {@code grid.png} and
 *       {@code grids/epoch_<e>.png}, checkpoints and {@code model.json}.</li>
 * </ul>
 *
 * <p>Agreement with a seed's ranking is measured by Spearman's rank correlation ρ over the
 * combinations both report (ties get their mean rank): ρ = Pearson correlation of the ranks.
 */
public final class Report {
    private Report() {}

    /** Table text (also printed by the command). */
    public static String table(CompareLosses.Outcome o) {
        StringBuilder sb = new StringBuilder();
        sb.append("| combination | loss | seg loss | depth loss | IoU (A) | mIoU (B) | RMSE (A) | mRMSE (B) | train time s | images/s |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Experiment.Result r : o.results()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %.1f |%n", r.label(),
                    r.objective().formula(), f(r.get("seg_loss")), f(r.get("depth_loss")), f(r.get("iou")), f(r.get("miou_b")),
                    f(r.get("rmse")), f(r.get("mrmse_b")), r.trainSeconds(), r.imagesPerSecond()));
        }
        return sb.toString();
    }

    /** Whether the RMSE (A) and mRMSE (B) columns print the same in every row (true on the generated data). */
    static boolean rmseColumnsAgree(CompareLosses.Outcome o) {
        return !o.results().isEmpty() && o.results().stream().allMatch(r -> f(r.get("rmse")).equals(f(r.get("mrmse_b"))));
    }

    static String f(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "–";
    }

    /**
     * A seed's published number with the digits it was published with (0.02 stays 0.02, not
     * 0.0200, which would claim two digits seed A never gave); "–" where the seed gave none.
     */
    static String published(double v) {
        return Double.isFinite(v) ? java.math.BigDecimal.valueOf(v).toPlainString() : "–";
    }

    public static void write(CompareLosses.Outcome o, Config c, String preset, ExperimentData data, Path dataDir, String commandLine)
            throws IOException {
        Path dir = o.dir();
        Files.createDirectories(dir);
        writeCsv(o, dir.resolve("metrics.csv"));
        comparisonPlots(o, dir);
        StringBuilder md = new StringBuilder();
        boolean b = preset.equalsIgnoreCase("b");
        md.append("# Loss comparison, preset ").append(preset.toUpperCase(Locale.ROOT)).append("\n\n");
        if (commandLine != null) md.append("Command: `").append(commandLine).append("`\n\n");
        md.append(String.format(Locale.ROOT, "Wall time of the whole comparison: %.1f s on %d CPU cores (device %s).%n%n", o.seconds(),
                Runtime.getRuntime().availableProcessors(), c.string("device")));
        md.append("## Setup\n\n");
        md.append(String.format(Locale.ROOT, "- Data: `%s`, %d training and %d validation images (%s), %dx%d.%n",
                dataDir, data.trainCount(), data.valCount(), data.splitDescription(), data.size(), data.size()));
        if (!data.skippedNote().isEmpty()) md.append("- ").append(data.skippedNote()).append('\n');
        Set<String> models = new LinkedHashSet<>();
        for (Presets.Combo k : o.combos()) models.add(k.model());
        boolean published = c.integer("width", 0) == 0;
        String width = published ? "published" : c.string("width");
        md.append(String.format(Locale.ROOT, "- Model(s): %s at width %s; every combination of a model starts from the same initial weights (seed %s).%n",
                String.join(", ", models), width, c.string("seed")));
        md.append(String.format(Locale.ROOT, "- Optimizer %s (lr %s, weight decay %s), scheduler %s%s, batch %s, %s epochs, same data order for every combination.%n",
                c.string("optimizer"), c.string("lr"), c.string("weight-decay"), c.string("scheduler"),
                c.string("scheduler").equals("onecycle") ? " (max lr " + c.string("max-lr") + ", stepped per batch)" : "",
                c.string("batch"), c.string("epochs")));
        md.append("- Metrics on the validation set after the last epoch, computed on σ(logits) without a threshold. "
                + "IoU (A) is the soft IoU of seed A; mIoU (B) is seed B's I/(Σp+Σt), half of Dice, at most 0.5 — not an IoU. "
                + "RMSE (A) is over pixels with target > 1e-4; mRMSE (B) is sqrt(MSE + 1e-6) per batch, averaged. "
                + "Seg loss and depth loss are the unweighted validation values of the combination's own losses, so they are not comparable across rows.\n\n");

        md.append("## How this run differs from the seeds\n\n");
        boolean synthetic = c.string("data").isBlank();
        md.append(synthetic
                ? "- The images are synthetic rendered rooms with pasted objects and **exact** depth (1 = near), not the seeds' "
                + "pasted-object images with depth pseudo-labels from a pretrained DenseDepth network.\n"
                : "- The data is the folder given with --data; the seeds used their own pasted-object images with depth pseudo-labels "
                + "from a pretrained DenseDepth network.\n");
        md.append(data.splitByBackground()
                ? "- Training and validation images are disjoint, and no background appears in both; seed B drew its test set from its training set"
                + (b ? ".\n" : ", and seed A split its images 70/30 after a shuffle, so its 100 backgrounds appeared on both sides.\n")
                : "- Training and validation images are disjoint, but the data has too few backgrounds to keep them apart, so backgrounds "
                + "appear in both parts (seed B drew its test set from its training set).\n");
        md.append(seedTraining(c, b));
        // the preprocessing follows the data's layout, not the preset
        String pre = data.dataset().preprocessing().name();
        if (!b && pre.equals("B")) {
            md.append("- The data is in seed B's layout and is read with seed B's preprocessing: inputs only scaled to [0,1], masks "
                    + "binarised at 150. Seed A normalised bg and fg_bg with its per-type mean and std and kept its JPEG masks "
                    + "unbinarised.\n");
        } else if (b && pre.equals("A")) {
            md.append("- The data is in seed A's layout and is read with seed A's preprocessing: bg and fg_bg normalised with A's "
                    + "per-type mean and std, masks not binarised. Seed B only scaled its inputs to [0,1] and binarised masks at 150.\n");
        }
        if (o.combos().stream().anyMatch(k -> "berhu".equals(k.objective().depth()))) {
            md.append("- BerHu is the textbook loss on σ(logits) with c = 0.2·max|error|; seed B applied it to raw logits and multiplied by c, "
                    + "which explains its 0.2882 mRMSE row.\n");
        }
        md.append(String.format(Locale.ROOT, "- The scale is %s: %dx%d images instead of 96x96, %d training images instead of %s, width %s, %s epochs%s.%n%n",
                data.size() >= 96 && data.trainCount() >= (b ? 17_500 : 280_000) && published ? "the seeds' order of magnitude" : "much smaller",
                data.size(), data.size(), data.trainCount(), b ? "17,500" : "280,000", width, c.string("epochs"),
                b ? "; B's table gives 181–196 s per combination" : "; A trained on a Tesla P100"));

        md.append("## Results (this run)\n\n").append(table(o)).append('\n');
        if (rmseColumnsAgree(o)) {
            md.append("RMSE (A) and mRMSE (B) agree to four places in every row here. They differ by mRMSE's 1e-6 term (visible only "
                    + "when the error is tiny), by target depths ≤ 1e-4 (which RMSE (A) leaves out) and by the weighting when "
                    + "validation batches differ in size.\n\n");
        }
        md.append("## The seeds' published numbers (theirs, on their data and scale)\n\n");
        md.append("| combination | theirs: IoU (A) | theirs: mIoU (B) | theirs: RMSE (A) | theirs: mRMSE (B) | theirs: time s | ours: IoU (A) | ours: mIoU (B) | ours: RMSE (A) | ours: mRMSE (B) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < o.results().size(); i++) {
            Presets.Published p = o.combos().get(i).published();
            Experiment.Result r = o.results().get(i);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.label(), published(p.iou()),
                    published(p.miouB()), published(p.rmse()), published(p.mrmseB()), Double.isFinite(p.seconds()) ? String.format(Locale.ROOT, "%.1f", p.seconds()) : "–",
                    f(r.get("iou")), f(r.get("miou_b")), f(r.get("rmse")), f(r.get("mrmse_b"))));
        }
        Set<String> sources = new LinkedHashSet<>();
        for (Presets.Combo k : o.combos()) sources.add(k.published().source());
        md.append("\nTheir setups: ").append(String.join("; ", sources)).append(".\n\n");
        if (b) {
            md.append("Seed B's mIoU (B) and mRMSE (B) are the four places of its write-up's loss table, except bce/bce's mIoU (B) and "
                    + "bce-dice/bce's mRMSE (B): there its per-run printouts (0.12789… and 0.09939…) are quoted rounded, 0.1279 and "
                    + "0.0994, where the table prints 0.1278 and 0.0993. Its times are the per-run printouts to 0.1 s.\n\n");
        }

        md.append("## What won here, and does it agree with the seeds?\n\n");
        for (String s : findings(o, b)) md.append("- ").append(s).append('\n');
        md.append("\nOne training run per combination with one seed: differences smaller than the epoch-to-epoch wobble in "
                + "`metrics.csv` should not be read as a ranking.\n\n");

        md.append("## Curves\n\n");
        for (String m : new String[]{"val_loss", "val_miou_b", "val_iou", "val_mrmse_b", "val_rmse"}) {
            if (Files.exists(dir.resolve("comparison_" + m + ".png"))) md.append("![").append(m).append("](comparison_").append(m).append(".png)\n\n");
        }
        int rows = Math.min(Experiment.GRID_ROWS, data.valCount());
        md.append("## Prediction grids (").append(rows).append(rows == 1 ? " validation image" : " validation images")
                .append(": BG, FG_BG, GT MASK, PRED MASK, GT DEPTH, PRED DEPTH; depth in a violet→yellow colour map, yellow = near)\n\n");
        for (Experiment.Result r : o.results()) {
            String s = CompareLosses.slug(r.label());
            md.append("### ").append(r.label()).append("\n\n![grid ").append(r.label()).append("](").append(s).append("/grid.png)\n\n");
            md.append("Curves: [loss](").append(s).append("/loss.png), [mask metrics](").append(s).append("/mask_metrics.png)");
            if (r.objective().joint()) md.append(", [depth metrics](").append(s).append("/depth_metrics.png)");
            md.append("; checkpoint `").append(s).append("/best/` (use with `jgrad predict --checkpoint`).\n\n");
        }
        md.append("Per-epoch values of every combination: [metrics.csv](metrics.csv).\n");
        AtomicFile.writeString(dir.resolve("report.md"), md.toString());
    }

    /**
     * The seed's optimizer and schedule beside this run's: every combination of a preset trains with
     * the configured optimizer and scheduler (the quick defaults unless overridden), which need not be
     * the seed's.
     */
    static String seedTraining(Config c, boolean presetB) {
        String opt = c.string("optimizer"), sched = c.string("scheduler");
        String ours = String.format(Locale.ROOT, "%s (lr %s, weight decay %s%s) with %s%s", opt, c.string("lr"), c.string("weight-decay"),
                opt.equals("sgd") ? ", momentum " + c.string("momentum") : "", sched,
                sched.equals("onecycle") ? " (max lr " + c.string("max-lr") + ")" : "");
        if (presetB) {
            boolean same = opt.equals("adamw") && sched.equals("onecycle") && c.number("max-lr") == 0.1 && c.number("weight-decay") == 0.01;
            return "- Seed B's write-up does not give the optimizer of its loss table; its final run used AdamW (lr 0.01, weight decay 0.01) "
                    + "with OneCycleLR (max lr 0.1, stepped per batch), batch 128, 15 epochs. This run: "
                    + (same ? "the same optimizer and schedule" : ours) + ", for every combination.\n";
        }
        boolean same = opt.equals("sgd") && sched.equals("plateau") && c.number("lr") == 0.01 && c.number("momentum") == 0.9
                && c.number("weight-decay") == 0 && c.number("gamma") == 0.1 && c.integer("patience", 0) == 2;
        return "- Seed A trained its combined-loss runs with SGD (lr 0.01, momentum 0.9) and ReduceLROnPlateau (factor 0.1, patience 2, "
                + "min lr 1e-6), batch 128, 3 epochs; its MaskNet test ran 15 epochs. This run: "
                + (same ? "the same optimizer and schedule" : ours + " instead (`examples/configs/seed-a-loss-test.properties` has seed A's)")
                + ", for every combination, MaskNet included.\n";
    }

    /** Comparison sentences computed from the measured numbers. */
    static List<String> findings(CompareLosses.Outcome o, boolean presetB) {
        List<String> out = new ArrayList<>();
        List<Experiment.Result> rs = o.results();
        List<Presets.Combo> cs = o.combos();
        String maskKey = presetB ? "miou_b" : "iou", maskName = presetB ? "mIoU (B)" : "IoU (A)";
        String depthKey = presetB ? "mrmse_b" : "rmse", depthName = presetB ? "mRMSE (B)" : "RMSE (A)";
        ToDoubleFunction<Presets.Published> pm = presetB ? Presets.Published::miouB : Presets.Published::iou;
        ToDoubleFunction<Presets.Published> pd = presetB ? Presets.Published::mrmseB : Presets.Published::rmse;
        out.addAll(compare(rs, cs, maskKey, maskName, pm, true, "mask", presetB ? null : "dsresnet"));
        if (!presetB) out.addAll(compare(rs, cs, maskKey, maskName, pm, true, "mask (MaskNet test)", "masknet"));
        out.addAll(compare(rs, cs, depthKey, depthName, pd, false, "depth", presetB ? null : "dsresnet"));
        double bestOurs = Double.NaN, bestTheirs = Double.NaN;
        for (int i = 0; i < rs.size(); i++) {
            double v = rs.get(i).get(maskKey), t = pm.applyAsDouble(cs.get(i).published());
            if (Double.isFinite(v) && !(v <= bestOurs)) bestOurs = v;
            if (Double.isFinite(t) && !(t <= bestTheirs)) bestTheirs = t;
        }
        if (Double.isFinite(bestOurs) && Double.isFinite(bestTheirs)) {
            double ceiling = presetB ? 0.5 : 1.0;
            out.add(String.format(Locale.ROOT, "Training progress: the best %s here is %.4f against the seed's best %s (the metric's ceiling is %.1f). %s",
                    maskName, bestOurs, published(bestTheirs), ceiling, bestOurs < 0.8 * bestTheirs
                            ? "These models are far from converged, so this ranking says which losses learn fastest in the first few hundred steps "
                            + "at this scale, not which ends best; run with more data and epochs (see --help) before drawing the seed's conclusion."
                            : "The best score is within a fifth of the seed's, but the data and scale differ from the seed's, so this "
                            + "ranking is evidence about these losses on this data, not a reproduction of the seed's ranking."));
        }
        if (presetB) {
            for (int i = 0; i < rs.size(); i++) {
                if ("berhu".equals(rs.get(i).objective().depth())) {
                    int rank = rankOf(rs, i, depthKey, false);
                    out.add(String.format(Locale.ROOT, "Textbook BerHu (bce-dice/berhu) reached %s %s here, rank %d of %d; seed B's buggy BerHu "
                                    + "gave %s, its worst row. %s", depthName, f(rs.get(i).get(depthKey)), rank, countFinite(rs, depthKey),
                            published(cs.get(i).published().mrmseB()), rank <= countFinite(rs, depthKey) / 2
                                    ? "With the bug fixed, BerHu is no longer the worst depth loss."
                                    : "It is still in the lower half here."));
                }
            }
        }
        return out;
    }

    private static List<String> compare(List<Experiment.Result> rs, List<Presets.Combo> cs, String key, String name,
                                        ToDoubleFunction<Presets.Published> theirs, boolean higher, String what, String model) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            if ((model == null || cs.get(i).model().equals(model)) && Double.isFinite(rs.get(i).get(key))) idx.add(i);
        }
        List<String> out = new ArrayList<>();
        if (idx.isEmpty()) return out;
        Comparator<Integer> byOurs = Comparator.comparingDouble(i -> rs.get(i).get(key));
        if (higher) byOurs = byOurs.reversed();
        List<Integer> ours = new ArrayList<>(idx);
        ours.sort(byOurs);
        int best = ours.get(0), worst = ours.get(ours.size() - 1);
        double spread = Math.abs(rs.get(best).get(key) - rs.get(worst).get(key));
        boolean flat = spread < 0.02 * Math.abs(rs.get(best).get(key));
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "Best %s by %s here: **%s** (%s); worst: %s (%s); spread %.4f%s.",
                what, name, rs.get(best).label(), f(rs.get(best).get(key)), rs.get(worst).label(), f(rs.get(worst).get(key)), spread,
                flat ? ", under 2% of the value: too small to separate these losses" : ""));
        List<Integer> both = new ArrayList<>();
        for (int i : idx) if (Double.isFinite(theirs.applyAsDouble(cs.get(i).published()))) both.add(i);
        if (both.size() >= 2) {
            Comparator<Integer> byTheirs = Comparator.comparingDouble(i -> theirs.applyAsDouble(cs.get(i).published()));
            if (higher) byTheirs = byTheirs.reversed();
            List<Integer> t = new ArrayList<>(both);
            t.sort(byTheirs);
            int tb = t.get(0), tw = t.get(t.size() - 1);
            s.append(String.format(Locale.ROOT, " The seed's best was %s (%s, theirs) and its worst %s (%s, theirs): ",
                    rs.get(tb).label(), published(theirs.applyAsDouble(cs.get(tb).published())), rs.get(tw).label(),
                    published(theirs.applyAsDouble(cs.get(tw).published()))));
            s.append(tb == best ? "the same winner" : String.format(Locale.ROOT, "a different winner (theirs ranks %s here, %.4f from the best)",
                    ordinal(ours.indexOf(tb) + 1), Math.abs(rs.get(tb).get(key) - rs.get(best).get(key))));
            s.append(tw == worst ? ", the same loser." : ", a different loser.");
            if (both.size() >= 3) {
                double[] a = new double[both.size()], bb = new double[both.size()];
                for (int k = 0; k < both.size(); k++) {
                    a[k] = rs.get(both.get(k)).get(key);
                    bb[k] = theirs.applyAsDouble(cs.get(both.get(k)).published());
                }
                double rho = spearman(a, bb);
                s.append(String.format(Locale.ROOT, " Rank correlation with the seed's table: Spearman ρ = %.2f over %d combinations, i.e. the rankings %s.",
                        rho, both.size(), rho >= 0.7 ? "largely agree" : rho >= 0.3 ? "agree in part" : rho > -0.3 ? "are unrelated"
                                : rho > -0.7 ? "tend to run the other way" : "are reversed"));
            }
        }
        out.add(s.toString());
        return out;
    }

    static String ordinal(int n) {
        return n + (n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) { case 1 -> "st"; case 2 -> "nd"; case 3 -> "rd"; default -> "th"; });
    }

    private static int rankOf(List<Experiment.Result> rs, int i, String key, boolean higher) {
        double v = rs.get(i).get(key);
        int r = 1;
        for (Experiment.Result x : rs) {
            double w = x.get(key);
            if (Double.isFinite(w) && (higher ? w > v : w < v)) r++;
        }
        return r;
    }

    private static int countFinite(List<Experiment.Result> rs, String key) {
        int n = 0;
        for (Experiment.Result x : rs) if (Double.isFinite(x.get(key))) n++;
        return n;
    }

    /** Spearman's ρ: Pearson correlation of the (tie-averaged) ranks. */
    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a), rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0), mb = Arrays.stream(rb).average().orElse(0);
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }

    static double[] ranks(double[] x) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < x.length; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.comparingDouble(i -> x[i]));
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; ) {
            int j = i;
            while (j + 1 < x.length && x[idx[j + 1]] == x[idx[i]]) j++;
            double mean = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) r[idx[k]] = mean;
            i = j + 1;
        }
        return r;
    }

    static void writeCsv(CompareLosses.Outcome o, Path file) throws IOException {
        Set<String> cols = new LinkedHashSet<>();
        for (Experiment.Result r : o.results()) cols.addAll(r.history().columns());
        StringBuilder sb = new StringBuilder("combination,model,").append(String.join(",", cols)).append('\n');
        for (int i = 0; i < o.results().size(); i++) {
            Experiment.Result r = o.results().get(i);
            History h = r.history();
            List<double[]> columns = new ArrayList<>();
            for (String col : cols) columns.add(h.column(col));
            for (int e = 0; e < h.size(); e++) {
                sb.append(r.label()).append(',').append(o.combos().get(i).model());
                int k = 0;
                for (String col : cols) {
                    double v = columns.get(k++)[e];
                    sb.append(',');
                    if (col.equals("epoch")) sb.append((int) v);
                    else if (Double.isFinite(v)) sb.append(String.format(Locale.ROOT, "%.6g", v));
                }
                sb.append('\n');
            }
        }
        AtomicFile.writeString(file, sb.toString());
    }

    static void comparisonPlots(CompareLosses.Outcome o, Path dir) throws IOException {
        String[][] plots = {{"val_loss", "validation loss (each combination's own total)"}, {"val_miou_b", "validation mIoU (B)"},
                {"val_iou", "validation IoU (A)"}, {"val_mrmse_b", "validation mRMSE (B)"}, {"val_rmse", "validation RMSE (A)"}};
        for (String[] p : plots) {
            LinePlot plot = new LinePlot(p[1]).xLabel("epoch").yLabel(p[0]);
            boolean any = false;
            for (Experiment.Result r : o.results()) {
                double[] y = r.history().column(p[0]);
                boolean finite = false;
                for (double v : y) finite |= Double.isFinite(v);
                if (!finite) continue;
                plot.series(r.label(), r.history().column("epoch"), y, true);
                any = true;
            }
            Path png = dir.resolve("comparison_" + p[0] + ".png");
            if (any) plot.write(png, 900, 560);
            // an earlier comparison in this folder may have drawn it (with depth, say): the report links what is here
            else Files.deleteIfExists(png);
        }
    }
}
