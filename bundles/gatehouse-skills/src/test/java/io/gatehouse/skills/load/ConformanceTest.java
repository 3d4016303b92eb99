package io.gatehouse.skills.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.testsupport.FakeConfigService;

/**
 * Every {@code skills} vector of the reference (OpenClaw 2026.5.3) conformance data, and its reloader
 * scenarios about skills, run against this bundle's code (copied into test resources, so the module
 * builds on its own).
 */
class ConformanceTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    static Map<String, Object> vectors() throws Exception {
        try (InputStream in = ConformanceTest.class.getResourceAsStream("/conformance/openclaw-skills.json")) {
            return new ObjectMapper().readValue(in, Map.class);
        }
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> skillsVectors() throws Exception {
        List<Map<String, Object>> cases = (List<Map<String, Object>>) vectors().get("skills");
        assertEquals(27, cases.size(), "all skills vectors are present");
        return cases.stream().map(c -> dynamicTest(String.valueOf(c.get("name")), () -> run(c)));
    }

    @SuppressWarnings("unchecked")
    private static void run(Map<String, Object> c) {
        List<Object> args = (List<Object>) c.get("args");
        Object expect = c.get("expect");
        switch (String.valueOf(c.get("fn"))) {
            case "defaultIgnoredMatches" -> assertEquals(expect, WatchPaths.defaultIgnoredMatches((String) args.get(0)));
            case "shouldIgnoreSkillsWatchPath" -> {
                WatchPaths.Kind kind = switch ((String) args.get(1)) {
                    case "file" -> WatchPaths.Kind.FILE;
                    case "dir" -> WatchPaths.Kind.DIR;
                    case "no-stats" -> WatchPaths.Kind.NO_STATS;
                    default -> throw new AssertionError("unknown kind " + args.get(1));
                };
                assertEquals(expect, WatchPaths.shouldIgnore((String) args.get(0), kind));
            }
            case "shouldRefreshSnapshotForVersion" -> {
                Long cached = args.get(0) == null ? null : ((Number) args.get(0)).longValue();
                assertEquals(expect, SkillVersions.shouldRefresh(cached, ((Number) args.get(1)).longValue()));
            }
            case "scenario" -> scenario((Map<String, Object>) expect);
            default -> throw new AssertionError("a vector of a function this test does not know: " + c.get("fn"));
        }
    }

    private static void scenario(Map<String, Object> expect) {
        SkillVersions v = new SkillVersions();
        assertEquals(((Number) expect.get("before")).longValue(), v.get("/ws/a"));
        long t0 = System.currentTimeMillis();
        long first = v.bump(null);
        long t1 = System.currentTimeMillis();
        assertEquals(expect.get("firstBumpIsEpochMs"), first >= t0 && first <= t1 + 1);
        long second = v.bump(null);
        assertEquals(expect.get("secondBumpStrictlyGreater"), second > first);
        long local = v.bump("/ws/a");
        assertEquals(expect.get("getForWorkspaceIsMaxOfGlobalAndLocal"), v.get("/ws/a") == Math.max(v.global(), local));
        assertEquals(expect.get("getGlobalWhenNoWorkspace"), v.get(null) == v.global());
        assertEquals(expect.get("otherWorkspaceSeesGlobal"), v.get("/ws/other") == v.global());
    }

    /** The reference's config reloader: a change under skills bumps the version (and says so), another does not. */
    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> reloaderScenarios() throws Exception {
        List<Map<String, Object>> cases = (List<Map<String, Object>>) vectors().get("reloaderScenarios");
        assertEquals(2, cases.size());
        return cases.stream().map(c -> dynamicTest(String.valueOf(c.get("name")), () -> {
            Map<String, Object> given = (Map<String, Object>) c.get("given");
            Map<String, Object> expect = (Map<String, Object>) c.get("expect");
            Map<String, Object> prev = given.get("prev") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
            Path home = Files.createDirectories(tmp.resolve(String.valueOf(Math.abs(c.get("name").hashCode()))));
            FakeConfigService config = new FakeConfigService(new HashMap<>(prev));
            Logger log = (Logger) LoggerFactory.getLogger(SkillsEngine.class);
            ListAppender<ILoggingEvent> appender = new ListAppender<>();
            appender.start();
            log.addAppender(appender);
            try (SkillsEngine engine = new SkillsEngine(config::current, home, null, Map.of(), "Linux", e -> { })) {
                engine.start();
                long before = engine.version("main");
                config.set((Map<String, Object>) given.get("next"));
                engine.configChanged();
                boolean increased = engine.version("main") > before;
                assertEquals(expect.get("skillsVersionIncreased"), increased);
                List<String> lines = new ArrayList<>();
                appender.list.forEach(ev -> lines.add(ev.getFormattedMessage()));
                if (expect.get("logInfo") instanceof List<?> want) {
                    for (Object w : want) {
                        assertTrue(lines.contains(String.valueOf(w)), () -> "log " + lines + " has " + w);
                    }
                } else {
                    assertFalse(lines.stream().anyMatch(l -> l.startsWith("skills snapshot invalidated")), lines::toString);
                }
            } finally {
                log.detachAppender(appender);
            }
        }));
    }
}
