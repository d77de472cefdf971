package jgrad.examples.cli;

import jgrad.examples.data.Layout;
import jgrad.examples.data.SceneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report's "differs from the seeds" section names the seed's optimizer and schedule beside the
 * run's (preset A's quick defaults are not seed A's SGD + ReduceLROnPlateau), notes seed A's
 * image-level split, mentions seed B's BerHu bug only when a BerHu combination ran, and says so when
 * the RMSE (A) and mRMSE (B) columns print the same.
 */
class ReportSeedSetupTest {
    @TempDir
    Path tmp;

    private String differs(String preset, String only, String... extra) throws Exception {
        String md = report(preset, only, extra);
        return md.substring(md.indexOf("## How this run differs from the seeds"), md.indexOf("## Results"));
    }

    private String report(String preset, String only, String... extra) throws Exception {
        Path data = tmp.resolve("data");
        if (!Files.exists(data)) SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 16, 16, 2, 4, 1, 1, 0.92f), null);
        String name = preset + "-" + only.replaceAll("[^a-z]", "") + "-" + extra.length;
        String[] base = {"compare-losses", "--preset", preset, "--only", only, "--data", data.toString(), "--runs",
                tmp.resolve("runs").toString(), "--name", name, "--size", "16", "--width", "1", "--train", "8", "--val", "4",
                "--batch", "4", "--epochs", "1", "--no-progress", "--quiet"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliRun r = CliRun.of(args);
        assertEquals(0, r.code(), r.out() + r.err());
        return Files.readString(tmp.resolve("runs").resolve(name).resolve("report.md"));
    }

    @Test
    void presetASaysSeedATrainedWithSgdAndPlateauAndHasNoBerHuLine() throws Exception {
        String d = differs("a", "bce");
        assertTrue(d.contains("Seed A trained its combined-loss runs with SGD (lr 0.01, momentum 0.9) and ReduceLROnPlateau"), d);
        assertTrue(d.contains("This run: adamw"), d);
        assertTrue(d.contains("seed A split its images 70/30"), d);
        assertFalse(d.contains("BerHu"), d);
    }

    @Test
    void theRmseColumnsAreSaidToAgreeExactlyWhenTheyPrintTheSame() throws Exception {
        String md = report("b", "bce/bce,bce-dice/rmse");
        String table = md.substring(md.indexOf("## Results (this run)"), md.indexOf("## The seeds' published numbers"));
        boolean agree = true;
        int rows = 0;
        for (String line : table.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length < 10 || !cells[1].contains("/")) continue;
            rows++;
            agree &= cells[7].trim().equals(cells[8].trim()); // RMSE (A), mRMSE (B)
        }
        assertEquals(2, rows, table);
        assertEquals(agree, table.contains("RMSE (A) and mRMSE (B) agree to four places in every row here"), table);
    }

    @Test
    void presetAWithSeedAsOptimizerSaysTheSame() throws Exception {
        String d = differs("a", "bce", "--optimizer", "sgd", "--lr", "0.01", "--scheduler", "plateau", "--weight-decay", "0");
        assertTrue(d.contains("This run: the same optimizer and schedule"), d);
    }

    @Test
    void presetAWithWeightDecayIsNotSeedAsOptimizer() throws Exception {
        // seed A's SGD had no weight decay (examples/configs/seed-a-loss-test.properties); the default is 0.01
        String d = differs("a", "bce", "--optimizer", "sgd", "--lr", "0.01", "--scheduler", "plateau");
        assertFalse(d.contains("the same optimizer and schedule"), d);
        assertTrue(d.contains("This run: sgd (lr 0.01, weight decay 0.01, momentum 0.9) with plateau"), d);
    }

    @Test
    void presetBNamesSeedBsFinalRunAndTheBerHuBugWhenBerHuRan() throws Exception {
        String d = differs("b", "bce-dice/berhu");
        assertTrue(d.contains("its final run used AdamW (lr 0.01, weight decay 0.01) with OneCycleLR (max lr 0.1"), d);
        assertTrue(d.contains("seed B applied it to raw logits"), d);
        assertFalse(d.contains("seed A split"), d);
        assertFalse(differs("b", "bce/bce").contains("BerHu"));
    }
}
