package jgrad.core;

/**
 * The elementwise primitives of two inputs (broadcast against each other). Each carries its value
 * and its two partial derivatives, written in terms of the inputs a, b and the output y.
 * Comparisons return 1 or 0 and have no gradient.
 */
public enum BinaryOp {
    ADD {
        public double apply(double a, double b) { return a + b; }
        public double da(double a, double b, double y) { return 1; }
        public double db(double a, double b, double y) { return 1; }
    },
    SUB {
        public double apply(double a, double b) { return a - b; }
        public double da(double a, double b, double y) { return 1; }
        public double db(double a, double b, double y) { return -1; }
    },
    MUL {
        public double apply(double a, double b) { return a * b; }
        public double da(double a, double b, double y) { return b; }
        public double db(double a, double b, double y) { return a; }
    },
    DIV {
        public double apply(double a, double b) { return a / b; }
        public double da(double a, double b, double y) { return 1 / b; }
        public double db(double a, double b, double y) { return -a / (b * b); }
    },
    POW {
        public double apply(double a, double b) { return Math.pow(a, b); }
        /** b·a^(b−1); written with pow so that a = 0 with b ≥ 1 gives a finite value. */
        public double da(double a, double b, double y) { return b == 0 ? 0 : b * Math.pow(a, b - 1); }
        /**
         * a^b·ln a; taken as 0 where a = 0 (the limit for b > 0, and PyTorch's value for b ≥ 0; for
         * b < 0, where a^b itself is infinite, PyTorch gives −∞).
         */
        public double db(double a, double b, double y) { return a == 0 ? 0 : y * Math.log(a); }
    },
    MAXIMUM {
        public double apply(double a, double b) { return Math.max(a, b); }
        /**
         * Ties share the gradient equally, as PyTorch. A NaN operand gives both partials 0 (as the
         * device kernels), where torch gives both the whole gradient; the same holds for MINIMUM.
         */
        public double da(double a, double b, double y) { return a > b ? 1 : a == b ? 0.5 : 0; }
        public double db(double a, double b, double y) { return b > a ? 1 : a == b ? 0.5 : 0; }
    },
    MINIMUM {
        public double apply(double a, double b) { return Math.min(a, b); }
        public double da(double a, double b, double y) { return a < b ? 1 : a == b ? 0.5 : 0; }
        public double db(double a, double b, double y) { return b < a ? 1 : a == b ? 0.5 : 0; }
    },
    EQ { public double apply(double a, double b) { return a == b ? 1 : 0; } },
    NE { public double apply(double a, double b) { return a != b ? 1 : 0; } },
    LT { public double apply(double a, double b) { return a < b ? 1 : 0; } },
    LE { public double apply(double a, double b) { return a <= b ? 1 : 0; } },
    GT { public double apply(double a, double b) { return a > b ? 1 : 0; } },
    GE { public double apply(double a, double b) { return a >= b ? 1 : 0; } };

    /** y = a ∘ b. */
    public abstract double apply(double a, double b);

    /** ∂y/∂a. */
    public double da(double a, double b, double y) {
        throw new UnsupportedOperationException(opName() + " has no gradient");
    }

    /** ∂y/∂b. */
    public double db(double a, double b, double y) {
        throw new UnsupportedOperationException(opName() + " has no gradient");
    }

    /** Comparisons produce 0/1 masks and stop gradients. */
    public boolean differentiable() {
        return ordinal() < EQ.ordinal();
    }

    public String opName() {
        return name().toLowerCase();
    }
}
