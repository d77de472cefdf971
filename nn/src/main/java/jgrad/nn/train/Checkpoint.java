package jgrad.nn.train;

import jgrad.core.Tensor;
import jgrad.core.io.AtomicFile;
import jgrad.nn.io.Json;
import jgrad.nn.io.SafeTensors;
import jgrad.nn.optim.OptimizerState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A checkpoint folder, written all-or-nothing:
 * <pre>
 *   &lt;folder&gt;/model.safetensors      the model's state dict (parameters and buffers)
 *   &lt;folder&gt;/optimizer.safetensors  the optimizer's per-parameter buffers ("state.&lt;i&gt;.&lt;name&gt;")
 *   &lt;folder&gt;/state.json             {"format": "jgrad-checkpoint", "version": 1, "optimizer": {…},
 *                                  plus the trainer's scalars: epoch, rng states, scheduler, history, best …}
 * </pre>
 * Each file is written through a temporary file and an atomic rename, into a sibling folder
 * {@code .<name>.tmp}; only when all three are complete is the old folder renamed to
 * {@code .<name>.old}, the new one renamed into place, and the old one deleted. A crash at any
 * point leaves either the previous or the new checkpoint readable: {@link #load} falls back to
 * {@code .<name>.old} when a crash came between the two renames.
 */
public final class Checkpoint {
    static final String MODEL = "model.safetensors", OPTIMIZER = "optimizer.safetensors", STATE = "state.json";
    static final String FORMAT = "jgrad-checkpoint";

    /** What a checkpoint holds. {@code state} is the JSON object of state.json, without the optimizer entry. */
    public record Contents(Map<String, Tensor> model, OptimizerState optimizer, Map<String, Object> state) {}

    private Checkpoint() {}

    /**
     * Writes a complete checkpoint to folder, replacing an older one there only once the new one is
     * complete. The state may not use the keys this class writes itself ({@code format},
     * {@code version}, {@code optimizer}).
     */
    public static void save(Path folder, Map<String, Tensor> model, OptimizerState optimizer, Map<String, Object> state) throws IOException {
        for (String reserved : new String[]{"format", "version", "optimizer"}) {
            if (state.containsKey(reserved)) {
                // it would replace the marker or the optimizer's state, and the checkpoint would not load back
                throw new IllegalArgumentException("Checkpoint.save: the state may not hold the key '" + reserved
                        + "' (value " + state.get(reserved) + "); the checkpoint writes it itself");
            }
        }
        Path abs = folder.toAbsolutePath();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        String name = abs.getFileName().toString();
        Path tmp = parent.resolve("." + name + ".tmp"), old = parent.resolve("." + name + ".old");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        SafeTensors.write(tmp.resolve(MODEL), model);
        SafeTensors.write(tmp.resolve(OPTIMIZER), optimizer == null ? Map.of() : optimizer.tensors());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("version", 1L);
        json.put("optimizer", optimizer == null ? null : optimizer.meta());
        json.putAll(state);
        AtomicFile.writeString(tmp.resolve(STATE), Json.writePretty(json));
        if (Files.exists(abs)) {
            deleteTree(old);
            move(abs, old);
        }
        move(tmp, abs);
        deleteTree(old);
    }

    /** True when folder (or its fallback after an interrupted swap) holds a checkpoint. */
    public static boolean exists(Path folder) {
        return Files.isRegularFile(folder.resolve(STATE)) || Files.isRegularFile(fallback(folder).resolve(STATE));
    }

    /** Reads a checkpoint written by {@link #save}. */
    public static Contents load(Path folder) throws IOException {
        Path dir = folder;
        if (!Files.isRegularFile(dir.resolve(STATE))) {
            Path fb = fallback(folder);
            if (!Files.isRegularFile(fb.resolve(STATE))) {
                throw new IOException("checkpoint: no " + STATE + " in " + folder + " (is it a checkpoint folder?)");
            }
            dir = fb;
        }
        Map<String, Object> json;
        try {
            json = Json.parseObject(Files.readString(dir.resolve(STATE)));
        } catch (RuntimeException e) {
            throw new IOException("checkpoint: cannot read " + dir.resolve(STATE) + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(json.get("format"))) {
            throw new IOException("checkpoint: " + dir.resolve(STATE) + " is not a jgrad checkpoint (format " + json.get("format") + ")");
        }
        Map<String, Tensor> model = SafeTensors.read(dir.resolve(MODEL));
        Map<String, Tensor> opt = SafeTensors.read(dir.resolve(OPTIMIZER));
        Object meta = json.remove("optimizer");
        json.remove("format");
        json.remove("version");
        @SuppressWarnings("unchecked")
        OptimizerState os = meta instanceof Map<?, ?> m ? new OptimizerState((Map<String, Object>) m, opt) : null;
        return new Contents(model, os, json);
    }

    private static Path fallback(Path folder) {
        Path abs = folder.toAbsolutePath();
        return abs.getParent().resolve("." + abs.getFileName() + ".old");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.delete(q);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
