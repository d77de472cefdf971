package jgrad.nn.train;

import jgrad.core.Tensor;
import jgrad.nn.optim.OptimizerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest {
    @TempDir
    Path dir;

    static Map<String, Object> state(long epoch) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("epoch", epoch);
        s.put("best", null);
        return s;
    }

    static OptimizerState opt(float v) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("type", "SGD");
        return new OptimizerState(meta, Map.of("state.0.momentum_buffer", Tensor.of(new float[]{v, v}, 2)));
    }

    @Test
    void roundTripAndReplace() throws IOException {
        Path f = dir.resolve("last");
        Checkpoint.save(f, Map.of("w", Tensor.of(new float[]{1, 2, 3}, 3)), opt(0.5f), state(1));
        Checkpoint.save(f, Map.of("w", Tensor.of(new float[]{4, 5, 6}, 3)), opt(0.25f), state(2));
        Checkpoint.Contents c = Checkpoint.load(f);
        assertArrayEquals(new float[]{4, 5, 6}, c.model().get("w").toArray());
        assertArrayEquals(new float[]{0.25f, 0.25f}, c.optimizer().tensors().get("state.0.momentum_buffer").toArray());
        assertEquals("SGD", c.optimizer().meta().get("type"));
        assertEquals(2L, c.state().get("epoch"));
        assertTrue(c.state().containsKey("best"));
        assertFalse(c.state().containsKey("format"), "format markers are not part of the trainer's state");
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "the swap leaves no .tmp or .old folder");
        }
    }

    @Test
    void aStateWithTheCheckpointsOwnKeysIsRefusedAndTheOldCheckpointKept() throws IOException {
        Path f = dir.resolve("last");
        Checkpoint.save(f, Map.of("w", Tensor.of(new float[]{1}, 1)), opt(0.5f), state(1));
        for (String key : List.of("format", "version", "optimizer")) {
            Map<String, Object> s = state(2);
            s.put(key, "mine");
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(f, Map.of("w", Tensor.of(new float[]{2}, 1)), opt(0.25f), s));
            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
            Checkpoint.Contents c = Checkpoint.load(f);
            assertEquals(1L, c.state().get("epoch"), key);
            assertEquals("SGD", c.optimizer().meta().get("type"), key);
        }
    }

    @Test
    void crashBetweenTheTwoRenamesFallsBackToThePreviousCheckpoint() throws IOException {
        Path f = dir.resolve("last");
        Checkpoint.save(f, Map.of("w", Tensor.of(new float[]{1}, 1)), opt(0), state(3));
        // simulate: old folder moved aside, new one never moved into place
        Files.move(f, dir.resolve(".last.old"));
        assertTrue(Checkpoint.exists(f));
        assertEquals(3L, Checkpoint.load(f).state().get("epoch"));
        // and a half-written .tmp folder from a crash is replaced by the next save
        Files.createDirectories(dir.resolve(".last.tmp"));
        Files.writeString(dir.resolve(".last.tmp/model.safetensors"), "garbage");
        Checkpoint.save(f, Map.of("w", Tensor.of(new float[]{2}, 1)), opt(0), state(4));
        assertEquals(4L, Checkpoint.load(f).state().get("epoch"));
        assertFalse(Files.exists(dir.resolve(".last.tmp")));
    }

    @Test
    void missingOrForeignFoldersAreReported() throws IOException {
        var e = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("no state.json"), e.getMessage());
        Files.createDirectories(dir.resolve("x"));
        Files.writeString(dir.resolve("x/state.json"), "{\"format\": \"other\"}");
        var e2 = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("x")));
        assertTrue(e2.getMessage().contains("not a jgrad checkpoint"), e2.getMessage());
        Files.writeString(dir.resolve("x/state.json"), "{");
        var e3 = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("x")));
        assertTrue(e3.getMessage().startsWith("checkpoint: cannot read " + dir.resolve("x/state.json") + ": "), e3.getMessage());
    }

    @Test
    void historyPlotsTrainingCurves() throws IOException {
        History h = new History();
        for (int e = 1; e <= 4; e++) {
            h.add(new EpochStats(e, 1.0 / e, 1.2 / e, Map.of("iou", 0.2 * e), Map.of("iou", 0.18 * e), 0.01, 1, 100));
        }
        Path png = dir.resolve("loss.png");
        h.plot(png, "loss", "loss", "val_loss");
        assertNotNull(ImageIO.read(png.toFile()));
        assertArrayEquals(new double[]{0.18, 0.36, 0.54, 0.72}, h.column("val_iou"), 1e-12);
    }
}
