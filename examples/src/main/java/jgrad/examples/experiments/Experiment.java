package jgrad.examples.experiments;

import jgrad.core.Autograd;
import jgrad.core.Device;
import jgrad.core.MemoryScope;
import jgrad.core.Tensor;
import jgrad.core.io.AtomicFile;
import jgrad.examples.data.Sample;
import jgrad.examples.models.JointModel;
import jgrad.examples.models.ModelOptions;
import jgrad.examples.models.Models;
import jgrad.losses.Losses;
import jgrad.nn.io.Json;
import jgrad.nn.metrics.MaskedRmse;
import jgrad.nn.metrics.MeanIoUB;
import jgrad.nn.metrics.MeanRmseB;
import jgrad.nn.metrics.SoftIoU;
import jgrad.nn.optim.Adam;
import jgrad.nn.optim.AdamW;
import jgrad.nn.optim.Optimizer;
import jgrad.nn.optim.SGD;
import jgrad.nn.sched.LRScheduler;
import jgrad.nn.sched.OneCycleLR;
import jgrad.nn.sched.ReduceLROnPlateau;
import jgrad.nn.sched.StepLR;
import jgrad.nn.train.Batch;
import jgrad.nn.train.History;
import jgrad.nn.train.Trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One training run of a joint (or mask-only) model, shared by {@code train} and
 * {@code compare-losses}.
 *
 * <pre>
 *   model (fresh, or loaded with given initial weights) → optimizer + scheduler from the config
 *   → Trainer with metrics on the validation data:
 *        mask:  seg_loss (unweighted), iou (A), miou_b (B)       on output maskOutput vs target 1
 *        depth: depth_loss (unweighted), rmse (A), mrmse_b (B)   on output 0 vs target 0
 *   → checkpoints (last/, best/) and history.csv in the run folder, model.json beside them
 *   → curves (loss.png, mask_metrics.png, depth_metrics.png) and a prediction grid of 8 fixed
 *     validation samples after every epoch (grid.png = the last one)
 * </pre>
 */
public final class Experiment {
    /** What a finished run measured: the last epoch's validation values and timings. */
    public record Result(String label, Objective objective, History history, Map<String, Double> val, double trainSeconds,
                         double totalSeconds, double imagesPerSecond, Path dir) {
        public double get(String key) {
            return val.getOrDefault(key, Double.NaN);
        }
    }

    /**
     * What {@link #run} writes into a run folder: the trainer's checkpoints and history, the
     * per-epoch grids, the last grid, the curves, and the model's description.
     */
    public static final List<String> RUN_FILES = List.of("last", "best", "history.csv", "grids", "grid.png", "loss.png",
            "mask_metrics.png", "depth_metrics.png", "model.json", "config.properties");

    /** Deletes p and everything under it, if it exists (a link is deleted, not followed). */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    /** Validation samples in a prediction grid (fewer when the validation set is smaller). */
    public static final int GRID_ROWS = 8;

    private Experiment() {}

    /** The configured device; fails with the backend's explanation unless it is usable. */
    public static Device checkDevice(String device) {
        return switch (device) {
            case "cpu" -> Device.CPU;
            case "cuda", "gpu" -> {
                try {
                    yield Device.cuda();
                } catch (UnsupportedOperationException e) {
                    throw new IllegalArgumentException("--device " + device + ": CUDA is not available: " + e.getMessage()
                            + "; use --device cpu");
                }
            }
            default -> throw new IllegalArgumentException("device must be cpu or cuda, got '" + device + "'");
        };
    }

