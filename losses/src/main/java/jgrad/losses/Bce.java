package jgrad.losses;

/**
 * Binary cross-entropy on logits, mean over all elements:
 * L = (1/n) Σ max(x,0) − x·t + log(1 + e^−|x|), the overflow-free form of
 * −t·log σ(x) − (1−t)·log σ(−x). Derivative: ∂L/∂x = (σ(x) − t)/n.
 *
 * <p>Fast path: one pass, reading x and t and writing the gradient (12 B/element).
 */
public final class Bce implements Loss {
    @Override
    public String name() {
        return "bce";
    }

    @Override
    public Reference reference(double[] pred, double[] target, int[] shape) {
        check(pred.length, target.length, shape);
        int n = pred.length;
        double s = 0;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            double x = pred[i], t = target[i];
            s += Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
            g[i] = (Sigmoid.of(x) - t) / n;
        }
        return new Reference(s / n, g);
    }

    @Override
    public double forwardBackward(float[] pred, float[] target, int[] shape, float[] grad, float weight, boolean accumulate) {
        check(pred, target, shape, grad);
        int n = pred.length;
        Blocks blocks = new Blocks(1, n);
        double[] partial = new double[blocks.count];
        float scale = weight / n;
        blocks.run((b, grp, from, to) -> partial[b] = Kernels.bce(pred, target, grad, from, to, scale, accumulate));
        return blocks.reduce(partial, 1)[0] / n;
    }
}
