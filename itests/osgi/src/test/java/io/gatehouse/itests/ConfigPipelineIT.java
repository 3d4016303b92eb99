package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ConfigReloadListener;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.itests.support.TestSections;
import io.gatehouse.support.shell.ShellProtocol;

/**
 * The config pipeline in a real framework: every write style, slow writers, invalid input, the
 * reload modes, hot actions, and the shell and Config Admin doors, each checked against the file,
 * what the shell shows and what components use.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class ConfigPipelineIT {
    static final Duration APPLY = ConfigFile.APPLY;
    /** Reads the file in the gateway's JSON5 dialect (the one the launcher and the config bundle read). */
    static final com.fasterxml.jackson.databind.ObjectMapper JSON5 = io.gatehouse.support.json5.Json5.mapper();

    @InjectService(timeout = 30_000)
    ConfigService config;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 30_000)
    org.osgi.service.metatype.MetaTypeService metaType;

    ConfigFile configFile;
    Path file;
    Path etc;
    final List<ConfigReloadEvent> events = new CopyOnWriteArrayList<>();
    final List<String> actions = new CopyOnWriteArrayList<>();
    ServiceRegistration<ConfigReloadListener> listener;
    ServiceRegistration<ReloadHandler> handler;
    ServiceRegistration<ConfigSection> section;
    /** {@code talk}: a section only a framework restart applies (the gateway address moves in place now). */
    ServiceRegistration<ConfigSection> restartSection;

    @BeforeEach
    void setUp() throws Exception {
        // written by a temp file and a rename as vim does; the pipeline must take the rename, not the temp file
        configFile = ConfigFile.of(ConfigPipelineIT.class, ".gatehouse.json.swp");
        file = configFile.path();
        etc = configFile.dir();
        BundleContext ctx = FrameworkUtil.getBundle(ConfigPipelineIT.class).getBundleContext();
        listener = ctx.registerService(ConfigReloadListener.class, events::add, null);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ReloadHandler.ACTIONS, new String[] {"reload-messages", "restart-channel:*"});
        handler = ctx.registerService(ReloadHandler.class, (action, plan, snapshot) -> actions.add(action), props);
        // the test owns "messages" as a subsystem bundle would: free keys, hot with reload-messages
        section = TestSections.register(ConfigPipelineIT.class, "messages", Shape.object().open(),
                ReloadRule.hot("messages", "reload-messages"));
        restartSection = TestSections.restartOnly(ConfigPipelineIT.class, "talk");
    }

    @AfterEach
    void restore(LauncherServices launcher) throws Exception {
        listener.unregister();
        handler.unregister();
        section.unregister();
        restartSection.unregister();
        configFile.putBack(); // a regular file again where a test left a symlink
        try (Stream<Path> s = Files.list(etc)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("..")).toList()) {
                deleteTree(p);
            }
        }
        configFile.awaitOriginal(config, () -> !config.current().get("messages").isPresent()
                && !config.current().get("talk").isPresent());
    }

    private void writeInPlace(String text) throws Exception {
        Files.writeString(file, text);
    }

    private static String withMarker(int n) {
        return "// marker config\n{\n  gateway: { bind: 'loopback', port: 0 },\n  messages: { marker: " + n + " },\n}\n";
    }

    private void awaitMarker(int n) {
        ConfigFile.awaitNumber(config, "messages.marker", n);
        // the snapshot is published before its attempt is recorded: wait for the record too, so a test
        // that clears the events next does not see this one arrive afterwards
        String hash = config.current().hash();
        Poll.until("reload to marker " + n + " recorded", APPLY, () -> config.history().stream().anyMatch(e -> hash.equals(e.hash())
                && !ConfigReloadEvent.REJECTED.equals(e.outcome())) && events.stream().anyMatch(e -> hash.equals(e.hash())), ok -> ok);
    }

    /**
     * {@link #awaitMarker}, and the listener has the marker's reload event too: the new config is in force
     * before the hot actions run and the event is recorded, so clearing {@code events} right after
     * {@link #awaitMarker} could miss that event and see it arrive later.
     */
    private void awaitMarkerEvent(int n) {
        awaitMarker(n);
        String hash = config.current().hash();
        Poll.until("the reload event of marker " + n, APPLY, () -> events.stream().anyMatch(e -> hash.equals(e.hash())), v -> v);
    }

    @Test
    void inPlaceWrite() throws Exception {
        writeInPlace(withMarker(1));
        awaitMarker(1);
        // The snapshot is in force before the hot actions run: wait for the action.
        Poll.until("hot action reload-messages ran", APPLY, () -> List.copyOf(actions), a -> a.contains("reload-messages"));
    }

    @Test
    void writeToTempThenRename() throws Exception {
        // ConfigFile writes .gatehouse.json.swp beside the file, then renames it over the file
        configFile.write(withMarker(2));
        awaitMarker(2);
    }

    @Test
    void kubernetesSymlinkSwap() throws Exception {
        Path v1 = Files.createDirectory(etc.resolve("..v1"));
        Files.writeString(v1.resolve("gatehouse.json"), withMarker(3));
        Files.createSymbolicLink(etc.resolve("..data"), Path.of("..v1"));
        Path link = etc.resolve(".link.tmp");
        Files.createSymbolicLink(link, Path.of("..data/gatehouse.json"));
        Files.move(link, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        awaitMarker(3);

        Path v2 = Files.createDirectory(etc.resolve("..v2"));
        Files.writeString(v2.resolve("gatehouse.json"), withMarker(4));
        Path dataTmp = etc.resolve("..data_tmp");
        Files.createSymbolicLink(dataTmp, Path.of("..v2"));
        Files.move(dataTmp, etc.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        deleteTree(v1);
        awaitMarker(4);

        // A write through the swapped link is seen too.
        Files.writeString(v2.resolve("gatehouse.json"), withMarker(5));
        awaitMarker(5);
        assertTrue(Files.isSymbolicLink(file));
    }

    @Test
    void deleteThenRecreateKeepsTheLastGoodConfigMeanwhile() throws Exception {
        writeInPlace(withMarker(6));
        awaitMarker(6);
        Files.delete(file);
        Poll.until("missing file reported", APPLY, () -> events.stream()
                .anyMatch(e -> ConfigReloadEvent.REJECTED.equals(e.outcome()) && e.error().reason().contains("missing")), x -> x);
        assertEquals(6, ((Number) config.current().get("messages.marker").orElseThrow()).intValue());
        writeInPlace(withMarker(7));
        awaitMarker(7);
    }

    @Test
    void anEmptyOrCommentOnlyFileIsNeverApplied() throws Exception {
        writeInPlace(withMarker(18));
        awaitMarkerEvent(18);
        String hash = config.current().hash();
        events.clear();
        writeInPlace("// a writer truncated the file and has not written yet\n");
        ConfigReloadEvent e = Poll.until("comment-only file rejected", APPLY, () -> last(ConfigReloadEvent.REJECTED), x -> x != null);
        assertTrue(e.error().reason().contains("no JSON object"), e.error().toString());
        assertEquals(hash, config.current().hash(), "an empty config was applied");
        assertTrue(events.stream().noneMatch(x -> ConfigReloadEvent.HOT.equals(x.outcome())
                || ConfigReloadEvent.RESTART.equals(x.outcome())), events.toString());
    }

    @Test
    void slowChunkedWriterIsNeverReadHalfWritten() throws Exception {
        writeInPlace(withMarker(8));
        awaitMarkerEvent(8);
        events.clear();
        StringBuilder big = new StringBuilder("{\n  gateway: { bind: 'loopback', port: 0 },\n  messages: {\n");
        for (int i = 0; i < 200; i++) {
            big.append("    k").append(i).append(": 'value number ").append(i).append("',\n");
        }
        big.append("    marker: 9,\n  },\n}\n");
        byte[] bytes = big.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            int chunk = bytes.length / 10 + 1;
            for (int off = 0; off < bytes.length; off += chunk) {
                out.write(bytes, off, Math.min(chunk, bytes.length - off));
                out.flush();
                Thread.sleep(50); // the writer's pace: ten chunks over 500 ms (not a wait for an effect)
            }
        }
        awaitMarker(9);
        assertEquals("value number 199", config.current().get("messages.k199").orElseThrow());
        for (ConfigReloadEvent e : events) {
            assertFalse(ConfigReloadEvent.REJECTED.equals(e.outcome()), "a partial file was reported: " + e);
        }
    }

    @Test
    void invalidJsonAndSchemaErrorsKeepTheLastGoodConfig() throws Exception {
        writeInPlace(withMarker(10));
        awaitMarker(10);
        String hash = config.current().hash();

        writeInPlace("{\n  gateway: {\n    port: 'eighty',\n  },\n}\n");
        ConfigReloadEvent rejected = Poll.until("schema error", APPLY, () -> last(ConfigReloadEvent.REJECTED), e -> e != null);
        assertEquals("gateway.port", rejected.error().path());
        assertEquals(3, rejected.error().line());
        assertEquals(11, rejected.error().column());
        assertTrue(rejected.error().toString().startsWith(file + ":3:11: gateway.port: expected an integer"),
                rejected.error().toString());
        assertEquals(hash, config.current().hash());
        assertEquals(rejected.error(), config.lastError().orElseThrow());

        events.clear();
        writeInPlace("{\n  gatway: {},\n}\n");
        ConfigReloadEvent typo = Poll.until("unknown key", APPLY, () -> last(ConfigReloadEvent.REJECTED), e -> e != null);
        assertTrue(typo.error().reason().contains("did you mean \"gateway\""), typo.error().toString());
        assertEquals(2, typo.error().line());
        assertEquals(hash, config.current().hash());
    }

    @Test
    void hybridModeRestartsForRestartClassChangesAndHotAppliesTheRest(LauncherServices launcher) throws Exception {
        int before = launcher.launcher().restartRequests().size();
        writeInPlace("{ gateway: { bind: 'loopback', port: 0 }, talk: { voice: 'low' }, messages: { marker: 11 } }");
        awaitMarker(11);
        Poll.until("restart requested", APPLY, () -> launcher.launcher().restartRequests().size(), n -> n == before + 1);
        assertTrue(launcher.launcher().restartRequests().get(before).contains("talk"));
        Poll.until("restart recorded", APPLY, () -> last(ConfigReloadEvent.RESTART), e -> e != null);
    }

    @Test
    void hotModeNeverRestarts(LauncherServices launcher) throws Exception {
        int before = launcher.launcher().restartRequests().size();
        writeInPlace("{ gateway: { bind: 'loopback', port: 0, reload: { mode: 'hot' } }, talk: { voice: 'low' }, messages: { marker: 12 } }");
        awaitMarker(12);
        // The snapshot is published before the attempt is recorded: wait for the record.
        ConfigReloadEvent e = Poll.until("hot reload recorded", APPLY, () -> last(ConfigReloadEvent.HOT), x -> x != null);
        assertTrue(e.detail().contains("talk"), e.detail());
        assertTrue(config.pendingRestart().stream().anyMatch(p -> p.startsWith("talk")), config.pendingRestart().toString());
        assertEquals(before, launcher.launcher().restartRequests().size());
    }

    @Test
    void restartModeRestartsEvenForHotChanges(LauncherServices launcher) throws Exception {
        int before = launcher.launcher().restartRequests().size();
        writeInPlace("{ gateway: { bind: 'loopback', port: 0, reload: { mode: 'restart' } }, messages: { marker: 13 } }");
        awaitMarker(13);
        Poll.until("restart requested", APPLY, () -> launcher.launcher().restartRequests().size(), n -> n == before + 1);
    }

    @Test
    void offModeAppliesNothing(LauncherServices launcher) throws Exception {
        writeInPlace("{ gateway: { bind: 'loopback', port: 0, reload: { mode: 'off' } }, messages: { marker: 14 } }");
        ConfigReloadEvent e = Poll.until("off decision", APPLY, () -> last(null), x -> x != null);
        assertEquals(ConfigReloadEvent.NOOP, e.outcome());
        assertTrue(e.detail().contains("off"), e.detail());
        assertTrue(config.current().get("messages.marker").isEmpty(), "reload mode off applied a change");
    }

    @Test
    void metaOnlyChangeIsANoOp(LauncherServices launcher) throws Exception {
        writeInPlace(withMarker(15));
        awaitMarkerEvent(15);
        int restarts = launcher.launcher().restartRequests().size();
        actions.clear();
        events.clear();
        writeInPlace(withMarker(15).replace("messages:", "meta: { lastTouchedAt: '2026-11-21T00:00:00Z' },\n  messages:"));
        ConfigReloadEvent e = Poll.until("meta change evaluated", APPLY, () -> last(null), x -> x != null);
        assertEquals(ConfigReloadEvent.NOOP, e.outcome());
        assertEquals(List.of("meta"), e.paths());
        assertEquals(List.of(), actions);
        assertEquals(restarts, launcher.launcher().restartRequests().size());
    }

    @Test
    void identicalContentDoesNothing() throws Exception {
        writeInPlace(withMarker(16));
        awaitMarkerEvent(16);
        int count = config.history().size();
        events.clear();
        writeInPlace(withMarker(16)); // same bytes again: a touch
        writeInPlace(withMarker(16).replace("// marker config", "// a comment changed"));
        ConfigReloadEvent e = Poll.until("comment-only change evaluated", APPLY, () -> last(null), x -> x != null);
        assertEquals(ConfigReloadEvent.NOOP, e.outcome());
        assertEquals(List.of(), e.paths());
        assertTrue(config.history().size() <= count + 1, "the identical touch was processed");
    }

    @Test
    void aPathNoRuleCoversRestarts() {
        ReloadPlan p = config.plan(List.of("nosuchsection.value"));
        assertTrue(p.restartGateway());
        assertEquals(List.of("nosuchsection.value"), p.restartReasons());
        assertTrue(config.plan(List.of("meta.lastTouchedAt")).noop());
        // a section of the reference that Gatehouse does not implement: kept, nothing to do, said so
        ReloadPlan cron = config.plan(List.of("cron.jobs"));
        assertFalse(cron.restartGateway());
        assertEquals(List.of(), cron.actions());
        assertEquals(List.of("cron.jobs: ignored: not implemented by Gatehouse"), cron.inert());
    }

    @Test
    void shellEditsKeepCommentsAndAgreeEverywhere(LauncherServices launcher) throws Exception {
        ShellProtocol.Result set = shell(launcher, "config:set logging.level debug");
        assertEquals(0, set.exit(), set.toString());
        String text = Files.readString(file);
        assertTrue(text.contains("// Config the integration-test framework starts with"), text);
        assertTrue(text.contains("level: \"debug\""), text);
        assertEquals("debug", config.current().get("logging.level").orElseThrow());
        assertEquals("\"debug\"", shell(launcher, "config:get logging.level").out().trim());
        assertAllDoorsAgree(launcher);

        ShellProtocol.Result add = shell(launcher, "config:set messages.greeting 'hello there'");
        assertEquals(0, add.exit(), add.toString());
        assertEquals("hello there", config.current().get("messages.greeting").orElseThrow());
        assertAllDoorsAgree(launcher);

        ShellProtocol.Result unset = shell(launcher, "config:unset messages");
        assertEquals(0, unset.exit(), unset.toString());
        assertTrue(config.current().get("messages").isEmpty());
        assertTrue(Files.readString(file).contains("// Config the integration-test framework starts with"));

        ShellProtocol.Result bad = shell(launcher, "config:set gateway.port eighty");
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("gateway.port"), bad.err());
        assertFalse(Files.readString(file).contains("eighty"), "a refused edit reached the file");
    }

    @Test
    void configAdminEditsAreWrittenBackWithCommentsKept(LauncherServices launcher) throws Exception {
        Configuration logging = Poll.until("gatehouse.logging mirrored", APPLY,
                () -> configAdmin.getConfiguration("gatehouse.logging", "?"), c -> c.getProperties() != null);
        Dictionary<String, Object> props = logging.getProperties();
        assertEquals("info", props.get("level"));
        props.put("level", "warn");
        logging.update(props);
        Poll.until("written back", APPLY, () -> config.current().get("logging.level").orElse(null), "warn"::equals);
        String text = Files.readString(file);
        assertTrue(text.contains("// Config the integration-test framework starts with"), text);
        assertTrue(text.contains("\"org.eclipse.jetty\": \"warn\""), text);
        assertAllDoorsAgree(launcher);
    }

    @Test
    void sectionsAreDescribedWithMetatype() throws Exception {
        org.osgi.framework.Bundle configBundle = java.util.Arrays.stream(FrameworkUtil.getBundle(ConfigPipelineIT.class)
                .getBundleContext().getBundles()).filter(b -> "io.gatehouse.config".equals(b.getSymbolicName())).findFirst()
                .orElseThrow();
        org.osgi.service.metatype.ObjectClassDefinition ocd = Poll.until("gatehouse.logging described", APPLY,
                () -> metaType.getMetaTypeInformation(configBundle).getObjectClassDefinition("gatehouse.logging", null),
                o -> o != null);
        List<String> ids = java.util.Arrays.stream(ocd.getAttributeDefinitions(org.osgi.service.metatype.ObjectClassDefinition.ALL))
                .map(org.osgi.service.metatype.AttributeDefinition::getID).toList();
        assertTrue(ids.contains("level"), ids.toString());
        assertTrue(List.of(metaType.getMetaTypeInformation(configBundle).getPids()).contains("gatehouse.gateway"));
    }

    @Test
    void fileEditsReachConfigAdmin(LauncherServices launcher) throws Exception {
        writeInPlace(withMarker(17));
        awaitMarker(17);
        Poll.until("gatehouse.messages mirrored", APPLY, () -> {
            Dictionary<String, Object> p = configAdmin.getConfiguration("gatehouse.messages", "?").getProperties();
            return p == null ? null : p.get("marker");
        }, v -> v instanceof Number n && n.intValue() == 17);
        assertAllDoorsAgree(launcher);
    }

    /** The file, config:show and the component-facing snapshot hold the same config. */
    private void assertAllDoorsAgree(LauncherServices launcher) throws Exception {
        Map<String, Object> fromFile = JSON5.readValue(Files.readString(file), Map.class);
        ShellProtocol.Result show = shell(launcher, "config:show");
        assertEquals(0, show.exit(), show.toString());
        Map<String, Object> shown = Gatehouse.json(show.out());
        ConfigSnapshot inForce = config.current();
        Map<String, Object> used = Gatehouse.JSON.readValue(Gatehouse.JSON.writeValueAsString(inForce.asMap()), Map.class);
        assertEquals(fromFile, shown, "file vs config:show");
        assertEquals(fromFile, used, "file vs what components use");
    }

    private static ShellProtocol.Result shell(LauncherServices launcher, String command) throws Exception {
        return Shell.run(launcher.adminSocket().port(), launcher.adminToken(), command);
    }

    private ConfigReloadEvent last(String outcome) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (outcome == null || outcome.equals(events.get(i).outcome())) {
                return events.get(i);
            }
        }
        return null;
    }

    private static void deleteTree(Path p) throws Exception {
        if (Files.isSymbolicLink(p) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(p);
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
