package io.gatehouse.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.support.files.AtomicFiles;
import io.gatehouse.support.files.SettledRead;

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
        try {
            return SettledRead.read(file, settleMs, settleTimeoutMs, text -> {
                parser.parse(text);
                return text;
            });
        } catch (SettledRead.Unsettled e) {
            if (e.getCause() instanceof ConfigException c) {
                throw c;
            }
            throw new ConfigException(new ConfigError(file, 0, 0, "", e.missing()
                    ? "file is missing; keeping the last good config" : e.getMessage()), e);
        }
    }

    /**
     * Temp file + rename beside the real file (through a symlink, so a linked config stays linked),
     * keeping the file's permissions; a new file is created readable by its owner only (it may hold secrets).
     */
    void writeAtomically(String text) throws ConfigException {
        try {
            if (Files.exists(file)) {
                AtomicFiles.write(file, text);
            } else {
                AtomicFiles.writeSecret(file, text.getBytes(StandardCharsets.UTF_8));
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
            AtomicFiles.writeSecret(lastGoodFile, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("cannot save {}: {}", lastGoodFile, e.toString());
        }
    }
}
