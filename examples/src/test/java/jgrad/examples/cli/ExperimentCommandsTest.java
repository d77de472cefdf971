package jgrad.examples.cli;

import jgrad.examples.data.Layout;
import jgrad.examples.data.SceneGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train, predict, compare-losses and lr-find end to end on a tiny generated set (16×16, width 1). */
class ExperimentCommandsTest {
    @TempDir
    static Path tmp;
    static Path data, trainRun;

    @BeforeAll
    static void trainOnce() throws Exception {
        data = tmp.resolve("data");
        SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 16, 16, 5, 4, 2, 1, 0.92f), null);
        trainRun = tmp.resolve("train");
        for (String f : List.of("model.json", "config.properties", "report.md")) placeholder(trainRun.resolve(f));
        CliRun r = CliRun.of("train", "--data", data.toString(), "--out", trainRun.toString(), "--size", "16", "--width", "1",
                "--train", "8", "--val", "4", "--batch", "4", "--epochs", "1", "--scheduler", "step", "--no-progress");
        assertEquals(0, r.code(), r.out() + r.err());
    }

    /**
     * An earlier file at {@code target}, hard-linked from {@code target.before}. An all-or-nothing
     * write (a temporary file renamed over the target) leaves the linked copy as it was; a write in
     * place, which a failure half-way would leave cut short, changes it too.
     */
    static void placeholder(Path target) throws Exception {
        Files.createDirectories(target.getParent());
        Path before = target.resolveSibling(target.getFileName() + ".before");
        Files.writeString(before, "earlier");
        try {
            Files.createLink(target, before);
        } catch (UnsupportedOperationException e) {
            Files.copy(before, target); // no hard links here: the check below then passes either way
        }
    }

    static void assertReplacedNotRewritten(Path target) throws Exception {
        assertTrue(!Arrays.equals(Files.readAllBytes(target), "earlier".getBytes(StandardCharsets.UTF_8)), target + " was not written");
        assertEquals("earlier", Files.readString(target.resolveSibling(target.getFileName() + ".before")),
                target + " was rewritten in place instead of replaced all-or-nothing");
    }

    /** A copy of the trained run, for tests that continue it. */
    static Path copyOfTrainRun(String name) throws Exception {
        Path copy = tmp.resolve(name);
        Files.createDirectories(copy);
        try (var s = Files.walk(trainRun)) {
            for (Path p : s.toList()) {
                Path q = copy.resolve(trainRun.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
        return copy;
    }

    @Test
    void trainWritesCheckpointsReportAndModelDescription() {
        for (String f : List.of("last/model.safetensors", "best/model.safetensors", "history.csv", "model.json", "config.properties",
                "report.md", "loss.png", "grid.png", "grids/epoch_1.png")) {
            assertTrue(Files.exists(trainRun.resolve(f)), f);
        }
    }

    @Test
    void trainReplacesItsDescriptionAndReportAllOrNothing() throws Exception {
        for (String f : List.of("model.json", "config.properties", "report.md")) assertReplacedNotRewritten(trainRun.resolve(f));
    }

    @Test
    void resumeContinuesFromTheSavedConfiguration() throws Exception {
        Path copy = copyOfTrainRun("resumed");
        CliRun r = CliRun.of("train", "--resume", copy.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("Resumed from") && r.out().contains("Epoch 2/2"), r.out());
        assertEquals(3, Files.readAllLines(copy.resolve("history.csv")).size()); // header + 2 epochs
    }

    @Test
    void resumingAOneCycleRunWithAnotherLengthIsRefusedBeforeAnythingChanges() throws Exception {
        Path run = tmp.resolve("onecycle");
        CliRun first = CliRun.of("train", "--data", data.toString(), "--out", run.toString(), "--size", "16", "--width", "1",
                "--train", "8", "--val", "4", "--batch", "4", "--epochs", "1", "--scheduler", "onecycle", "--no-progress");
        assertEquals(0, first.code(), first.out() + first.err());
        byte[] weights = Files.readAllBytes(run.resolve("last/model.safetensors"));
        String history = Files.readString(run.resolve("history.csv"));
        CliRun longer = CliRun.of("train", "--resume", run.toString(), "--epochs", "2", "--no-progress");
        assertEquals(1, longer.code(), longer.out() + longer.err());
        assertTrue(longer.err().contains("--epochs 2 (the run has 1) would make it another schedule"), longer.err());
        assertArrayEquals(weights, Files.readAllBytes(run.resolve("last/model.safetensors")));
        assertEquals(history, Files.readString(run.resolve("history.csv")));
    }

    @Test
    void aRefusedResumeLeavesTheRunsDescriptionAsItWas() throws Exception {
        Path copy = copyOfTrainRun("refused-resume");
        String json = Files.readString(copy.resolve("model.json")), config = Files.readString(copy.resolve("config.properties"));
        CliRun r = CliRun.of("train", "--resume", copy.toString(), "--model", "masknet", "--epochs", "2", "--no-progress");
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals(json, Files.readString(copy.resolve("model.json")), "predict reads the model from model.json");
        assertEquals(config, Files.readString(copy.resolve("config.properties")), "a plain --resume reads config.properties");
    }

    @Test
    void resumingWithAnotherModelOrWidthGivesOneShortLine() throws Exception {
        Path copy = copyOfTrainRun("resume-other-model");
        for (String[] wrong : new String[][]{{"--model", "masknet"}, {"--width", "2"}}) {
            CliRun r = CliRun.of("train", "--resume", copy.toString(), wrong[0], wrong[1], "--epochs", "2", "--no-progress");
            assertEquals(1, r.code(), r.out() + r.err());
            String err = r.err().strip();
            assertTrue(err.startsWith("error: --resume: the checkpoint " + copy.resolve("last") + " does not fit a"), err);
            assertTrue(err.lines().count() == 1 && err.length() < 600, "one short line, got " + err.length() + " chars:\n" + err);
        }
    }

    @Test
    void predictWritesGrayPngsOfTheInputSize() throws Exception {
        Path bg = Files.list(data.resolve("bg")).sorted().findFirst().orElseThrow();
        Path fgDir = Files.list(data.resolve("fg_bg")).sorted().findFirst().orElseThrow();
        Path fg = Files.list(fgDir).sorted().findFirst().orElseThrow();
        Path out = tmp.resolve("pred");
        CliRun r = CliRun.of("predict", "--bg", bg.toString(), "--fg-bg", fg.toString(), "--checkpoint", trainRun.resolve("best").toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String stem = fg.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        for (String kind : List.of("mask", "depth")) {
            BufferedImage img = ImageIO.read(out.resolve(stem + "_" + kind + ".png").toFile());
            assertNotNull(img, kind);
            assertEquals(16, img.getWidth());
            assertEquals(16, img.getHeight());
            assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
        }
    }

    @Test
    void predictErrorsNameTheMissingOrCorruptFile() throws Exception {
        Path bg = Files.list(data.resolve("bg")).sorted().findFirst().orElseThrow();
        Path out = tmp.resolve("pred-err");
        CliRun missing = CliRun.of("predict", "--bg", bg.toString(), "--fg-bg", tmp.resolve("nope.jpg").toString(), "--checkpoint",
                trainRun.resolve("best").toString(), "--out", out.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("missing file") && missing.err().contains("nope.jpg"), missing.err());
        CliRun folder = CliRun.of("predict", "--bg", data.resolve("bg").toString(), "--fg-bg", bg.toString(), "--checkpoint",
                trainRun.resolve("best").toString(), "--out", out.toString());
        assertEquals(1, folder.code());
        assertTrue(folder.err().contains(data.resolve("bg") + " is a folder, not an image file"), folder.err());

        Path corruptImg = tmp.resolve("corrupt.jpg");
        Files.writeString(corruptImg, "not an image");
        CliRun badImg = CliRun.of("predict", "--bg", bg.toString(), "--fg-bg", corruptImg.toString(), "--checkpoint",
                trainRun.resolve("best").toString(), "--out", out.toString());
        assertEquals(1, badImg.code());
        assertTrue(badImg.err().contains("cannot decode image") && badImg.err().contains("corrupt.jpg"), badImg.err());

        Path ck = tmp.resolve("corrupt-ck/best");
        Files.createDirectories(ck);
        Files.copy(trainRun.resolve("model.json"), ck.getParent().resolve("model.json"));
        Files.write(ck.resolve("model.safetensors"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        CliRun badCk = CliRun.of("predict", "--bg", bg.toString(), "--fg-bg", bg.toString(), "--checkpoint", ck.toString(), "--out", out.toString());
        assertEquals(1, badCk.code());
        assertTrue(badCk.err().contains("cannot read the weights") && badCk.err().contains("model.safetensors"), badCk.err());

        CliRun noCk = CliRun.of("predict", "--bg", bg.toString(), "--fg-bg", bg.toString(), "--checkpoint", tmp.resolve("nowhere").toString(),
                "--out", out.toString());
        assertEquals(1, noCk.code());
        assertTrue(noCk.err().contains("--checkpoint") && noCk.err().contains("does not exist"), noCk.err());

        Path noJson = tmp.resolve("nojson");
        Files.createDirectories(noJson);
        Files.copy(trainRun.resolve("best/model.safetensors"), noJson.resolve("model.safetensors"));
        CliRun nj = CliRun.of("predict", "--bg", bg.toString(), "--fg-bg", bg.toString(), "--checkpoint", noJson.toString(), "--out", out.toString());
        assertEquals(1, nj.code());
        assertTrue(nj.err().contains("no model.json"), nj.err());

        Files.writeString(noJson.resolve("model.json"), Files.readString(trainRun.resolve("model.json")).replace("\"size\": 16", "\"size\": \"16\""));
        CliRun badJson = CliRun.of("predict", "--bg", bg.toString(), "--fg-bg", bg.toString(), "--checkpoint", noJson.toString(),
                "--out", out.toString());
        assertEquals(1, badJson.code());
        assertTrue(badJson.err().contains("model.json: 'size' must be a number, got 16"), badJson.err());
    }

    @Test
    void predictWithAnotherModelsCheckpointGivesOneShortLine() throws Exception {
        Path bg = Files.list(data.resolve("bg")).sorted().findFirst().orElseThrow();
        Path run = tmp.resolve("other-model");
        Files.createDirectories(run.resolve("best"));
        Files.copy(trainRun.resolve("best/model.safetensors"), run.resolve("best/model.safetensors"));
        // the weights are a resunet's; the description names another model, then another width
        String json = Files.readString(trainRun.resolve("model.json"));
        for (String wrong : List.of(json.replace("\"resunet\"", "\"dsresnet\""), json.replaceFirst("\"width\": 1", "\"width\": 2"))) {
            assertTrue(!wrong.equals(json), json);
            Files.writeString(run.resolve("model.json"), wrong);
            CliRun r = CliRun.of("predict", "--bg", bg.toString(), "--fg-bg", bg.toString(), "--checkpoint", run.toString(),
                    "--out", tmp.resolve("pred-other").toString());
            assertEquals(1, r.code());
            String err = r.err().strip();
            assertTrue(err.startsWith("error: the weights " + run.resolve("best/model.safetensors")) && err.contains("do not fit"), err);
            assertTrue(err.lines().count() == 1 && err.length() < 600, "one short line, got " + err.length() + " chars:\n" + err);
            assertTrue(err.contains("missing") || err.contains("shape"), err);
        }
        assertTrue(!Files.exists(tmp.resolve("pred-other")), "nothing is written when the weights do not fit");
    }

    @Test
    void countsLargerThanThePartsOfTheDataAreCutWithANote() {
        Path out = tmp.resolve("cut");
        CliRun r = CliRun.of("train", "--data", data.toString(), "--out", out.toString(), "--size", "16", "--width", "1",
                "--train", "500", "--val", "300", "--batch", "4", "--epochs", "1", "--no-progress");
        assertEquals(0, r.code(), r.out() + r.err());
        // 16 images over 4 backgrounds: 12 for training, 4 for validation
        assertTrue(r.out().contains("12 training / 4 validation images"), r.out());
        assertTrue(r.out().contains("Note: train = 500, but the training part holds 12 images: using all 12; "
                + "val = 300, but the validation part holds 4 images: using all 4 (data " + data + ")\n"), r.out());
        assertEquals(1, r.out().lines().filter(l -> l.startsWith("Note:")).count(), r.out());

        CliRun one = CliRun.of("train", "--data", data.toString(), "--out", tmp.resolve("cut-val").toString(), "--size", "16",
                "--width", "1", "--train", "8", "--val", "5", "--batch", "4", "--epochs", "1", "--no-progress");
        assertEquals(0, one.code(), one.out() + one.err());
        assertTrue(one.out().contains("Note: val = 5, but the validation part holds 4 images: using all 4 (data "), one.out());
        assertFalse(one.out().contains("train = 8"), one.out());
    }

    @Test
    void aDivergingRunSaysWhyOnce() {
        CliRun r = CliRun.of("train", "--data", data.toString(), "--out", tmp.resolve("diverged").toString(), "--size", "16", "--width", "1",
                "--train", "8", "--val", "4", "--batch", "4", "--epochs", "1", "--optimizer", "sgd", "--lr", "1e30", "--scheduler", "none",
                "--no-progress");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: Training stopped: the loss is"), r.err());
        String all = r.out() + r.err();
        assertEquals(1, all.split("Training stopped", -1).length - 1, "printed once:\n" + all);
    }

    @Test
    void trainRejectsBadOptionsAndMissingFiles() {
        CliRun dev = CliRun.of("train", "--data", data.toString(), "--device", "cuda");
        assertEquals(1, dev.code());
        assertTrue(dev.err().contains("CUDA is not available"), dev.err());
        CliRun cfg = CliRun.of("train", "--config", tmp.resolve("missing.properties").toString());
        assertEquals(1, cfg.code());
        assertTrue(cfg.err().contains("missing.properties") && cfg.err().contains("does not exist"), cfg.err());
        CliRun d = CliRun.of("train", "--data", tmp.resolve("no-data").toString());
        assertEquals(1, d.code());
        assertTrue(d.err().contains("no-data") && d.err().contains("does not exist"), d.err());
        CliRun size = CliRun.of("train", "--data", data.toString(), "--size", "20", "--model", "resunet");
        assertEquals(1, size.code());
        assertTrue(size.err().contains("multiple of 16"), size.err());
        CliRun res = CliRun.of("train", "--resume", tmp.resolve("nothing").toString());
        assertEquals(1, res.code());
        assertTrue(res.err().contains("--resume"), res.err());
    }

    @Test
    void compareLossesWritesReportCsvPlotsAndGrids() throws Exception {
        Path runs = tmp.resolve("runs");
        for (String f : List.of("report.md", "metrics.csv")) placeholder(runs.resolve("tiny").resolve(f));
        CliRun r = CliRun.of("compare-losses", "--data", data.toString(), "--runs", runs.toString(), "--name", "tiny", "--only",
                "bce/bce,bce-dice/rmse", "--size", "16", "--width", "1", "--train", "8", "--val", "4", "--batch", "8", "--epochs", "1",
                "--no-progress");
        assertEquals(0, r.code(), r.out() + r.err());
        Path dir = runs.resolve("tiny");
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| bce/bce |") && md.contains("| bce-dice/rmse |"), md);
        assertTrue(md.contains("0.1279") && md.contains("0.4366"), "the seeds' numbers beside ours: " + md);
        assertTrue(md.contains("How this run differs from the seeds") && md.contains("Best mask by mIoU (B) here"), md);
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(3, csv.size());
        assertTrue(csv.get(0).startsWith("combination,model,epoch,loss") && csv.get(0).contains("val_miou_b"), csv.get(0));
        for (String f : List.of("comparison_val_loss.png", "comparison_val_miou_b.png", "bce_bce/grid.png", "bce-dice_rmse/grid.png",
                "bce-dice_rmse/loss.png", "bce-dice_rmse/best/model.safetensors")) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        BufferedImage grid = ImageIO.read(dir.resolve("bce_bce/grid.png").toFile());
        // 6 columns of 96 px (16 px × 6) plus gaps; 4 validation rows
        assertEquals(6 * (96 + 2) + 2, grid.getWidth());
        assertEquals(22 + 4 * (96 + 2) + 2, grid.getHeight());
        assertTrue(r.out().contains("| bce/bce |"), r.out());
        for (String f : List.of("report.md", "metrics.csv")) assertReplacedNotRewritten(dir.resolve(f));
    }

    @Test
    void compareLossesRejectsUnknownPresetsAndCombinations() {
        CliRun p = CliRun.of("compare-losses", "--preset", "c");
        assertEquals(1, p.code());
        assertTrue(p.err().contains("--preset must be a or b"), p.err());
        CliRun o = CliRun.of("compare-losses", "--data", data.toString(), "--only", "bce/nothing", "--runs", tmp.resolve("r2").toString());
        assertEquals(1, o.code());
        assertTrue(o.err().contains("unknown combination 'bce/nothing'"), o.err());
    }

    @Test
    void lrFindWritesThePlotAndCsv() throws Exception {
        Path out = tmp.resolve("lr");
        for (String f : List.of("lr_find.csv", "lr_find.png")) placeholder(out.resolve(f));
        CliRun r = CliRun.of("lr-find", "--data", data.toString(), "--size", "16", "--width", "1", "--train", "8", "--val", "4", "--batch", "4",
                "--steps", "6", "--start", "1e-4", "--end", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertNotNull(ImageIO.read(out.resolve("lr_find.png").toFile()));
        assertTrue(Files.readAllLines(out.resolve("lr_find.csv")).size() >= 3);
        assertTrue(r.out().contains("suggested learning rate"), r.out());
        assertFalse(r.out().contains("Note:"), "train 8 and val 4 fit the data: " + r.out());
        for (String f : List.of("lr_find.csv", "lr_find.png")) assertReplacedNotRewritten(out.resolve(f));
    }

    @Test
    void compareLossesHelpGivesTheReadmesMeasuredTime() throws Exception {
        // the README: "the whole command took 1 min 53 s (build and data generation included)"
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("the whole command took (\\d+) min (\\d+) s")
                .matcher(Files.readString(Path.of("..", "README.md")).replaceAll("\\s+", " "));
        assertTrue(m.find(), "the README's measured time");
        long minutes = Math.round(Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)) / 60.0);
        String help = CliRun.of("compare-losses", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("about " + minutes + " minutes on a 2-core machine"), help);
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("train", "compare-losses", "predict", "lr-find")) {
            CliRun r = CliRun.of(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Usage: jgrad " + c), r.out());
        }
    }
}
