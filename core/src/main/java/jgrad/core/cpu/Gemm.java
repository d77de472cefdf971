package jgrad.core.cpu;

/**
 * Single-precision matrix multiply, C = α·op(A)·op(B) + β·C, as BLAS {@code sgemm} in row-major
 * storage, plus a packed-panel entry point that lets callers (convolution) feed operands that are
 * not stored as matrices at all.
 *
 * <h2>Data flow</h2>
 * The classic Goto/BLIS blocking. For each block of {@link #NC} columns of C and each block of
 * at most {@link #KC} steps of the inner dimension, the KC×NC block of B is packed into panels
 * of {@link #NR} columns, laid out k-major (NR consecutive floats per k, zero-padded at the right
 * edge). Then for each block of {@link #MC} rows of A, the MC×KC block is packed into panels of
 * {@link #MR} rows, also k-major. The microkernel multiplies one MR-row panel of A by one
 * NR-column panel of B, holding the MR×NR tile of C in registers over all kc steps, and adds it
 * to C once. The B panel (kc·NR floats) stays in L1, the A block in L2, the B block in L3.
 * Packing copies each element of B once and each element of A once per block of NC columns; in
 * the microkernel each loaded B vector feeds MR FMAs and each broadcast A value 2, so large
 * products are bound by the FMA units.
 *
 * <h2>Operands</h2>
 * An operand is a {@link Source}: something that can pack a block of rows of a matrix into the
 * panel layout. A is packed as the M×K matrix itself; B is packed through its transpose (the N×K
 * matrix Bᵀ), so one panel format serves both. {@link Strided} covers any matrix stored with a
 * row stride and a column stride (so transposes are free); convolutions supply im2col sources.
 *
 * <h2>Kernels</h2>
 * With the Vector API the microkernel is {@link VectorGemm} (8 rows × two 16-float vectors on
 * AVX-512: 16 accumulators); otherwise a scalar loop over the same packed panels. Accumulation
 * is in float over at most KC terms per block, then added to C.
 *
 * <h2>Helpers for implicit operands</h2>
 * {@link #gatherPanel} packs a panel whose rows are slices of one array (shifted-image im2col).
 *
 * <h2>Threads</h2>
 * {@link #sgemm} splits a large product into row blocks (or column blocks when N is wider) across
 * {@link Parallel#THREADS}; {@link #gemmSerial} runs on the calling thread. Packing buffers are
 * per-thread and reused between calls.
 */
public final class Gemm {
    /** Rows of the register tile. */
    public static final int MR = 8;
    /** Columns of the register tile: two vectors on the vector path. */
    public static final int NR = Simd.VECTOR ? VectorGemm.NR : 32;
    /** Largest block of the inner dimension packed at once. */
    static final int KC = 256;
    /** Rows of A packed per block (a multiple of MR). */
    static final int MC = 128;
    /** Columns of B packed per block (a multiple of NR). */
    static final int NC = 3072;
    /** Below this many multiply-adds a product runs on one thread. */
    static final long PARALLEL_MIN = 1L << 20;

    /**
     * An operand of a product: a matrix of some rows × some columns, the columns running along
     * the inner dimension (A itself, or the transpose of B). {@link #pack} writes rows [r0, r0+rows) and columns
     * [k0, k0+kc) as {@code dst[dOff + k·width + r]} for r &lt; width, with zeros where r ≥ rows.
     */
    public interface Source {
        void pack(float[] dst, int dOff, int r0, int rows, int width, int k0, int kc);
    }

    /** A matrix element (i, j) at {@code data[offset + i·rowStride + j·colStride]}, optionally scaled. */
    public record Strided(float[] data, int offset, int rowStride, int colStride, float scale) implements Source {
        public Strided(float[] data, int offset, int rowStride, int colStride) {
            this(data, offset, rowStride, colStride, 1f);
        }

        /** The transpose of this matrix (the same storage). */
        public Strided t() {
            return new Strided(data, offset, colStride, rowStride, scale);
        }

