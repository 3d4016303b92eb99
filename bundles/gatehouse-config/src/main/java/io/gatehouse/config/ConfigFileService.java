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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ConfigReloadListener;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.watch.FileWatch;
import io.gatehouse.api.watch.FileWatchService;
import io.gatehouse.api.watch.WatchListener;
import io.gatehouse.api.watch.WatchRequest;

/**
 * Reads the config file, watches it, and publishes {@link ConfigService} with the property
 * {@link ConfigService#HASH} of the config in force, changed with every applied reload. A file that
 * cannot be used leaves the last good config in force; with no file at all the embedded defaults (an
 * empty config) apply.
 *
 * <p>Torn reads are impossible by construction: a strict prefix of a JSON object never parses, so a
 * successful parse proves the write finished and is applied at once; only a failed parse waits for
 * the file to settle before it is reported.
 */
// Registers ConfigService itself (service = {}): DS cannot change a component's service properties,
// and the hash property must change with every reload.
@Component(service = {}, immediate = true, configurationPid = "gatehouse.config")
@Designate(ocd = ConfigFileService.Config.class)
public final class ConfigFileService implements ConfigService, WatchListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileService.class);

    @ObjectClassDefinition(name = "Gatehouse config file", description = "How etc/gatehouse.json is watched.")
    public @interface Config {
        @AttributeDefinition(description = "Quiet time after the last file event before reading (ms).", min = "0")
        long debounceMs() default 25;

        @AttributeDefinition(description = "An unparsable file is re-read until unchanged for this long (ms) before it is reported.", min = "0")
        long settleMs() default 150;

        @AttributeDefinition(description = "Longest wait for an unparsable or missing file to become usable (ms).", min = "0")
        long settleTimeoutMs() default 2000;
    }

    private final Path file;
    private final Config config;
    private final Json5Parser parser = new Json5Parser();
    private final ServiceRegistration<ConfigService> registration;
    private final FileWatch watch;
    private volatile Snapshot current;
    private volatile ConfigError lastError;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    final List<ConfigReloadListener> listeners = new CopyOnWriteArrayList<>();

    @Activate
    public ConfigFileService(BundleContext context, Config config, @Reference FileWatchService watcher) throws IOException {
        String configured = context.getProperty("gatehouse.config");
        this.file = Path.of(configured != null ? configured : "etc/gatehouse.json").toAbsolutePath();
        this.config = config;
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
        registration = context.registerService(ConfigService.class, this, properties(first));
        LOG.info("config in force: {} (hash {})", file, first.hash().substring(0, 12));
        watch = watcher.watch(WatchRequest.file("config", file, config.debounceMs()), this);
    }

    @Deactivate
    void deactivate() {
        watch.close();
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
        long observedAt = System.currentTimeMillis();
        Snapshot next;
        try {
            next = load();
        } catch (ConfigException e) {
            reject(observedAt, e);
            throw e;
        }
        apply(observedAt, next);
        return current;
    }

    // ---- watcher

    @Override
    public void changed(Set<Path> changed) {
        long observedAt = System.currentTimeMillis();
        synchronized (this) {
            try {
                apply(observedAt, loadSettled());
            } catch (ConfigException e) {
                reject(observedAt, e);
            }
        }
    }

    @Override
    public void problem(String message) {
        LOG.warn("config watcher: {}", message);
    }

    /**
     * Reads until the file parses, or until it has not changed for {@code settleMs} (then the parse
     * error stands), bounded by {@code settleTimeoutMs}. A missing file is waited for the same way,
     * then the last good config is kept.
     */
    private Snapshot loadSettled() throws ConfigException {
        long deadline = System.nanoTime() + config.settleTimeoutMs() * 1_000_000L;
        String lastText = null;
        long stableSince = System.nanoTime();
        while (true) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException missing) {
                text = null;
            } catch (IOException e) {
                throw new ConfigException(new ConfigError(file, 0, 0, "", "cannot read: " + e.getMessage()), e);
            }
            ConfigException failure;
            if (text != null) {
                try {
                    return snapshotOf(parser.parse(file, text));
                } catch (ConfigException e) {
                    failure = e;
                }
            } else {
                failure = new ConfigException(new ConfigError(file, 0, 0, "",
                        "file is missing; keeping the last good config"));
            }
            if (!java.util.Objects.equals(text, lastText)) {
                lastText = text;
                stableSince = System.nanoTime();
            }
            long now = System.nanoTime();
            if (now - stableSince >= config.settleMs() * 1_000_000L || now >= deadline) {
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

    private void apply(long observedAt, Snapshot next) {
        lastError = null;
        if (next.hash().equals(current.hash())) {
            notifyListeners(new ConfigReloadEvent(observedAt, System.currentTimeMillis(), current.hash(), List.of(),
                    ConfigReloadEvent.NOOP, null));
            return;
        }
        current = next;
        registration.setProperties(properties(next));
        LOG.info("config in force: {} (hash {})", file, next.hash().substring(0, 12));
        notifyListeners(new ConfigReloadEvent(observedAt, System.currentTimeMillis(), next.hash(), List.of(),
                ConfigReloadEvent.HOT, null));
    }

    private void reject(long observedAt, ConfigException e) {
        lastError = e.error();
        LOG.warn("config reload skipped (invalid config): {}", e.getMessage());
        notifyListeners(new ConfigReloadEvent(observedAt, System.currentTimeMillis(), current.hash(), List.of(),
                ConfigReloadEvent.REJECTED, e.error()));
    }

    private void notifyListeners(ConfigReloadEvent event) {
        for (ConfigReloadListener l : listeners) {
            try {
                l.reloaded(event);
            } catch (RuntimeException ex) {
                LOG.warn("config reload listener {} failed: {}", l, ex.toString());
            }
        }
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
        p.put(ConfigService.HASH, s.hash());
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
