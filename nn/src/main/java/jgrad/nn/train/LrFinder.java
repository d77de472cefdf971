package jgrad.nn.train;

import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.Module;
import jgrad.nn.optim.Optimizer;
import jgrad.nn.optim.OptimizerState;
import jgrad.nn.plot.LinePlot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Learning-rate range test (Smith 2017; the exponential form popularised by fastai), as seed A
 * used it to pick its rate.
 *
 * <p>Step i of n trains one batch with lr_i = start · (end/start)^(i/(n−1)) and records the loss.
 * The curve is smoothed exponentially with bias correction:
 * a_i = β·a_{i−1} + (1−β)·loss_i (a_{−1} = 0), s_i = a_i / (1 − β^(i+1)), β = 0.98 by default.
 * The sweep stops early when s_i &gt; divergence · min_{j≤i} s_j (5× by default) or the loss is not
 * finite; that last point is kept in the result.
 *
 * <p><b>Suggestion.</b> The suggested rate is where the smoothed loss falls fastest against log lr:
 * the index minimising the central-difference slope (s_{i+1} − s_{i−1}) / (log lr_{i+1} − log lr_{i−1})
 * (one-sided at the ends), searched over the points after the first {@code skipStart} and before the
 * last {@code skipEnd} (defaults 10 and 5, skipping smoothing warm-up and the divergence; when
 * fewer than 3 points would remain, every point but the last is searched). If the curve never falls there, there is no suggestion (NaN).
 *
 * <p>The model's parameters and buffers, the optimizer's state and options (rates included), the
 * module's training flag, {@link Rng#global()} and each Dropout layer's own generator are restored afterwards, so the test leaves no
 * trace on a later training run.
 */
public final class LrFinder {
    private final Module model;
    private final Optimizer optimizer;
    private final LossFunction loss;
    private double startLr = 1e-7, endLr = 10;
    private int steps = 100;
    private double beta = 0.98, divergence = 5;
    private int skipStart = 10, skipEnd = 5;