        @Override
        public void pack(float[] dst, int dOff, int r0, int rows, int width, int k0, int kc) {
            int base = offset + r0 * rowStride + k0 * colStride;
            if (colStride == 1) {
                // rows are contiguous: read each row once, scatter with stride width
                for (int r = 0; r < rows; r++) {
                    int src = base + r * rowStride;
                    int d = dOff + r;
                    if (scale == 1f) {
                        for (int k = 0; k < kc; k++, d += width) dst[d] = data[src + k];
                    } else {
                        for (int k = 0; k < kc; k++, d += width) dst[d] = scale * data[src + k];
                    }
                }
            } else if (rowStride == 1) {
                // columns are contiguous: each k gives a run of `rows` consecutive floats
                for (int k = 0; k < kc; k++) {
                    int src = base + k * colStride;
                    int d = dOff + k * width;
                    if (scale == 1f) {
                        System.arraycopy(data, src, dst, d, rows);
                    } else {
                        for (int r = 0; r < rows; r++) dst[d + r] = scale * data[src + r];
                    }
                }
            } else {
                for (int k = 0; k < kc; k++) {
                    int d = dOff + k * width;
                    for (int r = 0; r < rows; r++) dst[d + r] = scale * data[base + r * rowStride + k * colStride];
                }
            }
            if (rows < width) {
                for (int k = 0; k < kc; k++) {
                    int d = dOff + k * width;
                    for (int r = rows; r < width; r++) dst[d + r] = 0f;
                }
            }
        }
    }

    private static final class Buffers {
        float[] a = new float[MC * KC];
        float[] b = new float[KC * NC];
        float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private Gemm() {}

    /**
     * Row-major BLAS sgemm: C = α·op(A)·op(B) + β·C with op(A) M×K, op(B) K×N, C M×N.
     * Without transposes A is stored M×K with leading dimension lda (row stride), B K×N with ldb;
     * with a transpose the stored matrix is the transposed one. Uses all threads when large.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        checkDims("sgemm", m, n, k);
        checkMatrix("A", transA ? k : m, transA ? m : k, a, aOff, lda, m, n, k);
        checkMatrix("B", transB ? n : k, transB ? k : n, b, bOff, ldb, m, n, k);
        checkMatrix("C", m, n, c, cOff, ldc, m, n, k);
        Strided sa = transA ? new Strided(a, aOff, 1, lda, alpha) : new Strided(a, aOff, lda, 1, alpha);
        Strided sb = transB ? new Strided(b, bOff, 1, ldb) : new Strided(b, bOff, ldb, 1);
        gemm(m, n, k, sa, sb.t(), beta, c, cOff, ldc, true);
    }

    /**
     * C = A·B + β·C for packable operands: a is the M×K matrix A, bT the N×K matrix Bᵀ. C is
     * row-major at cOff with row stride ldc. With {@code parallel} the product is split across
     * threads when it is large enough.
     */
    public static void gemm(int m, int n, int k, Source a, Source bT, float beta, float[] c, int cOff, int ldc,
                            boolean parallel) {
        checkDims("gemm", m, n, k);
        if (m == 0 || n == 0) return;
        long work = (long) m * n * k;
        if (!parallel || Parallel.THREADS == 1 || work < PARALLEL_MIN) {
            gemmSerial(m, n, k, a, bT, beta, c, cOff, ldc);
            return;
        }
        int threads = Parallel.THREADS;
        if (m / MR >= n / NR) {
            int tiles = (m + MR - 1) / MR;
            if (tiles < 2) {
                gemmSerial(m, n, k, a, bT, beta, c, cOff, ldc);
                return;
            }
            Parallel.range(tiles, Math.max(1, tiles / threads), (from, to) -> {
                int r0 = from * MR, r1 = Math.min(m, to * MR);
                gemmSerial(r1 - r0, n, k, shiftRows(a, r0), bT, beta, c, cOff + r0 * ldc, ldc);
            });
        } else {
            int tiles = (n + NR - 1) / NR;
            Parallel.range(tiles, Math.max(1, tiles / threads), (from, to) -> {
                int c0 = from * NR, c1 = Math.min(n, to * NR);
                gemmSerial(m, c1 - c0, k, a, shiftRows(bT, c0), beta, c, cOff + c0, ldc);
            });
        }
    }

    private static Source shiftRows(Source s, int by) {
        if (by == 0) return s;
        return (dst, dOff, r0, rows, width, k0, kc) -> s.pack(dst, dOff, r0 + by, rows, width, k0, kc);
    }

