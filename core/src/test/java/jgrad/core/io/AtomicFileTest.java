package jgrad.core.io;

import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