    public LrFinder(Module model, Optimizer optimizer, LossFunction loss) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.loss = Objects.requireNonNull(loss, "loss");
    }

    /** Sweep from start to end (both &gt; 0, start &lt; end) over the given number of steps (≥ 2). */
    public LrFinder range(double start, double end, int steps) {
        if (!(start > 0) || !(end > start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("LrFinder: need 0 < start < end, got start " + start + ", end " + end);
        }
        if (steps < 2) throw new IllegalArgumentException("LrFinder: need at least 2 steps, got " + steps);
        startLr = start;
        endLr = end;
        this.steps = steps;
        return this;
    }

    /** Smoothing factor β in [0, 1) and the divergence factor (&gt; 1). */
    public LrFinder smoothing(double beta, double divergence) {
        if (!(beta >= 0 && beta < 1)) throw new IllegalArgumentException("LrFinder: beta must be in [0, 1), got " + beta);
        if (!(divergence > 1)) throw new IllegalArgumentException("LrFinder: divergence factor must be > 1, got " + divergence);
        this.beta = beta;
        this.divergence = divergence;
        return this;
    }

    /** Points ignored at the start and at the end when looking for the steepest descent. */
    public LrFinder skip(int start, int end) {
        if (start < 0 || end < 0) throw new IllegalArgumentException("LrFinder: skip counts must be ≥ 0");
        skipStart = start;
        skipEnd = end;
        return this;
    }

    /**
     * The outcome of a sweep.
     *
     * @param lrs        the rate of each step taken
     * @param losses     the raw loss of each step
     * @param smoothed   the bias-corrected smoothed loss
     * @param suggested  the suggested rate (NaN if none)
     * @param stopReason "completed", "diverged" (5× rule) or "non-finite loss"
     */
    public record Result(double[] lrs, double[] losses, double[] smoothed, double suggested, int suggestedIndex, String stopReason) {
        /** The smoothed curve against the rate on a log axis, the suggestion as a dashed line. */
        public void plot(Path png) {
            LinePlot p = new LinePlot("LR range test").xLabel("learning rate (log scale)").yLabel("loss").logX(true)
                    .series("smoothed loss", lrs, smoothed);
            if (!Double.isNaN(suggested)) p.verticalLine(suggested);
            // keep the divergent tail from flattening the interesting part
            double lo = Double.POSITIVE_INFINITY, first = Double.NaN;
            for (double s : smoothed) {
                if (Double.isFinite(s)) {
                    lo = Math.min(lo, s);
                    if (Double.isNaN(first)) first = s;
                }
            }
            if (Double.isFinite(lo) && Double.isFinite(first) && first > lo) {
                double span = first - lo;
                p.yRange(lo - 0.1 * span, first + 0.5 * span);
            }
            p.write(png, 800, 500);
        }
    }

    /** Runs the sweep on batches from data (cycled if it has fewer than the number of steps). */
    public Result run(DataSource data) {
        Objects.requireNonNull(data, "data");
        // snapshot everything the sweep touches
        Map<String, float[]> saved = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> saved.put(k, v.toArray()));
        OptimizerState optState = copy(optimizer.stateDict());
        Module.Modes modes = model.saveModes();
        long rngState = Rng.global().state();
        Map<Rng, Long> layerRngs = new java.util.IdentityHashMap<>(); // each Dropout draws from its own generator
        for (Module mod : model.namedModules().values()) {
            if (mod instanceof jgrad.nn.Dropout d) layerRngs.putIfAbsent(d.rng(), d.rng().state());
        }

        List<Double> lrs = new ArrayList<>(), raw = new ArrayList<>(), smooth = new ArrayList<>();
        String reason = "completed";
        Iterator<Batch> it = null;
        try {
            model.train();
            it = data.iterator();
            double avg = 0, best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < steps; i++) {
                if (!it.hasNext()) {
                    DataSource.close(it);
                    it = data.iterator();
                    if (!it.hasNext()) throw new IllegalArgumentException("LrFinder: the data source gave no batch");
                }
                Batch b = it.next();
                double lr = lrAt(startLr, endLr, steps, i);
                try (var scope = MemoryScope.open()) { // a device step's temporaries end with it
                    optimizer.setLr(lr);
                    optimizer.zeroGrad();
                    Batch d = b.to(model.device());
                    Tensor l = loss.compute(model.callAll(d.inputs()), d.targets());
                    if (l.numel() != 1) throw new IllegalStateException("LrFinder: the loss function must return one value, got shape " + Arrays.toString(l.dims()));
                    double v = l.item();
                    lrs.add(lr);
                    raw.add(v);
                    if (!Double.isFinite(v)) {
                        smooth.add(Double.NaN);
                        reason = "non-finite loss";
                        break;
                    }
                    avg = beta * avg + (1 - beta) * v;
                    double s = avg / (1 - Math.pow(beta, i + 1));
                    smooth.add(s);
                    if (i > 0 && s > divergence * best) {
                        reason = "diverged";
                        break;
                    }
                    best = Math.min(best, s);
                    l.backward();
                    optimizer.step();
                }
            }
        } finally {
            if (it != null) DataSource.close(it); // the sweep usually stops in the middle of a pass
            optimizer.zeroGrad();
            Map<String, Tensor> back = new LinkedHashMap<>();
            Map<String, Tensor> live = model.stateDict();
            saved.forEach((k, v) -> back.put(k, Tensor.of(v, live.get(k).dims())));
            model.loadStateDict(back);
            optimizer.loadStateDict(optState);
            modes.restore();
            Rng.global().setState(rngState);
            layerRngs.forEach(Rng::setState);
        }
        double[] lr = unbox(lrs), ls = unbox(raw), sm = unbox(smooth);
        int idx = steepest(lr, sm, skipStart, skipEnd);
        return new Result(lr, ls, sm, idx < 0 ? Double.NaN : lr[idx], idx, reason);
    }

    /** lr_i = start · (end/start)^(i/(n−1)). */
    static double lrAt(double start, double end, int n, int i) {
        return start * Math.pow(end / start, (double) i / (n - 1));
    }

    /**
     * Index of the most negative slope of smoothed against log10(lr) within [skipStart, n − skipEnd)
     * over the n leading finite points; −1 when no slope there is negative.
     */
    static int steepest(double[] lr, double[] smoothed, int skipStart, int skipEnd) {
        int n = 0;
        while (n < smoothed.length && Double.isFinite(smoothed[n])) n++;
        if (n < 2) return -1;
        int lo = skipStart, hi = n - skipEnd;
        if (hi - lo < 3) { // too short for the skips: search everything but the last point
            lo = 0;
            hi = n > 3 ? n - 1 : n;
        }
        int bestIdx = -1;
        double bestSlope = 0;
        for (int i = lo; i < hi; i++) {
            int a = Math.max(i - 1, 0), b = Math.min(i + 1, n - 1);
            double slope = (smoothed[b] - smoothed[a]) / (Math.log10(lr[b]) - Math.log10(lr[a]));
            if (slope < bestSlope) {
                bestSlope = slope;
                bestIdx = i;
            }
        }
        return bestIdx;
    }

    private static OptimizerState copy(OptimizerState s) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        s.tensors().forEach((k, v) -> t.put(k, Tensor.of(v.toArray(), v.dims())));
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = (Map<String, Object>) jgrad.nn.io.Json.parse(jgrad.nn.io.Json.write(s.meta()));
        return new OptimizerState(meta, t);
    }

    private static double[] unbox(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
