package jgrad.nn.train;

import jgrad.core.Autograd;
import jgrad.core.Device;
import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.Module;
import jgrad.nn.metrics.Metric;
import jgrad.nn.optim.Optimizer;
import jgrad.nn.optim.OptimizerState;
import jgrad.nn.sched.LRScheduler;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The training loop: epochs of training and validation with metrics, a learning-rate schedule,
 * checkpoints, resume and early stopping.
 *
 * <h2>One epoch</h2>
 * <pre>
 *   model.train(); for each batch: zeroGrad → outputs = model.callAll(inputs) → loss = f(outputs, targets)
 *       → (stop if loss is NaN/∞) → backward → optimizer.step → scheduler.step() if it is per batch
 *       → metrics.update(outputs[k], targets[k]) → progress bar
 *   model.eval(); under noGrad: the same forward, loss and metrics over the validation data
 *   scheduler.step(monitored value) if it needs a metric, else scheduler.step() if it is per epoch
 *   history += stats; best? → save &lt;dir&gt;/best; save &lt;dir&gt;/last; write &lt;dir&gt;/history.csv
 *   early stopping: no improvement larger than minDelta for {@code patience} epochs → stop
 * </pre>
 * The epoch loss is the mean over samples of the per-batch losses (each weighted by its batch size).
 * Metrics receive the raw outputs (logits); each is bound to one output and one target index, so the
 * joint model's depth metric reads output 0 and its mask metric output 1.
 *
 * <h2>Monitor</h2>
 * One monitored value ({@code val_loss} by default, {@code loss} without validation data, or any
 * {@code <metric>} / {@code val_<metric>}) decides the best checkpoint (strict improvement), early
 * stopping (improvement by more than minDelta) and the value given to ReduceLROnPlateau. Its mode
 * (min or max) follows from the name unless set: losses are minimised, metrics follow
 * {@link Metric#higherIsBetter()}. The best value and the early-stopping counter belong to that
 * monitor: a later {@link #fit}, or one after {@link #resume}, that would monitor another value or
 * mode (say, without the validation data the run had, so {@code loss} instead of {@code val_loss})
 * is refused rather than compare one value with the other's best.
 *
 * <h2>Checkpoints and resume</h2>
 * With a checkpoint folder, {@code last/} is written after every epoch and {@code best/} whenever the
 * monitored value improves (see {@link Checkpoint} for the layout and the atomic swap). The state
 * holds the model, the optimizer (options, step counts, buffers), the scheduler's counters, the
 * number of finished epochs, the state of {@link Rng#global()}, of every generator given to
 * {@link Builder#rngs} and of each Dropout layer's own generator (found by walking the model), the best value, the early-stopping counter and the history. After
 * {@link #resume(Path)}, {@link #fit} continues with the next epoch and — the data order and dropout
 * being drawn from saved generators — reproduces the uninterrupted run exactly.
 *
 * <h2>Divergence</h2>
 * A NaN or infinite training loss throws {@link NonFiniteLossException} naming the epoch and step;
 * nothing of the bad epoch is written, so {@code last/} still holds the last good epoch.
 */
public final class Trainer {
    /** Whether a smaller or a larger monitored value is better. */
    public enum Mode { MIN, MAX }

    /** Makes a progress bar for an epoch of the given number of batches (−1 when unknown). */
    @FunctionalInterface
    public interface ProgressFactory extends IntFunction<ProgressBar> {}

    private record Bound(Metric train, Metric val, int output, int target) {}

    private final Module model;
    private final Optimizer optimizer;
    private final LossFunction lossFunction;
    private final LRScheduler scheduler;
    private final List<Bound> metrics;
    private final Path checkpointDir;
    private final Path historyCsv;
    private final String monitorName;
    private final Mode explicitMode;
    private final int patience;
    private final double minDelta;
    private final List<Rng> rngs;
    private final ProgressFactory progress;
    private final PrintStream log;
    private final List<Consumer<EpochStats>> listeners;

    private History history = new History();
    private int epochsDone;
    private double best = Double.NaN;
    private int bestEpoch;
    private double esBest = Double.NaN;
    private int esWait;
    private boolean stoppedEarly;
    /** The monitor and mode that best and the early-stopping counter were kept for (null before the first fit or resume). */
    private String keptMonitor;
    private Mode keptMode;

    private Trainer(Builder b) {
        model = b.model;
        optimizer = b.optimizer;
        lossFunction = b.loss;
        scheduler = b.scheduler;
        metrics = List.copyOf(b.metrics);
        checkpointDir = b.checkpointDir;
        historyCsv = b.historyCsv != null ? b.historyCsv : b.checkpointDir == null ? null : b.checkpointDir.resolve("history.csv");
        monitorName = b.monitor;
        explicitMode = b.mode;
        patience = b.patience;
        minDelta = b.minDelta;
        rngs = List.copyOf(b.rngs);
        progress = b.progress;
        log = b.log;
        listeners = List.copyOf(b.listeners);
    }

    public static Builder builder(Module model, Optimizer optimizer, LossFunction loss) {
        return new Builder(model, optimizer, loss);
    }

    /** Configuration of a {@link Trainer}; every option has a default. */
    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private final LossFunction loss;
        private LRScheduler scheduler;
        private final List<Bound> metrics = new ArrayList<>();
        private Path checkpointDir;
        private Path historyCsv;
        private String monitor;
        private Mode mode;
        private int patience = -1;
        private double minDelta;
        private final List<Rng> rngs = new ArrayList<>();
        private ProgressFactory progress = ProgressBar::console;
        private PrintStream log = System.out;
        private final List<Consumer<EpochStats>> listeners = new ArrayList<>();

        private Builder(Module model, Optimizer optimizer, LossFunction loss) {
            this.model = Objects.requireNonNull(model, "model");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            this.loss = Objects.requireNonNull(loss, "loss");
        }

        /** Stepped per batch when {@link LRScheduler#perBatch()}, else per epoch (with the monitored value when it needs one). */
        public Builder scheduler(LRScheduler s) {
            scheduler = s;
            return this;
        }

        /** A metric on output 0 against target 0. */
        public Builder metric(Metric m) {
            return metric(m, 0, 0);
        }

        /** A metric on the given output against the target of the same index. */
        public Builder metric(Metric m, int output) {
            return metric(m, output, output);
        }

        public Builder metric(Metric m, int output, int target) {
            Objects.requireNonNull(m, "metric");
            if (output < 0 || target < 0) throw new IllegalArgumentException("Trainer: output and target indices must be ≥ 0");
            for (Bound b : metrics) {
                if (b.train.name().equals(m.name())) throw new IllegalArgumentException("Trainer: two metrics are named '" + m.name() + "'");
            }
            // the history's own columns: a metric under one of these names would be shadowed in history.csv and History.column
            if (List.of("loss", "epoch", "lr", "seconds", "images_per_s").contains(m.name()) || m.name().startsWith("val_")) {
                throw new IllegalArgumentException("Trainer: a metric may not be named '" + m.name()
                        + "' (reserved: loss, epoch, lr, seconds, images_per_s and names starting with val_)");
            }
            metrics.add(new Bound(m.fresh(), m.fresh(), output, target));
            return this;
        }

        /** Folder for {@code last/}, {@code best/} and {@code history.csv}; none by default. */
        public Builder checkpointDir(Path dir) {
            checkpointDir = dir;
            return this;
        }

        /** Where to write the history as CSV after every epoch; default {@code <checkpointDir>/history.csv}, none without a folder. */
        public Builder historyCsv(Path file) {
            historyCsv = file;
            return this;
        }

        /** The monitored value: {@code loss}, {@code val_loss}, a metric name or {@code val_} + a metric name. */
        public Builder monitor(String name) {
            monitor = name;
            return this;
        }

        public Builder monitor(String name, Mode mode) {
            monitor = name;
            this.mode = mode;
            return this;
        }

        /** Stops after {@code patience} epochs without an improvement larger than {@code minDelta}. */
        public Builder earlyStopping(int patience, double minDelta) {
            if (patience < 1) throw new IllegalArgumentException("Trainer: early-stopping patience must be ≥ 1, got " + patience);
            if (!(minDelta >= 0)) throw new IllegalArgumentException("Trainer: minDelta must be ≥ 0, got " + minDelta);
            this.patience = patience;
            this.minDelta = minDelta;
            return this;
        }

        /** Generators besides {@link Rng#global()} whose state a checkpoint saves (data shuffling, dropout). */
        public Builder rngs(Rng... generators) {
            for (Rng r : generators) rngs.add(Objects.requireNonNull(r, "rng"));
            return this;
        }

        /** How progress bars are made; {@link #quiet()} turns them and the log lines off. */
        public Builder progress(ProgressFactory f) {
            progress = f;
            return this;
        }

        /** Where epoch headers and notices go (default System.out). */
        public Builder log(PrintStream out) {
            log = out;
            return this;
        }

        public Builder quiet() {
            progress = null;
            log = null;
            return this;
        }

        /** Called after every epoch (after checkpoints), e.g. to draw prediction grids. */
        public Builder onEpochEnd(Consumer<EpochStats> listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }

    // ---- state ------------------------------------------------------------------------------------

    public History history() {
        return history;
    }

    /** Epochs finished so far (including those restored by {@link #resume}). */
    public int epochsDone() {
        return epochsDone;
    }

    /** The best monitored value so far (NaN before the first epoch). */
    public double bestValue() {
        return best;
    }

    public int bestEpoch() {
        return bestEpoch;
    }

    /** True when the last {@link #fit} ended through early stopping. */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    // ---- training ---------------------------------------------------------------------------------

    /**
     * Trains until {@code epochs} epochs are done in total (counting epochs restored by
     * {@link #resume}), or early stopping ends it.
     *
     * @param val validation data, or null for none
     */
    public History fit(DataSource train, DataSource val, int epochs) {
        Objects.requireNonNull(train, "train");
        if (epochs < 1) throw new IllegalArgumentException("Trainer.fit: epochs must be ≥ 1, got " + epochs);
        String monitor = monitor(val != null);
        Mode mode = mode(monitor);
        if (keptMonitor != null && (!keptMonitor.equals(monitor) || keptMode != mode)) {
            throw new IllegalArgumentException("Trainer.fit: the best value and early-stopping counter so far are for "
                    + keptMonitor + " (" + keptMode.name().toLowerCase(Locale.ROOT) + "), but this fit monitors " + monitor
                    + " (" + mode.name().toLowerCase(Locale.ROOT) + ")" + (keptMonitor.startsWith("val_") && val == null
                    ? "; pass the validation data as before" : "; use the same monitor and validation data as before"));
        }
        keptMonitor = monitor;
        keptMode = mode;
        stoppedEarly = false;
        for (int epoch = epochsDone + 1; epoch <= epochs; epoch++) {
            if (log != null) log.println("Epoch " + epoch + "/" + epochs);
            double lr = optimizer.lr();
            long t0 = System.nanoTime();
            Pass tr = trainEpoch(train, epoch);
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            Pass va = val == null ? null : evaluatePass(val);
            double seconds = (System.nanoTime() - t0) / 1e9;
            EpochStats stats = new EpochStats(epoch, tr.loss, va == null ? Double.NaN : va.loss, tr.metrics,
                    va == null ? Map.of() : va.metrics, lr, seconds, tr.samples / Math.max(trainSeconds, 1e-9));
            if (tr.bar != null) {
                Map<String, Double> shown = new LinkedHashMap<>();
                shown.put("loss", stats.loss());
                shown.putAll(stats.metrics());
                if (va != null) {
                    shown.put("val_loss", stats.valLoss());
                    stats.valMetrics().forEach((k, v) -> shown.put("val_" + k, v));
                }
                tr.bar.finish(shown);
            }
            double value = stats.values().getOrDefault(monitor, Double.NaN);
            if (scheduler != null) {
                if (scheduler.needsMetric()) scheduler.step(value);
                else if (!scheduler.perBatch()) scheduler.step();
            }
            history.add(stats);
            epochsDone = epoch;
            boolean improved = Double.isNaN(best) ? !Double.isNaN(value) : better(value, best, 0, mode);
            if (improved) {
                if (log != null && !Double.isNaN(best)) {
                    log.printf(Locale.ROOT, "Epoch %d: %s improved from %.5f to %.5f%n", epoch, monitor, best, value);
                }
                best = value;
                bestEpoch = epoch;
            }
            if (patience > 0) {
                if (Double.isNaN(esBest) ? !Double.isNaN(value) : better(value, esBest, minDelta, mode)) {
                    esBest = value;
                    esWait = 0;
                } else {
                    esWait++;
                }
            }
            if (checkpointDir != null) {
                try {
                    Map<String, Object> state = stateJson(monitor, mode);
                    if (improved) Checkpoint.save(checkpointDir.resolve("best"), model.stateDict(), optimizer.stateDict(), state);
                    Checkpoint.save(checkpointDir.resolve("last"), model.stateDict(), optimizer.stateDict(), state);
                } catch (IOException e) {
                    throw new UncheckedIOException("Trainer: cannot write the checkpoint of epoch " + epoch + " to " + checkpointDir + ": " + e.getMessage(), e);
                }
            }
            if (historyCsv != null) {
                try {
                    history.writeCsv(historyCsv);
                } catch (IOException e) {
                    throw new UncheckedIOException("Trainer: cannot write the history to " + historyCsv + ": " + e.getMessage(), e);
                }
            }
            for (Consumer<EpochStats> l : listeners) l.accept(stats);
            if (patience > 0 && esWait >= patience) {
                stoppedEarly = true;
                if (log != null) {
                    log.printf(Locale.ROOT, "Epoch %d: early stopping, %s has not improved by more than %s for %d epochs (best %.5f at epoch %d)%n",
                            epoch, monitor, minDelta, patience, best, bestEpoch);
                }
                break;
            }
        }
        return history;
    }

    /** Loss and metrics of the model over data, in eval mode under no-grad (names as in training: loss, metric names). */
    public Map<String, Double> evaluate(DataSource data) {
        Pass p = evaluatePass(data);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("loss", p.loss);
        out.putAll(p.metrics);
        return out;
    }

    private record Pass(double loss, Map<String, Double> metrics, long samples, ProgressBar bar) {}

    private Pass trainEpoch(DataSource data, int epoch) {
        model.train();
        for (Bound b : metrics) b.train.reset();
        int total = data.batchCount();
        ProgressBar bar = progress == null ? null : progress.apply(total);
        double lossSum = 0;
        long samples = 0;
        int step = 0;
        Map<String, Double> running = new LinkedHashMap<>();
        Device device = model.device();
        Iterator<Batch> it = data.iterator();
        try {
            while (it.hasNext()) {
                Batch batch = it.next();
                step++;
                // a device step's temporaries (activations, gradients) are freed when the step ends
                try (var scope = MemoryScope.open()) {
                    optimizer.zeroGrad();
                    Batch b = batch.to(device);
                    Tensor[] out = model.callAll(b.inputs());
                    Tensor[] targets = b.targets();
                    Tensor loss = scalarLoss(out, targets);
                    double lv = loss.item();
                    if (!Double.isFinite(lv)) {
                        if (bar != null) bar.finish(Map.of("loss", lv));
                        String kept = checkpointDir == null ? "no checkpoint folder was configured"
                                : epochsDone == 0 ? "no checkpoint was written yet (it failed in the first epoch)"
                                : "the last good checkpoint (epoch " + epochsDone + ") is in " + checkpointDir.resolve("last");
                        String msg = String.format(Locale.ROOT, "Training stopped: the loss is %s at epoch %d, step %d%s; %s. "
                                        + "Try a lower learning rate, gradient clipping or checking the data.",
                                Double.isNaN(lv) ? "NaN" : (lv > 0 ? "+Infinity" : "-Infinity"), epoch, step,
                                total > 0 ? " of " + total : "", kept);
                        // not logged as well: the caller reports the exception, which would print it twice
                        throw new NonFiniteLossException(msg, epoch, step, lv);
                    }
                    loss.backward();
                    optimizer.step();
                    if (scheduler != null && scheduler.perBatch()) scheduler.step();
                    int n = batch.size();
                    lossSum += lv * n;
                    samples += n;
                    updateMetrics(out, targets, true);
                }
                if (bar != null) {
                    running.clear();
                    running.put("loss", lossSum / samples);
                    for (Bound b : metrics) running.put(b.train.name(), b.train.value());
                    bar.update(step, running);
                }
            }
        } finally {
            DataSource.close(it); // stops a prefetching loader's workers when the epoch ends early
        }
        if (samples == 0) throw new IllegalStateException("Trainer: the training data of epoch " + epoch + " gave no batch");
        return new Pass(lossSum / samples, metricValues(true), samples, bar);
    }

    private Pass evaluatePass(DataSource data) {
        Module.Modes modes = model.saveModes();
        model.eval();
        for (Bound b : metrics) b.val.reset();
        double lossSum = 0;
        long samples = 0;
        Device device = model.device();
        Iterator<Batch> it = data.iterator();
        try (var ng = Autograd.noGrad()) {
            while (it.hasNext()) {
                Batch batch = it.next();
                try (var scope = MemoryScope.open()) {
                    Batch b = batch.to(device);
                    Tensor[] out = model.callAll(b.inputs());
                    Tensor[] targets = b.targets();
                    double lv = scalarLoss(out, targets).item();
                    lossSum += lv * batch.size();
                    samples += batch.size();
                    updateMetrics(out, targets, false);
                }
            }
        } finally {
            DataSource.close(it);
            modes.restore();
        }
        return new Pass(samples == 0 ? Double.NaN : lossSum / samples, metricValues(false), samples, null);
    }

    private Tensor scalarLoss(Tensor[] out, Tensor[] targets) {
        Tensor loss = lossFunction.compute(out, targets);
        if (loss == null || loss.numel() != 1) {
            throw new IllegalStateException("Trainer: the loss function must return one value, got "
                    + (loss == null ? "null" : "shape " + Arrays.toString(loss.dims())));
        }
        return loss;
    }

    private void updateMetrics(Tensor[] out, Tensor[] targets, boolean train) {
        for (Bound b : metrics) {
            Metric m = train ? b.train : b.val;
            if (b.output >= out.length || b.target >= targets.length) {
                throw new IllegalStateException("Trainer: metric '" + m.name() + "' reads output " + b.output + " and target "
                        + b.target + ", but the model gave " + out.length + " outputs and the batch has " + targets.length + " targets");
            }
            m.update(out[b.output].detach(), targets[b.target]);
        }
    }

    private Map<String, Double> metricValues(boolean train) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Bound b : metrics) m.put(b.train.name(), (train ? b.train : b.val).value());
        return m;
    }

    private String monitor(boolean hasVal) {
        String name = monitorName != null ? monitorName : hasVal ? "val_loss" : "loss";
        Set<String> known = new HashSet<>(List.of("loss"));
        for (Bound b : metrics) known.add(b.train.name());
        if (hasVal) {
            for (String k : List.copyOf(known)) known.add("val_" + k);
        }
        if (!known.contains(name)) {
            throw new IllegalArgumentException("Trainer: cannot monitor '" + name + "'" + (name.startsWith("val_") && !hasVal
                    ? " without validation data" : "") + "; available: " + known);
        }
        return name;
    }

    private Mode mode(String monitor) {
        if (explicitMode != null) return explicitMode;
        String base = monitor.startsWith("val_") ? monitor.substring(4) : monitor;
        for (Bound b : metrics) {
            if (b.train.name().equals(base)) return b.train.higherIsBetter() ? Mode.MAX : Mode.MIN;
        }
        return Mode.MIN;
    }

    private static boolean better(double value, double ref, double delta, Mode mode) {
        if (Double.isNaN(value)) return false;
        return mode == Mode.MIN ? value < ref - delta : value > ref + delta;
    }

    // ---- checkpoint state ---------------------------------------------------------------------------

    /** The generators owned by the model's layers (each Dropout forks its own), by module name. */
    private Map<String, Rng> moduleRngs() {
        Map<String, Rng> out = new LinkedHashMap<>();
        java.util.Set<Rng> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        model.namedModules().forEach((name, m) -> {
            if (m instanceof jgrad.nn.Dropout d && seen.add(d.rng())) out.put(name.isEmpty() ? "." : name, d.rng());
        });
        return out;
    }

    private Map<String, Object> stateJson(String monitor, Mode mode) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("epoch", (long) epochsDone);
        s.put("rng_global", Rng.global().state());
        List<Object> rs = new ArrayList<>();
        for (Rng r : rngs) rs.add(r.state());
        s.put("rngs", rs);
        Map<String, Object> mr = new LinkedHashMap<>();
        moduleRngs().forEach((k, v) -> mr.put(k, v.state()));
        s.put("module_rngs", mr);
        s.put("scheduler", scheduler == null ? null : scheduler.state());
        s.put("monitor", monitor);
        s.put("mode", mode.name().toLowerCase(Locale.ROOT));
        s.put("best", History.num(best));
        s.put("best_epoch", (long) bestEpoch);
        s.put("early_stopping_best", History.num(esBest));
        s.put("early_stopping_wait", (long) esWait);
        s.put("history", history.toJson());
        return s;
    }

    /**
     * Restores the model, optimizer, scheduler, generators, history and counters from a checkpoint
     * folder (e.g. {@code dir.resolve("last")}); the next {@link #fit} continues after its epoch.
     * When any part does not fit this trainer (another optimizer or scheduler type, other shapes,
     * missing entries), it throws and the model, optimizer, scheduler and counters stay as they were.
     */
    @SuppressWarnings("unchecked")
    public void resume(Path folder) throws IOException {
        Checkpoint.Contents c = Checkpoint.load(folder);
        Map<String, Object> s = c.state();
        List<?> rs = s.get("rngs") instanceof List<?> l ? l : List.of();
        if (rs.size() != rngs.size()) {
            throw new IllegalArgumentException("Trainer.resume: the checkpoint saved " + rs.size() + " extra generators, this trainer has " + rngs.size());
        }
        Map<String, Rng> own = moduleRngs();
        Map<?, ?> savedModuleRngs = s.get("module_rngs") instanceof Map<?, ?> m ? m : Map.of();
        if (!savedModuleRngs.keySet().equals(own.keySet())) {
            throw new IllegalArgumentException("Trainer.resume: the checkpoint saved generators of modules " + savedModuleRngs.keySet()
                    + ", this model has " + own.keySet());
        }
        Object sched = s.get("scheduler");
        if ((sched == null) != (scheduler == null)) {
            throw new IllegalArgumentException("Trainer.resume: the checkpoint was written " + (sched == null ? "without" : "with")
                    + " a learning-rate scheduler, this trainer has " + (scheduler == null ? "none" : scheduler.name()));
        }
        if (c.optimizer() == null) throw new IllegalArgumentException("Trainer.resume: the checkpoint has no optimizer state");
        for (String key : List.of("epoch", "rng_global")) {
            if (!(s.get(key) instanceof Number)) {
                throw new IllegalArgumentException("Trainer.resume: the checkpoint's " + Checkpoint.STATE + " has no number '" + key + "'");
            }
        }
        for (int i = 0; i < rs.size(); i++) {
            if (!(rs.get(i) instanceof Number)) throw new IllegalArgumentException("Trainer.resume: generator " + i + " has no saved state");
        }
        for (var e : savedModuleRngs.entrySet()) {
            if (!(e.getValue() instanceof Number)) {
                throw new IllegalArgumentException("Trainer.resume: the generator of module " + e.getKey() + " has no saved state");
            }
        }
        String savedMonitor = s.get("monitor") instanceof String str ? str : null;
        Mode savedMode = "max".equals(s.get("mode")) ? Mode.MAX : "min".equals(s.get("mode")) ? Mode.MIN : null;
        if (savedMonitor != null && savedMode == null) {
            throw new IllegalArgumentException("Trainer.resume: the checkpoint's mode is " + s.get("mode") + ", not min or max");
        }
        History h = History.fromJson(s.get("history"));
        // model, optimizer and scheduler each check their own part before changing anything; the
        // later ones can still refuse after the earlier ones loaded, so put those back in that case
        Map<String, Tensor> modelBefore = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> modelBefore.put(k, Tensor.of(v.toArray(), v.dims())));
        OptimizerState optimizerBefore = optimizer.stateDict();
        try {
            model.loadStateDict(c.model());
            optimizer.loadStateDict(c.optimizer());
            if (scheduler != null) scheduler.loadState((Map<String, Object>) sched);
        } catch (RuntimeException e) {
            model.loadStateDict(modelBefore);
            optimizer.loadStateDict(optimizerBefore);
            throw e;
        }
        Rng.global().setState(((Number) s.get("rng_global")).longValue());
        for (int i = 0; i < rngs.size(); i++) rngs.get(i).setState(((Number) rs.get(i)).longValue());
        own.forEach((k, r) -> r.setState(((Number) savedModuleRngs.get(k)).longValue()));
        history = h;
        epochsDone = ((Number) s.get("epoch")).intValue();
        best = History.dbl(s.get("best"));
        bestEpoch = s.get("best_epoch") instanceof Number n ? n.intValue() : 0;
        esBest = History.dbl(s.get("early_stopping_best"));
        esWait = s.get("early_stopping_wait") instanceof Number n ? n.intValue() : 0;
        keptMonitor = savedMonitor;
        keptMode = savedMode;
        if (log != null) log.println("Resumed from " + folder + " after epoch " + epochsDone);
    }
}
