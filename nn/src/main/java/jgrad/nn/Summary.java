package jgrad.nn;

import jgrad.core.Autograd;
import jgrad.core.Rng;
import jgrad.core.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A torchsummary-style table of a model: one row per module call in the order the calls finish
 * ("Conv2d-1", "ReLU-2", …, the model itself last), with the output shape as [-1, C, H, W] and the
 * parameters the module owns directly, then totals and memory estimates.
 *
 * <p>How: a forward hook on every module except {@link Sequential} and {@link ModuleList} containers (as torchsummary;
 * like the seed's table, the model's own row is included) records each call during one forward
 * pass with a batch of 2 random inputs, run under no-grad in eval mode (so no running statistic or
 * random stream changes; the previous modes are restored). A module called twice gives two rows and
 * its parameters count twice, so the totals count executed layers, as torchsummary's do; a module
 * that never runs is not counted.
 *
 * <p>Sizes, in MB of 2²⁰ bytes, per sample of float32: input = Σ input elements × 4;
 * forward/backward = 2 × Σ row output elements × 4 (outputs plus their gradients); params =
 * total params × 4; the estimated total is their sum. (torchsummary multiplied the shapes of
 * several inputs together instead of adding them, which is why the seed's table printed an input
 * size of 86,436 MB for two 3×224×224 images; this table gives the sum, 1.15 MB.)
 */
public final class Summary {
    /** One module call. */
    public record Row(String name, Module module, List<int[]> outputShapes, long params, long trainable) {
        /** Output shape(s) as printed: [-1, C, H, W], or a list of them for several outputs. */
        public String shapeText() {
            if (outputShapes.size() == 1) return Arrays.toString(outputShapes.get(0));
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < outputShapes.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append(Arrays.toString(outputShapes.get(i)));
            }
            return sb.append(']').toString();
        }
    }

    private static final double MB = 1024.0 * 1024.0;
    private final List<Row> rows;
    private final long totalParams, trainableParams;
    private final double inputMb, forwardBackwardMb, paramsMb;

    private Summary(List<Row> rows, long inputElements) {
        this.rows = List.copyOf(rows);
        long total = 0, trainable = 0, outputs = 0;
        for (Row r : rows) {
            total += r.params();
            trainable += r.trainable();
            for (int[] s : r.outputShapes()) {
                long n = 1;
                for (int i = 1; i < s.length; i++) n *= s[i];
                outputs += n;
            }
        }
        this.totalParams = total;
        this.trainableParams = trainable;
        this.inputMb = inputElements * 4.0 / MB;
        this.forwardBackwardMb = 2.0 * outputs * 4.0 / MB;
        this.paramsMb = total * 4.0 / MB;
    }

    /**
     * Runs the model once on random inputs of the given per-sample shapes (without the batch
     * dimension, e.g. {3, 224, 224}), made on the model's device, and summarises it.
     */
    public static Summary of(Module model, int[]... inputShapes) {
        if (inputShapes == null || inputShapes.length == 0) {
            throw new IllegalArgumentException("Summary.of: give the shape of each input without the batch dimension, e.g. {3, 224, 224}");
        }
        Rng rng = new Rng(0);
        Tensor[] inputs = new Tensor[inputShapes.length];
        long inputElements = 0;
        for (int i = 0; i < inputs.length; i++) {
            int[] s = inputShapes[i];
            int[] full = new int[s.length + 1];
            full[0] = 2;
            System.arraycopy(s, 0, full, 1, s.length);
            inputs[i] = Tensor.rand(rng, full);
            long n = 1;
            for (int d : s) n *= d;
            inputElements += n;
        }
        List<Row> rows = new ArrayList<>();
        List<Module.HookHandle> handles = new ArrayList<>();
        Module.Modes modes = model.saveModes();
        for (Module m : model.namedModules().values()) {
            if (m instanceof Sequential || m instanceof ModuleList) continue;
            handles.add(m.registerForwardHook((mod, in, out) -> {
                List<int[]> shapes = new ArrayList<>();
                for (Tensor t : out) {
                    int[] d = t.dims();
                    if (d.length > 0) d[0] = -1;
                    shapes.add(d);
                }
                long p = 0, tr = 0;
                for (Tensor t : mod.localParameters().values()) {
                    p += t.numel();
                    if (t.requiresGrad()) tr += t.numel();
                }
                rows.add(new Row(mod.typeName() + "-" + (rows.size() + 1), mod, shapes, p, tr));
            }));
        }
        try (var ng = Autograd.noGrad(); var scope = jgrad.core.MemoryScope.open()) {
            model.eval();
            jgrad.core.Device device = model.device(); // the inputs go where the model is; the scope frees them
            Tensor[] onDevice = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) onDevice[i] = inputs[i].to(device);
            model.callAll(onDevice);
        } finally {
            handles.forEach(Module.HookHandle::close);
            modes.restore();
        }
        return new Summary(rows, inputElements);
    }

    public List<Row> rows() {
        return rows;
    }

    public long totalParams() {
        return totalParams;
    }

    public long trainableParams() {
        return trainableParams;
    }

    public long nonTrainableParams() {
        return totalParams - trainableParams;
    }

    public double inputSizeMb() {
        return inputMb;
    }

    public double forwardBackwardSizeMb() {
        return forwardBackwardMb;
    }

    public double paramsSizeMb() {
        return paramsMb;
    }

    public double totalSizeMb() {
        return inputMb + forwardBackwardMb + paramsMb;
    }

    /** The table, formatted as torchsummary prints it. */
    public String table() {
        String dash = "-".repeat(64), eq = "=".repeat(64);
        StringBuilder sb = new StringBuilder();
        sb.append(dash).append('\n');
        sb.append(String.format(Locale.ROOT, "%20s  %25s %15s", "Layer (type)", "Output Shape", "Param #")).append('\n');
        sb.append(eq).append('\n');
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%20s  %25s %15s", r.name(), r.shapeText(), commas(r.params()))).append('\n');
        }
        sb.append(eq).append('\n');
        sb.append("Total params: ").append(commas(totalParams)).append('\n');
        sb.append("Trainable params: ").append(commas(trainableParams)).append('\n');
        sb.append("Non-trainable params: ").append(commas(nonTrainableParams())).append('\n');
        sb.append(dash).append('\n');
        sb.append(String.format(Locale.ROOT, "Input size (MB): %.2f%n", inputMb));
        sb.append(String.format(Locale.ROOT, "Forward/backward pass size (MB): %.2f%n", forwardBackwardMb));
        sb.append(String.format(Locale.ROOT, "Params size (MB): %.2f%n", paramsMb));
        sb.append(String.format(Locale.ROOT, "Estimated Total Size (MB): %.2f%n", totalSizeMb()));
        sb.append(dash).append('\n');
        return sb.toString().replace(System.lineSeparator(), "\n");
    }

    static String commas(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    @Override
    public String toString() {
        return table();
    }
}
