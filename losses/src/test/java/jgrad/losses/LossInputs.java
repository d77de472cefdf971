package jgrad.losses;

import jgrad.core.Rng;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inputs and the reference comparison shared by the loss contract tests (the CPU one here, the
 * CUDA one in jgrad-kernels, through this module's test jar).
 */
public final class LossInputs {
    private LossInputs() {}

    /** The shape grown (if needed) to the loss's minimum image size, keeping N and C. */
    public static int[] fit(Loss loss, int... shape) {
        int m = loss.minSize();
        return new int[]{shape[0], shape[1], Math.max(shape[2], m), Math.max(shape[3], m)};
    }

    public static int numel(int[] s) {
        return s[0] * s[1] * s[2] * s[3];
    }

    public static float[] logits(Rng rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (scale * rng.nextGaussian());
        return x;
    }

    public static float[] uniform(Rng rng, int n) {
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = rng.nextFloat();
        return t;
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    public static String mismatch(Loss.Reference ref, double value, float[] grad) {
        if (!(Math.abs(value - ref.value()) <= 1e-5 + 1e-4 * Math.abs(ref.value()))) {
            return "value " + value + " vs reference " + ref.value();
        }
        double gmax = 0;
        for (double g : ref.grad()) gmax = Math.max(gmax, Math.abs(g));
        for (int i = 0; i < grad.length; i++) {
            double r = ref.grad()[i];
            if (!(Math.abs(grad[i] - r) <= 1e-4 * gmax + 1e-3 * Math.abs(r) + 1e-30)) {
                return "gradient[" + i + "] " + grad[i] + " vs reference " + r + " (max |grad| " + gmax + ")";
            }
        }
        return null;
    }

    /** Named extreme inputs: {pred, target} for the given shape. */
    public static Map<String, float[][]> extremes(int[] shape) {
        int n = numel(shape);
        Rng rng = new Rng(3);
        Map<String, float[][]> cases = new LinkedHashMap<>();
        float[] pm100 = new float[n], bits = new float[n], perfect = new float[n], x = logits(rng, n, 2), same = new float[n];
        for (int i = 0; i < n; i++) {
            pm100[i] = rng.nextDouble() < 0.5 ? -100 : 100;
            bits[i] = rng.nextDouble() < 0.5 ? 0 : 1;
            perfect[i] = bits[i] == 1 ? 100 : -100;
            same[i] = (float) Sigmoid.of((double) x[i]);
        }
        cases.put("logits ±100, random targets", new float[][]{pm100, uniform(rng, n)});
        cases.put("all-zero mask", new float[][]{x, new float[n]});
        cases.put("all-one mask", new float[][]{x, filled(n, 1)});
        cases.put("logits ±100, all-zero mask", new float[][]{pm100, new float[n]});
        cases.put("logits ±100, all-one mask", new float[][]{pm100, filled(n, 1)});
        cases.put("perfect ±100 prediction of a binary mask", new float[][]{perfect, bits});
        cases.put("logits +100 everywhere, target 1 (BerHu c = 0)", new float[][]{filled(n, 100), filled(n, 1)});
        // σ(−103) is a subnormal float: BerHu's c = 0.2·max d rounds to 0 in float while d > 0
        cases.put("logits −103 everywhere, all-zero mask (BerHu c below the smallest float)", new float[][]{filled(n, -103), new float[n]});
        cases.put("identical images (target = σ(pred))", new float[][]{x, same});
        cases.put("constant images", new float[][]{filled(n, 0.3f), filled(n, 0.6f)});
        return cases;
    }

    public static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
