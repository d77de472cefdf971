package jgrad.examples.cli;

import jgrad.examples.experiments.CompareLosses;
import jgrad.examples.experiments.Config;
import jgrad.examples.experiments.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jgrad compare-losses}: trains one model per loss combination of a seed's preset and reports. */
@Command(name = "compare-losses", mixinStandardHelpOptions = true,
        description = {"Train every loss combination of a seed's preset on the same data, from the same initial weights, with the "
                + "same schedule, and write a Markdown report (table, the seeds' published numbers beside ours, generated "
                + "conclusions), per-epoch CSV, curves and prediction grids under RUNS/NAME/.",
                "Preset b: ResUNet, total = seg + 2*depth for B's nine pairs. Preset a: DSResNet with A's three combined losses, "
                        + "then MaskNet with bce, ssim-a and dice-a on the mask alone.",
                "With no options: the B preset on the CPU with a cached synthetic set (1,024 training and 128 validation images, "
                        + "32x32), ResUNet at width 2, AdamW + OneCycleLR (max lr 0.05), 5 epochs, batch 16; about 2 minutes on a 2-core machine (build and data generation included). "
                        + "Seed B's scale: --size 96 --batch 128 --train 17500 --width full; seed A trained on 280,000 images at 96x96 "
                        + "with SGD + ReduceLROnPlateau for 3 epochs (its setup: the config seed-a-loss-test in examples/configs)."})
public final class CompareLossesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = "--preset", defaultValue = "b", description = "b or a. Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--only", paramLabel = "LIST", description = "Comma-separated combinations to run (labels as in the table, e.g. bce/bce,dice-b/bce).")
    String only;

    @Option(names = "--name", description = "Run name: the output goes to RUNS/NAME (default compare-<preset>).")
    String name;

    @Option(names = "--runs", defaultValue = "runs", paramLabel = "DIR", description = "Folder of runs. Default: ${DEFAULT-VALUE}.")
    Path runs;

    @Option(names = "--cache", paramLabel = "DIR", description = "Where synthetic sets are cached (default RUNS/cache).")
    Path cache;

    @Option(names = "--no-progress", description = "No progress bars (epoch summaries are still printed).")
    boolean noProgress;

    @Option(names = "--quiet", description = "Print only the final table.")
    boolean quiet;

    @Option(names = "--overwrite", description = "Start a new comparison in a RUNS/NAME folder that already holds one, deleting "
            + "its report.md, metrics.csv, comparison plots and combination folders (checkpoints, grids, curves) first. Without "
            + "it such a folder is refused.")
    boolean overwrite;

    /** The defaults of the quick CPU comparison (the config file and options override them). */
    static Config quickDefaults() {
        return Config.defaults();
    }

    @Override
    public Integer call() throws Exception {
        String p = preset.toLowerCase(Locale.ROOT);
        if (!p.equals("a") && !p.equals("b")) throw new IllegalArgumentException("--preset must be a or b, got '" + preset + "'");
        Config c = quickDefaults();
        if (options.config != null) c = c.with(Config.readProperties(options.config), "config file " + options.config);
        c = c.with(options.overrides(), "command line");
        PrintStream out = spec.commandLine().getOut() instanceof java.io.PrintWriter pw ? new PrintStream(new WriterStream(pw), true) : System.out;
        Path dir = runs.resolve(name != null ? name : "compare-" + p);
        String cmd = "jgrad " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        var outcome = CompareLosses.run(c, p, only, dir, cache != null ? cache : runs.resolve("cache"), quiet ? null : out,
                !noProgress && !quiet, cmd.trim(), overwrite);
        out.println();
        out.print(Report.table(outcome));
        out.printf(Locale.ROOT, "%nWrote %s (report.md, metrics.csv, comparison plots, one folder per combination) in %.1f s%n",
                dir, outcome.seconds());
        out.flush();
        return 0;
    }
}
