package jgrad.examples.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jgrad.core.Rng;
import jgrad.core.io.AtomicFile;

/**
 * Writes a synthetic depth + mask dataset in either seed {@link Layout}: rendered rooms
 * ({@link SceneSampler}, {@link Scene}) as backgrounds, each shared by {@code perBg} foreground
 * variants, with the exact foreground mask and depth map of every variant.
 *
 * <p><b>Files.</b> bg and fg_bg are RGB JPEGs; the mask is a gray JPEG of 0 / 255 (JPEG, as both
 * seeds stored it, so edges carry small compression ringing, which seed A's preprocessing keeps
 * and seed B's removes by thresholding at 150); depth is an 8-bit gray JPEG (layout A) or PNG
 * (layout B).
 *
 * <p><b>Depth normalisation.</b> Camera-space z (distance along the viewing axis, metres) mapped
 * linearly to [0,1] with <b>1 = near</b>: value = clamp((FAR − z)/(FAR − NEAR), 0, 1), NEAR = 1 m,
 * FAR = 10 m, the same for every scene. Nothing is clamped in practice: rooms are at most 8.5 m
 * deep (z up to about 8.7 m at the far floor corners), and the nearest visible points, the floor at
 * the bottom edge and objects close to the camera, are about 1.4 m away. Nearer is brighter. The 8-bit files hold round(255·value).
 *
 * <p><b>Writing.</b> Every file is written to a temporary name and renamed into place, so a run
 * that fails or is killed leaves only whole files (and, without {@code file_map.txt}, an
 * incomplete layout A set that the reader rejects). The first failing background stops the
 * backgrounds not yet started, and {@link #generate} returns or throws only once its workers have
 * stopped, so a caller can then remove a failed run's files ({@code generate-data} writes into a
 * staging folder and moves the set into place only when it is complete).
 *
 * <p><b>Determinism.</b> A root {@link Rng} seeded with {@code seed} forks one generator per
 * background, in order, before any work starts; background b and all its variants draw only from
 * that generator. The output therefore depends on the seed alone, not on the thread count or on
 * scheduling.
 */
public final class SceneGenerator {
    public static final double NEAR = 1.0, FAR = 10.0;
    /** A foreground covering less than this share of the image is redrawn (up to MAX_PLACEMENTS times). */
    static final double MIN_FOREGROUND = 0.01;
    static final int MAX_PLACEMENTS = 6;

    /** Generation settings; {@code perBg} foreground variants share each background. */
    public record Options(Path out, Layout layout, int count, int size, long seed, int perBg, int threads, int spp,
                          float jpegQuality) {
        public Options {
            if (count <= 0) throw new IllegalArgumentException("generate-data: count must be positive, got " + count);
            if (size < 8 || size > 4096) throw new IllegalArgumentException("generate-data: size must be in [8, 4096], got " + size);
            if (perBg <= 0) throw new IllegalArgumentException("generate-data: per-bg must be positive, got " + perBg);
            if (threads <= 0) throw new IllegalArgumentException("generate-data: threads must be positive, got " + threads);
            if (spp < 1 || spp > 4) throw new IllegalArgumentException("generate-data: spp must be in [1, 4], got " + spp);
            if (!(jpegQuality > 0 && jpegQuality <= 1)) throw new IllegalArgumentException("generate-data: JPEG quality must be in (0, 1], got " + jpegQuality);
        }

        public static Options of(Path out, Layout layout, int count, int size, long seed) {
            return new Options(out, layout, count, size, seed, 10, Runtime.getRuntime().availableProcessors(), 2, 0.92f);
        }

        public Options withThreads(int t) {
            return new Options(out, layout, count, size, seed, perBg, t, spp, jpegQuality);
        }

        public Options withPerBg(int k) {
            return new Options(out, layout, count, size, seed, k, threads, spp, jpegQuality);
        }

        int backgrounds() {
            return (count + perBg - 1) / perBg;
        }
    }

