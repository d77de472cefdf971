package jgrad.examples.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import jgrad.examples.models.JointModel;
import jgrad.examples.models.ModelOptions;
import jgrad.examples.models.Models;
import jgrad.nn.Summary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jgrad summary NAME --size S [--batch N] [--width W]}: builds a registered model, runs one
 * forward pass on random (bg, fg_bg) inputs through {@link Summary} and prints the torchsummary-style
 * table (one row per executed module, then the parameter totals and memory estimates).
 *
 * <p>Without {@code --batch} the batch dimension prints as -1 and the sizes are per sample, as
 * torchsummary's default; with {@code --batch N} the shapes show N and the input and
 * forward/backward sizes are multiplied by N (torchsummary's {@code batch_size} argument). The
 * forward pass itself always runs on a batch of 2.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Print a model's layer table (output shape and parameters per executed layer), its parameter "
                + "totals and memory estimates, as torchsummary does.",
                "Models: masknet (seed A, 59,745 parameters at width 32), dsresnet (seed A, 10,343,490 at width 16; "
                        + "H, W multiples of 32), resunet (seed B ResUNet v2, 15,855,712 at width 16; H, W multiples of 16)."})
public final class SummaryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Model name: masknet, dsresnet or resunet.")
    String name;

    @Option(names = "--size", defaultValue = "96", paramLabel = "S",
            description = "Input side in pixels, or HxW (e.g. 96x160). Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--batch", paramLabel = "N", description = "Batch size shown in the shapes and sizes (default: -1, per sample).")
    Integer batch;

    @Option(names = "--width", defaultValue = "full", paramLabel = "W",
            description = "Base channel count, or 'full' (or 0) for the published width: masknet 32, dsresnet 16, resunet 16; "
                    + "4 is a quick CPU width. Default: ${DEFAULT-VALUE}.")
    String width;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        Models.Entry entry;
        try {
            entry = Models.entry(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        int[] hw = parseSize(cl, size);
        int m = entry.sizeMultiple();
        if (hw[0] % m != 0 || hw[1] % m != 0) {
            throw new CommandLine.ParameterException(cl, entry.name() + " needs H and W that are multiples of " + m
                    + ", got --size " + size);
        }
        if (batch != null && batch < 1) throw new CommandLine.ParameterException(cl, "--batch must be at least 1, got " + batch);
        int w = parseWidth(cl, width);

        JointModel model = Models.create(entry.name(), ModelOptions.defaults().withWidth(w).withSeed(0));
        Summary s = Summary.of(model, new int[]{3, hw[0], hw[1]}, new int[]{3, hw[0], hw[1]});
        PrintWriter out = cl.getOut();
        out.printf(Locale.ROOT, "%s (%s), width %d, inputs bg and fg_bg of 3x%dx%d each%n", model.typeName(), entry.name(),
                model.width(), hw[0], hw[1]);
        out.print(batch == null ? s.table() : table(s, batch));
        out.flush();
        return 0;
    }

    /** As the training commands read --width: 'full' (any case) is 0, the published width. */
    private static int parseWidth(CommandLine cl, String text) {
        if (text.equalsIgnoreCase("full")) return 0;
        int w;
        try {
            w = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cl, "--width must be a base channel count or 'full', got '" + text + "'");
        }
        if (w < 0) throw new CommandLine.ParameterException(cl, "--width must be at least 1 (0 or full = published), got " + w);
        return w;
    }

    private static int[] parseSize(CommandLine cl, String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x", -1);
        try {
            if (parts.length == 1 || parts.length == 2) {
                int h = Integer.parseInt(parts[0].trim());
                int w = Integer.parseInt(parts[parts.length - 1].trim());
                if (h > 0 && w > 0) return new int[]{h, w};
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new CommandLine.ParameterException(cl, "--size must be a positive side (e.g. 96) or HxW (e.g. 96x160), got '" + text + "'");
    }

    /** The summary's table with the batch dimension set to {@code batch} and the per-sample sizes scaled by it. */
    static String table(Summary s, int batch) {
        String dash = "-".repeat(64), eq = "=".repeat(64);
        StringBuilder sb = new StringBuilder();
        sb.append(dash).append('\n');
        sb.append(String.format(Locale.ROOT, "%20s  %25s %15s%n", "Layer (type)", "Output Shape", "Param #"));
        sb.append(eq).append('\n');
        for (Summary.Row r : s.rows()) {
            StringBuilder shape = new StringBuilder();
            for (int[] d : r.outputShapes()) {
                if (shape.length() > 0) shape.append(", ");
                int[] withBatch = d.clone();
                if (withBatch.length > 0) withBatch[0] = batch;
                shape.append(java.util.Arrays.toString(withBatch));
            }
            String text = r.outputShapes().size() == 1 ? shape.toString() : "[" + shape + "]";
            sb.append(String.format(Locale.ROOT, "%20s  %25s %15s%n", r.name(), text, String.format(Locale.ROOT, "%,d", r.params())));
        }
        sb.append(eq).append('\n');
        sb.append(String.format(Locale.ROOT, "Total params: %,d%n", s.totalParams()));
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d%n", s.trainableParams()));
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", s.nonTrainableParams()));
        sb.append(dash).append('\n');
        double in = s.inputSizeMb() * batch, fb = s.forwardBackwardSizeMb() * batch, params = s.paramsSizeMb();
        sb.append(String.format(Locale.ROOT, "Input size (MB): %.2f%n", in));
        sb.append(String.format(Locale.ROOT, "Forward/backward pass size (MB): %.2f%n", fb));
        sb.append(String.format(Locale.ROOT, "Params size (MB): %.2f%n", params));
        sb.append(String.format(Locale.ROOT, "Estimated Total Size (MB): %.2f%n", in + fb + params));
        sb.append(dash).append('\n');
        return sb.toString().replace(System.lineSeparator(), "\n");
    }
}
