package jgrad.core.io;

import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFileTest {
    @TempDir
    Path dir;

    /** What any new file in the folder gets (0666 less the umask). */
    private String plainNewFileMode() throws IOException {
        return Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain"))).toString();
    }

    @Test
    void writtenFilesGetTheModeOfAnyNewFileNotTheTemporaryFilesOwnerOnlyMode() throws IOException {
        Path a = dir.resolve("a.txt"), n = dir.resolve("n.npy");
        AtomicFile.writeString(a, "x");
        Npy.write(n, Tensor.of(new float[]{1, 2}, 2));
        String expected = plainNewFileMode();
        assertEquals(expected, Files.getPosixFilePermissions(a).toString());
        assertEquals(expected, Files.getPosixFilePermissions(n).toString());
    }

    @Test
    void aFailedWriteKeepsThePreviousContentAndLeavesNoTemporaryFile() throws IOException {
        Path a = dir.resolve("a.txt");
        AtomicFile.writeString(a, "old");
        assertThrows(IOException.class, () -> AtomicFile.write(a, out -> {
            out.write('n');
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(a));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    /**
     * A folder in which no file can be created: a read-only one, or for a user that ignores
     * permissions (root), Linux's /proc.
     */
    static Path unwritableFolder(Path dir) throws IOException {
        Path ro = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!Files.isWritable(ro)) return ro;
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc.resolve("self")), "no read-only folder for this user, and no /proc");
        return proc;
    }

    @Test
    void aFolderThatCannotHoldTheFileIsReportedForTheTargetNotTheTemporaryFile() throws IOException {
        Path target = unwritableFolder(dir).resolve("g.npy");
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFile.writeString(target, "x"));
        assertEquals(target.toString(), e.getFile(), e.toString());
        assertTrue(!e.getMessage().contains(".tmp"), e.getMessage());
        assertTrue(e.getMessage().endsWith(": permission denied") || e.getMessage().endsWith(": no such file or folder"), e.getMessage());
        assertTrue(!Files.exists(target));
    }
}
