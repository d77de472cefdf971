package jgrad.examples.experiments;

import jgrad.examples.data.Layout;
import jgrad.examples.data.SceneGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A generated synthetic set in seed layout B, cached: the folder name carries the parameters
 * ({@code synthetic-b-n<count>-s<size>-seed<seed>}) and a {@code COMPLETE} marker holding the same
 * parameters is written last, so a later run with the same parameters reuses the folder and an
 * interrupted generation is redone rather than read half-written.
 */
public final class SyntheticData {
    /** Foreground variants per background; the split keeps a background's images together. */
    public static final int PER_BACKGROUND = 10;

    private SyntheticData() {}

    public static Path folder(Path cacheRoot, int count, int size, long seed) {
        return cacheRoot.resolve(String.format(Locale.ROOT, "synthetic-b-n%d-s%d-seed%d", count, size, seed));
    }

    /** The cached set, generated first if missing or incomplete. */
    public static Path ensure(Path cacheRoot, int count, int size, long seed, PrintStream log) throws IOException {
        Path dir = folder(cacheRoot, count, size, seed);
        String params = String.format(Locale.ROOT, "layout=b count=%d size=%d seed=%d", count, size, seed);
        Path marker = dir.resolve("COMPLETE");
        if (Files.isRegularFile(marker) && Files.readString(marker).trim().equals(params)) {
            if (log != null) log.println("Using the cached synthetic set " + dir + " (" + count + " images, " + size + "x" + size + ")");
            return dir;
        }
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        Files.createDirectories(dir);
        if (log != null) log.println("Generating a synthetic set of " + count + " images at " + size + "x" + size + " into " + dir + " ...");
        var s = SceneGenerator.generate(SceneGenerator.Options.of(dir, Layout.B, count, size, seed).withPerBg(PER_BACKGROUND),
                log == null ? null : progress(log));
        if (log != null) {
            log.printf(Locale.ROOT, "  %d images over %d backgrounds in %.1f s, mean foreground %.1f%% of pixels%n",
                    s.images(), s.backgrounds(), s.seconds(), 100 * s.foregroundFraction());
        }
        Files.writeString(marker, params + "\n");
        return dir;
    }

    /** A line every 10 s and one at the end: images done of the total, time so far and the estimated time left. */
    static SceneGenerator.Progress progress(PrintStream log) {
        long start = System.nanoTime();
        long[] last = {start};
        return (done, total) -> {
            long now = System.nanoTime();
            if (done < total && now - last[0] < 10_000_000_000L) return;
            last[0] = now;
            double sec = (now - start) / 1e9;
            log.printf(Locale.ROOT, "  %d/%d images, %.1f s%s%n", done, total, sec,
                    done < total && done > 0 ? ", about " + CompareLosses.jgradDuration(sec / done * (total - done)) + " left" : "");
        };
    }
}
