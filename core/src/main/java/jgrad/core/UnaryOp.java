package jgrad.core;

/**
 * The elementwise primitives of one input. Each carries its value and, right beside it, its one
 * derivative dy/dx written in terms of the input x and the output y (whichever is cheaper).
 * Composite ops built from these get their gradients for free.
 */
public enum UnaryOp {
    NEG {
        public double apply(double x) { return -x; }
        public double derivative(double x, double y) { return -1; }
    },
    EXP {
        public double apply(double x) { return Math.exp(x); }
        public double derivative(double x, double y) { return y; }
    },
    LOG {
        public double apply(double x) { return Math.log(x); }
        public double derivative(double x, double y) { return 1 / x; }
    },
    LOG1P {
        public double apply(double x) { return Math.log1p(x); }
        public double derivative(double x, double y) { return 1 / (1 + x); }
    },
    SQRT {
        public double apply(double x) { return Math.sqrt(x); }
        public double derivative(double x, double y) { return 0.5 / y; }
    },
    ABS {
        public double apply(double x) { return Math.abs(x); }
        /**
         * sign(x), as PyTorch's grad·sgn(x): 0 at ±0 and at NaN (torch.sign(NaN) = 0), which is
         * also what the vector path and the device kernels compute.
         */
        public double derivative(double x, double y) { return x > 0 ? 1 : x < 0 ? -1 : 0; }
    },
    SIGMOID {
        /** Written so that neither branch overflows: exp of a non-positive number only. */
        public double apply(double x) {
            if (x >= 0) return 1 / (1 + Math.exp(-x));
            double e = Math.exp(x);
            return e / (1 + e);
        }
        public double derivative(double x, double y) { return y * (1 - y); }
    },
    TANH {
        public double apply(double x) { return Math.tanh(x); }
        public double derivative(double x, double y) { return 1 - y * y; }
    },
    RELU {
        /** NaN stays NaN, as PyTorch (and the vector path's max). */
        public double apply(double x) { return x <= 0 ? 0 : x; }
        /**
         * 0 at x = 0, as PyTorch. Also 0 at NaN (as the device kernels), where torch's
         * threshold_backward passes g.
         */
        public double derivative(double x, double y) { return x > 0 ? 1 : 0; }
    };

    /** y = f(x). */
    public abstract double apply(double x);

    /** dy/dx at x, where y = f(x). */
    public abstract double derivative(double x, double y);

    /** Lower-case name used in error messages and graph dumps. */
    public String opName() {
        return name().toLowerCase();
    }
}
