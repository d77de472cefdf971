package jgrad.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file all-or-nothing: the content goes to a temporary file in the same folder, which
 * is flushed to disk and then renamed over the target in one atomic step. A writer that fails
 * half-way (an exception, a full disk, a killed process) leaves the previous file untouched; only
 * the temporary file may remain after a crash, and it is deleted on ordinary failures.
 */
public final class AtomicFile {
    /** Writes the content to the stream it is given. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * The temporary file's mode before the umask, as for any new file: a temporary file gets 0600
     * by default, which the rename would hand on to the target.
     */
    private static final FileAttribute<Set<PosixFilePermission>> ANYONE_MAY_READ_AND_WRITE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-"));

    private AtomicFile() {}

    public static void write(Path target, Writer writer) throws IOException {
        write(target, writer, true);
    }

    /**
     * All-or-nothing as {@link #write}, but without flushing to disk before the rename: it guards
     * against failed and killed writes, not against power loss, and keeps writing thousands of
     * small files (a generated data set) fast.
     */
    public static void writeUnsynced(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes), false);
    }

    private static void write(Path target, Writer writer, boolean sync) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp;
        try {
            tmp = dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp", ANYONE_MAY_READ_AND_WRITE)
                    : Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        } catch (FileSystemException e) {
            throw naming(target, e);
        }
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                writer.writeTo(out);
                out.flush();
                if (sync) ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /**
     * The same failure reported for the target: the temporary file's generated name is one the
     * caller never wrote, so an error naming it (a folder without write permission) misleads.
     * The reason is always set, so that the message says more than the path.
     */
    private static FileSystemException naming(Path target, FileSystemException e) {
        String t = target.toString();
        FileSystemException r = switch (e) {
            case AccessDeniedException x -> new AccessDeniedException(t, null, x.getReason() != null ? x.getReason() : "permission denied");
            case NoSuchFileException x -> new NoSuchFileException(t, null, x.getReason() != null ? x.getReason() : "no such file or folder");
            default -> new FileSystemException(t, null, e.getReason() != null ? e.getReason() : e.getMessage());
        };
        r.initCause(e);
        return r;
    }

    /** Writes text as UTF-8, all-or-nothing. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(b));
    }
}
