package jgrad.core;

import jgrad.core.cpu.Parallel;

/**
 * Batch normalisation per channel of an N×C×… input (N×C, N×C×L, N×C×H×W, …), as
 * {@code F.batch_norm}.
 *
 * <p>Per channel c, over the M = N·(spatial size) values:
 * <pre>
 *   training: μ = Σx/M,  σ² = Σ(x − μ)²/M (biased),  running ← (1 − m)·running + m·(μ, σ²·M/(M − 1))
 *   eval:     μ, σ² = the running statistics
 *   x̂ = (x − μ)/√(σ² + ε),   y = γ·x̂ + β   (γ = 1, β = 0 when not given)
 * </pre>
 * Derivative (training, statistics depend on x), with g = ∂L/∂y:
 * <pre>
 *   ∂β = Σg,   ∂γ = Σg·x̂,   ∂x = γ/√(σ² + ε) · (g − Σg/M − x̂·Σ(g·x̂)/M)
 * </pre>
 * In eval the statistics are constants and ∂x = γ·g/√(σ² + ε). The running statistics are never
 * differentiated.
 *
 * <p>Data flow: the input is packed once and viewed as N·C planes of S contiguous values. Forward
 * makes three passes split across threads by plane: per-plane sums (→ μ), per-plane squared
 * deviations from μ (→ σ², two-pass for accuracy), then y = a·x + b with per-channel a, b. The
 * backward makes two: per-plane Σg and Σg·x̂, then ∂x. Sums are accumulated in double.
 */
final class BatchNorm {
    private BatchNorm() {}

    static Tensor forward(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                          boolean training, double momentum, double eps) {
        int r = x.rank();
        if (r < 2) {
            throw new IllegalArgumentException("batchNorm: expected an N×C or N×C×… input, got shape " + Shape.str(x.shape));
        }
        int n = x.shape[0], c = x.shape[1];
        int spatial = 1;
        for (int i = 2; i < r; i++) spatial *= x.shape[i];
        int s = spatial;
        checkChannelVector("running mean", runningMean, c, x);
        checkChannelVector("running var", runningVar, c, x);
        checkChannelVector("weight", weight, c, x);
        checkChannelVector("bias", bias, c, x);
        if (!(eps >= 0)) throw new IllegalArgumentException("batchNorm: eps must be zero or positive, got " + eps);
        if (!training && (runningMean == null || runningVar == null)) {
            throw new IllegalArgumentException("batchNorm: eval mode needs running mean and variance (input " + Shape.str(x.shape) + ")");
        }
        long m = (long) n * s;
        if (training && m <= 1) {
            throw new IllegalArgumentException("batchNorm: training needs more than one value per channel, input " + Shape.str(x.shape));
        }
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batchNorm: give both running mean and running var, or neither (input " + Shape.str(x.shape) + ")");
        }

        checkDevice("running mean", runningMean, x);
        checkDevice("running var", runningVar, x);
        checkDevice("weight", weight, x);
        checkDevice("bias", bias, x);