    /** What was written. {@code foregroundFraction}: mean share of mask pixels per image. */
    public record Summary(int images, int backgrounds, double foregroundFraction, double seconds) {}

    /** Progress callback: images done out of total. Called from worker threads, one call at a time. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total);
    }

    /** One background and its variants, rendered in memory (for tests and previews). */
    public record Rendered(Scene.Render bg, List<Scene.Render> fgBg) {}

    private SceneGenerator() {}

    /** Renders background {@code b}'s scene and its first {@code variants} foreground variants. */
    public static Rendered render(Rng bgRng, int variants, int size, int spp) {
        SceneSampler.Room room = SceneSampler.room(bgRng);
        Scene.Render bg = room.scene().render(size, size, spp);
        List<Scene.Render> out = new ArrayList<>();
        for (int k = 0; k < variants; k++) {
            Rng r = bgRng.fork();
            Scene scene = null;
            // redraw the foreground (same generator, so still deterministic) while it is hidden
            // behind furniture or too small to see; the last try is kept whatever it shows
            for (int attempt = 0; attempt < MAX_PLACEMENTS; attempt++) {
                scene = room.scene().with(SceneSampler.foreground(room, r));
                if (scene.foregroundPixels(size, size) >= MIN_FOREGROUND * size * size) break;
            }
            out.add(scene.render(size, size, spp));
        }
        return new Rendered(bg, out);
    }

    /** Depth in [0,1], 1 = near: see the class comment. */
    public static float normaliseDepth(float z) {
        return (float) Math.min(1, Math.max(0, (FAR - z) / (FAR - NEAR)));
    }