    /**
     * Checks every key a run reads, before any work: the commands call this before a synthetic set
     * is generated or a run folder is written, so a mistake costs neither minutes nor stray files.
     * {@code models} are the models that will train on the configured size (the preset's, or the
     * configured one); with {@code losses} the configured seg-loss and depth-loss must be registered
     * (the depth loss only for models that predict depth).
     */
    public static void checkConfig(Config c, Collection<String> models, boolean losses) {
        c.choice("device", "cpu", "cuda", "gpu");
        c.choice("optimizer", "sgd", "adam", "adamw");
        c.choice("scheduler", "none", "step", "plateau", "onecycle");
        c.bool("augment");
        c.choice("on-error", "fail", "skip");
        boolean synthetic = c.string("data").isBlank();
        int size = c.integer("size", synthetic ? 8 : 1);
        c.integer("batch", 1);
        c.integer("epochs", 1);
        c.integer("width", 0);
        for (String k : List.of("train", "val")) {
            if (c.integer(k, 0) == 0 && synthetic) {
                throw new IllegalArgumentException("config: " + k + " = 0 means all the images of a data folder, and no data folder "
                        + "is given; pass --data DIR, or a number of images for the generated set (e.g. --" + k + " 128)");
            }
        }
        c.integer("seed", 0);
        c.integer("workers", 1);
        c.integer("step-size", 1);
        c.integer("patience", 0);
        for (String k : List.of("lr", "momentum", "weight-decay", "max-lr", "gamma", "seg-weight", "depth-weight")) c.number(k);
        // what the optimizer and scheduler would reject only after the data is ready and the run folder written
        for (String k : List.of("lr", "momentum", "weight-decay")) {
            if (c.number(k) < 0) throw new IllegalArgumentException("config: " + k + " must be >= 0, got " + c.number(k));
        }
        switch (c.choice("scheduler", "none", "step", "plateau", "onecycle")) {
            case "onecycle" -> {
                if (!(c.number("max-lr") > 0)) throw new IllegalArgumentException("config: max-lr must be > 0, got " + c.number("max-lr"));
            }
            case "step" -> {
                if (!(c.number("gamma") > 0)) throw new IllegalArgumentException("config: gamma must be > 0, got " + c.number("gamma"));
            }
            case "plateau" -> {
                double g = c.number("gamma");
                if (!(g >= 0 && g < 1)) throw new IllegalArgumentException("config: gamma must be in [0, 1) for the plateau scheduler, got " + g);
            }
            default -> { }
        }
        double vf = c.number("val-fraction");
        if (vf < 0 || vf > 1) throw new IllegalArgumentException("config: val-fraction must be in [0, 1], got " + vf);
        for (String name : models) {
            Models.Entry e = Models.entry(name);
            if (size % e.sizeMultiple() != 0) {
                throw new IllegalArgumentException("model " + e.name() + " needs an image size that is a multiple of " + e.sizeMultiple()
                        + ", got --size " + size);
            }
            if (losses) {
                Losses.get(c.string("seg-loss"));
                if (!e.name().equals("masknet")) Losses.get(c.string("depth-loss"));
            }
        }
    }

    /** Builds the configured model (weights from the configured seed) and checks the image size. */
    public static JointModel buildModel(Config c) {
        JointModel m = Models.create(c.string("model"), ModelOptions.defaults().withWidth(c.integer("width", 0))
                .withSeed(c.integer("seed", 0)));
        int size = c.integer("size", 1), mult = m.sizeMultiple();
        if (size % mult != 0) {
            throw new IllegalArgumentException("model " + m.modelName() + " needs an image size that is a multiple of " + mult
                    + ", got --size " + size);
        }
        return m;
    }

    /** A deep copy of a model's parameters and buffers. */
    public static Map<String, Tensor> copyState(JointModel m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    public static Optimizer optimizer(Config c, List<Tensor> params) {
        double lr = c.number("lr"), wd = c.number("weight-decay");
        return switch (c.choice("optimizer", "sgd", "adam", "adamw")) {
            case "sgd" -> new SGD(params, lr, c.number("momentum"), 0, wd, false);
            case "adam" -> new Adam(params, lr, 0.9, 0.999, 1e-8, wd, false);
            default -> new AdamW(params, lr, wd);
        };
    }

    /** The configured scheduler, or null; OneCycleLR spans epochs × batches steps. */
    public static LRScheduler scheduler(Config c, Optimizer opt, int stepsPerEpoch) {
        return switch (c.choice("scheduler", "none", "step", "plateau", "onecycle")) {
            case "none" -> null;
            case "step" -> new StepLR(opt, c.integer("step-size", 1), c.number("gamma"));
            case "plateau" -> new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, c.number("gamma"), c.integer("patience", 0), 1e-6);
            default -> OneCycleLR.ofEpochs(opt, c.number("max-lr"), c.integer("epochs", 1), stepsPerEpoch);
        };
    }

    /** The objective the config names: seg-loss and depth-loss with their weights (depth left out for MaskNet). */
    public static Objective objective(Config c, JointModel m) {
        String seg = c.string("seg-loss");
        if (!m.predictsDepth()) return Objective.maskOnly(seg);
        String depth = c.string("depth-loss");
        return new Objective(seg + "/" + depth, seg, c.number("seg-weight"), depth, c.number("depth-weight"));
    }