        if (!x.isCpu()) return onDevice(x, runningMean, runningVar, weight, bias, training, momentum, eps, c);
        Tensor xc = x.detach().contiguous();
        float[] xd = xc.data;
        int xo = xc.offset, planes = n * c;
        int grain = Math.max(1, Elementwise.GRAIN / Math.max(1, s));
        double[] mean = new double[c], invStd = new double[c];
        if (training) {
            double[] part = new double[planes];
            Parallel.range(planes, grain, (from, to) -> {
                for (int p = from; p < to; p++) part[p] = sum(xd, xo + p * s, s);
            });
            for (int ch = 0; ch < c; ch++) {
                double t = 0;
                for (int b = 0; b < n; b++) t += part[b * c + ch];
                mean[ch] = t / m;
            }
            Parallel.range(planes, grain, (from, to) -> {
                for (int p = from; p < to; p++) part[p] = squaredDeviation(xd, xo + p * s, s, mean[p % c]);
            });
            for (int ch = 0; ch < c; ch++) {
                double t = 0;
                for (int b = 0; b < n; b++) t += part[b * c + ch];
                double var = t / m;
                invStd[ch] = 1 / Math.sqrt(var + eps);
                if (runningMean != null) {
                    float rm = read(runningMean, ch), rv = read(runningVar, ch);
                    write(runningMean, ch, (float) ((1 - momentum) * rm + momentum * mean[ch]));
                    write(runningVar, ch, (float) ((1 - momentum) * rv + momentum * (t / (m - 1))));
                }
            }
            if (runningMean != null) {
                runningMean.markModified();
                runningVar.markModified();
            }
        } else {
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = read(runningMean, ch);
                invStd[ch] = 1 / Math.sqrt(read(runningVar, ch) + eps);
            }
        }

        // y = a·(x − μ) + β per channel; subtracting μ first keeps a large mean from cancelling in float
        float[] a = new float[c], b = new float[c], mu = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double gamma = weight == null ? 1 : read(weight, ch);
            a[ch] = (float) (gamma * invStd[ch]);
            b[ch] = bias == null ? 0f : read(bias, ch);
            mu[ch] = (float) mean[ch];
        }
        Tensor y = Tensor.zeros(x.shape);
        float[] yd = y.data;
        Parallel.range(planes, grain, (from, to) -> {
            for (int p = from; p < to; p++) {
                float ap = a[p % c], bp = b[p % c], mp = mu[p % c];
                int xi = xo + p * s, yi = p * s;
                for (int i = 0; i < s; i++) yd[yi + i] = ap * (xd[xi + i] - mp) + bp;
            }
        });

        int[] wShape = weight == null ? null : weight.shape, bShape = bias == null ? null : bias.shape;
        return Autograd.record("batchNorm", y, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.data;
            int go = gc.offset;
            double[] sg = new double[planes], sgx = new double[planes];
            Parallel.range(planes, grain, (from, to) -> {
                for (int p = from; p < to; p++) {
                    int ch = p % c;
                    double mean0 = mean[ch], t = 0, tx = 0;
                    int xi = xo + p * s, gi = go + p * s;
                    for (int i = 0; i < s; i++) {
                        double gv = gd[gi + i];
                        t += gv;
                        tx += gv * (xd[xi + i] - mean0);
                    }
                    sg[p] = t;
                    sgx[p] = tx * invStd[ch]; // Σ g·x̂
                }
            });
            double[] sumG = new double[c], sumGx = new double[c];
            for (int p = 0; p < planes; p++) {
                sumG[p % c] += sg[p];
                sumGx[p % c] += sgx[p];
            }
            Tensor dx = null;
            if (x.requiresGrad) {
                dx = Tensor.zeros(x.shape);
                float[] dd = dx.data;
                // ∂x = k·g + u·(x − μ) + v per channel, k = γ/√(σ²+ε); in training
                // u = −k·Σ(g·x̂)/(M·√(σ²+ε)) and v = −k·Σg/M carry the statistics' dependence on x
                float[] k = new float[c], u = new float[c], v = new float[c];
                for (int ch = 0; ch < c; ch++) {
                    double gamma = weight == null ? 1 : read(weight, ch);
                    double kk = gamma * invStd[ch];
                    k[ch] = (float) kk;
                    if (training) {
                        u[ch] = (float) (-kk * invStd[ch] * sumGx[ch] / m);
                        v[ch] = (float) (-kk * sumG[ch] / m);
                    }
                }
                Parallel.range(planes, grain, (from, to) -> {
                    for (int p = from; p < to; p++) {
                        int ch = p % c;
                        float kp = k[ch], up = u[ch], vp = v[ch], mp = mu[ch];
                        int xi = xo + p * s, gi = go + p * s, di = p * s;
                        for (int i = 0; i < s; i++) dd[di + i] = kp * gd[gi + i] + up * (xd[xi + i] - mp) + vp;
                    }
                });
            }
            Tensor dw = null, db = null;
            if (weight != null && weight.requiresGrad) {
                dw = Tensor.zeros(c);
                for (int ch = 0; ch < c; ch++) dw.data[ch] = (float) sumGx[ch];
                dw = dw.reshape(wShape);
            }
            if (bias != null && bias.requiresGrad) {
                db = Tensor.zeros(c);
                for (int ch = 0; ch < c; ch++) db.data[ch] = (float) sumG[ch];
                db = db.reshape(bShape);
            }
            return new Tensor[]{dx, dw, db};
        }, x, weight, bias);
    }

    /** The same op through the device backend; statistics stay on the device. */
    private static Tensor onDevice(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps, int c) {
        Tensor[] t = Elementwise.sameDevice("batchNorm", x, runningMean, runningVar, weight, bias);
        Device dev = x.device();
        if ((runningMean != null && !runningMean.isContiguous()) || (runningVar != null && !runningVar.isContiguous())) {
            throw new IllegalArgumentException("batchNorm: running statistics must be contiguous (they are updated in place on " + dev + ")");
        }
        Tensor xc = x.detach().contiguous();
        Tensor w = weight == null ? Tensor.full(dev, 1f, c) : t[3].detach().contiguous();
        Tensor b = bias == null ? Tensor.zeros(dev, c) : t[4].detach().contiguous();
        Tensor y = Tensor.empty(dev, x.shape);
        Tensor saveMean = Tensor.empty(dev, c), saveInvStd = Tensor.empty(dev, c);
        x.backend().batchNorm(xc, runningMean, runningVar, w, b, training, momentum, eps, y, saveMean, saveInvStd);
        if (training && runningMean != null) {
            runningMean.markModified();
            runningVar.markModified();
        }
        return Autograd.record("batchNorm", y, g -> {
            Tensor dx = x.requiresGrad ? Tensor.empty(dev, x.shape) : null;
            Tensor dw = Tensor.empty(dev, c), db = Tensor.empty(dev, c);
            x.backend().batchNormBackward(xc, g.contiguous(), w, saveMean, saveInvStd, training, eps, dx, dw, db);
            return new Tensor[]{dx,
                    weight != null && weight.requiresGrad ? dw.reshape(weight.shape) : null,
                    bias != null && bias.requiresGrad ? db.reshape(bias.shape) : null};
        }, x, weight, bias);
    }

    private static void checkChannelVector(String what, Tensor t, int c, Tensor x) {
        if (t != null && (t.rank() != 1 || t.shape[0] != c)) {
            throw new IllegalArgumentException("batchNorm: " + what + " has shape " + Shape.str(t.shape) + " but input "
                    + Shape.str(x.shape) + " has " + c + " channels");
        }
    }

    private static void checkDevice(String what, Tensor t, Tensor x) {
        if (t != null && !t.device().equals(x.device())) {
            throw new IllegalArgumentException("batchNorm: " + what + " is on " + t.device() + " but the input "
                    + Shape.str(x.shape) + " is on " + x.device() + "; move them to one device with to()");
        }
    }

    private static float read(Tensor t, int i) {
        return t.data[t.offset + i * t.strides[0]];
    }

    private static void write(Tensor t, int i, float v) {
        t.data[t.offset + i * t.strides[0]] = v;
    }

    /** Σ x[o..o+n) in double, four chains to hide the add latency. */
    static double sum(float[] x, int o, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[o + i];
            s1 += x[o + i + 1];
            s2 += x[o + i + 2];
            s3 += x[o + i + 3];
        }
        for (; i < n; i++) s0 += x[o + i];
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ (x − mu)² over x[o..o+n) in double. */
    static double squaredDeviation(float[] x, int o, int n, double mu) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double d0 = x[o + i] - mu, d1 = x[o + i + 1] - mu, d2 = x[o + i + 2] - mu, d3 = x[o + i + 3] - mu;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < n; i++) {
            double d = x[o + i] - mu;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
