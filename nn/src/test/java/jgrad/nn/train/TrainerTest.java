package jgrad.nn.train;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.io.Json;
import jgrad.nn.io.SafeTensors;
import jgrad.nn.metrics.MaskedRmse;
import jgrad.nn.metrics.SoftIoU;
import jgrad.nn.optim.SGD;
import jgrad.nn.sched.LRScheduler;
import jgrad.nn.sched.OneCycleLR;
import jgrad.nn.sched.ReduceLROnPlateau;
import jgrad.nn.sched.StepLR;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    @TempDir
    Path dir;

    final float[][] train = Toy.regression(48, 1), val = Toy.regression(16, 2);

    record Run(Toy.Affine model, SGD opt, LRScheduler sched, Trainer trainer) {}

    Run run(Path ckpt, float w0) {
        return run(ckpt, w0, opt -> new StepLR(opt, 2, 0.5));
    }

    Run run(Path ckpt, float w0, Function<SGD, LRScheduler> schedule) {
        Toy.Affine m = new Toy.Affine(w0, 0.2); // with dropout: its own generator must be restored too
        SGD opt = new SGD(m.parameters(), 0.05, 0.9);
        LRScheduler sched = schedule.apply(opt);
        Trainer t = Trainer.builder(m, opt, Toy.MSE).scheduler(sched).checkpointDir(ckpt).quiet().build();
        return new Run(m, opt, sched, t);
    }

    @Test
    void resumeRestoresPlateauAndOneCycleSchedulers() throws Exception {
        List<Function<SGD, LRScheduler>> schedules = List.of(
                opt -> new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.5, 0, 1e-6),
                opt -> new OneCycleLR(opt, 0.2, 30));
        for (Function<SGD, LRScheduler> schedule : schedules) {
            Rng.manualSeed(11);
            Run a = run(dir.resolve("pa"), 0.1f, schedule);
            History ha = a.trainer.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 4);
            Rng.manualSeed(11);
            Run b = run(dir.resolve("pb"), 0.1f, schedule);
            b.trainer.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 2);
            Rng.manualSeed(5);
            Run c = run(dir.resolve("pb"), 0.7f, schedule);
            c.trainer.resume(dir.resolve("pb/last"));
            History hc = c.trainer.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 4);
            String name = a.sched.name();
            for (int e = 2; e < 4; e++) {
                assertEquals(ha.epochs().get(e).loss(), hc.epochs().get(e).loss(), 0.0, name + " epoch " + (e + 1));
                assertEquals(ha.epochs().get(e).lr(), hc.epochs().get(e).lr(), 0.0, name + " lr of epoch " + (e + 1));
            }
            assertEquals(a.opt.lr(), c.opt.lr(), 0.0, name);
            assertEquals(a.sched.state().toString(), c.sched.state().toString(), name);
            Checkpoint.deleteTree(dir.resolve("pa"));
            Checkpoint.deleteTree(dir.resolve("pb"));
        }
    }

    @Test
    void resumeRejectsACheckpointWithoutTheSameScheduler() throws Exception {
        Rng.manualSeed(1);
        run(dir.resolve("s"), 0.1f).trainer.fit(Toy.loader(train, 8, true), null, 1);
        Toy.Affine m = new Toy.Affine(0.1f, 0.2);
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.05, 0.9), Toy.MSE).quiet().build();
        var e = assertThrows(IllegalArgumentException.class, () -> t.resume(dir.resolve("s/last")));
        assertTrue(e.getMessage().contains("with a learning-rate scheduler"), e.getMessage());
        Toy.Affine noDrop = new Toy.Affine(0.1f);
        SGD o2 = new SGD(noDrop.parameters(), 0.05, 0.9);
        Trainer t2 = Trainer.builder(noDrop, o2, Toy.MSE).scheduler(new StepLR(o2, 2, 0.5)).quiet().build();
        var e2 = assertThrows(IllegalArgumentException.class, () -> t2.resume(dir.resolve("s/last")));
        assertTrue(e2.getMessage().contains("generators of modules [drop]"), e2.getMessage());
    }

    @Test
    void aResumeThatFailsOnTheOptimizerOrSchedulerLeavesModelAndOptimizerUnchanged() throws Exception {
        Rng.manualSeed(3);
        run(dir.resolve("s"), 0.1f).trainer.fit(Toy.loader(train, 8, true), null, 2); // SGD + StepLR

        // an Adam trainer: the model fits the checkpoint, the optimizer does not
        Toy.Affine m = new Toy.Affine(0.7f, 0.2);
        jgrad.nn.optim.Adam adam = new jgrad.nn.optim.Adam(m.parameters(), 0.01);
        Trainer t = Trainer.builder(m, adam, Toy.MSE).scheduler(new StepLR(adam, 2, 0.5)).quiet().build();
        var e = assertThrows(IllegalArgumentException.class, () -> t.resume(dir.resolve("s/last")));
        assertTrue(e.getMessage().contains("SGD"), e.getMessage());
        assertEquals(0.7f, m.w.item(), 0f, "the model's weight must not be half-loaded");
        assertEquals(0f, m.b.item(), 0f);
        assertEquals(0, t.epochsDone());

        // an SGD trainer with another scheduler: model and optimizer fit, the scheduler does not
        Toy.Affine m2 = new Toy.Affine(0.7f, 0.2);
        SGD sgd = new SGD(m2.parameters(), 0.03, 0.5);
        Tensor g = Tensor.of(new float[]{1}, 1);
        m2.w.setGrad(g);
        sgd.step(); // momentum buffer 1, w = 0.7 − 0.03
        float wBefore = m2.w.item();
        Trainer t2 = Trainer.builder(m2, sgd, Toy.MSE).scheduler(new OneCycleLR(sgd, 0.1, 10)).quiet().build();
        double lrBefore = sgd.lr(), momentumBefore = sgd.paramGroups().get(0).get("momentum");
        var e2 = assertThrows(IllegalArgumentException.class, () -> t2.resume(dir.resolve("s/last")));
        assertTrue(e2.getMessage().contains("StepLR"), e2.getMessage());
        assertEquals(wBefore, m2.w.item(), 0f, "the model's weight must not be half-loaded");
        assertEquals(lrBefore, sgd.lr(), 0.0, "the optimizer's rate must not change");
        assertEquals(momentumBefore, sgd.paramGroups().get(0).get("momentum"), 0.0);
        assertEquals(1, sgd.stepCount(m2.w), "the optimizer's state must not change");
        assertEquals(1f, sgd.stateDict().tensors().get("state.0.momentum_buffer").item(), 0f);
    }

    @Test
    void resumeFromCheckpointContinuesExactlyAsAnUninterruptedRun() throws Exception {
        Rng.manualSeed(42);
        Run a = run(dir.resolve("a"), 0.1f);
        History ha = a.trainer.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 4);
        assertEquals(4, ha.size());

        Rng.manualSeed(42);
        Run b = run(dir.resolve("b"), 0.1f);
        b.trainer.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 2);

        Rng.manualSeed(7); // a different process: other generator state, other initial weights
        Run c = run(dir.resolve("b"), -3f);
        c.trainer.resume(dir.resolve("b").resolve("last"));
        assertEquals(2, c.trainer.epochsDone());
        assertEquals(2, c.trainer.history().size(), "history restored");
        History hc = c.trainer.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 4);

        assertEquals(4, hc.size());
        for (int e = 2; e < 4; e++) {
            EpochStats x = ha.epochs().get(e), y = hc.epochs().get(e);
            assertEquals(x.loss(), y.loss(), 0.0, "train loss of epoch " + (e + 1));
            assertEquals(x.valLoss(), y.valLoss(), 0.0, "val loss of epoch " + (e + 1));
            assertEquals(x.lr(), y.lr(), 0.0, "lr of epoch " + (e + 1));
        }
        assertEquals(a.model.w.item(), c.model.w.item(), 0f);
        assertEquals(a.model.b.item(), c.model.b.item(), 0f);
        assertTrue(ha.epochs().get(3).loss() < ha.epochs().get(0).loss() / 3,
                "the toy regression is learned: " + ha.epochs().get(0).loss() + " → " + ha.epochs().get(3).loss());
    }

    @Test
    void aFitAfterResumeMustMonitorWhatTheRunMonitored() throws Exception {
        Rng.manualSeed(4);
        run(dir.resolve("m"), 0.1f).trainer.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 2); // val_loss
        Rng.manualSeed(4);
        Run c = run(dir.resolve("m"), 0.1f);
        c.trainer.resume(dir.resolve("m/last"));
        double best = c.trainer.bestValue();
        // without the validation data the monitor would be the training loss, compared with the best val_loss
        var e = assertThrows(IllegalArgumentException.class, () -> c.trainer.fit(Toy.loader(train, 8, true), null, 4));
        assertTrue(e.getMessage().contains("val_loss") && e.getMessage().contains("monitors loss"), e.getMessage());
        assertEquals(2, c.trainer.epochsDone(), "nothing was trained");
        assertEquals(best, c.trainer.bestValue());
        // the same trainer without resume: a second fit may not switch the monitor either
        Rng.manualSeed(4);
        Run d = run(dir.resolve("n"), 0.1f);
        d.trainer.fit(Toy.loader(train, 8, true), null, 1);
        assertThrows(IllegalArgumentException.class, () -> d.trainer.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 2));
        // with the same monitor both go on
        c.trainer.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 3);
        assertEquals(3, c.trainer.epochsDone());
        d.trainer.fit(Toy.loader(train, 8, true), null, 2);
        assertEquals(2, d.trainer.epochsDone());
    }

    @Test
    void aMetricNamedLikeAHistoryColumnIsRefused() {
        Toy.Affine m = new Toy.Affine(0.1f);
        SGD opt = new SGD(m.parameters(), 0.05);
        // a metric called "lr" would have been written as the learning rate in history.csv
        for (String name : List.of("lr", "epoch", "seconds", "images_per_s", "loss", "val_x")) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder(m, opt, Toy.MSE).metric(new Toy.Scripted(name, true, 1.0)), name);
            assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        }
        Trainer.builder(m, opt, Toy.MSE).metric(new Toy.Scripted("lr_ratio", true, 1.0)).quiet().build();
    }

    @Test
    void resumeReallyDependsOnTheSavedGeneratorState() throws Exception {
        // guard against a vacuous resume test: without restoring the generator the shuffles differ
        Rng.manualSeed(42);
        Run a = run(dir.resolve("a"), 0.1f);
        History ha = a.trainer.fit(Toy.loader(train, 8, true), null, 3);
        Rng.manualSeed(42);
        Run b = run(dir.resolve("b"), 0.1f);
        b.trainer.fit(Toy.loader(train, 8, true), null, 2);
        Rng.manualSeed(7);
        Run c = run(dir.resolve("b"), 0.1f);
        c.trainer.resume(dir.resolve("b").resolve("last"));
        Rng.manualSeed(7); // overwrite what resume restored
        History hc = c.trainer.fit(Toy.loader(train, 8, true), null, 3);
        assertNotEquals(ha.epochs().get(2).loss(), hc.epochs().get(2).loss());
    }

    @Test
    void checkpointFolderLayoutAndBestIsKeptByMonitoredMetric() throws Exception {
        Rng.manualSeed(1);
        Toy.Affine m = new Toy.Affine(0.1f);
        SGD opt = new SGD(m.parameters(), 0.05, 0.9);
        List<float[]> weights = new ArrayList<>();
        Trainer t = Trainer.builder(m, opt, Toy.MSE)
                .metric(new Toy.Scripted("score", true, 0.5, 0.8, 0.7, 0.75))
                .monitor("val_score").checkpointDir(dir).quiet()
                .onEpochEnd(s -> weights.add(new float[]{m.w.item(), m.b.item()}))
                .build();
        t.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 4);
        assertEquals(2, t.bestEpoch());
        assertEquals(0.8, t.bestValue());
        for (String f : List.of("model.safetensors", "optimizer.safetensors", "state.json")) {
            assertTrue(Files.isRegularFile(dir.resolve("best").resolve(f)), f);
            assertTrue(Files.isRegularFile(dir.resolve("last").resolve(f)), f);
        }
        assertTrue(Files.isRegularFile(dir.resolve("history.csv")));
        try (var s = Files.list(dir)) {
            assertEquals(3, s.count(), "no temporary folders left: best, last, history.csv");
        }
        Map<String, Object> best = Json.parseObject(Files.readString(dir.resolve("best/state.json")));
        assertEquals(2L, best.get("epoch"));
        assertEquals("max", best.get("mode"));
        Map<String, Tensor> bw = SafeTensors.read(dir.resolve("best/model.safetensors"));
        assertEquals(weights.get(1)[0], bw.get("w").item(), 0f, "best holds the weights after epoch 2");
        assertEquals(weights.get(1)[1], bw.get("b").item(), 0f);
        Map<String, Tensor> lw = SafeTensors.read(dir.resolve("last/model.safetensors"));
        assertEquals(weights.get(3)[0], lw.get("w").item(), 0f, "last holds the weights after epoch 4");
        Map<String, Tensor> os = SafeTensors.read(dir.resolve("last/optimizer.safetensors"));
        assertFalse(os.isEmpty(), "momentum buffers are saved");
        assertEquals(4L, Json.parseObject(Files.readString(dir.resolve("last/state.json"))).get("epoch"));
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsWithoutImprovementBeyondMinDelta() {
        Rng.manualSeed(1);
        Toy.Affine m = new Toy.Affine(0.1f);
        // min mode: 1.0, 0.9 (best), 0.95, 0.92, 0.895 (better, but not by more than 0.01) → stop after epoch 5
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.01), Toy.MSE)
                .metric(new Toy.Scripted("err", false, 1.0, 0.9, 0.95, 0.92, 0.895, 0.1, 0.1))
                .monitor("val_err").earlyStopping(3, 0.01).quiet().build();
        History h = t.fit(Toy.loader(train, 8, false), Toy.loader(val, 8, false), 7);
        assertTrue(t.stoppedEarly());
        assertEquals(5, h.size());
        assertEquals(5, t.bestEpoch(), "0.895 is still the best value (strictly lower), only not a large enough gain");

        Rng.manualSeed(1);
        Toy.Affine m2 = new Toy.Affine(0.1f);
        Trainer t2 = Trainer.builder(m2, new SGD(m2.parameters(), 0.01), Toy.MSE)
                .metric(new Toy.Scripted("err", false, 1.0, 0.9, 0.95, 0.92, 0.85, 0.9, 0.9))
                .monitor("val_err").earlyStopping(3, 0.01).quiet().build();
        History h2 = t2.fit(Toy.loader(train, 8, false), Toy.loader(val, 8, false), 7);
        assertFalse(t2.stoppedEarly(), "0.85 resets the counter at epoch 5; epochs 6-7 are only two bad ones");
        assertEquals(7, h2.size());
    }

    @Test
    void nanLossStopsWithEpochAndStepAndKeepsLastGoodCheckpoint() throws Exception {
        Rng.manualSeed(3);
        Toy.Affine m = new Toy.Affine(0.1f);
        SGD opt = new SGD(m.parameters(), 0.05);
        AtomicInteger calls = new AtomicInteger();
        int perEpoch = 6; // 48 samples / 8
        LossFunction poisoned = (o, t) -> {
            Tensor l = Toy.MSE.compute(o, t);
            // training calls only (validation runs under no-grad): the 2nd step of epoch 3 goes NaN
            if (jgrad.core.Autograd.isEnabled() && calls.incrementAndGet() == 2 * perEpoch + 2) return l.mul(Float.NaN);
            return l;
        };
        List<Float> wAfter = new ArrayList<>();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer t = Trainer.builder(m, opt, poisoned).checkpointDir(dir).progress(null)
                .log(new PrintStream(log, true, StandardCharsets.UTF_8))
                .onEpochEnd(s -> wAfter.add(m.w.item())).build();
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                () -> t.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 5));
        assertEquals(3, e.epoch());
        assertEquals(2, e.step());
        assertTrue(e.getMessage().contains("loss is NaN at epoch 3, step 2 of 6"), e.getMessage());
        assertTrue(e.getMessage().contains("last good checkpoint (epoch 2)"), e.getMessage());
        assertFalse(log.toString(StandardCharsets.UTF_8).contains("Training stopped"), "the exception's message, not logged twice");
        assertEquals(2, t.history().size());
        Map<String, Object> st = Json.parseObject(Files.readString(dir.resolve("last/state.json")));
        assertEquals(2L, st.get("epoch"));
        assertEquals(wAfter.get(1), SafeTensors.read(dir.resolve("last/model.safetensors")).get("w").item(), 0f);
        // the kept checkpoint resumes
        Toy.Affine m2 = new Toy.Affine(5f);
        Trainer t2 = Trainer.builder(m2, new SGD(m2.parameters(), 0.05), Toy.MSE).quiet().build();
        t2.resume(dir.resolve("last"));
        assertEquals(wAfter.get(1), m2.w.item(), 0f);
    }

    @Test
    void infiniteLossIsReportedToo() {
        Toy.Affine m = new Toy.Affine(0.1f);
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.05), (o, tg) -> o[0].sum().mul(Float.POSITIVE_INFINITY).abs())
                .quiet().build();
        var e = assertThrows(NonFiniteLossException.class, () -> t.fit(Toy.loader(train, 8, false), null, 1));
        assertTrue(e.getMessage().contains("+Infinity at epoch 1, step 1"), e.getMessage());
        assertTrue(e.getMessage().contains("no checkpoint folder"), e.getMessage());
    }

    @Test
    void historyCsvHasOneRowPerEpochWithMetricsLrAndThroughput() throws Exception {
        Rng.manualSeed(5);
        Toy.Affine m = new Toy.Affine(0.1f);
        SGD opt = new SGD(m.parameters(), 0.05, 0.9);
        Trainer t = Trainer.builder(m, opt, Toy.MSE).scheduler(new StepLR(opt, 1, 0.5))
                .metric(new MaskedRmse()).checkpointDir(dir).quiet().build();
        History h = t.fit(Toy.loader(train, 8, true), Toy.loader(val, 8, false), 3);
        List<String> lines = Files.readAllLines(dir.resolve("history.csv"));
        assertEquals("epoch,loss,rmse,val_loss,val_rmse,lr,seconds,images_per_s", lines.get(0));
        assertEquals(4, lines.size());
        assertTrue(lines.get(1).startsWith("1,"));
        assertArrayEquals(new double[]{0.05, 0.025, 0.0125}, h.column("lr"), 1e-12, "lr at the start of each epoch");
        for (EpochStats s : h.epochs()) {
            assertTrue(s.imagesPerSecond() > 0);
            assertTrue(s.seconds() > 0);
            assertTrue(Double.isFinite(s.valMetrics().get("rmse")));
        }
        assertEquals(h.epochs().get(2).valLoss(), Double.parseDouble(lines.get(3).split(",")[3]), 1e-5);

        Toy.Affine m2 = new Toy.Affine(0.1f);
        Path csv = dir.resolve("elsewhere/h.csv");
        Trainer.builder(m2, new SGD(m2.parameters(), 0.05), Toy.MSE).historyCsv(csv).quiet().build()
                .fit(Toy.loader(train, 8, false), null, 2);
        List<String> l2 = Files.readAllLines(csv);
        assertEquals("epoch,loss,val_loss,lr,seconds,images_per_s", l2.get(0));
        assertTrue(l2.get(1).matches("1,[0-9.e-]+,,0\\.0500000,.*"), l2.get(1));
    }

    @Test
    void reduceLrOnPlateauIsSteppedWithTheMonitoredValue() {
        Toy.Affine m = new Toy.Affine(0.1f);
        SGD opt = new SGD(m.parameters(), 0.1);
        var plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.1, 1, 1e-6);
        Trainer t = Trainer.builder(m, opt, Toy.MSE).scheduler(plateau)
                .metric(new Toy.Scripted("err", false, 1.0, 1.0, 1.0, 1.0)).monitor("val_err").quiet().build();
        History h = t.fit(Toy.loader(train, 8, false), Toy.loader(val, 8, false), 4);
        // flat metric, patience 1: epoch 1 sets best, epoch 2 is bad #1, epoch 3 bad #2 > patience → reduce
        assertArrayEquals(new double[]{0.1, 0.1, 0.1, 0.01}, h.column("lr"), 1e-12);
    }

    @Test
    void jointModelWithTwoInputsTwoTargetsAndBoundMetrics() {
        Rng r = new Rng(9);
        List<Batch> batches = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Tensor a = Tensor.rand(r, 4, 1, 3, 3), b = Tensor.rand(r, 4, 1, 3, 3);
            Tensor depth = a.mul(0.5f).add(b.mul(0.25f));
            Tensor mask = a.sub(b).gt(0f);
            batches.add(new Batch(new Tensor[]{a, b}, new Tensor[]{depth, mask}));
        }
        Toy.TwoHeads m = new Toy.TwoHeads();
        LossFunction loss = (o, t) -> o[0].sub(t[0]).square().mean().mul(2f)
                .add(o[1].sigmoid().sub(t[1]).square().mean());
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 1.0, 0.9), loss)
                .metric(new MaskedRmse("depth_rmse"), 0).metric(new SoftIoU("mask_iou"), 1).quiet().build();
        History h = t.fit(DataSource.of(batches), DataSource.of(batches), 15);
        EpochStats first = h.epochs().get(0), last = h.last();
        assertTrue(last.loss() < first.loss() / 2, first.loss() + " → " + last.loss());
        assertTrue(last.valMetrics().get("mask_iou") > first.valMetrics().get("mask_iou"));
        assertEquals(List.of("epoch", "loss", "depth_rmse", "mask_iou", "val_loss", "val_depth_rmse", "val_mask_iou",
                "lr", "seconds", "images_per_s"), h.columns());
    }

    @Test
    void progressBarAndEpochHeadersInPlainMode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Toy.Affine m = new Toy.Affine(0.1f);
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.05), Toy.MSE).metric(new MaskedRmse())
                .progress(n -> new ProgressBar(n, out, System::nanoTime, false)).log(out).build();
        t.fit(Toy.loader(train, 8, false), Toy.loader(val, 8, false), 2);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("Epoch 1/2" + System.lineSeparator()), text);
        assertTrue(text.contains("Epoch 2/2"), text);
        assertTrue(text.matches("(?s).*6/6 \\[={30}] - \\d+s \\d+(us|ms)/step - loss: \\d\\.\\d{4} - rmse: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4} - val_rmse: \\d\\.\\d{4}.*"), text);
        assertFalse(text.contains("\r"));
    }

    @Test
    void badConfigurationsAreReported() {
        Toy.Affine m = new Toy.Affine(0.1f);
        SGD opt = new SGD(m.parameters(), 0.05);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder(m, opt, Toy.MSE).monitor("val_loss").quiet().build().fit(Toy.loader(train, 8, false), null, 1));
        assertTrue(e.getMessage().contains("without validation data"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(m, opt, Toy.MSE).metric(new SoftIoU()).metric(new SoftIoU()));
        var e2 = assertThrows(IllegalStateException.class,
                () -> Trainer.builder(m, opt, (o, t) -> o[0]).quiet().build().fit(Toy.loader(train, 8, false), null, 1));
        assertTrue(e2.getMessage().contains("must return one value"), e2.getMessage());
        var e3 = assertThrows(IllegalStateException.class,
                () -> Trainer.builder(m, opt, Toy.MSE).metric(new SoftIoU(), 1).quiet().build().fit(Toy.loader(train, 8, false), null, 1));
        assertTrue(e3.getMessage().contains("reads output 1"), e3.getMessage());
    }

    @Test
    void evaluateRestoresEachModulesOwnTrainEvalFlag() {
        Toy.Affine m = new Toy.Affine(0.5f, 0.1);
        m.train();
        m.drop.eval();
        Trainer.builder(m, new SGD(m.parameters(), 0.1), Toy.MSE).build().evaluate(Toy.loader(Toy.regression(16, 3), 8, false));
        assertTrue(m.isTraining());
        assertFalse(m.drop.isTraining(), "evaluation must not switch a module the user left in eval to training");
    }
}
