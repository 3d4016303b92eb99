package io.gatehouse.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.support.files.AtomicFiles;
import io.gatehouse.support.files.SafeText;
import io.gatehouse.support.files.SettledRead;
import io.gatehouse.support.json5.Json5Limits;

/**
 * The config file on disk: reading it (settled while a writer may still be writing; never blocking,
 * bounded, strict UTF-8: {@link SafeText}), writing it atomically, and the last good copy a framework
 * falls back to.
 */
final class ConfigFile {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFile.class);
    static final String MISSING = "file is missing; keeping the last good config";

    /** Parses text, for {@link #readSettled}: a successful parse proves a write finished. */
    interface Parse {
        void parse(String text) throws ConfigException;
    }

    private final Path file;
    private final Path lastGoodFile;
    private final Json5Limits limits;

    ConfigFile(Path file, Path lastGoodFile) {
        this(file, lastGoodFile, Json5Limits.DEFAULTS);
    }

    ConfigFile(Path file, Path lastGoodFile, Json5Limits limits) {
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

    Json5Limits limits() {
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
        return read(file, limits);
    }

    /** {@link #read()} of any file. */
    static String read(Path file, Json5Limits limits) throws ConfigException {
        try {
            return SafeText.read(file, limits.maxBytes());
        } catch (SafeText.Refused e) {
            throw refused(e);
        }
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
        try {
            return SettledRead.read(file, settleMs, settleTimeoutMs, limits.maxBytes(), text -> {
                parser.parse(text);
                return text;
            });
        } catch (SettledRead.Unsettled e) {
            if (e.getCause() instanceof ConfigException c) {
                throw c;
            }
            if (e.getCause() instanceof SafeText.Refused r) {
                throw refused(r);
            }
            throw new ConfigException(new ConfigError(file, 0, 0, "", e.missing() ? MISSING : e.getMessage()), e);
        }
    }

    private static ConfigException refused(SafeText.Refused e) {
        return new ConfigException(new ConfigError(e.file(), e.line(), e.column(), "", e.reason()), e);
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
    String readLastGood() throws ConfigException {
        return lastGoodFile == null ? null : read(lastGoodFile, limits);
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
            if (Files.exists(lastGoodFile)) {
                // written 0644 by an older version: the last good config holds the same secrets as the config
                try {
                    Files.setPosixFilePermissions(lastGoodFile, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // nothing to tighten
                }
            }
            AtomicFiles.writeSecret(lastGoodFile, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("cannot save {}: {}", lastGoodFile, e.toString());
        }
    }
}
