package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import com.fasterxml.jackson.core.type.TypeReference;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.PluginJars;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.itests.support.TestPluginStore;
import io.gatehouse.launcher.api.PluginFailure;
import io.gatehouse.launcher.api.StoredPlugin;
import io.gatehouse.support.shell.ShellProtocol;

/**
 * Plugin management in a real framework: enable/disable as bundle start/stop through the config,
 * install/update/uninstall staged in the (test) plugin store with one restart request each, rejected
 * artifacts, and the deploy folder watched by FileInstall.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class PluginsIT {
    private static final TypeReference<List<Map<String, Object>>> ROWS = new TypeReference<>() {
    };

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigService config;

    private LauncherServices launcher;
    private TestPluginStore store;
    private Path work;

    @BeforeAll
    static void gatewayUp(LauncherServices launcher) {
        Gatehouse.awaitHealthy(launcher);
    }

    @BeforeEach
    void setUp(LauncherServices launcher) throws Exception {
        this.launcher = launcher;
        this.store = launcher.pluginStore();
        store.clear();
        // A config without a plugins section: adding the whole section is a change of path "plugins",
        // which the reload rules (deliberately) restart for; start from an existing, empty section.
        config.set("plugins", Map.of("entries", Map.of()), "itest");
        launcher.launcher().clearRestartRequests();
        work = Files.createDirectories(Path.of(context.getProperty("gatehouse.home"), "plugins-it"));
        // the ArtifactInstaller is registered once the plugins bundle is up
        Poll.until("plugins:list answers", () -> shell("plugins:list").exit() == 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("com.example.itest.")) {
                b.uninstall();
            }
        }
        Path deploy = deployDir();
        if (Files.isDirectory(deploy)) {
            try (var files = Files.list(deploy)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        if (config.current().get("plugins").isPresent()) {
            config.unset("plugins", "itest");
        }
        store.clear();
    }

    private Path deployDir() {
        return Path.of(context.getProperty("felix.fileinstall.dir"));
    }

    private ShellProtocol.Result shell(String command) throws Exception {
        return Shell.run(launcher.adminSocket().port(), launcher.adminToken(), command);
    }

    private List<Map<String, Object>> list() throws Exception {
        ShellProtocol.Result r = shell("plugins:list --json");
        assertEquals(0, r.exit(), r::toString);
        return Gatehouse.JSON.readValue(r.out(), ROWS);
    }

    private Optional<Map<String, Object>> row(String id, String state) throws Exception {
        return list().stream().filter(r -> id.equals(r.get("id")) && (state == null || state.equals(r.get("state")))).findFirst();
    }

    private List<String> restarts() {
        return launcher.launcher().restartRequests();
    }

    /** A plugin as the launcher leaves it after a restart: in the store (staged and running) and installed. */
    private Bundle installRunning(String id, String version, Map<String, String> extraHeaders) throws Exception {
        Map<String, String> h = PluginJars.plugin(id, version);
        h.putAll(extraHeaders);
        Path jar = PluginJars.write(work.resolve(id + "-" + version + ".jar"), h);
        StoredPlugin p = store.stage(id, version, "sha-" + id + "-" + version, "file:" + jar, List.of(jar));
        store.putInstalled(p);
        return context.installBundle(StoredPlugin.location(p.jars().get(0)));
    }

    // ---- enable / disable

    @Test
    void enableAndDisableStartAndStopTheBundleAndPersistTheSetting() throws Exception {
        Bundle b = installRunning("itest-hello", "1.0.0", Map.of());

        ShellProtocol.Result r = shell("plugins:enable itest-hello");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("plugin itest-hello: enabled"), r::toString);
        assertEquals(Bundle.ACTIVE, b.getState()); // the command returns once the reconcile it caused is done
        assertEquals(Boolean.TRUE, config.current().get("plugins.entries.itest-hello.enabled").orElse(null));

        r = shell("plugins:disable itest-hello");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("plugin itest-hello: disabled"), r::toString);
        assertEquals(Bundle.RESOLVED, b.getState());
        assertTrue(Files.readString(config.current().source()).contains("enabled: false")
                || Files.readString(config.current().source()).contains("\"enabled\": false"), "persisted in gatehouse.json");
        Map<String, Object> row = row("itest-hello", null).orElseThrow();
        assertEquals("disabled", row.get("state"));
        assertEquals("disabled: plugins.entries.itest-hello.enabled is false", row.get("reason"));

        // a config edit through any door does the same
        config.set("plugins.entries.itest-hello.enabled", true, "itest");
        Poll.until("bundle started by the config change", () -> b.getState() == Bundle.ACTIVE);
        assertTrue(restarts().isEmpty(), () -> "enable/disable never restarts: " + restarts());
    }

    @Test
    void enableRefusesUnknownIdsAndIdsOutsideTheAllowList() throws Exception {
        installRunning("itest-hello", "1.0.0", Map.of());
        ShellProtocol.Result r = shell("plugins:enable no-such-plugin");
        assertNotEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("unknown plugin \"no-such-plugin\"") && r.err().contains("itest-hello"), r::toString);

        config.set("plugins.allow", List.of("something-else"), "itest");
        r = shell("plugins:enable itest-hello");
        assertNotEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("not in plugins.allow"), r::toString);
        assertEquals(Map.of(), config.current().get("plugins.entries").orElse(null), "the command changed nothing");
    }

    @Test
    void aBundleThatCannotStartIsFailedWithTheReason() throws Exception {
        Bundle b = installRunning("itest-broken", "1.0.0", Map.of("Import-Package", "com.example.nowhere"));
        ShellProtocol.Result r = shell("plugins:enable itest-broken");
        assertNotEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("failed to start") && r.err().contains("com.example.nowhere"), r::toString);
        assertNotEquals(Bundle.ACTIVE, b.getState());
        Map<String, Object> row = row("itest-broken", null).orElseThrow();
        assertEquals("failed", row.get("state"));
        assertTrue(String.valueOf(row.get("reason")).contains("com.example.nowhere"), row::toString);
    }

    // ---- list

    @Test
    @SuppressWarnings("unchecked")
    void listShowsBuiltInPendingFailedAndRejectedPlugins() throws Exception {
        Path jar = PluginJars.write(work.resolve("pending.jar"), PluginJars.plugin("itest-pending", "2.0.0"));
        store.stage("itest-pending", "2.0.0", "sha-pending", "file:" + jar, List.of(jar));
        store.addFailure(new PluginFailure("install", "itest-gone", "0.9.0", "sha-gone", "deploy:gone.jar",
                "bundle com.example.gone: Unable to resolve", 1L));
        Path text = Files.writeString(work.resolve("notes.jar"), "not a jar");
        assertNotEquals(0, shell("plugins:install " + text).exit());

        List<Map<String, Object>> rows = list();
        for (Map<String, Object> r : rows) {
            assertTrue(r.keySet().containsAll(List.of("id", "version", "state", "source", "reason", "name", "description",
                    "bundles")), r::toString);
        }
        Map<String, Object> openai = rows.stream().filter(r -> "io.gatehouse.channel.openai".equals(r.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError(rows.toString()));
        assertEquals("enabled", openai.get("state"));
        assertEquals("built-in", openai.get("source"));
        assertFalse(((List<Object>) openai.get("bundles")).isEmpty());
        assertEquals("pending-restart", row("itest-pending", null).orElseThrow().get("state"));
        Map<String, Object> gone = row("itest-gone", null).orElseThrow();
        assertEquals("failed", gone.get("state"));
        assertTrue(String.valueOf(gone.get("reason")).contains("Unable to resolve"));
        Map<String, Object> rejected = list().stream().filter(r -> "rejected".equals(r.get("state"))
                && String.valueOf(r.get("source")).endsWith("notes.jar")).findFirst().orElseThrow(() -> new AssertionError(rows.toString()));
        assertTrue(String.valueOf(rejected.get("reason")).contains("not a zip file"), rejected::toString);

        ShellProtocol.Result text1 = shell("plugins:list");
        assertEquals(0, text1.exit());
        assertTrue(text1.out().startsWith("ID"), text1::toString);
        ShellProtocol.Result info = shell("plugins:info --json io.gatehouse.channel.openai");
        assertEquals(0, info.exit(), info::toString);
        Map<String, Object> i = Gatehouse.json(info.out());
        assertEquals("enabled", i.get("state"));
        assertEquals("active", ((List<Map<String, Object>>) i.get("bundles")).get(0).get("state"));
    }

    @Test
    void aRunningPluginWithAnotherStagedVersionIsPendingRestart() throws Exception {
        installRunning("itest-hello", "1.0.0", Map.of());
        Path v2 = PluginJars.write(work.resolve("hello-2.jar"), PluginJars.plugin("itest-hello", "2.0.0"));
        store.stage("itest-hello", "2.0.0", "sha-2", "file:" + v2, List.of(v2));
        Map<String, Object> row = row("itest-hello", null).orElseThrow();
        assertEquals("pending-restart", row.get("state"));
        assertTrue(String.valueOf(row.get("reason")).startsWith("update to 2.0.0 staged"), row::toString);
        store.unstage("itest-hello");
        row = row("itest-hello", null).orElseThrow();
        assertTrue(String.valueOf(row.get("reason")).startsWith("uninstall staged"), row::toString);
    }

    // ---- install / update / uninstall

    @Test
    void installStagesAValidJarAndRequestsOneRestart() throws Exception {
        Path jar = PluginJars.write(work.resolve("hello.jar"), PluginJars.plugin("itest-hello", "1.0.0"));
        ShellProtocol.Result r = shell("plugins:install " + jar);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("staged plugin itest-hello 1.0.0") && r.out().contains("restart requested"), r::toString);
        assertEquals(List.of("plugin install: itest-hello 1.0.0"), restarts());
        StoredPlugin staged = store.staged().get(0);
        assertEquals("file:" + jar, staged.source());
        assertEquals("pending-restart", row("itest-hello", null).orElseThrow().get("state"));
        assertTrue(context.getBundles().length > 0 && Arrays.stream(context.getBundles())
                .noneMatch(b -> "com.example.itest.itest.hello".equals(b.getSymbolicName())), "never installed in process");

        r = shell("plugins:install " + jar);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("already installed"), r::toString);
        r = shell("plugins:update itest-hello");
        assertTrue(r.out().contains("already up to date"), r::toString);
        assertEquals(1, restarts().size(), restarts()::toString);

        PluginJars.write(jar, PluginJars.plugin("itest-hello", "1.1.0"));
        r = shell("plugins:update itest-hello");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("plugin update: itest-hello 1.1.0", restarts().get(1));

        r = shell("plugins:uninstall itest-hello");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(store.staged().isEmpty());
        assertEquals("plugin uninstall: itest-hello 1.1.0", restarts().get(2));
    }

    @Test
    void invalidArtifactsAreRejectedWithTheReasonAndNoRestart() throws Exception {
        Path good = PluginJars.write(work.resolve("good.jar"), PluginJars.plugin("itest-hello", "1.0.0"));
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(work.resolve("truncated.jar"), Arrays.copyOf(bytes, bytes.length / 2));
        Map<String, String> core = PluginJars.plugin("x", "9.0.0");
        core.put("Bundle-SymbolicName", "io.gatehouse.config");
        core.remove("Gatehouse-Plugin-Id");
        Path coreJar = PluginJars.write(work.resolve("config.jar"), core);
        Map<String, String> builtIn = PluginJars.plugin("y", "9.0.0");
        builtIn.put("Bundle-SymbolicName", "io.gatehouse.channel.webchat");
        builtIn.remove("Gatehouse-Plugin-Id");
        Path builtInJar = PluginJars.write(work.resolve("webchat.jar"), builtIn);

        Map<Path, String> expected = Map.of(truncated, "not a zip file (or truncated)",
                coreJar, "io.gatehouse.config is a core bundle",
                builtInJar, "is a built-in plugin",
                work.resolve("missing.jar"), "no such file");
        for (Map.Entry<Path, String> e : expected.entrySet()) {
            ShellProtocol.Result r = shell("plugins:install " + e.getKey());
            assertNotEquals(0, r.exit(), r::toString);
            assertTrue(r.err().contains(e.getValue()), r::toString);
            assertTrue(list().stream().anyMatch(x -> "rejected".equals(x.get("state"))
                    && ("file:" + e.getKey()).equals(x.get("source"))), e::toString);
        }
        ShellProtocol.Result r = shell("plugins:install mvn:com.example.itest/nothing/1.0.0");
        assertNotEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("not in the local Maven repository (looked at "), r::toString);

        r = shell("plugins:uninstall io.gatehouse.channel.openai");
        assertNotEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("built-in plugin; disable it instead"), r::toString);
        assertTrue(store.staged().isEmpty());
        assertTrue(restarts().isEmpty(), restarts()::toString);
    }

    // ---- the deploy folder

    @Test
    void deployFolderStagesUpdatesAndUnstages() throws Exception {
        Path deploy = Files.createDirectories(deployDir());
        // ignored by FileInstall's filter: dotfiles and partial copies
        PluginJars.write(deploy.resolve(".hidden.jar"), PluginJars.plugin("itest-hidden", "1.0.0"));
        PluginJars.write(deploy.resolve("copying.jar.part"), PluginJars.plugin("itest-part", "1.0.0"));

        Path jar = PluginJars.write(deploy.resolve("hello.jar"), PluginJars.plugin("itest-hello", "1.0.0"));
        Poll.until("deploy/hello.jar staged", () -> store.staged().stream()
                .anyMatch(p -> p.id().equals("itest-hello") && p.source().equals("deploy:hello.jar")));
        Poll.until("one restart requested", () -> restarts().equals(List.of("plugin install: itest-hello 1.0.0")));

        PluginJars.write(jar, PluginJars.plugin("itest-hello", "1.1.0"));
        Poll.until("update staged", () -> store.staged().stream().anyMatch(p -> p.version().equals("1.1.0")));
        Poll.until("second restart requested", () -> restarts().size() == 2);
        assertEquals("plugin update: itest-hello 1.1.0", restarts().get(1));

        Files.delete(jar);
        Poll.until("unstaged", () -> store.staged().isEmpty());
        Poll.until("third restart requested", () -> restarts().size() == 3);
        assertEquals("plugin uninstall: itest-hello 1.1.0", restarts().get(2));
        assertTrue(store.staged().stream().noneMatch(p -> p.id().equals("itest-hidden") || p.id().equals("itest-part")));
        assertTrue(list().stream().noneMatch(r -> String.valueOf(r.get("id")).contains("hidden")
                || String.valueOf(r.get("source")).contains("part")));
    }

    @Test
    void aCorruptJarInTheDeployFolderIsRejectedAndChangesNothing() throws Exception {
        Path deploy = Files.createDirectories(deployDir());
        Path good = PluginJars.write(work.resolve("good.jar"), PluginJars.plugin("itest-hello", "1.0.0"));
        byte[] bytes = Files.readAllBytes(good);
        Path corrupt = Files.write(deploy.resolve("corrupt.jar"), Arrays.copyOf(bytes, bytes.length - 100));
        Map<String, Object> row = Poll.until("deploy/corrupt.jar rejected", () -> list().stream()
                .filter(r -> "deploy:corrupt.jar".equals(r.get("source"))).findFirst().orElse(null),
                r -> r != null && "rejected".equals(r.get("state")));
        assertTrue(String.valueOf(row.get("reason")).contains("not a zip file (or truncated)"), row::toString);
        assertTrue(store.staged().isEmpty());
        assertTrue(restarts().isEmpty(), restarts()::toString);
        assertTrue(Arrays.stream(context.getBundles()).noneMatch(b -> b.getLocation().contains("corrupt.jar")),
                "FileInstall did not install it itself");

        // completing the file (as a slow copy would) makes it a plugin
        Files.write(corrupt, bytes);
        Poll.until("completed file staged", () -> store.staged().stream().anyMatch(p -> p.source().equals("deploy:corrupt.jar")));
        Poll.until("rejection gone", () -> list().stream().noneMatch(r -> "rejected".equals(r.get("state"))
                && "deploy:corrupt.jar".equals(r.get("source"))));

        // uninstall through the shell deletes the file, or the next scan would install it again
        ShellProtocol.Result r = shell("plugins:uninstall itest-hello");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("deleted " + corrupt), r::toString);
        assertFalse(Files.exists(corrupt));
    }

    @Test
    void aFeatureFileInstallsItsBundlesAsOnePlugin() throws Exception {
        PluginJars.write(work.resolve("feature/a.jar"), PluginJars.plugin("itest-a", "1.0.0"));
        PluginJars.write(work.resolve("feature/b.jar"), PluginJars.plugin("itest-b", "1.0.0"));
        Path feature = Files.writeString(work.resolve("feature/pair.json"),
                "// two bundles\n{ id: 'itest-pair', version: '1.2', description: 'A and B', bundles: ['a.jar', { location: 'b.jar' },], }");
        ShellProtocol.Result r = shell("plugins:install " + feature);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("feature of 2 bundles"), r::toString);
        StoredPlugin p = store.staged().get(0);
        assertEquals("itest-pair", p.id());
        assertEquals("1.2.0", p.version());
        assertEquals(2, p.jars().size());
        assertEquals(List.of("plugin install: itest-pair 1.2.0"), restarts());
    }

    @Test
    void aRolledBackDeployFileStaysFailedUntilItChanges() throws Exception {
        Path deploy = Files.createDirectories(deployDir());
        Path jar = PluginJars.write(work.resolve("bad.jar"), PluginJars.plugin("itest-bad", "1.0.0"));
        String sha = sha256(jar);
        store.addFailure(new PluginFailure("install", "itest-bad", "1.0.0", sha, "deploy:bad.jar", "did not resolve", 1L));
        Files.copy(jar, deploy.resolve("bad.jar"));
        // a second file in the same scan tells when the first was handled
        PluginJars.write(deploy.resolve("other.jar"), PluginJars.plugin("itest-other", "1.0.0"));
        Poll.until("other.jar staged", () -> store.staged().stream().anyMatch(p -> p.id().equals("itest-other")));
        assertTrue(store.staged().stream().noneMatch(p -> p.id().equals("itest-bad")), store.staged()::toString);
        assertEquals(List.of("plugin install: itest-other 1.0.0"), restarts());
        assertEquals("failed", row("itest-bad", "failed").orElseThrow().get("state"));

        PluginJars.write(deploy.resolve("bad.jar"), PluginJars.plugin("itest-bad", "1.0.1"));
        Poll.until("the changed file staged", () -> store.staged().stream().anyMatch(p -> p.id().equals("itest-bad")));
    }

    @Test
    void aDeployJarOfAPluginInstalledOtherwiseIsRejected() throws Exception {
        Path jar = PluginJars.write(work.resolve("hello.jar"), PluginJars.plugin("itest-hello", "1.0.0"));
        assertEquals(0, shell("plugins:install " + jar).exit());
        Path deploy = Files.createDirectories(deployDir());
        PluginJars.write(deploy.resolve("hello2.jar"), PluginJars.plugin("itest-hello", "2.0.0"));
        Map<String, Object> row = Poll.until("deploy/hello2.jar rejected", () -> list().stream()
                .filter(r -> "deploy:hello2.jar".equals(r.get("source"))).findFirst().orElse(null), r -> r != null);
        assertEquals("rejected", row.get("state"));
        assertTrue(String.valueOf(row.get("reason")).contains("already installed from file:"), row::toString);
        assertEquals("1.0.0", store.staged().get(0).version());
        assertEquals(1, restarts().size(), restarts()::toString);
    }

    @Test
    void deployPluginsWhoseFileWentAwayWhileDownAreUnstaged() throws Exception {
        Path jar = PluginJars.write(work.resolve("gone.jar"), PluginJars.plugin("itest-gone", "1.0.0"));
        StoredPlugin p = store.stage("itest-gone", "1.0.0", sha256(jar), "deploy:gone.jar", List.of(jar));
        store.putInstalled(p);
        Bundle plugins = Arrays.stream(context.getBundles()).filter(b -> "io.gatehouse.plugins".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        plugins.stop();
        plugins.start();
        Poll.until("unstaged", () -> store.staged().isEmpty());
        assertEquals(List.of("plugin uninstall: itest-gone 1.0.0"), restarts());
        Poll.until("plugins:list answers again", () -> shell("plugins:list").exit() == 0);
    }

    private static String sha256(Path file) throws Exception {
        return io.gatehouse.support.files.Sha256.of(file);
    }
}
