package jgrad.examples.cli;

import jgrad.core.Tensor;
import jgrad.core.io.AtomicFile;
import jgrad.examples.experiments.CompareLosses;
import jgrad.examples.experiments.Config;
import jgrad.examples.experiments.Experiment;
import jgrad.examples.experiments.ExperimentData;
import jgrad.examples.experiments.Objective;
import jgrad.examples.models.JointModel;
import jgrad.nn.io.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
            + "Unless --config is given, the run's saved config.properties is used; options still override it, but not the "
            + "length or peak rate of a onecycle schedule (--epochs, --batch, --train, --max-lr), which would make it another schedule.")
    Path resume;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "runs/cache", description = "Where synthetic sets are cached. Default: ${DEFAULT-VALUE}.")
    Path cache;

    @Option(names = "--no-progress", description = "No progress bars (epoch summaries are still printed).")
    boolean noProgress;

    @Option(names = "--overwrite", description = "Start a new run in an OUT folder that already holds one, first deleting "
            + "what that run wrote (checkpoints last/ and best/, history, plots, grids). Without it such a folder is refused (continue it with --resume).")
    boolean overwrite;

    /**
     * A onecycle schedule's rates depend on its length (epochs × batches per epoch), so a resumed
     * run must keep the values that set it; the scheduler would refuse the checkpoint's state
     * anyway, but only after the data is ready.
     */
    static void checkSameSchedule(Config saved, Config now) {
        if (!"onecycle".equals(saved.string("scheduler")) || !"onecycle".equals(now.string("scheduler"))) return;
        java.util.List<String> changed = new java.util.ArrayList<>();
        for (String k : java.util.List.of("epochs", "batch", "train", "max-lr")) {
            if (!saved.string(k).equals(now.string(k))) changed.add("--" + k + " " + now.string(k) + " (the run has " + saved.string(k) + ")");
        }
        if (!changed.isEmpty()) {
            throw new IllegalArgumentException("train --resume: the run's onecycle schedule depends on its length and peak rate, so "
                    + String.join(", ", changed) + " would make it another schedule; resume with the run's values, or start a new run");
        }
    }

    @Override
    public Integer call() throws Exception {
        Path resumeFrom = null, runDir = out;
        Config c = Config.defaults(), savedConfig = null;
        if (resume != null) {
            resumeFrom = checkpointFolder(resume);
            Path saved = resumeFrom.toAbsolutePath().getParent().resolve("config.properties");
            if (Files.isRegularFile(saved)) savedConfig = c.with(Config.readProperties(saved), "saved configuration " + saved);
            if (options.config == null && savedConfig != null) c = savedConfig;
            if (runDir == null) runDir = resumeFrom.toAbsolutePath().getParent();
        }
        if (options.config != null) c = c.with(Config.readProperties(options.config), "config file " + options.config);
        c = c.with(options.overrides(), "command line");
        Experiment.checkDevice(c.choice("device", "cpu", "cuda", "gpu"));
        if (runDir == null) runDir = Path.of("runs", "train-" + c.string("model"));
        Experiment.checkConfig(c, java.util.List.of(c.string("model")), true);
        // a resumed run continues in its own folder; written into another one, it must not replace a run there either
        Path resumedRun = resumeFrom == null ? null : resumeFrom.toAbsolutePath().normalize().getParent();
        if (!runDir.toAbsolutePath().normalize().equals(resumedRun)) clearEarlierRun(runDir);
        if (resumeFrom != null) checkFits(resumeFrom, Experiment.buildModel(c));
        if (savedConfig != null) checkSameSchedule(savedConfig, c);
        // an unusable --out (a file, say) is reported now, not after the data is generated or decoded
        Experiment.createOutputFolder(runDir);
        PrintStream log = new PrintStream(new WriterStream(spec.commandLine().getOut()), true);
        var dc = CompareLosses.resolveData(c, cache, log);
        c = dc.config();
        ExperimentData data = ExperimentData.open(dc.dir(), c, log);
        JointModel model = Experiment.buildModel(c);
        Objective obj = Experiment.objective(c, model);
        log.printf(Locale.ROOT, "Model %s width %d (%,d parameters), loss %s, %d training / %d validation images at %dx%d from %s (%s)%n",
                model.modelName(), model.width(), model.parameterCount(), obj.formula(), data.trainCount(), data.valCount(),
                data.size(), data.size(), dc.dir(), data.splitDescription());
        if (!data.skippedNote().isEmpty()) log.println(data.skippedNote());
        Experiment.Result r = Experiment.run(model, obj, c, data, runDir, resumeFrom, log, !noProgress);
        String report = trainReport(r, c);
        if (!data.skippedNote().isEmpty()) report += "\n" + data.skippedNote() + "\n";
        AtomicFile.writeString(runDir.resolve("report.md"), report);
        log.println();
        log.print(report);
        log.printf(Locale.ROOT, "%nWrote %s (checkpoints last/ and best/, history.csv, report.md, curves, grids)%n", runDir);
        return 0;
    }

    /**
     * A new run must not silently replace an earlier run's checkpoints: a folder holding one is
     * refused, or with --overwrite what it wrote is deleted first (so no stale epoch grid, plot or
     * best/ checkpoint of the earlier run is left beside the new one).
     */
    private void clearEarlierRun(Path dir) throws IOException {
        List<Path> earlier = new ArrayList<>();
        for (String sub : List.of("last", "best", "grids")) {
            if (Files.exists(dir.resolve(sub))) earlier.add(dir.resolve(sub));
        }
        if (earlier.isEmpty()) return;
        if (!overwrite) {
            throw new IllegalArgumentException(dir + " already holds a training run; continue it with --resume " + dir
                    + ", choose another --out, or pass --overwrite to replace it");
        }
        // everything the earlier run wrote, so that no plot of it (depth_metrics.png after a mask-only
        // run, say) is left beside the new one; model.json and config.properties are replaced whole
        for (String name : Experiment.RUN_FILES) {
            if (!name.equals("model.json") && !name.equals("config.properties")) Experiment.deleteTree(dir.resolve(name));
        }
    }

    /**
     * A checkpoint of another model or width is refused in one line, before any data is prepared
     * (the trainer would list every tensor, or for another model name its dropout generators).
     * An unreadable checkpoint is left for the trainer to report.
     */
    static void checkFits(Path checkpoint, JointModel model) {
        Map<String, Tensor> state;
        try {
            state = SafeTensors.read(checkpoint.resolve("model.safetensors"));
        } catch (IOException | RuntimeException e) {
            return;
        }
        String misfit = PredictCommand.misfit(model.stateDict(), state);
        if (misfit != null) {
            throw new IllegalArgumentException("--resume: the checkpoint " + checkpoint + " does not fit a " + model.modelName()
                    + " of width " + model.width() + " (the configuration): " + misfit
                    + "; resume with the model and width it was trained with");
        }
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
