package jgrad.core;

import java.util.Arrays;

/**
 * An immutable tensor shape: the size of each dimension, outermost first.
 *
 * <p>Also home to the shape arithmetic the ops share: element counts, contiguous strides,
 * broadcasting and dimension normalisation, each with errors that name the op and the shapes.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    /** A shape with the given sizes; every size must be zero or positive. */
    public static Shape of(int... dims) {
        check("shape", dims);
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int get(int dim) {
        return dims[normalizeDim("Shape.get", dim, dims.length)];
    }

    public int[] toArray() {
        return dims.clone();
    }

    public long numel() {
        return numel(dims);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }

    // ---- shared shape arithmetic -------------------------------------------------------------

    /** Rejects negative sizes and element counts past the int range; names the op. */
    static void check(String op, int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + Arrays.toString(dims));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": shape " + Arrays.toString(dims)
                        + " has more than 2^31-1 elements");
            }
        }
    }

    static int numel(int[] dims) {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    static int[] contiguousStrides(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(dims[i], 1);
        }
        return s;
    }

    /** The broadcast of two shapes (numpy rules), or an error naming the op and both shapes. */
    static int[] broadcast(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Maps a possibly negative dim into [0, rank); names the op when out of range. */
    static int normalizeDim(String op, int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " is out of range for a tensor of rank " + rank);
        }
        return d;
    }

    /**
     * Maps the position of a dim to insert (unsqueeze, stack) into [0, rank], where −1 appends;
     * names the op and the tensor's own rank when out of range.
     */
    static int normalizeInsertDim(String op, int dim, int rank) {
        int d = dim < 0 ? dim + rank + 1 : dim;
        if (d < 0 || d > rank) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " is out of range for inserting a dim into a tensor of rank "
                    + rank + " (expected " + (-rank - 1) + " to " + rank + ")");
        }
        return d;
    }

    static String str(int[] dims) {
        return Arrays.toString(dims);
    }
}
