package jgrad.examples.cli;

import jgrad.core.Tensor;
import jgrad.core.io.AtomicFile;
import jgrad.examples.data.DataException;
import jgrad.examples.data.ImageFiles;
import jgrad.examples.data.Preprocessing;
import jgrad.examples.data.Resize;
import jgrad.examples.experiments.Experiment;
import jgrad.examples.models.JointModel;
import jgrad.examples.models.ModelOptions;
import jgrad.examples.models.Models;
import jgrad.nn.io.Json;
import jgrad.nn.io.SafeTensors;
import jgrad.nn.train.Batch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jgrad predict}: mask and depth PNGs for one (bg, fg_bg) pair from a trained checkpoint.
 *
 * <pre>
 *   model.json (in the checkpoint folder or its parent) → model name, width, training size, preprocessing
 *   weights: CHECKPOINT/model.safetensors (or CHECKPOINT itself when it is a .safetensors file)
 *   bg, fg_bg → resize (bilinear) to the training size → /255 → the seed's normalisation
 *   → model (eval, no graph) → σ(logits) → resize back to the input size → 8-bit gray PNGs
 * </pre>
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict the foreground mask and the depth map of an fg_bg image given its background, with a model "
                + "trained by `jgrad train` or `jgrad compare-losses`. Writes OUT/<fg_bg name>_mask.png and "
                + "OUT/<fg_bg name>_depth.png (8-bit gray, sigma(logits) x 255, the input's size)."})
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bg", required = true, paramLabel = "FILE", description = "Background image (JPEG or PNG).")
    Path bg;

    @Option(names = "--fg-bg", required = true, paramLabel = "FILE", description = "The same background with the foreground (same size as --bg).")
    Path fgBg;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A checkpoint folder (e.g. runs/NAME/COMBO/best), "
            + "a run folder (its best/ is used), or a model.safetensors file; model.json must be beside it or one level up.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Path weights = weightsFile(checkpoint);
        Map<String, Object> cfg = modelJson(weights);
        String name = String.valueOf(cfg.get("model"));
        int width = ((Number) cfg.getOrDefault("width", 0L)).intValue(), size = ((Number) cfg.getOrDefault("size", 32L)).intValue();
        Preprocessing pre = "A".equals(cfg.get("preprocessing")) ? Preprocessing.A : Preprocessing.B;
        JointModel model = Models.create(name, ModelOptions.defaults().withWidth(width).withSeed(0));
        Map<String, Tensor> state;
        try {
            state = SafeTensors.read(weights);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the weights " + weights + ": " + e.getMessage());
        }
        String misfit = misfit(model.stateDict(), state);
        if (misfit != null) {
            throw new IllegalArgumentException("the weights " + weights + " do not fit a " + name + " of width " + width
                    + " (as model.json describes it): " + misfit + "; were they trained with another model or width?");
        }
        try {
            model.loadStateDict(state);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the weights " + weights + " do not fit a " + name + " of width " + width + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        ImageFiles.Image b = ImageFiles.readRgb(bg), f = ImageFiles.readRgb(fgBg);
        if (b.width() != f.width() || b.height() != f.height()) {
            throw new DataException("--bg " + bg + " is " + b.width() + "x" + b.height() + " but --fg-bg " + fgBg + " is "
                    + f.width() + "x" + f.height() + "; they must have the same size");
        }
        int h = f.height(), w = f.width();
        float[] bx = input(b.data(), h, w, size, pre.bgMean(), pre.bgStd()), fx = input(f.data(), h, w, size, pre.fgBgMean(), pre.fgBgStd());
        Batch batch = new Batch(new Tensor[]{Tensor.wrap(bx, 1, 3, size, size), Tensor.wrap(fx, 1, 3, size, size)}, null);
        float[][] p = Experiment.predict(model, batch);
        Files.createDirectories(out);
        String stem = fgBg.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Path maskPng = out.resolve(stem + "_mask.png");
        AtomicFile.writeUnsynced(maskPng, ImageFiles.png(ImageFiles.toBytes(Resize.bilinear(p[0], 1, size, size, h, w)), w, h, 1));
        var o = spec.commandLine().getOut();
        o.println("wrote " + maskPng + " (" + w + "x" + h + ")");
        if (p[1] != null) {
            Path depthPng = out.resolve(stem + "_depth.png");
            AtomicFile.writeUnsynced(depthPng, ImageFiles.png(ImageFiles.toBytes(Resize.bilinear(p[1], 1, size, size, h, w)), w, h, 1));
            o.println("wrote " + depthPng + " (" + w + "x" + h + ", 255 = near)");
        } else {
            o.println("no depth map: " + name + " predicts the mask only");
        }
        o.flush();
        return 0;
    }

    /**
     * One line saying how a checkpoint's tensors differ from the model's (counts and the first
     * names of each kind), or null when names and shapes all match. A model of another kind or
     * width differs in hundreds of tensors: listing them all would bury the message.
     */
    static String misfit(Map<String, Tensor> expected, Map<String, Tensor> given) {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), shapes = new ArrayList<>();
        for (var e : expected.entrySet()) {
            Tensor t = given.get(e.getKey());
            if (t == null) missing.add(e.getKey());
            else if (!t.shape().equals(e.getValue().shape())) {
                shapes.add(e.getKey() + ": checkpoint " + t.shape() + ", model " + e.getValue().shape());
            }
        }
        for (String k : given.keySet()) if (!expected.containsKey(k)) unexpected.add(k);
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) parts.add(count(missing, "missing tensor"));
        if (!unexpected.isEmpty()) parts.add(count(unexpected, "unexpected tensor"));
        if (!shapes.isEmpty()) parts.add(count(shapes, "shape mismatch"));
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    private static String count(List<String> items, String what) {
        String first = String.join(", ", items.subList(0, Math.min(2, items.size())));
        return items.size() + " " + what + (items.size() == 1 ? "" : what.endsWith("h") ? "es" : "s")
                + " (" + (items.size() > 2 ? "first: " : "") + first + ")";
    }

    /** 0..255 planes → resized to size×size, /255, normalised when the seed did (as the data readers do). */
    static float[] input(float[] planes, int h, int w, int size, float[] mean, float[] std) {
        float[] x = Resize.bilinear(planes, 3, h, w, size, size);
        for (int i = 0; i < x.length; i++) x[i] /= 255f;
        Preprocessing.normalise(x, mean, std);
        return x;
    }

    /** The weights file a --checkpoint names. */
    static Path weightsFile(Path c) {
        if (!Files.exists(c)) throw new IllegalArgumentException("--checkpoint " + c + " does not exist");
        if (Files.isRegularFile(c)) return c;
        for (Path p : new Path[]{c.resolve("model.safetensors"), c.resolve("best").resolve("model.safetensors"),
                c.resolve("last").resolve("model.safetensors")}) {
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalArgumentException("--checkpoint " + c + " holds no model.safetensors (nor best/ or last/ with one)");
    }

    /** model.json beside the weights' folder or one or two levels up. */
    static Map<String, Object> modelJson(Path weights) throws IOException {
        Path dir = weights.toAbsolutePath().getParent();
        for (int up = 0; up < 3 && dir != null; up++, dir = dir.getParent()) {
            Path j = dir.resolve("model.json");
            if (Files.isRegularFile(j)) {
                Map<String, Object> m;
                try {
                    m = Json.parseObject(Files.readString(j));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("cannot read " + j + ": " + e.getMessage());
                }
                if (!"jgrad-model".equals(m.get("format")) || !(m.get("model") instanceof String)) {
                    throw new IllegalArgumentException(j + " is not a jgrad model description (format jgrad-model with a model name)");
                }
                for (String k : List.of("width", "size")) {
                    if (m.containsKey(k) && !(m.get(k) instanceof Number)) {
                        throw new IllegalArgumentException(j + ": '" + k + "' must be a number, got " + m.get(k));
                    }
                }
                return m;
            }
        }
        throw new IllegalArgumentException("no model.json next to " + weights + " or in the folders above it; "
                + "checkpoints written by `jgrad train` and `jgrad compare-losses` have one");
    }
}
