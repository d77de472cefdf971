package jgrad.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jgrad.examples.data.DataException;
import jgrad.examples.data.Layout;
import jgrad.examples.experiments.Experiment;
import jgrad.examples.data.SceneGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad generate-data}: writes a synthetic depth + mask dataset in a seed layout. */
@Command(name = "generate-data", mixinStandardHelpOptions = true,
        description = {"Render synthetic rooms with foreground objects (people-, animal- and box-like) and write "
                + "bg, fg_bg, the foreground mask and the exact depth map (1 = near, 0 = far; camera-space z "
                + "from 1 m to 10 m) in seed layout A or B. Same seed, same bytes, whatever the thread count."})
public final class GenerateDataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--layout", defaultValue = "b", description = "Seed layout: a (file_map.txt, all JPEG) or b (bg_XXX folders, PNG depth). Default: ${DEFAULT-VALUE}.")
    String layout;

    @Option(names = "--count", defaultValue = "1000", description = "Number of fg_bg images. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--size", defaultValue = "96", description = "Image side in pixels. Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--per-bg", defaultValue = "10", description = "Foreground variants per background. Default: ${DEFAULT-VALUE}.")
    int perBg;

    @Option(names = "--threads", description = "Worker threads (default: available processors). Does not change the output.")
    Integer threads;

    @Option(names = "--spp", defaultValue = "2", description = "Colour samples per pixel side (antialiasing, 1-4). Default: ${DEFAULT-VALUE}.")
    int spp;

    @Option(names = "--quality", defaultValue = "0.92", description = "JPEG quality in (0, 1]. Default: ${DEFAULT-VALUE}.")
    float quality;

    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;

    @Option(names = "--overwrite", description = "In a non-empty --out folder, replace the dataset: file_map.txt and the folders bg, "
            + "fg_bg and so on; other files are kept. The new set is written into a hidden folder in --out first and replaces the old "
            + "one only once complete: a run that fails or is interrupted leaves the old set as it was.")
    boolean overwrite;

    private static final String[] DATASET_ENTRIES = {"bg", "bg_fg", "bg_fg_mask", "bg_fg_depth_map", "file_map.txt",
            "fg_bg", "fg_bg_mask", "depth_fg_bg"};

    /** Stale files from an earlier, larger run would be read back as samples: refuse them unless replacing. */
    private void checkOut() throws IOException {
        // creating the folders would fail without saying why
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
        if (!Files.isDirectory(out)) return;
        List<Path> entries;
        try (Stream<Path> s = Files.list(out)) {
            entries = s.toList();
        }
        // what a run killed outright (no shutdown hook) leaves: a partial new set is deleted, an old
        // set moved aside during the renames is the user's data and is not touched
        for (Path p : entries) {
            if (p.getFileName().toString().startsWith(".generate-data-old-")) {
                throw new IllegalArgumentException("generate-data: an earlier run was stopped while replacing the set in " + out
                        + "; the set it replaced is in " + p + ": move its folders back into " + out + " or delete it, then run again");
            }
        }
        List<Path> partial = entries.stream().filter(p -> p.getFileName().toString().startsWith(".generate-data-new-")).toList();
        for (Path p : partial) Experiment.deleteTree(p);
        boolean empty = partial.size() == entries.size();
        if (!empty && !overwrite) {
            throw new IllegalArgumentException("generate-data: " + out + " is not empty; choose another --out or pass --overwrite");
        }
    }

    @Override
    public Integer call() throws IOException {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        // the options are checked before anything is written
        var opts = new SceneGenerator.Options(out, Layout.parse(layout), count, size, seed, perBg, t, spp, quality);
        checkOut();
        boolean created = !Files.exists(out);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("generate-data: cannot create output folders under " + out + ": " + SceneGenerator.reason(e), e);
        }
        Staging staging = new Staging(out, Files.createTempDirectory(out, ".generate-data-new-"));
        var err = spec.commandLine().getErr();
        long[] last = {0};
        long start = System.nanoTime();
        // on a terminal the line is redrawn in place every second; in a log, a full line every 10 s
        boolean tty = jgrad.nn.train.ProgressBar.isTerminal();
        long every = tty ? 1_000_000_000L : 10_000_000_000L;
        SceneGenerator.Progress progress = (done, total) -> {
            // an interrupted run (Ctrl-C) stops here, after the background in hand, rather than rendering the rest
            if (staging.aborted()) throw new DataException("generate-data interrupted");
            if (quiet) return;
            long now = System.nanoTime();
            if (done == total || now - last[0] > every) {
                last[0] = now;
                double sec = (now - start) / 1e9;
                err.printf(Locale.ROOT, "%sgenerate-data: %d/%d images, %.1f s, %.0f images/s%s", tty ? "\r" : "",
                        done, total, sec, done / Math.max(sec, 1e-9), tty && done < total ? "" : "\n");
                err.flush();
            }
        };
        var stagedOpts = new SceneGenerator.Options(staging.dir, opts.layout(), count, size, seed, perBg, t, spp, quality);
        SceneGenerator.Summary s;
        Thread hook = new Thread(staging::interrupted, "generate-data cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            s = SceneGenerator.generate(stagedOpts, progress);
            staging.replace(err);
        } catch (RuntimeException | IOException | Error e) {
            staging.discard();
            if (created) deleteIfEmpty(out);
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or done: nothing to remove
            }
        }
        spec.commandLine().getOut().printf(Locale.ROOT,
                "wrote %d fg_bg image%s over %d background%s (layout %s, %dx%d, seed %d) to %s in %.1f s; mean foreground %.1f%% of pixels%n",
                s.images(), s.images() == 1 ? "" : "s", s.backgrounds(), s.backgrounds() == 1 ? "" : "s", opts.layout().name().toLowerCase(Locale.ROOT), size, size, seed, out,
                s.seconds(), 100 * s.foregroundFraction());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * The new set, written into a hidden folder inside {@code --out} (so on the same file system)
     * and moved into place only once complete:
     * <pre>
     *   generate → OUT/.generate-data-new-N/{bg, fg_bg, ...}
     *   replace:  OUT/{dataset entries} → OUT/.generate-data-old-N/   (renames)
     *             OUT/.generate-data-new-N/* → OUT/                     (renames)
     *             delete .generate-data-old-N and the empty staging folder
     * </pre>
     * A failed rename puts back what was moved, so the old set is either untouched or fully
     * replaced. A failure before {@link #replace}, or an interrupt (the shutdown hook calls
     * {@link #interrupted}), deletes the staging folder and leaves the old set alone; the hook and
     * {@link #replace} take the same lock, so an interrupt never lands in the middle of the renames.
     */
    static final class Staging {
        final Path out, dir;
        private final Object lock = new Object();
        private final CountDownLatch settled = new CountDownLatch(1);
        private volatile boolean aborted;
        private boolean finished;

        Staging(Path out, Path dir) {
            this.out = out;
            this.dir = dir;
        }

        boolean aborted() {
            return aborted;
        }

        /** Moves the complete new set into place (see the class comment). */
        void replace(PrintWriter err) throws IOException {
            synchronized (lock) {
                if (aborted) throw new DataException("generate-data interrupted");
                List<String> old = new ArrayList<>();
                for (String name : DATASET_ENTRIES) if (Files.exists(out.resolve(name), LinkOption.NOFOLLOW_LINKS)) old.add(name);
                List<String> fresh;
                try (Stream<Path> s = Files.list(dir)) {
                    fresh = s.map(p -> p.getFileName().toString()).sorted().toList();
                }
                Path aside = Files.createTempDirectory(out, ".generate-data-old-");
                List<String> movedAside = new ArrayList<>(), movedIn = new ArrayList<>();
                try {
                    for (String name : old) {
                        Files.move(out.resolve(name), aside.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                        movedAside.add(name);
                    }
                    for (String name : fresh) {
                        Files.move(dir.resolve(name), out.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                        movedIn.add(name);
                    }
                } catch (IOException | RuntimeException e) {
                    try {
                        for (String name : movedIn.reversed()) Files.move(out.resolve(name), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                        for (String name : movedAside.reversed()) Files.move(aside.resolve(name), out.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                        Files.delete(aside);
                    } catch (IOException | RuntimeException undo) {
                        e.addSuppressed(undo);
                        throw new IOException("generate-data: could not move the new set into " + out + " (" + Main.describe(e)
                                + ") nor put the old one back (" + Main.describe(undo) + "); the old set's files are in " + aside, e);
                    }
                    throw e;
                }
                finished = true;
                settled.countDown();
                try {
                    Experiment.deleteTree(aside);
                    Files.delete(dir);
                } catch (IOException e) {
                    err.println("generate-data: the new set is in place, but the old one could not be deleted from " + aside + ": "
                            + Main.describe(e));
                }
            }
        }

        /** Deletes the staging folder (the partial new set) unless the set was already moved into place. */
        void discard() {
            synchronized (lock) {
                if (!finished) {
                    finished = true;
                    try {
                        Experiment.deleteTree(dir);
                    } catch (IOException ignored) {
                        // best effort: the old set is untouched either way
                    }
                }
            }
            settled.countDown();
        }

        /**
         * The shutdown hook: stops the generation at the next finished background and waits a while
         * for the command to clean up (its workers stop writing first); then deletes the staging
         * folder itself if it is still there.
         */
        void interrupted() {
            aborted = true;
            try {
                settled.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // fall through to the cleanup
            }
            discard();
        }
    }

    private static void deleteIfEmpty(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException notEmpty) {
            // something else was put there meanwhile: leave it
        }
    }
}
