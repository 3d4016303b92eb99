package io.gatehouse.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;

/**
 * Reads the config file and publishes the config in force as a {@link ConfigSnapshot} service,
 * whose {@link ConfigSnapshot#HASH} property changes with every applied reload. A file that cannot
 * be used leaves the last good config in force; with no file at all the embedded defaults (an empty
 * config) apply.
 */
@Component(service = ConfigService.class, immediate = true)
public final class ConfigFileService implements ConfigService {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileService.class);

    private final Path file;
    private final Json5Parser parser = new Json5Parser();
    private final ServiceRegistration<ConfigSnapshot> registration;
    private volatile Snapshot current;
    private volatile ConfigError lastError;

    @Activate
    public ConfigFileService(BundleContext context) {
        String configured = context.getProperty("gatehouse.config");
        this.file = Path.of(configured != null ? configured : "etc/gatehouse.json").toAbsolutePath();
        Snapshot first;
        try {
            first = load();
        } catch (ConfigException e) {
            // The launcher refuses to start on an unreadable file; this covers a file broken since.
            lastError = e.error();
            LOG.error("config unusable, running on embedded defaults: {}", e.getMessage());
            first = snapshotOf(Map.of());
        }
        current = first;
        registration = context.registerService(ConfigSnapshot.class, first, properties(first));
        LOG.info("config in force: {} (hash {})", file, first.hash().substring(0, 12));
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
    }

    @Override
    public ConfigSnapshot current() {
        return current;
    }

    @Override
    public Optional<ConfigError> lastError() {
        return Optional.ofNullable(lastError);
    }

    @Override
    public synchronized ConfigSnapshot reload() throws ConfigException {
        Snapshot next;
        try {
            next = load();
        } catch (ConfigException e) {
            lastError = e.error();
            LOG.warn("config reload skipped (invalid config): {}", e.getMessage());
            throw e;
        }
        lastError = null;
        if (next.hash().equals(current.hash())) {
            return current;
        }
        current = next;
        registration.setProperties(properties(next));
        LOG.info("config in force: {} (hash {})", file, next.hash().substring(0, 12));
        return next;
    }

    private Snapshot load() throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return snapshotOf(Map.of());
        } catch (IOException e) {
            throw new ConfigException(new ConfigError(file, 0, 0, "", "cannot read: " + e.getMessage()), e);
        }
        return snapshotOf(parser.parse(file, text));
    }

    private Snapshot snapshotOf(Map<String, Object> config) {
        return new Snapshot(config, sha256(parser.canonical(config)), file, System.currentTimeMillis());
    }

    private static Hashtable<String, Object> properties(ConfigSnapshot s) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ConfigSnapshot.HASH, s.hash());
        return p;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
