package jgrad.nn.train;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.Dropout;
import jgrad.nn.Module;
import jgrad.nn.metrics.Metric;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Small models, data and metrics for the trainer tests (elementwise ops only, so they run in milliseconds). */
final class Toy {
    private Toy() {}

    /** y = dropout(w·x) + b with scalar w and b broadcast over every element (no dropout when p = 0). */
    static final class Affine extends Module {
        final Tensor w, b;
        final Dropout drop;

        Affine(float w0) {
            this(w0, 0);
        }

        Affine(float w0, double p) {
            w = registerParameter("w", Tensor.of(new float[]{w0}, 1));
            b = registerParameter("b", Tensor.zeros(1));
            drop = p > 0 ? registerModule("drop", new Dropout(p)) : null;
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor y = x.mul(w);
            return (drop == null ? y : drop.call(y)).add(b);
        }
    }

    /** Two inputs (a, b) → two outputs (depth = a·w1 + b·w2, mask = (a − b)·w3 + c), like the joint model's signature. */
    static final class TwoHeads extends Module {
        final Tensor w1 = registerParameter("w1", Tensor.of(new float[]{0.1f}, 1));
        final Tensor w2 = registerParameter("w2", Tensor.of(new float[]{0.1f}, 1));
        final Tensor w3 = registerParameter("w3", Tensor.of(new float[]{0.1f}, 1));
        final Tensor c = registerParameter("c", Tensor.zeros(1));

        @Override
        protected Tensor[] forward(Tensor[] in) {
            return new Tensor[]{in[0].mul(w1).add(in[1].mul(w2)), in[0].sub(in[1]).mul(w3).add(c)};
        }
    }

    /** n samples of shape [4] with x uniform in [−1, 1) and y = 2x − 1, fixed by seed. */
    static float[][] regression(int n, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[n * 4], y = new float[n * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 2 - 1;
            y[i] = 2 * x[i] - 1;
        }
        return new float[][]{x, y};
    }

    /**
     * Batches of the given size over (x, y) rows of width 4, reshuffled every epoch from
     * {@link Rng#global()} when shuffle is on (so the order depends on the saved generator state).
     */
    static DataSource loader(float[][] xy, int batchSize, boolean shuffle) {
        int n = xy[0].length / 4;
        return new DataSource() {
            @Override
            public Iterator<Batch> iterator() {
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) idx[i] = i;
                if (shuffle) {
                    for (int i = n - 1; i > 0; i--) {
                        int j = Rng.global().nextInt(i + 1);
                        int t = idx[i];
                        idx[i] = idx[j];
                        idx[j] = t;
                    }
                }
                List<Batch> out = new ArrayList<>();
                for (int s = 0; s < n; s += batchSize) {
                    int m = Math.min(batchSize, n - s);
                    float[] bx = new float[m * 4], by = new float[m * 4];
                    for (int k = 0; k < m; k++) {
                        System.arraycopy(xy[0], idx[s + k] * 4, bx, k * 4, 4);
                        System.arraycopy(xy[1], idx[s + k] * 4, by, k * 4, 4);
                    }
                    out.add(Batch.of(Tensor.of(bx, m, 4), Tensor.of(by, m, 4)));
                }
                return out.iterator();
            }

            @Override
            public int batchCount() {
                return (n + batchSize - 1) / batchSize;
            }
        };
    }

    static final LossFunction MSE = LossFunction.single((o, t) -> o.sub(t).square().mean());

    /** A metric whose epoch value follows a script: the k-th epoch (k-th reset) reports values[k−1]. */
    static final class Scripted implements Metric {
        final String name;
        final double[] values;
        final boolean higher;
        int epoch = -1;
        boolean seen;

        Scripted(String name, boolean higher, double... values) {
            this.name = name;
            this.values = values;
            this.higher = higher;
        }

        @Override public String name() { return name; }
        @Override public void reset() { epoch++; seen = false; }
        @Override public void update(Tensor output, Tensor target) { seen = true; }
        @Override public double value() { return seen ? values[Math.min(epoch, values.length - 1)] : Double.NaN; }
        @Override public boolean higherIsBetter() { return higher; }
        @Override public Metric fresh() { return new Scripted(name, higher, values); }
    }
}
