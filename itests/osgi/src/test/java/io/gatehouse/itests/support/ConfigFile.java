package io.gatehouse.itests.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.osgi.framework.FrameworkUtil;

import io.gatehouse.api.config.ConfigService;

/**
 * The gateway's {@code gatehouse.json} as a test changes it: written as editors do (a temp file beside it,
 * then an atomic rename), put back as it was after the test, and waited for until a value is in force.
 */
public final class ConfigFile {
    /** How long a written file may take to be in force. */
    public static final Duration APPLY = Duration.ofSeconds(10);

    private final Path file;
    private final String original;
    private final String tempName;

    private ConfigFile(Path file, String tempName) throws java.io.IOException {
        this.file = file;
        this.original = Files.readString(file);
        this.tempName = tempName;
    }

    /**
     * The config file of the framework under test (the {@code gatehouse.config} property), with its content
     * now as the original {@link #restore} puts back.
     *
     * @param tempName the name of the temp file written beside it (one per test class, so that a leftover
     *                 says which test wrote it)
     */
    public static ConfigFile of(Class<?> test, String tempName) throws java.io.IOException {
        String path = FrameworkUtil.getBundle(test).getBundleContext().getProperty("gatehouse.config");
        return new ConfigFile(Path.of(path).toAbsolutePath(), tempName);
    }

    public Path path() {
        return file;
    }

    /** The folder of the file ({@code etc/}). */
    public Path dir() {
        return file.getParent();
    }

    /** The content the file had when this was made. */
    public String original() {
        return original;
    }

    /** Writes the text to the temp file and renames it over the config file. */
    public void write(String text) throws java.io.IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the bytes to the temp file and renames it over the config file. */
    public void write(byte[] bytes) throws java.io.IOException {
        Path tmp = file.resolveSibling(tempName);
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Writes the bytes to the temp file, deletes what is at the config file's path (a rename cannot replace
     * a folder), then renames the temp file there.
     */
    public void replace(byte[] bytes) throws java.io.IOException {
        Path tmp = file.resolveSibling(tempName);
        Files.write(tmp, bytes);
        Files.deleteIfExists(file);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Puts the original content back (a regular file, even where the test left a link), reloads, and waits
     * until {@code originalInForce} holds and there is no config error.
     */
    public void restore(ConfigService config, BooleanSupplier originalInForce) throws Exception {
        putBack();
        awaitOriginal(config, originalInForce);
    }

    /** Writes the original content back, as a regular file (where the test left a link too). */
    public void putBack() throws java.io.IOException {
        write(original);
    }

    /** Reloads, and waits until {@code originalInForce} holds and there is no config error. */
    public void awaitOriginal(ConfigService config, BooleanSupplier originalInForce) throws Exception {
        config.reload();
        Poll.until("original config back in force", () -> originalInForce.getAsBoolean() && config.lastError().isEmpty());
    }

    /** Waits until the number at {@code path} of the config in force is {@code n}. */
    public static void awaitNumber(ConfigService config, String path, int n) {
        Poll.until(path + " = " + n, APPLY, () -> config.current().get(path).orElse(null),
                v -> v instanceof Number x && x.intValue() == n);
    }
}
