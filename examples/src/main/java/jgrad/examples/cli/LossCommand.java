package jgrad.examples.cli;

import jgrad.core.Tensor;
import jgrad.core.io.Npy;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code jgrad loss NAME --pred P.npy --target T.npy [--grad G.npy]}: evaluates a registered loss
 * on logits and targets stored as .npy (N×C×H×W, float32 or float64), prints the value on the
 * last line and optionally writes dL/dpred (with respect to the logits) as a float32 .npy of the
 * prediction's shape.
 */
@Command(name = "loss", mixinStandardHelpOptions = true,
        description = {"Evaluates a loss on .npy files: prints its value (last line) and optionally writes d loss / d pred.",
                "Predictions are logits, targets lie in [0, 1], both N×C×H×W."})
public final class LossCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Loss name, one of: ${COMPLETION-CANDIDATES}",
            completionCandidates = Names.class)
    String name;

    @Option(names = "--pred", required = true, paramLabel = "P.npy", description = "Predictions (logits).")
    Path pred;

    @Option(names = "--target", required = true, paramLabel = "T.npy", description = "Targets in [0, 1].")
    Path target;

    @Option(names = "--grad", paramLabel = "G.npy", description = "Where to write d loss / d pred (float32).")
    Path grad;

    /** The registry's names, for the help text. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Losses.names().iterator();
        }
    }

    @Override
    public Integer call() throws IOException {
        Loss loss = Losses.get(name);
        // the write would fail naming its temporary file instead
        if (grad != null && Files.isDirectory(grad)) throw new IOException("cannot write gradient file " + grad + ": it is a folder");
        Tensor p = read("prediction", pred), t = read("target", target);
        int[] shape = p.dims();
        if (!Arrays.equals(shape, t.dims())) {
            throw new IllegalArgumentException("prediction " + pred + " has shape " + Arrays.toString(shape)
                    + " but target " + target + " has shape " + Arrays.toString(t.dims()));
        }
        float[] pv = p.toArray(), tv = t.toArray();
        requireFinite("prediction", pred, pv, shape);
        requireFinite("target", target, tv, shape);
        requireUnitRange(tv, shape);
        Loss.Result r = loss.fast(pv, tv, shape);
        if (grad != null) {
            try {
                Npy.write(grad, Tensor.wrap(r.grad(), shape));
            } catch (IOException e) {
                throw new IOException("cannot write gradient file " + grad + ": " + Main.describe(e), e);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (grad != null) out.println("gradient written to " + grad);
        out.println(r.value());
        out.flush();
        return 0;
    }

    private static Tensor read(String what, Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(what + " file " + file + " does not exist or is not a file");
        try {
            return Npy.read(file);
        } catch (IOException e) {
            throw new IOException("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void requireFinite(String what, Path file, float[] v, int[] shape) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException(what + " " + file + " holds a non-finite value (" + v[i] + ") at "
                        + Arrays.toString(unravel(i, shape)));
            }
        }
    }

    /** Targets outside [0, 1] give meaningless values (a negative bce, for one) that would pass unnoticed. */
    private void requireUnitRange(float[] v, int[] shape) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] > 1) {
                throw new IllegalArgumentException("target " + target + " holds " + v[i] + " at " + Arrays.toString(unravel(i, shape))
                        + "; targets must lie in [0, 1] (masks and depth maps scaled to 0..1)");
            }
        }
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