    /**
     * Creates the output folder and checks that files can be created in it (a probe file, deleted
     * at once), so that a folder without write permission fails before any data is prepared.
     */
    public static void createOutputFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path probe;
        try {
            probe = Files.createTempFile(dir, ".jgrad-write-check.", ".tmp");
        } catch (FileSystemException e) {
            String why = e instanceof AccessDeniedException ? "permission denied"
                    : e.getReason() != null ? e.getReason() : "no file can be created there";
            throw new IOException("cannot write into " + dir + ": " + why, e);
        }
        Files.delete(probe);
    }

    /** What {@code predict} needs to rebuild the model: written as model.json in the run folder. */
    public static void writeModelJson(Path dir, JointModel m, Config c, ExperimentData data) throws IOException {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("format", "jgrad-model");
        j.put("model", m.modelName());
        j.put("width", (long) m.width());
        j.put("size", (long) c.integer("size", 1));
        j.put("preprocessing", data == null ? "B" : data.dataset().preprocessing().name());
        j.put("seg_loss", c.string("seg-loss"));
        j.put("depth_loss", c.string("depth-loss"));
        Files.createDirectories(dir);
        AtomicFile.writeString(dir.resolve("model.json"), Json.writePretty(j) + "\n");
        AtomicFile.writeString(dir.resolve("config.properties"), c.toProperties());
    }

    /**
     * Trains {@code model} (whose weights the caller has set) with the objective for the configured
     * epochs, writing into {@code dir}. With {@code resume} the trainer first restores {@code resume}.
     */
    public static Result run(JointModel model, Objective obj, Config c, ExperimentData data, Path dir, Path resume,
                             PrintStream log, boolean progress) throws IOException {
        Files.createDirectories(dir);
        model.to(checkDevice(c.choice("device", "cpu", "cuda", "gpu")));
        var trainSrc = data.trainSource(1);
        var opt = optimizer(c, model.parameters());
        var sched = scheduler(c, opt, trainSrc.batchCount());
        int mo = obj.maskOutput();
        var b = Trainer.builder(model, opt, obj.lossFunction()).scheduler(sched).checkpointDir(dir)
                .metric(obj.segMetric(), mo, 1).metric(new SoftIoU(), mo, 1).metric(new MeanIoUB(), mo, 1);
        if (obj.joint()) {
            b.metric(obj.depthMetric(), 0, 0).metric(new MaskedRmse(), 0, 0).metric(new MeanRmseB(), 0, 0);
        }
        if (log == null) b.quiet();
        else {
            b.log(log);
            if (!progress) b.progress(null);
        }
        Sample[] grid = data.gridSamples(GRID_ROWS);
        Path gridDir = dir.resolve("grids");
        b.onEpochEnd(s -> {
            try {
                Files.createDirectories(gridDir);
                PredictionGrid.write(gridDir.resolve("epoch_" + s.epoch() + ".png"), model, grid, data.dataset().preprocessing(), obj.label());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Trainer trainer = b.build();
        if (resume != null) {
            trainer.resume(resume);
            trainSrc = data.trainSource(trainer.epochsDone() + 1);
        }
        // only now: a resume that the checkpoint refuses must leave the run's description as it was
        writeModelJson(dir, model, c, data);
        int epochs = c.integer("epochs", 1);
        long t0 = System.nanoTime();
        History h = trainer.fit(trainSrc, data.valSource(), epochs);
        double total = (System.nanoTime() - t0) / 1e9;
        double train = 0, imgs = 0;
        for (var e : h.epochs()) {
            if (e.imagesPerSecond() > 0) {
                train += data.trainCount() / e.imagesPerSecond();
            }
        }
        imgs = train > 0 ? data.trainCount() * (double) h.size() / train : Double.NaN;
        plots(h, dir, obj);
        Path last = gridDir.resolve("epoch_" + h.last().epoch() + ".png");
        if (Files.exists(last)) AtomicFile.write(dir.resolve("grid.png"), o -> Files.copy(last, o));
        Map<String, Double> val = new LinkedHashMap<>();
        val.put("loss", h.last().valLoss());
        val.putAll(h.last().valMetrics());
        return new Result(obj.label(), obj, h, val, train, total, imgs, dir);
    }

    /** Loss and metric curves of one run. */
    static void plots(History h, Path dir, Objective obj) {
        h.plot(dir.resolve("loss.png"), "loss (" + obj.formula() + ")", "loss", "val_loss");
        h.plot(dir.resolve("mask_metrics.png"), "mask metrics", "val_iou", "val_miou_b");
        if (obj.joint()) h.plot(dir.resolve("depth_metrics.png"), "depth metrics", "val_rmse", "val_mrmse_b");
    }

    /** Predictions (σ of the logits) of a model for a batch, in eval mode without a graph. */
    public static float[][] predict(JointModel model, Batch batch) {
        boolean was = model.isTraining();
        model.eval();
        try (var ng = Autograd.noGrad(); var scope = MemoryScope.open()) {
            Device d = model.device();
            JointModel.Output o = model.run(batch.inputs()[0].to(d), batch.inputs()[1].to(d));
            float[] mask = o.mask().sigmoid().toArray();
            float[] depth = o.hasDepth() ? o.depth().sigmoid().toArray() : null;
            return new float[][]{mask, depth};
        } finally {
            model.train(was);
        }
    }
}
