package jgrad.losses;

import java.util.List;

/**
 * L = Σ w_k·L_k(pred, target) over terms sharing one prediction and target (bce + 2·dice, ...).
 * The gradient is Σ w_k·∂L_k/∂pred; the fused path lets each term add its weighted gradient into
 * the same array, so no per-term gradient is allocated. bce plus Dice or Tversky (the seeds'
 * BCEDice and BCETversky) runs as one fused two-pass kernel
 * ({@link OverlapLoss#forwardBackwardWithBce}): 20 B/element instead of 12 + 24 (run one after the
 * other, the second term also reads the gradient it adds to).
 */
public final class WeightedSum implements Loss {
    /** One weighted term. */
    public record Term(double weight, Loss loss) {}

    private final String name;
    private final List<Term> terms;

    public WeightedSum(String name, List<Term> terms) {
        if (terms.isEmpty()) throw new IllegalArgumentException(name + ": a weighted sum needs at least one term");
        for (int k = 0; k < terms.size(); k++) {
            Term t = terms.get(k);
            if (t == null || t.loss() == null) throw new IllegalArgumentException(name + ": term " + k + " has no loss");
            if (!Double.isFinite(t.weight())) {
                throw new IllegalArgumentException(name + ": term " + k + " (" + t.loss().name() + ") has weight " + t.weight()
                        + "; weights must be finite");
            }
        }
        this.name = name;
        this.terms = List.copyOf(terms);
    }

    /** w1·a + w2·b. */
    public static WeightedSum of(String name, double w1, Loss a, double w2, Loss b) {
        return new WeightedSum(name, List.of(new Term(w1, a), new Term(w2, b)));
    }

    public List<Term> terms() {
        return terms;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int minSize() {
        return terms.stream().mapToInt(t -> t.loss().minSize()).max().orElse(1);
    }

    /**
     * The fused bce + Dice/Tversky pair moves what the overlap term alone moves (its two passes).
     * Otherwise the terms run one after another: each moves its own bytes, and every term after
     * the first also reads the gradient it adds to (4 B/element).
     */
    @Override
    public int bytesPerElement() {
        int ib = fusedBce();
        if (ib >= 0) return terms.get(1 - ib).loss().bytesPerElement();
        int bytes = 4 * (terms.size() - 1);
        for (Term t : terms) bytes += t.loss().bytesPerElement();
        return bytes;
    }

    /** The index of the bce term when the sum is bce plus a Dice or Tversky term (run fused), else −1. */
    private int fusedBce() {
        if (terms.size() != 2) return -1;
        int ib = terms.get(0).loss() instanceof Bce ? 0 : terms.get(1).loss() instanceof Bce ? 1 : -1;
        return ib >= 0 && terms.get(1 - ib).loss() instanceof OverlapLoss ? ib : -1;
    }

    @Override
    public Loss frozenAt(double[] pred, double[] target, int[] shape) {
        return new WeightedSum(name, terms.stream().map(t -> new Term(t.weight(), t.loss().frozenAt(pred, target, shape))).toList());
    }

    @Override
    public Reference reference(double[] pred, double[] target, int[] shape) {
        check(pred.length, target.length, shape);
        double v = 0;
        double[] g = new double[pred.length];
        for (Term t : terms) {
            Reference r = t.loss().reference(pred, target, shape);
            v += t.weight() * r.value();
            for (int i = 0; i < g.length; i++) g[i] += t.weight() * r.grad()[i];
        }
        return new Reference(v, g);
    }

    @Override
    public double forwardBackward(float[] pred, float[] target, int[] shape, float[] grad, float weight, boolean accumulate) {
        check(pred, target, shape, grad);
        int ib = fusedBce();
        if (ib >= 0) {
            // bce + overlap loss (Dice, Tversky): one fused two-pass kernel instead of three passes
            OverlapLoss o = (OverlapLoss) terms.get(1 - ib).loss();
            double wb = terms.get(ib).weight(), wo = terms.get(1 - ib).weight();
            double[] v = o.forwardBackwardWithBce(pred, target, shape, grad, (float) (weight * wo), (float) (weight * wb), accumulate);
            return wo * v[0] + wb * v[1];
        }
        double v = 0;
        boolean acc = accumulate;
        for (Term t : terms) {
            v += t.weight() * t.loss().forwardBackward(pred, target, shape, grad, (float) (weight * t.weight()), acc);
            acc = true;
        }
        return v;
    }
}
