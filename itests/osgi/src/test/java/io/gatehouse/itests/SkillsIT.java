package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.support.shell.ShellProtocol;
import io.gatehouse.api.agent.AgentTool;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.api.skills.SkillsChangeEvent;
import io.gatehouse.api.skills.SkillsListener;
import io.gatehouse.api.skills.SkillsSnapshot;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;

/**
 * The skills bundle in a real framework with the real file watcher and config pipeline: a skill added,
 * changed and removed in an agent workspace is one event each (workspace, reason, path) and a version
 * bump, and the agent's very next message sees it; ignored folders fire nothing; a burst of 100 edits is
 * one event; a plugin bundle shipping a skill adds it when started and removes it when stopped; a
 * malformed SKILL.md is reported with its line and skipped; a workspace skill overrides a shared one; an
 * ineligible skill is listed with its reason; skills config changes apply without a restart.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class SkillsIT {
    static final RouteRequest ALICE = new RouteRequest("webchat", null, new RouteRequest.Peer("direct", "skills-alice"), null,
            null, List.of(), null);
    static final long DEBOUNCE = 150;

    @InjectService(timeout = 30_000)
    ConfigService config;

    @InjectService(timeout = 30_000)
    SkillsSnapshot skills;

    @InjectService(timeout = 30_000)
    MessageSink sink;

    BundleContext ctx;
    ConfigFile configFile;
    Path home;
    Path ws;
    final List<SkillsChangeEvent> events = new CopyOnWriteArrayList<>();
    ServiceRegistration<SkillsListener> listener;
    String nonce;

    @BeforeAll
    static void gatewayUp(LauncherServices launcher) {
        Gatehouse.awaitHealthy(launcher);
    }

    @BeforeEach
    void setUp() throws Exception {
        ctx = FrameworkUtil.getBundle(SkillsIT.class).getBundleContext();
        configFile = ConfigFile.of(SkillsIT.class, ".skills-restore.tmp");
        home = Path.of(ctx.getProperty("gatehouse.home")).toAbsolutePath();
        nonce = Long.toString(System.nanoTime(), 36);
        ws = Files.createDirectories(home.resolve("skills-it-ws-" + nonce));
        config.set("skills", Map.of("load", Map.of("watchDebounceMs", DEBOUNCE)), "itest");
        // this test's events: its workspace's, and those not caused by files (config, plugins, reloads); a
        // late event of an earlier test's cleanup of the shared folder is not this test's
        List<SkillsChangeEvent> all = new CopyOnWriteArrayList<>();
        listener = ctx.registerService(SkillsListener.class, e -> {
            all.add(e);
            if (ws.toString().equals(e.workspaceDir()) || e.reason() != SkillsChangeEvent.Reason.WATCH) {
                events.add(e);
            }
        }, null);
        config.set("agents", Map.of("list", List.of(Map.of("id", "main", "default", true, "workspace", ws.toString(),
                "model", Map.of("provider", "echo", "echoSystem", true)))), "itest");
        awaitVersionSettled();
        // the agents change is an event too; once the event of the version in force arrived, no other is on its
        // way (that last one may be a late watch event of an earlier test's cleanup of the shared folder)
        long v = skills.version("main");
        Poll.until("the setup's last event", () -> all.stream().anyMatch(e -> e.version() == v));
        events.clear();
    }

    @AfterEach
    void restore() throws Exception {
        listener.unregister();
        configFile.restore(config, () -> config.current().get("agents").isEmpty()
                && config.current().get("skills").isEmpty());
        delete(ws);
        delete(home.resolve("skills"));
    }

    static void delete(Path p) throws Exception {
        if (Files.exists(p)) {
            try (Stream<Path> all = Files.walk(p)) {
                for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(x);
                }
            }
        }
    }

    void awaitVersionSettled() {
        Poll.until("skills view of the test workspace", () -> ws.toString().equals(skills.forAgent("main").workspaceDir()));
    }

    static void write(Path skillDir, String name, String description, String extra) throws Exception {
        Files.createDirectories(skillDir);
        Path tmp = skillDir.resolve(".SKILL.md.tmp");
        Files.writeString(tmp, "---\nname: " + name + "\ndescription: " + description + "\n" + extra + "---\n"
                + "Instructions of " + name + ": " + description + "\n");
        Files.move(tmp, skillDir.resolve("SKILL.md"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    SkillsChangeEvent awaitEvent(String what, java.util.function.Predicate<SkillsChangeEvent> p) {
        return Poll.until(what, () -> events.stream().filter(p).findFirst().orElse(null), e -> e != null);
    }

    String reply(String text) throws Exception {
        return sink.deliver(new InboundMessage(ALICE, text, System.currentTimeMillis()), d -> { }).toCompletableFuture()
                .get(30, TimeUnit.SECONDS).text();
    }

    Map<String, Object> list(LauncherServices launcher) throws Exception {
        ShellProtocol.Result r = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "skills:list --json");
        assertEquals(0, r.exit(), r::toString);
        return Gatehouse.json(r.out());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> skill(Map<String, Object> list, String name) {
        return ((List<Map<String, Object>>) list.get("skills")).stream().filter(s -> name.equals(s.get("name"))).findFirst()
                .orElse(null);
    }

    @Test
    void addChangeRemoveAreOneEventEachAndTheNextMessageSeesThem() throws Exception {
        String name = "weather-" + nonce;
        Path dir = ws.resolve("skills").resolve(name);
        long v0 = skills.version("main");

        write(dir, name, "looks up the weather", "");
        SkillsChangeEvent added = awaitEvent("event for the added skill", e -> e.changedPath() != null && e.changedPath().startsWith(dir.toString()));
        assertEquals(ws.toString(), added.workspaceDir());
        assertEquals(SkillsChangeEvent.Reason.WATCH, added.reason());
        assertEquals(dir.resolve("SKILL.md").toString(), added.changedPath());
        assertTrue(added.version() > v0 && skills.version("main") >= added.version());
        String r = reply("hello");
        assertTrue(r.contains("<available_skills>") && r.contains("<name>" + name + "</name>")
                && r.contains("<description>looks up the weather</description>")
                && r.contains("<location>" + dir.resolve("SKILL.md") + "</location>"), r);
        assertEquals(1, events.size(), events::toString);

        write(dir, name, "forecasts for tomorrow", "");
        Poll.until("second event", () -> events.size() == 2);
        assertTrue(events.get(1).version() > added.version());
        assertTrue(reply("again").contains("<description>forecasts for tomorrow</description>"));

        // a chat command: the skill request reaches the model (echo shows it)
        String cmd = reply("/" + name.replace('-', '_') + " Paris");
        assertTrue(cmd.startsWith("echo: Use the \"" + name + "\" skill for this request.\n\nUser input:\nParis"), cmd);

        // the body on demand, through the agent tool
        AgentTool read = tool("skills.read");
        String body = read.call(Map.of("name", name), new AgentTool.Context("main", "agent:main:main", ws, Map.of()))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("Instructions of " + name + ": forecasts for tomorrow", body);

        delete(dir);
        Poll.until("third event", () -> events.size() == 3);
        assertEquals(ws.toString(), events.get(2).workspaceDir());
        assertFalse(reply("after").contains("<name>" + name + "</name>"));
        assertEquals(3, events.size(), events::toString);
    }

    AgentTool tool(String name) throws Exception {
        var refs = ctx.getServiceReferences(AgentTool.class, "(" + AgentTool.NAME + "=" + name + ")");
        assertFalse(refs.isEmpty(), "the " + name + " tool is registered");
        return ctx.getService(refs.iterator().next());
    }

    @Test
    void ignoredFoldersFireNothingAndABurstOfEditsIsOneEvent() throws Exception {
        // a long quiet time: the burst is one change even on a busy machine (a gap of a whole debounce
        // between two writes would rightly be two)
        config.set("skills.load.watchDebounceMs", 1000, "itest");
        String name = "burst-" + nonce;
        Path root = ws.resolve("skills");
        // Counting starts once everything before the burst is in force: the debounce change, and a late watch
        // event of the previous test's cleanup, which a load for the config change may find and report as an
        // event of its own. A first skill's event comes after them (events are in version order).
        write(root.resolve("before-" + nonce), "before-" + nonce, "before the burst", "");
        awaitEvent("the first skill's event", e -> e.changedPath() != null && e.changedPath().contains("before-" + nonce));
        events.clear();
        write(root.resolve("node_modules/pkg/" + name), name + "-nm", "in node_modules", "");
        write(root.resolve(".git/x"), name + "-git", "in .git", "");
        write(root.resolve("build/x"), name + "-build", "in build", "");
        Files.writeString(Files.createDirectories(root.resolve("notes")).resolve("README.md"), "not a skill");
        Path dir = root.resolve(name);
        for (int i = 0; i < 100; i++) {
            Files.writeString(Files.createDirectories(dir).resolve("SKILL.md"),
                    "---\nname: " + name + "\ndescription: edit " + i + "\n---\nbody " + i + "\n");
        }
        Poll.until("the burst's last edit in force", () -> skills.forAgent("main").skills().stream()
                .anyMatch(s -> s.name().equals(name) && s.description().equals("edit 99")));
        long last = skills.version("main");
        SkillsChangeEvent burst = awaitEvent("the burst's event", e -> e.version() >= last);
        assertEquals(dir.resolve("SKILL.md").toString(), burst.changedPath());
        // a sentinel edit after the burst: its event comes after any other the burst could have caused
        write(root.resolve("sentinel-" + nonce), "sentinel-" + nonce, "sentinel", "");
        awaitEvent("the sentinel's event", e -> e.changedPath() != null && e.changedPath().contains("sentinel-" + nonce));
        assertEquals(2, events.size(), () -> "the ignored folders and the burst: " + events);
        assertTrue(events.get(0) == burst);
        List<String> names = skills.forAgent("main").skills().stream().map(SkillsSnapshot.Skill::name).toList();
        assertTrue(names.contains(name) && names.stream().noneMatch(n -> n.endsWith("-nm") || n.endsWith("-git") || n.endsWith("-build")),
                names::toString);
        assertEquals("edit 99", skills.forAgent("main").skills().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow()
                .description());
    }

    @Test
    void aPluginBundleShippingASkillAddsItWhenStartedAndRemovesItWhenStopped(LauncherServices launcher) throws Exception {
        String name = "plugin-hello-" + nonce;
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "com.example.itest.skills" + nonce);
        m.getMainAttributes().putValue("Bundle-Version", "1.0.0");
        m.getMainAttributes().putValue("Gatehouse-Skills", "skills");
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(jar, m)) {
            out.putNextEntry(new ZipEntry("skills/hello/SKILL.md"));
            out.write(("---\nname: " + name + "\ndescription: greets from a plugin\n---\nSay hello.\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("skills/hello/references/greetings.md"));
            out.write("hello, bonjour".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Bundle b = ctx.installBundle("itest:skills-plugin-" + nonce, new java.io.ByteArrayInputStream(jar.toByteArray()));
        try {
            long v0 = skills.version("main");
            b.start();
            // the extender has loaded the skill when start() returns
            assertTrue(skills.version("main") > v0);
            assertTrue(skills.forAgent("main").skills().stream().anyMatch(s -> s.name().equals(name)
                    && s.location().equals("plugin:com.example.itest.skills" + nonce + "!/skills/hello/SKILL.md")));
            assertEquals("hello, bonjour", skills.resource("main", name, "references/greetings.md").orElseThrow());
            SkillsChangeEvent e = awaitEvent("plugin event", x -> x.reason() == SkillsChangeEvent.Reason.PLUGIN);
            assertNull(e.workspaceDir());
            assertEquals("bundle:com.example.itest.skills" + nonce, e.changedPath());
            assertEquals("plugin", skill(list(launcher), name).get("source"));

            b.stop();
            assertFalse(skills.forAgent("main").skills().stream().anyMatch(s -> s.name().equals(name)));
            Poll.until("second plugin event", () -> events.stream().filter(x -> x.reason() == SkillsChangeEvent.Reason.PLUGIN).count() == 2);
        } finally {
            b.uninstall();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void malformedOverriddenAndIneligibleSkillsAreListedForWhatTheyAre(LauncherServices launcher) throws Exception {
        String name = "dup-" + nonce;
        write(home.resolve("skills").resolve(name), name, "the shared copy", "");
        write(ws.resolve("skills").resolve(name), name, "the workspace copy", "");
        write(ws.resolve("skills").resolve("needs-" + nonce), "needs-" + nonce, "needs a binary",
                "metadata: {\"openclaw\": {\"requires\": {\"bins\": [\"gatehouse-no-such-binary\"]}}}\n");
        Path bad = Files.createDirectories(ws.resolve("skills/bad-" + nonce)).resolve("SKILL.md");
        Files.writeString(bad, "---\nname: bad\ndescription: [oops\n---\n");
        Map<String, Object> list = Poll.until("the listing with the malformed file", () -> list(launcher),
                l -> ((List<Map<String, Object>>) l.get("problems")).stream().anyMatch(p -> bad.toString().equals(p.get("file")))
                        && skill(l, "needs-" + nonce) != null && skill(l, name) != null
                        && "the workspace copy".equals(skill(l, name).get("description")));
        Map<String, Object> problem = ((List<Map<String, Object>>) list.get("problems")).stream()
                .filter(p -> bad.toString().equals(p.get("file"))).findFirst().orElseThrow();
        assertEquals(3, problem.get("line"), problem::toString);
        assertTrue(String.valueOf(problem.get("reason")).startsWith("invalid YAML front matter"), problem::toString);
        assertEquals("workspace", skill(list, name).get("source"));
        assertEquals(List.of(home.resolve("skills").resolve(name).resolve("SKILL.md").toString()), skill(list, name).get("overrides"));
        Map<String, Object> needs = skill(list, "needs-" + nonce);
        assertEquals("ineligible", needs.get("status"));
        assertEquals(List.of("missing binaries on PATH: gatehouse-no-such-binary"), needs.get("reasons"));
        String text = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "skills:list").out();
        assertTrue(text.contains("ineligible: missing binaries on PATH: gatehouse-no-such-binary"), text);
        assertTrue(text.contains(bad + ":3:"), text);
        assertFalse(reply("x").contains("<name>needs-" + nonce + "</name>"));

        // config: turning the skill off is hot, no restart, and bumps the version
        long v = skills.version("main");
        int restarts = launcher.launcher().restartRequests().size();
        config.set("skills.entries", Map.of(name, Map.of("enabled", false)), "itest");
        assertTrue(skills.version("main") > v);
        assertEquals("disabled", skill(list(launcher), name).get("status"));
        assertEquals(restarts, launcher.launcher().restartRequests().size(), "no framework restart");
        awaitEvent("config event", e -> e.reason() == SkillsChangeEvent.Reason.CONFIG_CHANGE);
    }
}
