package jgrad.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import jgrad.examples.data.Layout;
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

    @Option(names = "--overwrite", description = "Write into a non-empty --out folder, first deleting the dataset folders "
            + "(bg, fg_bg, ...) and the file_map.txt that a previous run left there; other files are kept.")
    boolean overwrite;

    private static final String[] DATASET_ENTRIES = {"bg", "bg_fg", "bg_fg_mask", "bg_fg_depth_map", "file_map.txt",
            "fg_bg", "fg_bg_mask", "depth_fg_bg"};

    /** Stale files from an earlier, larger run would be read back as samples: refuse or clear them. */
    private void prepareOut() throws IOException {
        // creating the folders would fail without saying why
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
        if (!Files.isDirectory(out)) return;
        boolean empty;
        try (Stream<Path> s = Files.list(out)) {
            empty = s.findAny().isEmpty();
        }
        if (empty) return;
        if (!overwrite) {
            throw new IllegalArgumentException("generate-data: " + out + " is not empty; choose another --out or pass --overwrite");
        }
        for (String name : DATASET_ENTRIES) {
            Path p = out.resolve(name);
            if (!Files.exists(p)) continue;
            try (Stream<Path> s = Files.walk(p)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
            }
        }
    }

    @Override
    public Integer call() throws IOException {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        // the options are checked before --overwrite deletes anything
        var opts = new SceneGenerator.Options(out, Layout.parse(layout), count, size, seed, perBg, t, spp, quality);
        prepareOut();
        var err = spec.commandLine().getErr();
        long[] last = {0};
        long start = System.nanoTime();
        // on a terminal the line is redrawn in place every second; in a log, a full line every 10 s
        boolean tty = jgrad.nn.train.ProgressBar.isTerminal();
        long every = tty ? 1_000_000_000L : 10_000_000_000L;
        SceneGenerator.Progress progress = quiet ? null : (done, total) -> {
            long now = System.nanoTime();
            if (done == total || now - last[0] > every) {
                last[0] = now;
                double sec = (now - start) / 1e9;
                err.printf(Locale.ROOT, "%sgenerate-data: %d/%d images, %.1f s, %.0f images/s%s", tty ? "\r" : "",
                        done, total, sec, done / Math.max(sec, 1e-9), tty && done < total ? "" : "\n");
                err.flush();
            }
        };
        SceneGenerator.Summary s = SceneGenerator.generate(opts, progress);
        spec.commandLine().getOut().printf(Locale.ROOT,
                "wrote %d fg_bg image%s over %d background%s (layout %s, %dx%d, seed %d) to %s in %.1f s; mean foreground %.1f%% of pixels%n",
                s.images(), s.images() == 1 ? "" : "s", s.backgrounds(), s.backgrounds() == 1 ? "" : "s", opts.layout().name().toLowerCase(Locale.ROOT), size, size, seed, out,
                s.seconds(), 100 * s.foregroundFraction());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
