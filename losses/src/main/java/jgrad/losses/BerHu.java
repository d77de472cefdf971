package jgrad.losses;

/**
 * Reverse Huber (BerHu, Laina et al. 2016) on p = σ(x): with d = |p − t| and
 * c = 0.2·max d over the batch, each element costs d if d ≤ c, else (d² + c²)/(2c); L is the
 * mean. c is treated as a constant in the gradient (as in the paper's implementations), so
 * ∂L/∂x_i = s_i·σ'(x_i)/n with s_i = sign(p_i − t_i) for d_i ≤ c and (p_i − t_i)/c above it; the
 * two pieces meet with equal value and slope at d = c.
 *
 * <p>c = 0 happens only when prediction equals target everywhere: then every d = 0 ≤ c, the value
 * is 0 and the gradient is 0 (sign(0) = 0), with no division. The fast path keeps c in float: a
 * positive c below the smallest float (every |σ(x) − t| under about 4e-45, e.g. logits near −103
 * against a zero mask) is raised to {@link Float#MIN_VALUE} rather than rounded to 0, so the
 * kernels never divide by a zero c while some d is positive.
 *
 * <p>Fast path: two passes (20 B/element): block maxima of d, then value and gradient.
 */
public final class BerHu implements Loss {
    static final double FRACTION = 0.2;
    /** NaN: c is computed from the batch; otherwise a fixed c (see {@link #frozenAt}). */
    private final double fixedC;

    public BerHu() {
        this(Double.NaN);
    }

    private BerHu(double fixedC) {
        this.fixedC = fixedC;
    }

    @Override
    public String name() {
        return "berhu";
    }

    @Override
    public int bytesPerElement() {
        return 20;
    }

    @Override
    public Loss frozenAt(double[] pred, double[] target, int[] shape) {
        return new BerHu(threshold(pred, target));
    }

    private static double threshold(double[] pred, double[] target) {
        double m = 0;
        for (int i = 0; i < pred.length; i++) m = Math.max(m, Math.abs(Sigmoid.of(pred[i]) - target[i]));
        return FRACTION * m;
    }

    @Override
    public Reference reference(double[] pred, double[] target, int[] shape) {
        check(pred.length, target.length, shape);
        int n = pred.length;
        double c = Double.isNaN(fixedC) ? threshold(pred, target) : fixedC;
        double s = 0;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            double diff = Sigmoid.of(pred[i]) - target[i], d = Math.abs(diff);
            double slope;
            if (d <= c) {
                s += d;
                slope = Math.signum(diff);
            } else {
                s += (d * d + c * c) / (2 * c);
                slope = diff / c;
            }
            g[i] = slope * Sigmoid.derivative(pred[i]) / n;
        }
        return new Reference(s / n, g);
    }

    /** c as a float, never rounded from positive to 0. */
    static float toFloat(double c) {
        float f = (float) c;
        return c > 0 && f == 0 ? Float.MIN_VALUE : f;
    }

    @Override
    public double forwardBackward(float[] pred, float[] target, int[] shape, float[] grad, float weight, boolean accumulate) {
        check(pred, target, shape, grad);
        int n = pred.length;
        Blocks blocks = new Blocks(1, n);
        float c;
        if (Double.isNaN(fixedC)) {
            float[] max = new float[blocks.count];
            blocks.run((b, grp, from, to) -> max[b] = Kernels.maxAbsError(pred, target, from, to));
            float m = 0;
            for (float v : max) m = Math.max(m, v);
            c = toFloat(FRACTION * m);
        } else {
            c = toFloat(fixedC);
        }
        double[] partial = new double[blocks.count];
        float scale = weight / n;
        blocks.run((b, grp, from, to) -> partial[b] = Kernels.berhu(pred, target, grad, from, to, c, scale, accumulate));
        return blocks.reduce(partial, 1)[0] / n;
    }
}
