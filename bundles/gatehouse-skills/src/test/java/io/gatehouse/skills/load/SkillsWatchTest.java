package io.gatehouse.skills.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.api.skills.SkillsChangeEvent;
import io.gatehouse.testsupport.FakeConfigService;
import io.gatehouse.watch.FileWatchServiceImpl;

/** The engine with the real shared file watcher: roots appearing later, bursts, ignored folders, debounced events. */
class SkillsWatchTest {
    @TempDir
    Path home;
    Path ws;
    FakeConfigService config;
    final List<SkillsChangeEvent> events = new CopyOnWriteArrayList<>();
    final FileWatchServiceImpl watcher = new FileWatchServiceImpl();
    SkillsEngine engine;

    @BeforeEach
    void setUp() throws Exception {
        ws = Files.createDirectories(home.resolve("ws"));
        config = new FakeConfigService(Map.of("skills", Map.of("load", Map.of("watchDebounceMs", 100)),
                "agents", Map.of("list", List.of(Map.of("id", "main", "workspace", "ws")))));
        engine = new SkillsEngine(config::current, home, watcher, Map.of("PATH", "/nonexistent"), "Linux", events::add);
        engine.start();
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    String description(String name) {
        return engine.view("main").skills().skills().stream().filter(s -> s.name().equals(name)).map(s -> s.description())
                .findFirst().orElse(null);
    }

    @Test
    void watchFalseClosesTheWatchesAndReloadStillReadsFromDisk() throws Exception {
        SkillsEngineTest.poll(() -> !engine.watchStatus().isEmpty());
        config.set(Map.of("skills", Map.of("load", Map.of("watch", false)),
                "agents", Map.of("list", List.of(Map.of("id", "main", "workspace", "ws")))));
        engine.configChanged();
        assertEquals(Map.of(), engine.watchStatus());
        Path d = Files.createDirectories(ws.resolve("skills/late"));
        Files.writeString(d.resolve("SKILL.md"), "---\nname: late\ndescription: after watch off\n---\n");
        engine.reload();
        assertEquals("after watch off", description("late"));
        config.set(Map.of("agents", Map.of("list", List.of(Map.of("id", "main", "workspace", "ws")))));
        engine.configChanged();
        SkillsEngineTest.poll(() -> engine.watchStatus().keySet().contains(ws.resolve("skills").toString()));
    }

    @Test
    void aBurstIntoARootThatDidNotExistIsReadToTheEndAndIsOneEvent() throws Exception {
        // a debounce longer than any pause a loaded machine puts into the burst (at 100 ms, one pause made two events)
        config.set(Map.of("skills", Map.of("load", Map.of("watchDebounceMs", 1000)),
                "agents", Map.of("list", List.of(Map.of("id", "main", "workspace", "ws")))));
        engine.configChanged();
        Path root = ws.resolve("skills");
        Path dir = root.resolve("burst");
        Files.createDirectories(root.resolve("node_modules/pkg/x"));
        Files.writeString(root.resolve("node_modules/pkg/x/SKILL.md"), "---\nname: nm\ndescription: ignored\n---\n");
        for (int i = 0; i < 100; i++) {
            Files.writeString(Files.createDirectories(dir).resolve("SKILL.md"),
                    "---\nname: burst\ndescription: edit " + i + "\n---\nbody " + i + "\n");
        }
        SkillsEngineTest.poll(() -> "edit 99".equals(description("burst")) && events.size() == 1);
        Path s = root.resolve("sentinel");
        Files.createDirectories(s);
        Files.writeString(s.resolve(".SKILL.md.tmp"), "---\nname: sentinel\ndescription: s\n---\n");
        Files.move(s.resolve(".SKILL.md.tmp"), s.resolve("SKILL.md"), StandardCopyOption.ATOMIC_MOVE);
        SkillsEngineTest.poll(() -> events.size() == 2);
        assertEquals(s.resolve("SKILL.md").toString(), events.get(1).changedPath());
        assertEquals(ws.toString(), events.get(1).workspaceDir());
        assertEquals(SkillsChangeEvent.Reason.WATCH, events.get(1).reason());
        assertTrue(events.get(1).version() > events.get(0).version());
        assertEquals(null, description("nm"));
    }

    @Test
    void aWatchEventThatFindsANewConfigInForceIsAConfigChange() throws Exception {
        Path root = Files.createDirectories(ws.resolve("skills"));
        SkillsEngineTest.poll(() -> engine.watchStatus().keySet().contains(root.toString()));
        // the config pipeline has a new agent in force but has not told the engine yet; a file event comes first
        Path other = Files.createDirectories(home.resolve("other"));
        config.set(Map.of("skills", Map.of("load", Map.of("watchDebounceMs", 100)),
                "agents", Map.of("list", List.of(Map.of("id", "main", "workspace", "ws"), Map.of("id", "helper", "workspace", "other")))));
        Files.writeString(Files.createDirectories(root.resolve("first")).resolve("SKILL.md"), "---\nname: first\ndescription: d\n---\n");
        SkillsEngineTest.poll(() -> events.stream().anyMatch(e -> e.reason() == SkillsChangeEvent.Reason.CONFIG_CHANGE));
        engine.configChanged(); // the pipeline's notification, late: nothing left to do
        SkillsChangeEvent e = events.stream().filter(x -> x.reason() == SkillsChangeEvent.Reason.CONFIG_CHANGE).findFirst().orElseThrow();
        assertTrue(e.changedPath().startsWith("agents"), e.changedPath());
    }
}
