package jgrad.examples.cli;

import jgrad.core.io.AtomicFile;
import jgrad.examples.experiments.CompareLosses;
import jgrad.examples.experiments.Config;
import jgrad.examples.experiments.Experiment;
import jgrad.examples.experiments.ExperimentData;
import jgrad.examples.experiments.Objective;
import jgrad.examples.models.JointModel;
import jgrad.nn.train.LrFinder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jgrad lr-find}: the learning-rate range test on the configured model, loss and data. */
@Command(name = "lr-find", mixinStandardHelpOptions = true,
        description = {"Learning-rate range test (as seed A used to pick its rate): train one batch per step with the rate "
                + "rising exponentially from --start to --end, stop when the smoothed loss exceeds 5x its best, and suggest "
                + "the rate where the loss falls fastest. Writes OUT/lr_find.png and OUT/lr_find.csv. The model and optimizer "
                + "come from the same configuration as `jgrad train` (the scheduler is not used)."})
public final class LrFindCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = "--start", defaultValue = "1e-7", description = "First rate. Default: ${DEFAULT-VALUE}.")
    double start;

    @Option(names = "--end", defaultValue = "10", description = "Last rate. Default: ${DEFAULT-VALUE}.")
    double end;

    @Option(names = "--steps", defaultValue = "100", description = "Number of steps (batches). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/lr-find", description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "runs/cache", description = "Where synthetic sets are cached. Default: ${DEFAULT-VALUE}.")
    Path cache;

    @Override
    public Integer call() throws Exception {
        // checked before a synthetic set is generated and the test runs, as the configuration is
        if (steps < 2) throw new IllegalArgumentException("--steps must be at least 2, got " + steps);
        if (!Double.isFinite(end)) throw new IllegalArgumentException("--end must be finite, got " + end);
        if (!(start > 0 && start < end)) {
            throw new IllegalArgumentException("need 0 < --start < --end, got --start " + start + " and --end " + end);
        }
        Config c = Config.defaults();
        if (options.config != null) c = c.with(Config.readProperties(options.config), "config file " + options.config);
        c = c.with(options.overrides(), "command line");
        var device = Experiment.checkDevice(c.choice("device", "cpu", "cuda", "gpu"));
        PrintStream log = new PrintStream(new WriterStream(spec.commandLine().getOut()), true);
        Experiment.checkConfig(c, java.util.List.of(c.string("model")), true);
        Experiment.createOutputFolder(out);
        var dc = CompareLosses.resolveData(c, cache, log);
        c = dc.config();
        ExperimentData data = ExperimentData.open(dc.dir(), c, log);
        JointModel model = Experiment.buildModel(c);
        model.to(device);
        Objective obj = Experiment.objective(c, model);
        var opt = Experiment.optimizer(c, model.parameters());
        log.printf(Locale.ROOT, "LR range test: %s width %d, loss %s, optimizer %s, %d steps from %g to %g ...%n", model.modelName(),
                model.width(), obj.formula(), c.string("optimizer"), steps, start, end);
        LrFinder.Result r = new LrFinder(model, opt, obj.lossFunction()).range(start, end, steps).run(data.trainSource(1));
        r.plot(out.resolve("lr_find.png"));
        StringBuilder csv = new StringBuilder("step,lr,loss,smoothed\n");
        for (int i = 0; i < r.lrs().length; i++) {
            csv.append(String.format(Locale.ROOT, "%d,%.6g,%.6g,%.6g%n", i, r.lrs()[i], r.losses()[i], r.smoothed()[i]));
        }
        AtomicFile.writeString(out.resolve("lr_find.csv"), csv.toString());
        log.printf(Locale.ROOT, "%d steps (%s); suggested learning rate: %s%nWrote %s and %s%n", r.lrs().length, r.stopReason(),
                Double.isNaN(r.suggested()) ? "none (the loss never fell)" : String.format(Locale.ROOT, "%.3g", r.suggested()),
                out.resolve("lr_find.png"), out.resolve("lr_find.csv"));
        return 0;
    }
}
