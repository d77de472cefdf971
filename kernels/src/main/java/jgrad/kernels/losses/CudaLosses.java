package jgrad.kernels.losses;

import jgrad.core.Rng;
import jgrad.kernels.cuda.Cuda;
import jgrad.kernels.cuda.CudaBuffer;
import jgrad.kernels.cuda.DeviceAllocator;
import jgrad.kernels.cuda.Launch;
import jgrad.losses.Bce;
import jgrad.losses.BerHu;
import jgrad.losses.Dice;
import jgrad.losses.GradLoss;
import jgrad.losses.Loss;
import jgrad.losses.Rmse;
import jgrad.losses.Ssim;
import jgrad.losses.Tversky;
import jgrad.losses.WeightedSum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The fused loss kernels of {@code kernels/src/main/cuda/losses} on raw device pointers: each
 * registered loss computes L and writes {@code weight·dL/dpred} (or adds it) in one or two
 * launches (see each {@code .cu} file's header for the math, passes and bytes per element).
 *
 * <p>Each entry of the table below holds the definition its kernels implement (a loss built here
 * with the registry's parameters), its kernel names and a launcher. A loss is supported when its
 * name has an entry and it computes the same reference value and gradient as that definition on a
 * fixed probe input, so a loss of the same name with other parameters (a Tversky with other α, β)
 * is refused rather than run with the wrong constants.
 *
 * <p>Launch geometry depends on the shape only (never on the device), so sums are bitwise
 * repeatable: element-wise losses use 1-D grids of ⌈n/1024⌉ blocks capped at 2048 (grid-stride);
 * the overlap losses split each group (the batch, or one image) over ⌈S/1024⌉ blocks with at most
 * about 2048 blocks in all; SSIM and the gradient loss use 32×32 tiles, grid (across, down,
 * planes) with down and planes capped at 65535 (the kernels loop over their (plane, tile row)
 * pairs). Scratch (per-block partials, the ticket counter, per-group coefficients, SSIM's
 * derivative maps) comes from the allocator, grows when a larger shape needs it, and is
 * reused by later calls: calls are serialised, as they run on the one stream.
 */
public final class CudaLosses implements AutoCloseable {
    static final int THREADS = 256;
    static final int MAX_BLOCKS = 2048;
    static final int TILE = 32;

    /** Arguments of one call: device pointers, shape, weight and accumulate. */
    record Call(long pred, long target, long grad, int[] shape, float weight, boolean accumulate, long loss) {
        long n() {
            return (long) shape[0] * shape[1] * shape[2] * shape[3];
        }

        int planes() {
            return shape[0] * shape[1];
        }

        int h() {
            return shape[2];
        }

        int w() {
            return shape[3];
        }

        int acc() {
            return accumulate ? 1 : 0;
        }
    }

    @FunctionalInterface
    interface Launcher {
        void launch(CudaLosses self, Call call);
    }

    /** One supported loss: the definition its kernels implement, their names, the launcher. */
    record Entry(String name, Loss definition, List<String> kernels, Launcher launcher) {}

    private static final Map<String, Entry> TABLE = new LinkedHashMap<>();

    static {
        add(new Bce(), List.of("bce_fused_f32"), CudaLosses::bce);
        overlap(Dice.seedA(), "dice_a", false, 0, 0, null);
        overlap(Dice.seedB(), "dice_b", true, 0, 0, null);
        overlap(Tversky.seedB(), "tversky", true, 0, 0, new double[]{0.6, 0.5, 1e-6});
        overlap(WeightedSum.of("bce-dice", 1, new Bce(), 2, Dice.seedB()), "bce_dice", true, 2, 1, null);
        overlap(WeightedSum.of("bce-dice-a", 1, new Bce(), 2, Dice.seedA()), "bce_dice_a", false, 2, 1, null);
        overlap(WeightedSum.of("bce-tversky", 1, new Bce(), 2, Tversky.seedB()), "bce_tversky", true, 2, 1,
                new double[]{0.6, 0.5, 1e-6});
        add(new Rmse(), List.of("rmse_stats_f32", "rmse_grad_f32"), CudaLosses::rmse);
        add(new BerHu(), List.of("berhu_stats_f32", "berhu_grad_f32"), CudaLosses::berhu);
        add(Ssim.seedA(), List.of("ssim_a_stats_f32", "ssim_a_grad_f32"), CudaLosses::ssimA);
        add(Ssim.seedB(), List.of("ssim_b_stats_f32", "ssim_b_grad_f32"), CudaLosses::ssimB);
        add(new GradLoss(), List.of("grad_fused_f32"), CudaLosses::gradLoss);
    }

    private static void add(Loss definition, List<String> kernels, Launcher launcher) {
        TABLE.put(definition.name(), new Entry(definition.name(), definition, kernels, launcher));
    }

    // SSIM constants, as in Ssim.seedA() and Ssim.seedB()
    private static final double SIGMA = 1.5;
    private static final float C1 = 1e-4f, C2 = 9e-4f;

    private final DeviceAllocator allocator;
    private CudaBuffer partials, coef, counter, maps;

    /** Launches on the current CUDA context, with scratch memory from {@code allocator}. */
    public CudaLosses(DeviceAllocator allocator) {
        this.allocator = allocator;
    }

    private static CudaLosses shared;

    /** The instance on {@link Cuda#context()}, created on first use. */
    public static synchronized CudaLosses shared() {
        if (shared == null) shared = new CudaLosses(Cuda.context().allocator());
        return shared;
    }

    // ---- what is supported ------------------------------------------------------------------

    private static final Map<Loss, Entry> RESOLVED = Collections.synchronizedMap(new WeakHashMap<>());
    private static final int[] PROBE_SHAPE = {2, 2, 12, 13};
    private static final double[][] PROBE = probe();

    private static double[][] probe() {
        int n = Arrays.stream(PROBE_SHAPE).reduce(1, (a, b) -> a * b);
        Rng rng = new Rng(20240607);
        double[] x = new double[n], t = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1.5 * rng.nextGaussian();
            t[i] = rng.nextFloat();
        }
        return new double[][]{x, t};
    }

    /** The table entry whose kernels compute this loss, or null. */
    static Entry entry(Loss loss) {
        Entry cached = RESOLVED.get(loss);
        if (cached != null) return cached;
        Entry e = TABLE.get(loss.name());
        if (e == null || !sameDefinition(loss, e.definition())) return null;
        RESOLVED.put(loss, e);
        return e;
    }

    private static boolean sameDefinition(Loss a, Loss b) {
        if (a == b) return true;
        if (a.minSize() != b.minSize()) return false;
        Loss.Reference ra = a.reference(PROBE[0], PROBE[1], PROBE_SHAPE), rb = b.reference(PROBE[0], PROBE[1], PROBE_SHAPE);
        return Double.compare(ra.value(), rb.value()) == 0 && Arrays.equals(ra.grad(), rb.grad());
    }

    /** True when this class has kernels for the loss (by name, checked against its definition). */
    public static boolean supports(Loss loss) {
        return entry(loss) != null;
    }

    /** The losses among {@code losses} without kernels here, by name. */
    public static List<String> missingKernels(Collection<? extends Loss> losses) {
        List<String> missing = new ArrayList<>();
        for (Loss l : losses) if (!supports(l)) missing.add(l.name());
        return missing;
    }

    /** Names of the losses with kernels, in table order. */
    public static List<String> names() {
        return List.copyOf(TABLE.keySet());
    }

    /** The kernels one forward + backward of the named loss launches, in order. */
    public static List<String> kernels(String name) {
        Entry e = TABLE.get(name);
        if (e == null) throw new IllegalArgumentException("no CUDA kernels for loss '" + name + "'; have " + TABLE.keySet());
        return e.kernels();
    }

    // ---- running ----------------------------------------------------------------------------

    /**
     * L into the float at device address {@code loss}, and {@code weight·dL/dpred} into the
     * N×C×H×W float array at {@code grad} (added to it when {@code accumulate}); {@code pred} and
     * {@code target} are N×C×H×W float arrays. Asynchronous on the context's stream.
     */
    public synchronized void forwardBackward(Loss loss, long pred, long target, long grad, int[] shape, float weight,
                                             boolean accumulate, long lossOut) {
        Entry e = entry(loss);
        if (e == null) {
            throw new UnsupportedOperationException(loss.name() + ": no CUDA kernel for this loss"
                    + (TABLE.containsKey(loss.name()) ? " with these parameters (the kernels implement the registry's definition)" : "")
                    + "; CUDA kernels exist for " + TABLE.keySet());
        }
        long n = 1;
        for (int d : shape) {
            n *= d;
            // checked at each step: four int dims can wrap a long back to a small count (2¹⁶ each gives 0)
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(loss.name() + ": shape " + Arrays.toString(shape)
                        + " has more elements than the kernels index (at most " + Integer.MAX_VALUE + ")");
            }
        }
        loss.check((int) n, (int) n, shape);
        if (pred == 0 || target == 0 || grad == 0 || lossOut == 0) {
            throw new IllegalArgumentException(loss.name() + ": null device pointer");
        }
        e.launcher().launch(this, new Call(pred, target, grad, shape.clone(), weight, accumulate, lossOut));
    }

    @Override
    public synchronized void close() {
        for (CudaBuffer b : new CudaBuffer[]{partials, coef, counter, maps}) if (b != null) b.close();
        partials = coef = counter = maps = null;
    }

    // ---- scratch ----------------------------------------------------------------------------

    private CudaBuffer grow(CudaBuffer b, long floats) {
        long bytes = Math.max(4, floats * 4);
        // a buffer closed by a growth whose allocation failed (out of memory) is never reused
        if (b != null && b.isOpen() && b.bytes() >= bytes) return b;
        if (b != null) b.close();
        // grow geometrically so slowly increasing shapes do not reallocate every call
        long size = b == null ? bytes : Math.max(bytes, b.bytes() + b.bytes() / 2);
        return allocator.allocate(size);
    }

    private long partials(long floats) {
        partials = grow(partials, floats);
        return partials.address();
    }

    private long coef(long floats) {
        coef = grow(coef, floats);
        return coef.address();
    }

    private long maps(long floats) {
        maps = grow(maps, floats);
        return maps.address();
    }

    /** The ticket counter: zeroed once here; every kernel's last block resets it. */
    private long counter() {
        if (counter == null) {
            CudaBuffer c = allocator.allocate(4);
            try {
                Launch.kernel("fill_f32").grid(1).block(1).args(c, 0f, 1L).run(); // the bits of 0f are the integer 0
            } catch (RuntimeException e) {
                c.close(); // never keep a counter that was not zeroed: the next call allocates and zeroes one
                throw e;
            }
            counter = c;
        }
        return counter.address();
    }

    // ---- geometry ---------------------------------------------------------------------------

    /** Blocks of a 1-D grid-stride pass over n elements. */
    static int flatBlocks(long n) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, (n + 4L * THREADS - 1) / (4L * THREADS)));
    }

    /** Blocks per group for G groups of S elements. */
    static int chunks(int groups, long size) {
        long want = (size + 4L * THREADS - 1) / (4L * THREADS);
        return (int) Math.max(1, Math.min(want, Math.max(1, MAX_BLOCKS / groups)));
    }

    static int tiles(int extent) {
        return (extent + TILE - 1) / TILE;
    }

    static int planeBlocks(int planes) {
        return Math.min(planes, Launch.MAX_GRID_YZ);
    }

    /** Blocks down a tiled grid (gridDim.y): the tile rows, capped as gridDim.y must be. */
    static int tileRows(int extent) {
        return Math.min(tiles(extent), Launch.MAX_GRID_YZ);
    }

    // ---- launchers --------------------------------------------------------------------------

    private static void bce(CudaLosses s, Call c) {
        long n = c.n();
        int blocks = flatBlocks(n);
        Launch.kernel("bce_fused_f32").grid(blocks).block(THREADS)
                .args(c.pred(), c.target(), c.grad(), n, c.weight() / n, c.acc(), s.partials(blocks), s.counter(), c.loss())
                .run();
    }

    /**
     * Dice, Tversky and their sums with bce: {@code wOverlap > 0} marks the fused bce + overlap
     * pair (value wOverlap·L + wBce·bce); {@code tversky} holds α, β, ε or is null for Dice.
     */
    private static void overlap(Loss definition, String stem, boolean perImage, double wOverlap, double wBce, double[] tversky) {
        boolean withBce = wOverlap > 0;
        add(definition, List.of(stem + "_stats_f32", stem + "_grad_f32"), (s, c) -> {
            long n = c.n();
            int groups = perImage ? c.shape()[0] : 1;
            long size = n / groups;
            int chunks = chunks(groups, size), blocks = groups * chunks;
            long partials = s.partials((long) blocks * (withBce ? 4 : 3)), coef = s.coef(2L * groups);
            List<Object> stats = new ArrayList<>(List.of(c.pred(), c.target(), size, groups, chunks));
            if (tversky != null) for (double p : tversky) stats.add(p);
            if (withBce) {
                stats.addAll(List.of((float) wOverlap, (float) wBce, (float) (c.weight() * wOverlap)));
            } else {
                stats.addAll(List.of(1f, c.weight()));
            }
            stats.addAll(List.of(partials, s.counter(), coef, c.loss()));
            Launch.kernel(stem + "_stats_f32").grid(blocks).block(THREADS).args(stats.toArray()).run();
            Launch grad = Launch.kernel(stem + "_grad_f32").grid(blocks).block(THREADS);
            if (withBce) {
                float cb = (float) (c.weight() * wBce) / n;
                grad.args(c.pred(), c.target(), c.grad(), size, chunks, coef, cb, c.acc()).run();
            } else {
                grad.args(c.pred(), c.target(), c.grad(), size, chunks, coef, c.acc()).run();
            }
        });
    }

    private static void rmse(CudaLosses s, Call c) {
        long n = c.n();
        int blocks = flatBlocks(n);
        long coef = s.coef(1);
        Launch.kernel("rmse_stats_f32").grid(blocks).block(THREADS)
                .args(c.pred(), c.target(), n, c.weight(), s.partials(blocks), s.counter(), coef, c.loss()).run();
        Launch.kernel("rmse_grad_f32").grid(blocks).block(THREADS)
                .args(c.pred(), c.target(), c.grad(), n, coef, c.acc()).run();
    }

    private static void berhu(CudaLosses s, Call c) {
        long n = c.n();
        int blocks = flatBlocks(n);
        long coef = s.coef(1), partials = s.partials(blocks), counter = s.counter();
        Launch.kernel("berhu_stats_f32").grid(blocks).block(THREADS)
                .args(c.pred(), c.target(), n, partials, counter, coef).run();
        Launch.kernel("berhu_grad_f32").grid(blocks).block(THREADS)
                .args(c.pred(), c.target(), c.grad(), n, c.weight() / n, c.acc(), coef, partials, counter, c.loss()).run();
    }

    private static void ssimA(CudaLosses s, Call c) {
        int planes = c.planes(), h = c.h(), w = c.w(), ho = h - 10, wo = w - 10;
        long m = (long) planes * ho * wo;
        float invM = (float) (1.0 / m);
        int gz = planeBlocks(planes), blocks = tiles(wo) * tileRows(ho) * gz;
        long maps = s.maps(3 * m);
        Launch.kernel("ssim_a_stats_f32").grid(tiles(wo), tileRows(ho), gz).block(THREADS)
                .args(c.pred(), c.target(), planes, h, w, ho, wo, SIGMA, C1, C2, invM, maps,
                        s.partials(2L * blocks), s.counter(), c.loss()).run();
        Launch.kernel("ssim_a_grad_f32").grid(tiles(w), tileRows(h), gz).block(THREADS)
                .args(c.pred(), c.target(), c.grad(), planes, h, w, ho, wo, SIGMA, maps, c.weight(), c.acc()).run();
    }

    private static void ssimB(CudaLosses s, Call c) {
        int planes = c.planes(), h = c.h(), w = c.w();
        long m = (long) planes * h * w;
        float invM = (float) (1.0 / m);
        int gz = planeBlocks(planes), blocks = tiles(w) * tileRows(h) * gz;
        long maps = s.maps(6 * m);
        Launch.kernel("ssim_b_stats_f32").grid(tiles(w), tileRows(h), gz).block(THREADS)
                .args(c.pred(), c.target(), planes, h, w, SIGMA, C1, C2, invM, maps,
                        s.partials(2L * blocks), s.counter(), c.loss()).run();
        Launch.kernel("ssim_b_grad_f32").grid(tiles(w), tileRows(h), gz).block(THREADS)
                .args(c.pred(), c.target(), c.grad(), planes, h, w, SIGMA, maps, c.weight(), c.acc()).run();
    }

    private static void gradLoss(CudaLosses s, Call c) {
        int planes = c.planes(), h = c.h(), w = c.w();
        int gz = planeBlocks(planes), blocks = tiles(w) * tileRows(h) * gz;
        float scale = (float) (-c.weight() / (2.0 * c.n()) / 8);
        Launch.kernel("grad_fused_f32").grid(tiles(w), tileRows(h), gz).block(THREADS)
                .args(c.pred(), c.target(), c.grad(), planes, h, w, scale, c.acc(), s.partials(blocks), s.counter(), c.loss())
                .run();
    }
}
