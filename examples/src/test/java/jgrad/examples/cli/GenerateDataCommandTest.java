package jgrad.examples.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateDataCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesLayoutAAndPrintsASummary() throws Exception {
        CliRun r = CliRun.of("generate-data", "--out", tmp.toString(), "--layout", "a", "--count", "5", "--size", "24",
                "--seed", "4", "--per-bg", "2", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 5 fg_bg images over 3 backgrounds (layout a, 24x24, seed 4)"), r.out());
        assertTrue(r.err().contains("5/5 images"), r.err());
        assertEquals(5, Files.readAllLines(tmp.resolve("file_map.txt")).size());
        assertTrue(Files.exists(tmp.resolve("bg_fg_depth_map/bg_fg_depth_map_002_000.jpg")));
    }

    @Test
    void whatAKilledRunLeftIsCleanedOrNamed() throws Exception {
        // a partial new set (killed while generating) does not make --out count as non-empty, and is removed
        Path out = tmp.resolve("killed");
        Files.createDirectories(out.resolve(".generate-data-new-7/bg"));
        Files.writeString(out.resolve(".generate-data-new-7/bg/bg_001.jpg"), "partial");
        CliRun r = CliRun.of("generate-data", "--out", out.toString(), "--count", "1", "--size", "16", "--quiet");
        assertEquals(0, r.code(), r.out() + r.err());
        assertFalse(Files.exists(out.resolve(".generate-data-new-7")));
        // an old set moved aside (killed during the renames) is the user's data: refused, named, untouched
        Files.createDirectories(out.resolve(".generate-data-old-3/bg"));
        Map<String, String> before = snapshot(out);
        CliRun again = CliRun.of("generate-data", "--out", out.toString(), "--count", "1", "--size", "16", "--quiet", "--overwrite");
        assertEquals(1, again.code(), again.out() + again.err());
        assertTrue(again.err().contains("the set it replaced is in " + out.resolve(".generate-data-old-3")), again.err());
        assertEquals(before, snapshot(out));
    }

    @Test
    void anOutThatIsAFileIsNamedAsOne() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "");
        CliRun r = CliRun.of("generate-data", "--out", file.toString(), "--count", "1", "--size", "16", "--quiet");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--out " + file + " is a file, not a folder"), r.err());
        CliRun under = CliRun.of("generate-data", "--out", file.resolve("sub").toString(), "--count", "1", "--size", "16", "--quiet");
        assertEquals(1, under.code(), under.out() + under.err());
        // the path and the system's reason (not a directory), not the path alone
        assertTrue(under.err().contains("cannot create output folders under " + file.resolve("sub") + ": "), under.err());
    }

    @Test
    void oneImageOverOneBackgroundIsSingular() {
        CliRun r = CliRun.of("generate-data", "--out", tmp.toString(), "--count", "1", "--size", "16", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("wrote 1 fg_bg image over 1 background (layout b"), r.out());
    }

    @Test
    void refusesANonEmptyFolderUnlessOverwriting() throws Exception {
        String[] args = {"generate-data", "--out", tmp.toString(), "--layout", "b", "--count", "4", "--size", "16", "--per-bg", "2", "--quiet"};
        assertEquals(0, CliRun.of(args).code());
        Path keep = tmp.resolve("notes.txt");
        Files.writeString(keep, "mine");
        CliRun again = CliRun.of(args);
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("not empty") && again.err().contains("--overwrite"), again.err());
        String[] smaller = {"generate-data", "--out", tmp.toString(), "--layout", "b", "--count", "2", "--size", "16", "--per-bg", "2",
                "--quiet", "--overwrite"};
        assertEquals(0, CliRun.of(smaller).code());
        assertFalse(Files.exists(tmp.resolve("fg_bg/bg_001")), "the earlier run's second background must be gone");
        assertTrue(Files.exists(keep), "files that are not part of a dataset are kept");
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("bg", "depth_fg_bg", "fg_bg", "fg_bg_mask", "notes.txt"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "only the new set and the user's file");
        }
    }

    @Test
    void badOptionsWithOverwriteLeaveTheEarlierDatasetInPlace() throws Exception {
        String[] args = {"generate-data", "--out", tmp.toString(), "--count", "2", "--size", "16", "--per-bg", "2", "--quiet"};
        assertEquals(0, CliRun.of(args).code());
        Path sample = tmp.resolve("fg_bg/bg_000/fg_bg_000_000.jpg");
        assertTrue(Files.exists(sample));
        for (String[] bad : new String[][]{{"--count", "0"}, {"--layout", "c"}, {"--size", "4"}}) {
            String[] a = {"generate-data", "--out", tmp.toString(), "--overwrite", "--quiet", bad[0], bad[1]};
            CliRun r = CliRun.of(a);
            assertEquals(1, r.code(), r.err());
            assertTrue(Files.exists(sample), "a rejected " + bad[0] + " " + bad[1] + " must not delete the earlier dataset");
        }
    }

    /** A writer whose first flush fails, as a full disk or a closed pipe would: the command's progress line flushes it. */
    private static PrintWriter failingErr(StringWriter sink) {
        return new PrintWriter(sink, true) {
            private boolean failed;

            @Override
            public void flush() {
                if (!failed) {
                    failed = true;
                    throw new IllegalStateException("progress output failed");
                }
                super.flush();
            }
        };
    }

    private static CliRun runWithFailingProgress(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(failingErr(err));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Every file and folder under {@code dir} (hidden ones included) with a SHA-256 of its bytes, by relative path. */
    static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                m.put(rel, Files.isDirectory(p) ? "/" : HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
            }
        }
        return m;
    }

    @Test
    void aFailureMidwayWithOverwriteLeavesTheEarlierSetByteIdentical() throws Exception {
        String[] first = {"generate-data", "--out", tmp.toString(), "--layout", "a", "--count", "6", "--size", "16", "--per-bg", "3",
                "--seed", "3", "--quiet"};
        assertEquals(0, CliRun.of(first).code());
        Files.writeString(tmp.resolve("notes.txt"), "mine");
        Map<String, String> before = snapshot(tmp);
        assertTrue(before.containsKey("file_map.txt") && before.containsKey("bg_fg/bg_fg_001_002.jpg"), before.keySet().toString());

        // one thread, four backgrounds: the progress line after the first one fails, so three are never written
        CliRun r = runWithFailingProgress("generate-data", "--out", tmp.toString(), "--overwrite", "--layout", "b", "--count", "8",
                "--size", "16", "--per-bg", "2", "--threads", "1", "--seed", "9");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("progress output failed"), r.err());
        assertEquals(before, snapshot(tmp), "the earlier set (and nothing else) must be left after a failed --overwrite");

        // the same run without the failure replaces the set
        CliRun ok = CliRun.of("generate-data", "--out", tmp.toString(), "--overwrite", "--layout", "b", "--count", "8", "--size", "16",
                "--per-bg", "2", "--threads", "1", "--seed", "9", "--quiet");
        assertEquals(0, ok.code(), ok.err());
        assertFalse(Files.exists(tmp.resolve("file_map.txt")) || Files.exists(tmp.resolve("bg_fg")), "the layout A set is replaced");
        assertTrue(Files.exists(tmp.resolve("fg_bg/bg_003/fg_bg_003_001.jpg")));
    }

    @Test
    void aFailedRunIntoANewFolderLeavesNothing() {
        Path out = tmp.resolve("new");
        CliRun r = runWithFailingProgress("generate-data", "--out", out.toString(), "--count", "4", "--size", "16", "--per-bg", "2",
                "--threads", "1");
        assertEquals(1, r.code(), r.out() + r.err());
        assertFalse(Files.exists(out), "the folder the failed run created must be removed");
    }

    @Test
    void helpAndBadArguments() {
        CliRun help = CliRun.of("generate-data", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--layout") && help.out().contains("--seed") && help.out().contains("1 = near"), help.out());
        assertTrue(help.out().replaceAll("\\s+", " ").contains("a run that fails or is interrupted leaves the old set as it was"), help.out());
        CliRun bad = CliRun.of("generate-data", "--out", tmp.toString(), "--layout", "c");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("layout must be 'a' or 'b'"), bad.err());
        CliRun missing = CliRun.of("generate-data");
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("--out"), missing.err());
    }

    @Test
    void anOutThatCannotBeCreatedGetsTheReasonNotThePathAlone() throws Exception {
        // a read-only folder, or for a user that ignores permissions (root), Linux's /proc
        Path parent = Files.createDirectory(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (Files.isWritable(parent)) {
            parent = Path.of("/proc");
            Assumptions.assumeTrue(Files.isDirectory(parent.resolve("self")), "no read-only folder for this user, and no /proc");
        }
        Path out = parent.resolve("set");
        CliRun r = CliRun.of("generate-data", "--out", out.toString(), "--count", "1", "--size", "16", "--quiet");
        assertEquals(1, r.code(), r.out() + r.err());
        String line = r.err().strip();
        assertTrue(line.contains("cannot create output folders under " + out + ": permission denied: " + out)
                || line.contains("cannot create output folders under " + out + ": no such file or folder: " + out), line);
        assertEquals(1, line.lines().count(), line);
    }
}
