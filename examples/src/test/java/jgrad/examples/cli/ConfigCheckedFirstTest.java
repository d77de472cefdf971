package jgrad.examples.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A configuration mistake is reported before any work: no synthetic set is generated into the
 * cache and no run folder is started, so a bad option costs neither minutes nor stray files.
 */
class ConfigCheckedFirstTest {
    @TempDir
    Path tmp;

    private void assertNothingWritten(CliRun r, String expected) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(Files.exists(tmp.resolve("cache")), "a synthetic set was generated before the error: " + r.out());
        assertFalse(Files.exists(tmp.resolve("runs")), "a run folder was started before the error: " + r.out());
        assertFalse(Files.exists(tmp.resolve("out")), "a run folder was started before the error: " + r.out());
    }

    private String[] compare(String... extra) {
        String[] base = {"compare-losses", "--runs", tmp.resolve("runs").toString(), "--cache", tmp.resolve("cache").toString(),
                "--train", "8", "--val", "4", "--no-progress"};
        boolean sized = java.util.Arrays.asList(extra).contains("--size");
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length + (sized ? 0 : 2));
        System.arraycopy(extra, 0, all, base.length, extra.length);
        if (!sized) {
            all[all.length - 2] = "--size";
            all[all.length - 1] = "16";
        }
        return all;
    }

    @Test
    void compareLossesChecksEpochsBeforeGeneratingOrWriting() {
        assertNothingWritten(CliRun.of(compare("--epochs", "0")), "epochs must be >= 1");
    }

    @Test
    void compareLossesChecksBatchBeforeGenerating() {
        assertNothingWritten(CliRun.of(compare("--batch", "0")), "batch must be >= 1");
    }

    @Test
    void compareLossesChecksTheImageSizeOfEveryPresetModelBeforeGenerating() {
        assertNothingWritten(CliRun.of(compare("--size", "24")), "multiple of 16");
        // preset a trains DSResNet, which needs multiples of 32
        assertNothingWritten(CliRun.of(compare("--preset", "a", "--size", "16")), "multiple of 32");
    }

    @Test
    void compareLossesChecksOptimizerAndSchedulerNamesBeforeGenerating() {
        assertNothingWritten(CliRun.of(compare("--optimizer", "rmsprop")), "optimizer must be one of");
        assertNothingWritten(CliRun.of(compare("--scheduler", "cosine")), "scheduler must be one of");
    }

    @Test
    void trainChecksOptimizerAndSchedulerValuesBeforeGeneratingOrWriting() {
        String[][] cases = {{"--lr", "-1", "lr must be >= 0"}, {"--weight-decay", "-0.5", "weight-decay must be >= 0"},
                {"--set", "momentum=-1", "momentum must be >= 0"}, {"--max-lr", "0", "max-lr must be > 0"},
                {"--set", "gamma=0", "gamma must be > 0", "step"}, {"--set", "gamma=2", "gamma must be in [0, 1)", "plateau"}};
        for (String[] c : cases) {
            String scheduler = c.length > 3 ? c[3] : "onecycle";
            assertNothingWritten(CliRun.of("train", "--out", tmp.resolve("out").toString(), "--cache", tmp.resolve("cache").toString(),
                    "--size", "16", "--train", "8", "--val", "4", "--no-progress", "--scheduler", scheduler, c[0], c[1]), c[2]);
        }
    }

    @Test
    void allTheImagesWithoutADataFolderIsExplained() {
        // seed A's config file says train = 0 and val = 0 (all of its data) and expects --data
        assertNothingWritten(CliRun.of("train", "--config", Path.of("configs", "seed-a-loss-test.properties").toString(), "--out",
                tmp.resolve("out").toString(), "--cache", tmp.resolve("cache").toString()), "train = 0 means all the images of a data folder");
        assertNothingWritten(CliRun.of("lr-find", "--out", tmp.resolve("out").toString(), "--cache", tmp.resolve("cache").toString(),
                "--size", "16", "--val", "0"), "pass --data DIR, or a number of images for the generated set (e.g. --val 128)");
    }

    @Test
    void lrFindChecksItsRangeBeforeGeneratingOrWriting() {
        String[][] cases = {{"--steps", "1", "--steps must be at least 2, got 1"}, {"--start", "-1", "need 0 < --start < --end"},
                {"--end", "1e-9", "need 0 < --start < --end"}, {"--end", "Infinity", "--end must be finite, got Infinity"}};
        for (String[] c : cases) {
            assertNothingWritten(CliRun.of("lr-find", "--out", tmp.resolve("out").toString(), "--cache", tmp.resolve("cache").toString(),
                    "--size", "16", "--train", "8", "--val", "4", c[0], c[1]), c[2]);
        }
    }

    @Test
    void lrFindChecksItsOutputFolderBeforeTheTestRuns() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "");
        CliRun r = CliRun.of("lr-find", "--out", file.toString(), "--cache", tmp.resolve("cache").toString(), "--size", "16",
                "--train", "8", "--val", "4", "--steps", "2");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(file + " exists and is not a folder"), r.err());
        assertFalse(Files.exists(tmp.resolve("cache")), "a synthetic set was generated before the error: " + r.out());
    }

    @Test
    void trainChecksItsOutputFolderBeforeGeneratingData() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "");
        CliRun r = CliRun.of("train", "--out", file.toString(), "--cache", tmp.resolve("cache").toString(), "--size", "16",
                "--train", "8", "--val", "4", "--epochs", "1", "--no-progress");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(file + " exists and is not a folder"), r.err());
        assertFalse(Files.exists(tmp.resolve("cache")), "a synthetic set was generated before the error: " + r.out());
    }

    /** An existing folder in which no file can be created: read-only, or for root, Linux's /proc/self. */
    private Path unwritableFolder() throws Exception {
        Path ro = Files.createDirectory(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!Files.isWritable(ro)) return ro;
        Path self = Path.of("/proc/self");
        Assumptions.assumeTrue(Files.isDirectory(self), "no read-only folder for this user, and no /proc");
        return self;
    }

    @Test
    void trainAndLrFindCheckThatTheirOutputFolderIsWritableBeforeGeneratingData() throws Exception {
        Path ro = unwritableFolder();
        String[] data = {"--cache", tmp.resolve("cache").toString(), "--size", "16", "--train", "8", "--val", "4"};
        for (String cmd : new String[]{"train", "lr-find"}) {
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of(cmd, "--out", ro.toString()), java.util.Arrays.stream(data))
                    .toArray(String[]::new);
            CliRun r = CliRun.of(args);
            assertEquals(1, r.code(), cmd + ": " + r.out() + r.err());
            assertTrue(r.err().contains("cannot write into " + ro + ": "), cmd + ": " + r.err());
            assertFalse(Files.exists(tmp.resolve("cache")), cmd + ": a synthetic set was generated before the error: " + r.out());
        }
    }

    @Test
    void compareLossesChecksItsRunFolderBeforeGeneratingData() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "");
        CliRun r = CliRun.of("compare-losses", "--runs", file.toString(), "--cache", tmp.resolve("cache").toString(), "--size", "16",
                "--train", "8", "--val", "4", "--epochs", "1", "--only", "bce/bce", "--no-progress");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(file.resolve("compare-b") + ": "), r.err()); // and the system's reason (not a directory)
        assertFalse(Files.exists(tmp.resolve("cache")), "a synthetic set was generated before the error: " + r.out());
    }

    @Test
    void trainChecksLossNamesAndEpochsBeforeGenerating() {
        String[] base = {"train", "--out", tmp.resolve("out").toString(), "--cache", tmp.resolve("cache").toString(), "--size", "16",
                "--train", "8", "--val", "4", "--no-progress"};
        String[] bad = java.util.Arrays.copyOf(base, base.length + 2);
        bad[base.length] = "--seg-loss";
        bad[base.length + 1] = "nothing";
        assertNothingWritten(CliRun.of(bad), "unknown loss 'nothing'");
        bad[base.length] = "--epochs";
        bad[base.length + 1] = "0";
        assertNothingWritten(CliRun.of(bad), "epochs must be >= 1");
    }
}
