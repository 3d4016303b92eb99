package io.gatehouse.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
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

    static final String MISSING = "file is missing; keeping the last good config";

    private final Path file;
    private final Path lastGoodFile;
    private final ConfigLimits limits;

    ConfigFile(Path file, Path lastGoodFile) {
        this(file, lastGoodFile, ConfigLimits.DEFAULTS);
    }

    ConfigFile(Path file, Path lastGoodFile, ConfigLimits limits) {
        this.file = file;
        this.lastGoodFile = lastGoodFile;
        this.limits = limits;
    }

    Path path() {
        return file;
    }

    Path lastGoodPath() {
        return lastGoodFile;
    }

    ConfigLimits limits() {
        return limits;
    }

    /**
     * The content, or null when the file does not exist. Never blocks: only a regular file is opened,
     * and at most the size limit is read.
     *
     * @throws ConfigException when the file is there but cannot be used as text (a folder, a FIFO or
     *                         device, a symlink loop, too large, not UTF-8, unreadable), with the reason
     */
    String read() throws ConfigException {
        return ConfigText.read(file, limits);
    }

    /** {@link #read()}, with a missing file as an error. */
    String readExisting() throws ConfigException {
        String text = read();
        if (text == null) {
            throw new ConfigException(new ConfigError(file, 0, 0, "", MISSING));
        }
        return text;
    }

    /**
     * Reads until the file parses, or until it has not changed for {@code settleMs} (then the last
     * error stands), bounded by {@code settleTimeoutMs}. A missing or unusable file is waited for the same way.
     */
    String readSettled(Parse parser, long settleMs, long settleTimeoutMs) throws ConfigException {
        long deadline = System.nanoTime() + settleTimeoutMs * 1_000_000L;
        String lastSeen = null;
        long stableSince = System.nanoTime();
        while (true) {
            String seen; // the text, or the reason it could not be read: a change of either restarts the settle time
            ConfigException failure;
            try {
                String text = readExisting();
                seen = text;
                try {
                    parser.parse(text);
                    return text;
                } catch (ConfigException e) {
                    failure = e;
                }
            } catch (ConfigException unreadable) {
                failure = unreadable;
                seen = "(unreadable) " + unreadable.error().reason();
            }
            if (!Objects.equals(seen, lastSeen)) {
                lastSeen = seen;
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
    String readLastGood() throws ConfigException {
        return lastGoodFile == null ? null : ConfigText.read(lastGoodFile, limits);
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
