package io.gatehouse.support.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

import io.gatehouse.support.json5.Json5Limits;

/**
 * Reads a text file (the config) so that no file can block, exhaust or crash the reader: only a regular
 * file is opened (a FIFO, a device such as {@code /dev/zero}, a socket or a folder is refused before it
 * is opened), at most {@code maxBytes} are read, and the bytes must be UTF-8 (a leading byte order mark
 * is dropped). Every refusal names the reason, and a position when there is one (the first byte that is
 * not UTF-8). Used by the launcher and the config pipeline alike.
 */
public final class SafeText {
    /** Why a file cannot be used as text: the reason, and a 1-based line and column (0 when none applies). */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        private final Path file;
        private final int line;
        private final int column;
        private final String reason;

        Refused(Path file, int line, int column, String reason) {
            super(file + (line > 0 ? ":" + line + ":" + column : "") + ": " + reason);
            this.file = file;
            this.line = line;
            this.column = column;
            this.reason = reason;
        }

        public Path file() {
            return file;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }

        public String reason() {
            return reason;
        }
    }

    private SafeText() {
    }

    /**
     * The text of {@code file}, or null when it does not exist (while its folder does).
     *
     * @throws Refused for every other reason the file cannot be used as text
     */
    public static String read(Path file, long maxBytes) throws Refused {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class); // follows symlinks
        } catch (NoSuchFileException e) {
            Path folder = file.toAbsolutePath().getParent();
            if (folder != null && !Files.isDirectory(folder)) {
                throw error(file, "the folder " + folder + " does not exist");
            }
            if (Files.isSymbolicLink(file)) {
                throw error(file, "is a symbolic link to " + linkTarget(file) + ", which does not exist");
            }
            return null;
        } catch (FileSystemException e) {
            throw error(file, reason(e));
        } catch (IOException e) {
            throw error(file, "cannot read: " + e.getMessage());
        }
        if (attrs.isDirectory()) {
            throw error(file, "is a folder, not a file");
        }
        if (!attrs.isRegularFile()) {
            throw error(file, "is not a regular file (a FIFO, device or socket); only a regular file is read");
        }
        if (attrs.size() > maxBytes) {
            throw error(file, "is " + attrs.size() + " bytes, over the limit of " + maxBytes + " bytes ("
                    + Json5Limits.MAX_BYTES_PROPERTY + ")");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBytes + 1));
        } catch (FileSystemException e) {
            throw error(file, reason(e));
        } catch (IOException e) {
            throw error(file, "cannot read: " + e.getMessage());
        }
        if (bytes.length > maxBytes) { // it grew after we looked
            throw error(file, "is over the limit of " + maxBytes + " bytes (" + Json5Limits.MAX_BYTES_PROPERTY + ")");
        }
        return decode(file, bytes);
    }

    /**
     * Strict UTF-8 without the byte order mark some editors write first.
     *
     * @throws Refused at the line and column of the first byte that is not UTF-8
     */
    public static String decode(Path file, byte[] bytes) throws Refused {
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            start = 3; // UTF-8 byte order mark
        } else if (bytes.length >= 2 && (((bytes[0] & 0xff) == 0xFE && (bytes[1] & 0xff) == 0xFF)
                || ((bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xFE))) {
            throw new Refused(file, 1, 1, "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length - start + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            out.flip();
            int line = 1;
            int column = 1;
            for (int i = 0; i < out.limit(); i++) {
                if (out.get(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            int at = in.position();
            throw new Refused(file, line, column, String.format(Locale.ROOT,
                    "not UTF-8: byte 0x%02X at offset %d; the file must be UTF-8 text", bytes[Math.min(at, bytes.length - 1)] & 0xff, at));
        }
        out.flip();
        return out.toString();
    }

    private static String reason(FileSystemException e) {
        String why = e.getReason() == null ? "" : e.getReason();
        if (why.contains("Too many levels of symbolic links") || why.contains("symbolic link loop")) {
            return "symbolic link loop (too many levels of symbolic links)";
        }
        if (e instanceof AccessDeniedException || why.contains("Permission denied")) {
            return "permission denied: the gateway cannot read it";
        }
        if (why.contains("Is a directory")) {
            return "is a folder, not a file";
        }
        return "cannot read: " + (why.isEmpty() ? e.getClass().getSimpleName() : why);
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private static Refused error(Path file, String reason) {
        return new Refused(file, 0, 0, reason);
    }
}
