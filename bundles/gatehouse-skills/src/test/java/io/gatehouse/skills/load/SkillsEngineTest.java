package io.gatehouse.skills.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.api.skills.SkillsChangeEvent;
import io.gatehouse.api.skills.SkillsSnapshot.Skill;
import io.gatehouse.testsupport.FakeConfigService;

/** The engine without a watcher: loading, precedence, eligibility, filters, views, versions, plugins, bodies. */
class SkillsEngineTest {
    @TempDir
    Path home;
    Path ws;
    FakeConfigService config;
    List<SkillsChangeEvent> events = new CopyOnWriteArrayList<>();
    SkillsEngine engine;

    static void skill(Path dir, String name, String description, String extra) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("SKILL.md"), "---\nname: " + name + "\ndescription: " + description + "\n" + extra
                + "---\n# " + name + "\n\nInstructions of " + name + ".\n");
    }

    Map<String, Object> cfg(Map<String, Object> skills, List<Map<String, Object>> agents) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (skills != null) {
            m.put("skills", skills);
        }
        m.put("agents", Map.of("list", agents));
        return m;
    }

    @BeforeEach
    void setUp() throws IOException {
        ws = Files.createDirectories(home.resolve("ws"));
        config = new FakeConfigService(cfg(Map.of("load", Map.of("extraDirs", List.of("extra"))),
                List.of(Map.of("id", "main", "default", true, "workspace", "ws"), Map.of("id", "bare"))));
        engine = new SkillsEngine(config::current, home, null, Map.of("PATH", "/nonexistent"), "Linux", events::add);
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    @Test
    void laterRootsOverrideEarlierOnesAndNestedRootsLoad() throws Exception {
        skill(home.resolve("skills/alpha"), "alpha", "shared alpha", "");
        skill(home.resolve("skills/beta"), "beta", "shared beta", "");
        skill(home.resolve("extra/alpha"), "alpha", "extra alpha", "");
        skill(ws.resolve("skills/beta"), "beta", "workspace beta", "");
        skill(ws.resolve(".agents/skills/beta"), "beta", "agents beta", "");
        skill(home.resolve("extra/repo/skills/gamma"), "gamma", "nested gamma", "");
        skill(home.resolve("extra/node_modules/pkg/delta"), "delta", "ignored", "");
        skill(home.resolve("extra/.hidden/eps"), "eps", "ignored", "");
        engine.start();
        Map<String, String> main = descriptions("main");
        assertEquals(Map.of("alpha", "extra alpha", "beta", "agents beta", "gamma", "nested gamma"), main);
        assertEquals(Map.of("alpha", "extra alpha", "beta", "shared beta", "gamma", "nested gamma"), descriptions("bare"));
        Catalog.Resolved beta = engine.published().catalog().resolve(engine.published().catalog().agents().get("main")).stream()
                .filter(r -> r.entry().name().equals("beta")).findFirst().orElseThrow();
        assertEquals(List.of(home.resolve("skills/beta/SKILL.md").toString(), ws.resolve("skills/beta/SKILL.md").toString()),
                beta.overridden().stream().map(SkillEntry::location).toList());
        assertEquals(0, engine.version("main"), "a start is version 0");
    }

    Map<String, String> descriptions(String agent) {
        Map<String, String> out = new LinkedHashMap<>();
        engine.view(agent).skills().skills().forEach(s -> out.put(s.name(), s.description()));
        return out;
    }

    @Test
    void malformedFilesAreReportedAndSkippedOthersLoad() throws Exception {
        skill(home.resolve("skills/good"), "good", "fine", "");
        Path bad = Files.createDirectories(home.resolve("skills/bad")).resolve("SKILL.md");
        Files.writeString(bad, "---\nname: bad\ndescription: [unclosed\n---\n");
        Files.setLastModifiedTime(bad, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        engine.start();
        assertEquals(Map.of("good", "fine"), descriptions("main"));
        List<Problem> problems = new ArrayList<>();
        engine.published().catalog().scans().values().forEach(s -> problems.addAll(s.problems()));
        assertEquals(1, problems.size(), problems::toString);
        assertEquals(bad.toString(), problems.get(0).file());
        assertTrue(problems.get(0).line() >= 3, problems::toString);
    }

    @Test
    void aFreshlyWrittenBrokenFileIsNeitherLoadedNorReportedUntilItSettles() throws Exception {
        Path f = Files.createDirectories(home.resolve("skills/half")).resolve("SKILL.md");
        Files.writeString(f, "---\nname: half\ndescription: being writ");
        engine.start();
        assertEquals(Map.of(), descriptions("main"));
        RootScan shared = engine.published().catalog().scans().values().stream()
                .filter(s -> s.root().kind() == Root.Kind.SHARED).findFirst().orElseThrow();
        assertEquals(List.of(f), shared.unsettled());
        assertEquals(List.of(), shared.problems());
    }

    @Test
    void ineligibleAndFilteredSkillsStayOutOfThePromptButAreResolvedWithReasons() throws Exception {
        skill(home.resolve("skills/needs-gh"), "needs-gh", "gh things", "metadata: {\"openclaw\":{\"requires\":{\"bins\":[\"gh\"]}}}\n");
        skill(home.resolve("skills/plain"), "plain", "plain things", "");
        skill(home.resolve("skills/user-only"), "user-only", "only by command", "disable-model-invocation: true\n");
        engine.start();
        assertEquals(List.of("plain"), engine.view("main").skills().skills().stream().map(Skill::name).toList());
        assertEquals(List.of("plain", "user_only"),
                engine.view("main").skills().commands().stream().map(c -> c.name()).toList());
        Catalog c = engine.published().catalog();
        Catalog.Resolved gh = c.resolve(c.agents().get("main")).get(0);
        assertEquals("needs-gh", gh.entry().name());
        assertEquals(List.of("missing binaries on PATH: gh"), gh.reasons());

        config.set(cfg(null, List.of(Map.of("id", "main", "workspace", "ws", "skills", List.of("user-only")))));
        assertEquals(List.of(), engine.view("main").skills().skills());
        assertEquals(List.of("user_only"), engine.view("main").skills().commands().stream().map(x -> x.name()).toList());
        assertTrue(engine.body("main", "plain").isEmpty(), "a filtered skill's body is not served");
        assertTrue(engine.body("main", "user-only").orElseThrow().contains("Instructions of user-only"));
    }

    @Test
    void viewsAreReusedUntilTheVersionMovesAndEveryInputMovesIt() throws Exception {
        skill(home.resolve("skills/a"), "a", "first", "metadata: {\"openclaw\":{\"requires\":{\"config\":[\"tools.web\"]}}}\n");
        engine.start();
        SkillsEngine.View v1 = engine.view("main");
        assertSame(v1, engine.view("main"));
        assertEquals(List.of(), v1.skills().skills());

        // an eligibility input (a required config path) changed: new version, new view, the skill is in
        Map<String, Object> c = new LinkedHashMap<>(config.current().asMap());
        c.put("tools", Map.of("web", true));
        config.set(c);
        SkillsEngine.View v2 = engine.view("main"); // no explicit refresh: the view sees the newer config itself
        assertNotSame(v1, v2);
        assertTrue(v2.version() > v1.version());
        assertEquals(List.of("a"), v2.skills().skills().stream().map(Skill::name).toList());
        assertTrue(v2.skills().prompt().contains("<name>a</name>"), v2.skills().prompt());

        // a config change that touches nothing skills use: same version, same view
        Map<String, Object> c2 = new LinkedHashMap<>(c);
        c2.put("gateway", Map.of("port", 1234));
        config.set(c2);
        assertSame(v2, engine.view("main"));

        // a file change found by a reload: the version moves again, one manual event
        skill(home.resolve("skills/a"), "a", "second", "metadata: {\"openclaw\":{\"requires\":{\"config\":[\"tools.web\"]}}}\n");
        long before = engine.version("main");
        engine.reload();
        assertTrue(engine.version("main") > before);
        assertEquals("second", engine.view("main").skills().skills().get(0).description());
        poll(() -> events.stream().anyMatch(e -> e.reason() == SkillsChangeEvent.Reason.MANUAL));
        assertTrue(events.stream().anyMatch(e -> e.reason() == SkillsChangeEvent.Reason.CONFIG_CHANGE
                && "tools.web".equals(e.changedPath()) && e.workspaceDir() == null), events::toString);
    }

    @Test
    void aNewExtraDirIsInTheNextViewWithoutAnyFileEvent() throws Exception {
        engine.start();
        assertEquals(Map.of(), descriptions("main"));
        skill(home.resolve("more/x"), "x", "from a new root", "");
        config.set(cfg(Map.of("load", Map.of("extraDirs", List.of("extra", "more"))),
                List.of(Map.of("id", "main", "default", true, "workspace", "ws"))));
        assertEquals(Map.of("x", "from a new root"), descriptions("main"));
    }

    @Test
    void pluginSkillsComeAndGoWithTheirBundleAsOneBumpEach() throws Exception {
        engine.start();
        SkillsEngine.PluginSkills plugin = new SkillsEngine.PluginSkills() {
            @Override
            public String bundle() {
                return "io.example.plugin";
            }

            @Override
            public List<RootScanner.PluginFile> files() {
                return List.of(new RootScanner.PluginFile("skills/hello/SKILL.md",
                        "---\nname: hello\ndescription: says hello\n---\nSay hello.\n".getBytes(StandardCharsets.UTF_8)));
            }

            @Override
            public byte[] read(String entryPath) {
                if (entryPath.equals("skills/hello/SKILL.md")) {
                    return files().get(0).content();
                }
                return entryPath.equals("skills/hello/ref.md") ? "reference".getBytes(StandardCharsets.UTF_8) : null;
            }
        };
        long v0 = engine.version("main");
        engine.pluginAdded(plugin);
        long v1 = engine.version("main");
        assertTrue(v1 > v0);
        assertEquals(List.of("plugin:io.example.plugin!/skills/hello/SKILL.md"),
                engine.view("main").skills().skills().stream().map(Skill::location).toList());
        assertEquals("Say hello.", engine.body("main", "hello").orElseThrow());
        assertEquals("reference", engine.resource("main", "hello", "ref.md").orElseThrow());
        engine.pluginRemoved("io.example.plugin");
        assertTrue(engine.version("main") > v1);
        assertEquals(List.of(), engine.view("main").skills().skills());
        poll(() -> events.size() >= 2);
        assertEquals(List.of("bundle:io.example.plugin", "bundle:io.example.plugin"),
                events.stream().filter(e -> e.reason() == SkillsChangeEvent.Reason.PLUGIN).map(SkillsChangeEvent::changedPath).toList());
    }

    @Test
    void resourcesStayInsideTheSkillFolder() throws Exception {
        skill(home.resolve("skills/r"), "r", "with refs", "");
        Files.writeString(home.resolve("skills/r/notes.md"), "notes");
        Files.writeString(home.resolve("skills/secret.txt"), "outside");
        Files.createSymbolicLink(home.resolve("skills/r/link.txt"), home.resolve("skills/secret.txt"));
        engine.start();
        assertEquals("notes", engine.resource("main", "r", "notes.md").orElseThrow());
        assertTrue(engine.resource("main", "r", "missing.md").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> engine.resource("main", "r", "../secret.txt"));
        assertThrows(IllegalArgumentException.class, () -> engine.resource("main", "r", "/etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> engine.resource("main", "r", "link.txt"));
        assertFalse(engine.body("main", "nope").isPresent());
    }

    @Test
    void entriesDisableAndFeedTheEnvironment() throws Exception {
        skill(home.resolve("skills/k"), "k", "keyed", "metadata: {\"openclaw\":{\"skillKey\":\"kk\",\"primaryEnv\":\"K_TOKEN\",\"requires\":{\"env\":[\"K_TOKEN\"]}}}\n");
        engine.start();
        assertEquals(List.of(), engine.view("main").skills().skills());
        config.set(cfg(Map.of("entries", Map.of("kk", Map.of("apiKey", "secret-value", "env", Map.of("A", "b")))),
                List.of(Map.of("id", "main", "workspace", "ws"))));
        assertEquals(List.of("k"), engine.view("main").skills().skills().stream().map(Skill::name).toList());
        assertEquals(Map.of("A", "b", "K_TOKEN", "secret-value"), engine.environment("main", "k"));
        config.set(cfg(Map.of("entries", Map.of("kk", Map.of("enabled", false, "apiKey", "secret-value"))),
                List.of(Map.of("id", "main", "workspace", "ws"))));
        assertEquals(List.of(), engine.view("main").skills().skills());
        assertEquals(Map.of(), engine.environment("main", "k"));
    }

    static void poll(java.util.function.BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L; // a bound, not a timing: a loaded machine is slow
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.onSpinWait();
            Thread.sleep(5);
        }
    }
}
