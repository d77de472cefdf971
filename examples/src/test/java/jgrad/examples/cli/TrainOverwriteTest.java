package jgrad.examples.cli;

import jgrad.examples.data.Layout;
import jgrad.examples.data.SceneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A new training run does not silently replace the checkpoints of an earlier run in the same folder. */
class TrainOverwriteTest {
    @TempDir
    Path tmp;

    private CliRun train(Path data, Path out, String... extra) {
        String[] base = {"train", "--data", data.toString(), "--out", out.toString(), "--size", "16", "--width", "1", "--train", "8",
                "--val", "4", "--batch", "4", "--epochs", "1", "--scheduler", "step", "--no-progress"};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.of(all);
    }

    @Test
    void secondRunIntoTheSameFolderIsRefusedUnlessAskedFor() throws Exception {
        Path data = tmp.resolve("d");
        SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 16, 16, 5, 4, 1, 1, 0.92f), null);
        Path out = tmp.resolve("run");
        CliRun first = train(data, out);
        assertEquals(0, first.code(), first.out() + first.err());
        byte[] weights = Files.readAllBytes(out.resolve("best/model.safetensors"));

        CliRun again = train(data, out, "--seg-loss", "dice-b", "--seed", "7");
        assertEquals(1, again.code(), again.out() + again.err());
        assertTrue(again.err().contains("--resume") && again.err().contains("--overwrite"), again.err());
        assertArrayEquals(weights, Files.readAllBytes(out.resolve("best/model.safetensors")), "the first run's checkpoint changed");

        assertTrue(Files.exists(out.resolve("depth_metrics.png")), "the joint model's run plots depth metrics");
        CliRun replaced = train(data, out, "--seg-loss", "dice-b", "--seed", "7", "--model", "masknet", "--overwrite");
        assertEquals(0, replaced.code(), replaced.out() + replaced.err());
        assertTrue(Files.readString(out.resolve("config.properties")).contains("seg-loss = dice-b"));
        assertFalse(Files.exists(out.resolve("depth_metrics.png")), "a mask-only run left the earlier run's depth plot");
    }

    @Test
    void resumingIntoAnotherRunsFolderIsRefusedUnlessAskedFor() throws Exception {
        Path data = tmp.resolve("d");
        SceneGenerator.generate(new SceneGenerator.Options(data, Layout.B, 16, 16, 5, 4, 1, 1, 0.92f), null);
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        assertEquals(0, train(data, a).code());
        assertEquals(0, train(data, b, "--seed", "7").code());
        byte[] weights = Files.readAllBytes(b.resolve("last/model.safetensors"));

        CliRun into = CliRun.of("train", "--resume", a.toString(), "--out", b.toString(), "--epochs", "2", "--no-progress");
        assertEquals(1, into.code(), into.out() + into.err());
        assertTrue(into.err().contains(b + " already holds a training run") && into.err().contains("--overwrite"), into.err());
        assertArrayEquals(weights, Files.readAllBytes(b.resolve("last/model.safetensors")), "run b's checkpoint changed");

        CliRun own = CliRun.of("train", "--resume", a.resolve("last").toString(), "--out", a.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, own.code(), "continuing in the run's own folder needs no --overwrite: " + own.out() + own.err());
        CliRun replaced = CliRun.of("train", "--resume", a.toString(), "--out", b.toString(), "--epochs", "3", "--no-progress",
                "--overwrite");
        assertEquals(0, replaced.code(), replaced.out() + replaced.err());
        assertEquals(4, Files.readAllLines(b.resolve("history.csv")).size()); // header + a's 3 epochs
    }
}
