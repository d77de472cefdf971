package jgrad.examples.cli;

import jgrad.examples.experiments.CompareLosses;
import jgrad.examples.experiments.Config;
import jgrad.examples.experiments.Experiment;
import jgrad.examples.experiments.ExperimentData;
import jgrad.examples.experiments.Objective;
import jgrad.examples.models.JointModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jgrad train}: one training run from a configuration file and options, with checkpoints and resume. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a depth + mask model. Configuration: built-in defaults, then --config FILE (Java .properties, "
                + "key = value), then the options below; the effective configuration is saved as OUT/config.properties.",
                "Writes OUT/last/ and OUT/best/ checkpoints (model, optimizer, scheduler, generators, history) every epoch, "
                        + "OUT/history.csv, curves, prediction grids (OUT/grids/epoch_N.png), OUT/model.json for `jgrad predict` "
                        + "and OUT/report.md. --resume OUT (or OUT/last) continues an interrupted run."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default runs/train-<model>).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue from a run folder (its last/ checkpoint) or a checkpoint folder. "
            + "Its saved config.properties is used unless --config is given; options still override it.")
    Path resume;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "runs/cache", description = "Where synthetic sets are cached. Default: ${DEFAULT-VALUE}.")
    Path cache;

    @Option(names = "--no-progress", description = "No progress bars (epoch summaries are still printed).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        Path resumeFrom = null, runDir = out;
        Config c = Config.defaults();
        if (resume != null) {
            resumeFrom = checkpointFolder(resume);
            Path saved = resumeFrom.toAbsolutePath().getParent().resolve("config.properties");
            if (options.config == null && Files.isRegularFile(saved)) c = c.with(Config.readProperties(saved), "saved configuration " + saved);
            if (runDir == null) runDir = resumeFrom.toAbsolutePath().getParent();
        }
        if (options.config != null) c = c.with(Config.readProperties(options.config), "config file " + options.config);
        c = c.with(options.overrides(), "command line");
        Experiment.checkDevice(c.choice("device", "cpu", "cuda", "gpu"));
        if (runDir == null) runDir = Path.of("runs", "train-" + c.string("model"));
        PrintStream log = new PrintStream(new WriterStream(spec.commandLine().getOut()), true);
        Experiment.checkConfig(c, java.util.List.of(c.string("model")), true);
        var dc = CompareLosses.resolveData(c, cache, log);
        c = dc.config();
        ExperimentData data = ExperimentData.open(dc.dir(), c);
        JointModel model = Experiment.buildModel(c);
        Objective obj = Experiment.objective(c, model);
        log.printf(Locale.ROOT, "Model %s width %d (%,d parameters), loss %s, %d training / %d validation images at %dx%d from %s (%s)%n",
                model.modelName(), model.width(), model.parameterCount(), obj.formula(), data.trainCount(), data.valCount(),
                data.size(), data.size(), dc.dir(), data.splitDescription());
        Experiment.Result r = Experiment.run(model, obj, c, data, runDir, resumeFrom, log, !noProgress);
        String report = trainReport(r, c);
        Files.writeString(runDir.resolve("report.md"), report);
        log.println();
        log.print(report);
        log.printf(Locale.ROOT, "%nWrote %s (checkpoints last/ and best/, history.csv, report.md, curves, grids)%n", runDir);
        return 0;
    }

    /** A checkpoint folder: the given one if it holds state.json, else its last/. */
    static Path checkpointFolder(Path p) {
        if (!Files.exists(p)) throw new IllegalArgumentException("--resume: " + p + " does not exist");
        if (Files.isRegularFile(p.resolve("state.json"))) return p;
        if (Files.isRegularFile(p.resolve("last").resolve("state.json"))) return p.resolve("last");
        throw new IllegalArgumentException("--resume: " + p + " is neither a checkpoint folder (with state.json) nor a run folder with last/");
    }

    static String trainReport(Experiment.Result r, Config c) {
        StringBuilder sb = new StringBuilder("# Training run\n\n");
        sb.append("Loss: ").append(r.objective().formula()).append("\n\n| key | value |\n|---|---|\n");
        for (Map.Entry<String, String> e : c.asMap().entrySet()) sb.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
        sb.append("\n## Validation after the last epoch\n\n| value | |\n|---|---|\n");
        r.val().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "| %s | %.4f |%n", k, v)));
        sb.append(String.format(Locale.ROOT, "%nEpochs: %d, training time %.1f s, %.1f images/s.%n%n", r.history().size(), r.trainSeconds(),
                r.imagesPerSecond()));
        sb.append("![loss](loss.png)\n\n![mask metrics](mask_metrics.png)\n\n");
        if (r.objective().joint()) sb.append("![depth metrics](depth_metrics.png)\n\n");
        sb.append("![predictions](grid.png)\n");
        return sb.toString();
    }
}