    /** A stored rows×cols row-major matrix must have ld ≥ cols and fit in its array. */
    private static void checkMatrix(String name, int rows, int cols, float[] data, int off, int ld, int m, int n, int k) {
        String dims = " (m=" + m + ", n=" + n + ", k=" + k + ")";
        if (data == null) throw new IllegalArgumentException("sgemm: " + name + " is null" + dims);
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: leading dimension of " + name + " is " + ld + " but its stored rows have "
                    + cols + " columns" + dims);
        }
        if (rows == 0 || cols == 0) return;
        long last = off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > data.length) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "×" + cols + ", offset " + off + ", leading dimension "
                    + ld + ") needs " + last + " floats but its array has " + data.length + dims);
        }
    }

    private static void checkDims(String op, int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": negative size m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    /** C = A·B + β·C on the calling thread (see {@link #gemm}). */
    public static void gemmSerial(int m, int n, int k, Source a, Source bT, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0 || (beta != 0f && beta != 1f)) {
            for (int i = 0; i < m; i++) {
                int row = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
            if (k == 0) return;
            beta = 1f;
        }
        Buffers buf = BUFFERS.get();
        // split K into equal blocks of at most KC so no block is a short remainder
        int kBlocks = (k + KC - 1) / KC;
        int kcMax = (k + kBlocks - 1) / kBlocks;
        int ncMax = Math.min(NC, roundUp(n, NR));
        if (buf.b.length < kcMax * ncMax) buf.b = new float[kcMax * ncMax];
        float[] ap = buf.a, bp = buf.b, tile = buf.tile;
        boolean vector = Simd.VECTOR;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                boolean add = pc > 0 || beta != 0f;
                for (int jr = 0; jr < nc; jr += NR) {
                    bT.pack(bp, jr * kc, jc + jr, Math.min(NR, nc - jr), NR, pc, kc);
                }
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    for (int ir = 0; ir < mc; ir += MR) {
                        a.pack(ap, ir * kc, ic + ir, Math.min(MR, mc - ir), MR, pc, kc);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int co = cOff + (ic + ir) * ldc + jc + jr;
                            if (vector && mr == MR && nr == NR) {
                                VectorGemm.kernel(ap, ir * kc, bp, jr * kc, kc, c, co, ldc, add);
                                continue;
                            }
                            // edge tile (or scalar path): the full padded tile aside, then its valid part
                            if (vector) VectorGemm.kernel(ap, ir * kc, bp, jr * kc, kc, tile, 0, NR, false);
                            else scalarKernel(ap, ir * kc, bp, jr * kc, kc, tile);
                            for (int i = 0; i < mr; i++) {
                                int row = co + i * ldc;
                                for (int j = 0; j < nr; j++) {
                                    c[row + j] = add ? c[row + j] + tile[i * NR + j] : tile[i * NR + j];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Plain-Java microkernel over the packed panels: tile (MR×NR, row-major) = A panel · B panel. */
    private static void scalarKernel(float[] ap, int ao, float[] bp, int bo, int kc, float[] tile) {
        java.util.Arrays.fill(tile, 0f);
        for (int p = 0; p < kc; p++) {
            int a = ao + p * MR, b = bo + p * NR;
            for (int i = 0; i < MR; i++) {
                float av = ap[a + i];
                int t = i * NR;
                for (int j = 0; j < NR; j++) tile[t + j] += av * bp[b + j];
            }
        }
    }

    /**
     * Packs a B panel whose rows are slices of one array: dst[dOff + k·width + j] =
     * src[rowOff[k0 + k] + add + j] for j &lt; rows, zero for rows ≤ j &lt; width.
     */
    public static void gatherPanel(float[] src, int[] rowOff, int k0, int kc, int add, int rows, float[] dst, int dOff,
                                   int width) {
        if (Simd.VECTOR && rows == NR && width == NR) {
            VectorGemm.gatherPanel(src, rowOff, k0, kc, add, dst, dOff);
            return;
        }
        for (int k = 0; k < kc; k++) {
            int d = dOff + k * width;
            System.arraycopy(src, rowOff[k0 + k] + add, dst, d, rows);
            for (int r = rows; r < width; r++) dst[d + r] = 0f;
        }
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
