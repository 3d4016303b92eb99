package io.gatehouse.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;

/**
 * The config file on disk: reading it (settled while a writer may still be writing), writing it
 * atomically, and the last good copy a framework falls back to.
 */
final class ConfigFile {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFile.class);

    /** Parses text, for {@link #readSettled}: a successful parse proves a write finished. */
    interface Parse {
        void parse(String text) throws ConfigException;
    }

    private final Path file;
    private final Path lastGoodFile;

    ConfigFile(Path file, Path lastGoodFile) {
        this.file = file;
        this.lastGoodFile = lastGoodFile;
    }

    Path path() {
        return file;
    }

    Path lastGoodPath() {
        return lastGoodFile;
    }

    /** The content, or null when missing or unreadable (logged). */
    String readOrNull() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
            return null;
        }
    }

    /**
     * Reads until the file parses, or until it has not changed for {@code settleMs} (then the parse
     * error stands), bounded by {@code settleTimeoutMs}. A missing file is waited for the same way.
     */
    String readSettled(Parse parser, long settleMs, long settleTimeoutMs) throws ConfigException {
        long deadline = System.nanoTime() + settleTimeoutMs * 1_000_000L;
        String lastText = null;
        long stableSince = System.nanoTime();
        while (true) {
            String text = readOrNull();
            ConfigException failure;
            if (text != null) {
                try {
                    parser.parse(text);
                    return text;
                } catch (ConfigException e) {
                    failure = e;
                }
            } else {
                failure = new ConfigException(new ConfigError(file, 0, 0, "", "file is missing; keeping the last good config"));
            }
            if (!Objects.equals(text, lastText)) {
                lastText = text;
                stableSince = System.nanoTime();
            }
            long now = System.nanoTime();
            if (now - stableSince >= settleMs * 1_000_000L || now >= deadline) {
                throw failure;
            }
            try {
                Thread.sleep(10); // re-read interval while a writer may still be writing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure;
            }
        }
    }

    /**
     * Temp file + rename beside the real file (through a symlink, so a linked config stays linked),
     * keeping the file's permissions; a new file is created readable by its owner only (it may hold secrets).
     */
    void writeAtomically(String text) throws ConfigException {
        try {
            Path real = Files.exists(file) ? file.toRealPath() : file;
            Path tmp = real.resolveSibling("." + real.getFileName() + ".gatehouse-" + ProcessHandle.current().pid() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, Files.exists(real) ? Files.getPosixFilePermissions(real)
                        : PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // keep defaults
            }
            try {
                Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, real, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ConfigException(new ConfigError(file, 0, 0, "", "cannot write: " + e.getMessage()), e);
        }
    }

    /** The last applied text, or null. */
    String readLastGood() throws IOException {
        return lastGoodFile != null && Files.exists(lastGoodFile) ? Files.readString(lastGoodFile, StandardCharsets.UTF_8)
                : null;
    }

    boolean hasLastGood() {
        return lastGoodFile != null && Files.exists(lastGoodFile);
    }

    /** Remembers the applied file text (0600: it may hold secrets), so a framework that starts during a bad write keeps running on it. */
    void saveLastGood(String text) {
        if (lastGoodFile == null) {
            return;
        }
        try {
            Files.createDirectories(lastGoodFile.getParent());
            Path tmp = lastGoodFile.resolveSibling(lastGoodFile.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // keep defaults
            }
            Files.move(tmp, lastGoodFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("cannot save {}: {}", lastGoodFile, e.toString());
        }
    }
}
