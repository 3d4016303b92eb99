package io.gatehouse.support.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file's content so that a reader, or a crash, sees the old content or the new, never a part:
 * the content goes to a temp file beside the target, which is then renamed over it. A target that is a
 * symlink stays one (the link's target is replaced). An existing file keeps its permissions; a new file
 * gets {@code rw-r--r--}, or {@code rw-------} when it holds a secret.
 */
public final class AtomicFiles {
    static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");

    private AtomicFiles() {
    }

    /** Writes {@code content}, keeping the permissions of an existing file (rw-r--r-- for a new one). */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, content, NEW_FILE);
    }

    /** {@link #write(Path, byte[])} of UTF-8 text. */
    public static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a file that holds a secret (a token, a key): readable by its owner only when new. */
    public static void writeSecret(Path file, byte[] content) throws IOException {
        write(file, content, SECRET);
    }

    private static void write(Path file, byte[] content, Set<PosixFilePermission> whenNew) throws IOException {
        Path real = Files.exists(file) ? file.toRealPath() : file;
        Path dir = real.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + real.getFileName() + ".", ".tmp");
        try {
            Set<PosixFilePermission> perms = whenNew;
            if (Files.exists(real)) {
                try {
                    perms = Files.getPosixFilePermissions(real);
                } catch (UnsupportedOperationException notPosix) {
                    perms = null;
                }
            }
            if (perms != null) {
                try {
                    Files.setPosixFilePermissions(tmp, perms);
                } catch (UnsupportedOperationException notPosix) {
                    // keep the defaults
                }
            }
            Files.write(tmp, content);
            move(tmp, real);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames {@code from} over {@code to}, atomically where the file system can. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
