package jgrad.losses;

/**
 * Root mean squared error on p = σ(x), one value per batch: L = sqrt(S/n + 1e-6) with
 * S = Σ(p − t)². ∂L/∂x_i = (p_i − t_i)·σ'(x_i)/(n·L); the 1e-6 keeps L ≥ 1e-3, so the gradient
 * is finite when prediction equals target.
 *
 * <p>Fast path: two passes (20 B/element): block sums of S, then the gradient.
 */
public final class Rmse implements Loss {
    static final double EPS = 1e-6;

    @Override
    public String name() {
        return "rmse";
    }

    @Override
    public int bytesPerElement() {
        return 20;
    }

    @Override
    public Reference reference(double[] pred, double[] target, int[] shape) {
        check(pred.length, target.length, shape);
        int n = pred.length;
        double s = 0;
        for (int i = 0; i < n; i++) {
            double d = Sigmoid.of(pred[i]) - target[i];
            s += d * d;
        }
        double l = Math.sqrt(s / n + EPS);
        double[] g = new double[n];
        for (int i = 0; i < n; i++) g[i] = (Sigmoid.of(pred[i]) - target[i]) * Sigmoid.derivative(pred[i]) / (n * l);
        return new Reference(l, g);
    }

    @Override
    public double forwardBackward(float[] pred, float[] target, int[] shape, float[] grad, float weight, boolean accumulate) {
        check(pred, target, shape, grad);
        int n = pred.length;
        Blocks blocks = new Blocks(1, n);
        double[] partial = new double[blocks.count];
        blocks.run((b, grp, from, to) -> partial[b] = Kernels.squaredError(pred, target, from, to));
        double l = Math.sqrt(blocks.reduce(partial, 1)[0] / n + EPS);
        float k = (float) (weight / (n * l));
        blocks.run((b, grp, from, to) -> Kernels.scaledErrorGrad(pred, target, grad, from, to, k, accumulate));
        return l;
    }
}
