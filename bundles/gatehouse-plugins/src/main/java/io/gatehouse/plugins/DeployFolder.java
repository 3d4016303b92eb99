package io.gatehouse.plugins;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.plugins.ArtifactValidator.Candidate;
import io.gatehouse.plugins.ArtifactValidator.InvalidArtifactException;

/**
 * The deploy folder: FileInstall hands every {@code *.jar} (and feature {@code *.json}) to this
 * installer, never to its own bundle installer, so a corrupt jar cannot reach the framework. A valid
 * plugin is staged in the launcher's plugin store and one restart is requested; an invalid one is
 * rejected (shown by {@code plugins:list}); a file that is still being copied is checked again once it
 * has settled.
 */
@Designate(ocd = DeployFolder.Config.class)
@Component(immediate = true, service = ArtifactInstaller.class, configurationPid = "io.gatehouse.plugins.deploy",
        property = Constants.SERVICE_RANKING + ":Integer=1000")
public final class DeployFolder implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(DeployFolder.class);

    @ObjectClassDefinition(name = "Gatehouse deploy folder", description = "How plugin files dropped into deploy/ are picked up")
    public @interface Config {
        @AttributeDefinition(description = "A file that is not a complete zip and was modified less than this many ms ago "
                + "is taken to be still copying and checked again later")
        long settleMs() default 3_000;

        @AttributeDefinition(description = "Interval (ms) between checks of a file that is still being copied")
        long recheckMs() default 500;
    }

    private final PluginManager manager;
    private final long settleMs;
    private final long recheckMs;
    private final ScheduledExecutorService rechecks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-plugins-deploy");
        t.setDaemon(true);
        return t;
    });
    private final Map<Path, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private final Map<Path, Long> lastSize = new ConcurrentHashMap<>();

    @Activate
    public DeployFolder(@Reference PluginManager manager, Config config) {
        this.manager = manager;
        this.settleMs = Math.max(0, config.settleMs());
        this.recheckMs = Math.max(50, config.recheckMs());
        try {
            manager.reconcileDeployFolder();
        } catch (IOException | RuntimeException e) {
            LOG.error("deploy folder: cannot unstage plugins whose file is gone: {}", e.toString(), e);
        }
    }

    @Deactivate
    void deactivate() {
        rechecks.shutdownNow();
        pending.clear();
    }

    @Override
    public boolean canHandle(File artifact) {
        String n = artifact.getName().toLowerCase(Locale.ROOT);
        return n.endsWith(".jar") || n.endsWith(".json");
    }

    @Override
    public void install(File artifact) {
        check(artifact.toPath().toAbsolutePath().normalize());
    }

    @Override
    public void update(File artifact) {
        check(artifact.toPath().toAbsolutePath().normalize());
    }

    @Override
    public void uninstall(File artifact) {
        Path file = artifact.toPath().toAbsolutePath().normalize();
        cancel(file);
        lastSize.remove(file);
        try {
            manager.undeployed(file);
        } catch (IOException | RuntimeException e) {
            LOG.error("deploy folder: cannot unstage the plugin of {}: {}", file, e.toString(), e);
        }
    }

    private void cancel(Path file) {
        ScheduledFuture<?> f = pending.remove(file);
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Validates and stages the file, or rejects it, or, while it is still being copied, checks again later. */
    synchronized void check(Path file) {
        cancel(file);
        if (!Files.isRegularFile(file)) {
            lastSize.remove(file);
            return; // gone again; FileInstall reports the removal
        }
        String source = PluginManager.DEPLOY_PREFIX + file.getFileName();
        Candidate c;
        try {
            c = manager.validator().validate(file);
        } catch (InvalidArtifactException e) {
            if (e.unreadable() && stillCopying(file)) {
                LOG.info("deploy folder: {} is not complete yet ({}); checking again in {} ms", file, e.getMessage(), recheckMs);
                manager.forget(source);
                schedule(file);
                return;
            }
            lastSize.remove(file);
            manager.reject(source, null, null, e.getMessage());
            return;
        }
        lastSize.remove(file);
        manager.forget(source);
        try {
            manager.deployed(file, c);
        } catch (IOException | RuntimeException e) {
            manager.reject(source, c.id(), c.version(), file + ": cannot stage plugin " + c.id() + ": " + e);
        }
    }

    private boolean stillCopying(Path file) {
        try {
            long size = Files.size(file);
            long modified = Files.getLastModifiedTime(file).toMillis();
            Long before = lastSize.put(file, size);
            return System.currentTimeMillis() - modified < settleMs || before == null || before != size;
        } catch (IOException e) {
            return false;
        }
    }

    private void schedule(Path file) {
        try {
            pending.put(file, rechecks.schedule(() -> check(file), recheckMs, TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // deactivated
        }
    }
}