    public static Summary generate(Options o, Progress progress) {
        long start = System.nanoTime();
        int nBg = o.backgrounds();
        Rng root = new Rng(o.seed());
        Rng[] bgRngs = new Rng[nBg];
        for (int b = 0; b < nBg; b++) bgRngs[b] = root.fork();
        int digitsBg = Math.max(3, String.valueOf(nBg - 1).length());
        int digitsFg = Math.max(3, String.valueOf(o.perBg() - 1).length());
        String[] fileMap = new String[o.count()];
        try {
            Path out = o.out();
            if (o.layout() == Layout.A) {
                for (String d : new String[]{"bg", "bg_fg", "bg_fg_mask", "bg_fg_depth_map"}) Files.createDirectories(out.resolve(d));
            } else {
                for (String d : new String[]{"bg", "fg_bg", "fg_bg_mask", "depth_fg_bg"}) Files.createDirectories(out.resolve(d));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("generate-data: cannot create output folders under " + o.out() + ": " + reason(e), e);
        }
        AtomicInteger done = new AtomicInteger();
        AtomicLong fgPixels = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(o.threads(), r -> {
            Thread t = new Thread(r, "jgrad-generate");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int b = 0; b < nBg; b++) {
                int bi = b;
                futures.add(pool.submit(() -> {
                    if (failed.get()) return null;
                    try {
                        writeBackground(o, bi, bgRngs[bi], digitsBg, digitsFg, fileMap, fgPixels);
                        int variants = Math.min(o.perBg(), o.count() - bi * o.perBg());
                        int now = done.addAndGet(variants);
                        if (progress != null) {
                            synchronized (progress) {
                                progress.update(now, o.count());
                            }
                        }
                    } catch (RuntimeException | Error e) {
                        failed.set(true);
                        throw e;
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) throw re;
                    throw new DataException("generate-data failed: " + c, c);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("generate-data interrupted");
        } finally {
            pool.shutdownNow();
            awaitWorkers(pool);
        }
        if (o.layout() == Layout.A) {
            write(o.out().resolve("file_map.txt"), (String.join("\n", fileMap) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        double frac = fgPixels.get() / ((double) o.count() * o.size() * o.size());
        return new Summary(o.count(), nBg, frac, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Waits until the workers have stopped (each finishes the background it is on), so that nothing
     * writes into the output folder after {@link #generate} has returned or thrown: a caller may
     * delete what a failed run wrote. An interrupt is kept for the caller, not acted on here.
     */
    private static void awaitWorkers(ExecutorService pool) {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static void writeBackground(Options o, int b, Rng rng, int digitsBg, int digitsFg, String[] fileMap, AtomicLong fgPixels) {
        int size = o.size(), plane = size * size;
        int variants = Math.min(o.perBg(), o.count() - b * o.perBg());
        Rendered r = render(rng, variants, size, o.spp());
        String bgName = String.format("bg_%0" + digitsBg + "d", b);
        Path out = o.out();
        write(out.resolve("bg").resolve(bgName + ".jpg"), ImageFiles.jpeg(ImageFiles.toBytes(r.bg().rgb()), size, size, 3, o.jpegQuality()));
        Path fgDir = out.resolve("fg_bg").resolve(bgName), maskDir = out.resolve("fg_bg_mask").resolve(bgName),
                depthDir = out.resolve("depth_fg_bg").resolve(bgName);
        if (o.layout() == Layout.B) {
            try {
                Files.createDirectories(fgDir);
                Files.createDirectories(maskDir);
                Files.createDirectories(depthDir);
            } catch (IOException e) {
                throw new UncheckedIOException("generate-data: cannot create " + fgDir, e);
            }
        }
        for (int k = 0; k < variants; k++) {
            Scene.Render f = r.fgBg().get(k);
            byte[] mask = new byte[plane];
            float[] depth = new float[plane];
            long n = 0;
            for (int i = 0; i < plane; i++) {
                if (f.foreground()[i]) { mask[i] = (byte) 255; n++; }
                depth[i] = normaliseDepth(f.depth()[i]);
            }
            fgPixels.addAndGet(n);
            byte[] rgbJpeg = ImageFiles.jpeg(ImageFiles.toBytes(f.rgb()), size, size, 3, o.jpegQuality());
            byte[] maskJpeg = ImageFiles.jpeg(mask, size, size, 1, o.jpegQuality());
            byte[] depthBytes = ImageFiles.toBytes(depth);
            String id = String.format("%0" + digitsBg + "d_%0" + digitsFg + "d", b, k);
            if (o.layout() == Layout.A) {
                String fg = "bg_fg_" + id, m = "bg_fg_mask_" + id, d = "bg_fg_depth_map_" + id;
                write(out.resolve("bg_fg").resolve(fg + ".jpg"), rgbJpeg);
                write(out.resolve("bg_fg_mask").resolve(m + ".jpg"), maskJpeg);
                write(out.resolve("bg_fg_depth_map").resolve(d + ".jpg"), ImageFiles.jpeg(depthBytes, size, size, 1, o.jpegQuality()));
                fileMap[b * o.perBg() + k] = bgName + "\t" + fg + "\t" + m + "\t" + d;
            } else {
                write(fgDir.resolve("fg_bg_" + id + ".jpg"), rgbJpeg);
                write(maskDir.resolve("fg_bg_mask_" + id + ".jpg"), maskJpeg);
                write(depthDir.resolve("depth_fg_bg_" + id + ".png"), ImageFiles.png(depthBytes, size, size, 1));
            }
        }
    }

    /** All-or-nothing ({@link AtomicFile#writeUnsynced}): an interrupted run leaves no partial file. */
    private static void write(Path p, byte[] bytes) {
        try {
            AtomicFile.writeUnsynced(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("generate-data: cannot write " + p + ": " + reason(e), e);
        }
    }

    /**
     * What went wrong; Java's file-system exceptions put the path first and the cause in the
     * reason, and those for a denied permission or a missing path have no reason, only the path.
     */
    public static String reason(IOException e) {
        return switch (e) {
            case java.nio.file.FileAlreadyExistsException f -> f.getFile() + " exists and is not a folder";
            case java.nio.file.AccessDeniedException f when f.getReason() == null -> "permission denied: " + f.getFile();
            case java.nio.file.NoSuchFileException f when f.getReason() == null -> "no such file or folder: " + f.getFile();
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }
}
