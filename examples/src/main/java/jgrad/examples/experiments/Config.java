package jgrad.examples.experiments;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A training configuration: string keys with typed getters, built in three layers where a later
 * layer wins: {@link #DEFAULTS} → the config file → command-line overrides.
 *
 * <p>The file is a Java {@code .properties} file ({@code key = value}, {@code #} comments), which
 * the JDK parses without a library; seed B wrote YAML, which would need one. Unknown keys are
 * errors that list the known keys, and every typed getter names the key and the bad value.
 *
 * <pre>
 *   # train.properties
 *   model = resunet
 *   width = 4
 *   seg-loss = bce-dice
 *   depth-loss = rmse
 *   optimizer = adamw
 *   scheduler = onecycle
 *   epochs = 3
 * </pre>
 */
public final class Config {
    /** Every key with its default and meaning, in the order they are documented. */
    public static final Map<String, String[]> KEYS = new LinkedHashMap<>();

    static {
        key("model", "resunet", "masknet, dsresnet or resunet");
        key("width", "2", "base channel count (0 = the published width)");
        key("data", "", "dataset folder (layout A or B); empty = a generated synthetic set");
        key("size", "32", "image side the samples are resized to");
        key("train", "1024", "training samples (the rest of the split validates; 0 = all)");
        key("val", "128", "validation samples (0 = all of the validation part)");
        key("val-fraction", "0.2", "fraction of the data held out for validation (disjoint)");
        key("batch", "16", "batch size");
        key("epochs", "5", "epochs");
        key("seg-loss", "bce-dice", "mask loss (registry name)");
        key("depth-loss", "rmse", "depth loss (registry name; ignored by masknet)");
        key("depth-weight", "2", "weight of the depth loss (both seeds use 2)");
        key("seg-weight", "1", "weight of the mask loss");
        key("optimizer", "adamw", "sgd, adam or adamw");
        key("lr", "0.001", "learning rate (the initial one; OneCycleLR sets its own)");
        key("momentum", "0.9", "SGD momentum");
        key("weight-decay", "0.01", "weight decay");
        key("scheduler", "onecycle", "none, step, plateau or onecycle");
        key("max-lr", "0.05", "OneCycleLR peak rate");
        key("step-size", "1", "StepLR period in epochs");
        key("gamma", "0.1", "StepLR / ReduceLROnPlateau factor");
        key("patience", "2", "ReduceLROnPlateau patience");
        key("augment", "false", "photometric augmentation of the training inputs");
        key("seed", "1", "seed for the weights, the split and the data order");
        key("device", "cpu", "cpu or cuda");
        key("workers", "2", "data loading threads when the data is streamed from disk");
        key("on-error", "fail", "a missing, unreadable, mismatched or unpaired sample file: fail (stop, naming it) or skip (leave it out and count it)");
    }

    private static void key(String k, String def, String doc) {
        KEYS.put(k, new String[]{def, doc});
    }

    private final Map<String, String> values;

    private Config(Map<String, String> values) {
        this.values = values;
    }

    /** The defaults alone. */
    public static Config defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        KEYS.forEach((k, v) -> m.put(k, v[0]));
        return new Config(m);
    }

    /** Defaults, then the file (if not null), then the overrides (null values are ignored). */
    public static Config load(Path file, Map<String, String> overrides) throws IOException {
        Config c = defaults();
        if (file != null) c = c.with(readProperties(file), "config file " + file);
        return c.with(overrides, "command line");
    }

    /** Reads a properties file; a missing file or an unknown key is an error naming the file. */
    public static Map<String, String> readProperties(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + file + " does not exist");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config file " + file + " is malformed: " + e.getMessage());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("config file " + file + " is not UTF-8 text (jgrad reads .properties files as UTF-8)");
        } catch (AccessDeniedException e) {
            throw new IOException("cannot read config file " + file + ": permission denied", e);
        } catch (IOException e) {
            // a folder, for one, fails only when read, with a message that does not name it
            throw new IOException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) m.put(k.trim(), p.getProperty(k).trim());
        return m;
    }

    /** A copy with the given values replacing these; {@code source} names them in errors. */
    public Config with(Map<String, String> overrides, String source) {
        Map<String, String> m = new LinkedHashMap<>(values);
        if (overrides != null) {
            for (var e : overrides.entrySet()) {
                if (e.getValue() == null) continue;
                if (!KEYS.containsKey(e.getKey())) {
                    throw new IllegalArgumentException(source + ": unknown key '" + e.getKey() + "'; known keys: "
                            + String.join(", ", KEYS.keySet()));
                }
                m.put(e.getKey(), e.getValue());
            }
        }
        return new Config(m);
    }

    public Config with(String key, String value) {
        return with(Map.of(key, value), "override");
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) throw new IllegalArgumentException("config: unknown key '" + key + "'");
        return v;
    }

    public int integer(String key, int min) {
        String v = string(key);
        int x;
        try {
            x = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("config: " + key + " must be an integer, got '" + v + "'");
        }
        if (x < min) throw new IllegalArgumentException("config: " + key + " must be >= " + min + ", got " + x);
        return x;
    }

    public double number(String key) {
        String v = string(key);
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("config: " + key + " must be a number, got '" + v + "'");
        }
        if (!Double.isFinite(x)) throw new IllegalArgumentException("config: " + key + " must be finite, got '" + v + "'");
        return x;
    }

    public boolean bool(String key) {
        String v = string(key).trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("config: " + key + " must be true or false, got '" + v + "'");
        };
    }

    /** One of the allowed words (case-insensitive), lower-cased. */
    public String choice(String key, String... allowed) {
        String v = string(key).trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) if (a.equals(v)) return v;
        throw new IllegalArgumentException("config: " + key + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    public Map<String, String> asMap() {
        return new LinkedHashMap<>(values);
    }

    /** As a properties text (what a run saves beside its checkpoints). */
    public String toProperties() {
        List<String> lines = new ArrayList<>();
        lines.add("# jgrad training configuration");
        values.forEach((k, v) -> lines.add(k + " = " + v));
        return String.join("\n", lines) + "\n";
    }
}
